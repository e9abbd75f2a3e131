"""Parquet export of the marts: partitioned by date, readable back with identical rows, swapped in whole."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from warehouse.export import export_parquet

EXE = Path(sys.executable).parent / "copilot-usage"


def test_marts_round_trip_through_partitioned_parquet(model_warehouse, tmp_path):
    cfg, _, _ = model_warehouse
    out = tmp_path / "lake"
    p = subprocess.run([str(EXE), "export", "--config", cfg.source, "--raw", str(out)], capture_output=True,
                       text=True, env=os.environ, timeout=300)
    assert p.returncode == 0, p.stdout + p.stderr
    con = duckdb.connect(cfg.warehouse.path, read_only=True)
    try:
        for table, part in (("mart_usage_by_group", "as_of"), ("mart_stagnation", "week_start"),
                            ("raw_copilot_usage_user_detail", "_report_refresh_date")):
            dirs = sorted(d.name for d in (out / table).iterdir())
            dates = con.execute(f"select distinct {part}::varchar from {table} order by 1").fetchall()
            assert dirs == [f"{part}={d}" for (d,) in dates]
            cols = ", ".join(r[0] for r in con.execute(f"describe {table}").fetchall())
            parquet = (f"read_parquet('{out}/{table}/*/*.parquet', hive_partitioning = true, "
                       "hive_types_autocast = true)")
            diff = con.execute(f"select count(*) from ((select {cols} from {table} except all select {cols} from "
                               f"{parquet}) union all (select {cols} from {parquet} except all select {cols} "
                               f"from {table}))").fetchone()[0]
            assert diff == 0, table
            assert con.execute(f"select count(*) from {parquet}").fetchone() == con.execute(
                f"select count(*) from {table}").fetchone()
    finally:
        con.close()
    assert "mart_acceptance_heatmap" in p.stdout and "raw_users" in p.stdout


def test_a_second_export_replaces_the_first_and_an_empty_warehouse_is_a_clear_error(model_warehouse, tmp_path):
    cfg, _, _ = model_warehouse
    out = tmp_path / "lake"
    first = export_parquet(cfg.warehouse.path, out)
    stray = out / "mart_stagnation" / "week_start=1999-01-04"
    stray.mkdir()
    second = export_parquet(cfg.warehouse.path, out)
    assert [(e.table, e.rows) for e in first] == [(e.table, e.rows) for e in second]
    assert not stray.exists() and not list(out.glob(".*"))
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    with pytest.raises(ValueError, match="no marts yet"):
        export_parquet(str(empty), tmp_path / "x")


def test_backup_is_a_consistent_openable_copy_and_waits_for_writers(model_warehouse, tmp_path):
    from warehouse.backup import backup
    from warehouse.lock import WriterBusy, writer_lock

    cfg, _, _ = model_warehouse
    folder = tmp_path / "backups"
    folder.mkdir()
    written = backup(cfg.warehouse.path, folder)
    assert written.parent == folder and written.suffix == ".duckdb" and not list(folder.glob("*.partial"))
    con = duckdb.connect(str(written), read_only=True)
    try:
        copied = con.execute("select count(*), sum(active_users) from mart_usage_by_group").fetchone()
    finally:
        con.close()
    con = duckdb.connect(cfg.warehouse.path, read_only=True)
    try:
        assert copied == con.execute("select count(*), sum(active_users) from mart_usage_by_group").fetchone()
    finally:
        con.close()
    with writer_lock(cfg.warehouse.path, wait_seconds=0, job="collector"), pytest.raises(WriterBusy):
        backup(cfg.warehouse.path, tmp_path / "b.duckdb", wait_seconds=0.2)
    with pytest.raises(ValueError, match="not a local DuckDB file"):
        backup("md:copilot_usage", tmp_path / "c.duckdb")
