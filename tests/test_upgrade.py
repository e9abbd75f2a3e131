"""Upgrade safety: a warehouse built by the previous release is upgraded by this one (`copilot-usage transform`:
migrations, then the rebuild) and nothing is lost.

The fixture (tests/fixtures/upgrade, see its README) is a warehouse the previous release built from a simulated
tenant collected day by day. The test upgrades a copy and checks (a) every table the transform does not own
(raw landings, run log, champions, follow-ups, imports) keeps its rows, (b) the marts equal the marts this
release builds in a fresh warehouse from the same simulated days, (c) the marts whose definition did not change
since that release (same fingerprint of their SQL, parameters and everything they read) equal the fixture's own.
Marts are compared order-insensitively, floats rounded, without per-run columns (timestamps, run ids).
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import duckdb
import pytest

from warehouse import db, fingerprints
from warehouse.config import load_config
from warehouse.transform import LAYERS, _write_params

FIXTURE = Path(__file__).parent / "fixtures" / "upgrade"
EXE = Path(sys.executable).parent / "copilot-usage"
BUILT = ("int_", "mart_", "stg_", "_model_", "_job_function_", "_transform_", "_prev_")  # what transform owns


def _build_module():
    spec = importlib.util.spec_from_file_location("upgrade_fixture_build", FIXTURE / "build.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _kept_tables(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Row counts of the tables the transform does not build: what an upgrade must not lose."""
    names = [r[0] for r in con.execute("select table_name from duckdb_tables() order by 1").fetchall()]
    return {t: con.execute(f'select count(*) from "{t}"').fetchone()[0]  # noqa: S608
            for t in names if not t.startswith(BUILT)}


def normalised_marts(path: Path) -> dict[str, list[tuple]]:
    """Every mart as a sorted list of rows: floats rounded to 9 digits, per-run columns (timestamps, run ids:
    when a file was imported, not what it said) left out."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        out = {}
        for (t,) in con.execute("select table_name from duckdb_tables() where table_name like 'mart\\_%' "
                                "escape '\\' order by 1").fetchall():
            cols = [f'"{c}"' for c, kind, *_ in con.execute(f"describe {t}").fetchall()
                    if "TIMESTAMP" not in kind and not c.endswith("run_id")]
            rows = con.execute(f"select {', '.join(cols)} from {t}").fetchall()  # noqa: S608
            out[t] = sorted((tuple(round(v, 9) if isinstance(v, float) else v for v in r) for r in rows), key=repr)
        return out
    finally:
        con.close()


def _mart_prints(sql: Path, cfg) -> dict[str, str]:
    con = duckdb.connect()
    try:
        _write_params(con, cfg.model)
        # a release before the macros had a folder of their own kept them in staging
        files = [f for layer in ("macros", *LAYERS) for f in sorted((sql / layer).glob("*.sql"))]
        prints = fingerprints.compute(con, files)
    finally:
        con.close()
    return {n: p.fingerprint for n, p in prints.items() if n.startswith("mart_")}


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The warehouse this release builds from the fixture's simulated days (the same procedure, build.py; modelled
    once at the end, which test_incremental.py shows gives the marts of daily transforms)."""
    meta = json.loads((FIXTURE / "fixture.json").read_text())
    out = tmp_path_factory.mktemp("fresh")
    _build_module().build(out, meta["params"], daily_transform=False)
    return out / "wh.duckdb"


def test_a_warehouse_of_the_previous_release_is_upgraded_with_nothing_lost(tmp_path: Path, fresh: Path):
    meta = json.loads((FIXTURE / "fixture.json").read_text())
    assert meta["model_config"] == _build_module().MODEL_CONFIG
    old = tmp_path / "old.duckdb"
    with gzip.open(FIXTURE / "wh.duckdb.gz") as src, old.open("wb") as dst:
        shutil.copyfileobj(src, dst)
    wh = tmp_path / "wh.duckdb"
    shutil.copy(old, wh)
    cfg_path = tmp_path / "config.toml"
    cfg_path.write_text(f'[graph]\nbase_url = "http://127.0.0.1:9"\n[auth]\nmethod = "token"\n'
                        f'[warehouse]\npath = "{wh.as_posix()}"\n{meta["model_config"]}')
    con = duckdb.connect(str(old), read_only=True)
    kept = _kept_tables(con)
    pending = sorted({f.name for f in (db.SQL_DIR / "migrations").glob("*.sql")}
                     - {r[0] for r in con.execute("select name from _migrations").fetchall()})
    con.close()
    assert kept["raw_copilot_usage_user_detail"] > 0 and kept["_runs"] > 0 and kept["raw_import_agents"] > 0

    run = subprocess.run([str(EXE), "transform", "--config", str(cfg_path)], capture_output=True, text=True,
                         env={**os.environ, "COLUMNS": "200"}, timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr
    if "copilot_user_snapshots" not in kept:
        # a release before the typed Copilot user detail: it is derived from the raw rows first, then the whole
        # model rebuilt from it
        assert "full rebuild: copilot_user_snapshots derived again (a warehouse built by an earlier release)" \
            in run.stdout
    else:  # every mart whose definition changed since that release is rebuilt whole, and the output says why
        with tarfile.open(FIXTURE / "sql.tar.gz") as tar:
            tar.extractall(tmp_path / "release", filter="data")
        cfg = load_config(cfg_path)
        then, now = _mart_prints(tmp_path / "release" / "warehouse" / "sql", cfg), _mart_prints(db.SQL_DIR, cfg)
        changed = sorted(n for n in now if then.get(n) != now[n])
        assert changed and "full rebuild" not in run.stdout
        assert [n for n in changed if f"rebuilt whole: {n}: " not in run.stdout] == []

    con = duckdb.connect(str(wh), read_only=True)
    try:
        assert sorted(r[0] for r in con.execute("select name from _migrations").fetchall()
                      if r[0] in pending) == pending  # the migrations ran
        after = _kept_tables(con)
        # (a) nothing lost: every raw landing as it was; the run log, champions, follow-ups etc. no fewer rows
        assert {t: after.get(t) for t in kept if t.startswith("raw_")} == {t: n for t, n in kept.items()
                                                                            if t.startswith("raw_")}
        assert [t for t, n in kept.items() if after.get(t, -1) < n] == []
        assert con.execute("select count(*) from _transform_objects").fetchone()[0] > 0
    finally:
        con.close()

    # the typed Copilot user detail derived at the upgrade is what landing derives in a fresh install
    typed = "select * exclude (run_id, loaded_at) from copilot_user_snapshots order by all"
    derived, landed = (duckdb.connect(str(p), read_only=True) for p in (wh, fresh))
    try:
        assert derived.execute(typed).fetchall() == landed.execute(typed).fetchall() != []
    finally:
        derived.close()
        landed.close()
    upgraded, rebuilt, before = normalised_marts(wh), normalised_marts(fresh), normalised_marts(old)
    assert set(upgraded) >= set(rebuilt)
    for name in rebuilt:  # (b) the marts of a fresh install of this release
        assert upgraded[name] == rebuilt[name], f"{name} after the upgrade differs from a fresh build"
    with tarfile.open(FIXTURE / "sql.tar.gz") as tar:
        tar.extractall(tmp_path / "release", filter="data")
    cfg = load_config(cfg_path)
    then, now = _mart_prints(tmp_path / "release" / "warehouse" / "sql", cfg), _mart_prints(db.SQL_DIR, cfg)
    same = sorted(n for n in now if then.get(n) == now[n])
    print(f"marts unchanged since {meta['commit'][:7]}: {', '.join(same) or 'none'}")
    for name in same:  # (c) what did not change is what the previous release built
        assert upgraded[name] == before[name], f"{name} is defined as before but differs after the upgrade"
    assert before["mart_usage_by_group"] and before["mart_stagnation"]  # the fixture has something to compare


def test_the_fixture_is_what_its_script_says():
    """fixture.json names the release and the simulated days build.py makes; the script still holds them."""
    meta = json.loads((FIXTURE / "fixture.json").read_text())
    assert meta["params"] == _build_module().PARAMS
    assert len(meta["commit"]) == 40 and (FIXTURE / "README.md").is_file()
    with tarfile.open(FIXTURE / "sql.tar.gz") as tar:
        assert any(n.startswith("warehouse/sql/marts/mart_") for n in tar.getnames())
