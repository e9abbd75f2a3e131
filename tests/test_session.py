"""The one warehouse session API (warehouse/db.py): reading, writing (migrated when opened), transactions, probes."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from warehouse import db
from warehouse.config import WarehouseConfig


def test_writing_migrates_reading_reads_and_both_close(tmp_path: Path):
    cfg = WarehouseConfig(path=str(tmp_path / "wh.duckdb"), lock_timeout_seconds=1)
    with db.writing(cfg) as con:
        assert db.has_table(con, "_migrations") and db.has_table(con, "_runs")
        assert not db.has_table(con, "mart_stagnation")
        assert {"_migrations", "_runs", "champions"} <= db.tables(con)
        applied = con.execute("select count(*) from _migrations").fetchone()[0]
    with db.reading(cfg) as con:  # the writer is closed: a reader can open the file
        assert con.execute("select count(*) from _migrations").fetchone()[0] == applied
        with pytest.raises(duckdb.InvalidInputException):  # read-only
            con.execute("create table t (x integer)")
    with db.writing(cfg.path) as con:  # again: nothing left to migrate
        assert db.migrate(con) == []


def test_a_transaction_commits_or_rolls_back_everything(tmp_path: Path):
    with db.writing(str(tmp_path / "wh.duckdb")) as con:
        con.execute("create table t (x integer primary key)")
        with db.transaction(con):
            con.execute("insert into t values (1)")
        with pytest.raises(duckdb.ConstraintException), db.transaction(con):
            con.execute("insert into t values (2)")
            con.execute("insert into t values (1)")  # a duplicate: the whole transaction goes
        with pytest.raises(KeyError), db.transaction(con):
            con.execute("insert into t values (3)")
            raise KeyError("any exception rolls back")
        assert con.execute("select list(x order by x) from t").fetchone()[0] == [1]


def test_a_missing_warehouse_is_not_opened_for_reading(tmp_path: Path):
    with pytest.raises(db.NOT_OPENED), db.reading(str(tmp_path / "none.duckdb"), wait_seconds=0):
        pass
    assert not (tmp_path / "none.duckdb").exists()


def test_a_run_opens_the_warehouse_for_writing_once_to_land_and_once_to_transform(cfg, monkeypatch):
    """The daily job (`run_job`, the real collector against the simulator): the users delta link is read
    read-only before fetching, then one write connection lands everything and one builds the model and opens
    the follow-ups; migrations are checked on those two only."""
    from connector.jobs import run_job

    opened, migrated = [], []
    connect, migrate = db.connect, db.migrate
    monkeypatch.setattr(db, "connect", lambda *a, **k: opened.append(k.get("read_only", False)) or connect(*a, **k))
    monkeypatch.setattr(db, "migrate", lambda con: migrated.append(1) or migrate(con))
    assert run_job(cfg).exit_code == 0
    assert opened == [False, False] and len(migrated) == 2  # a new warehouse: no delta link to read
    opened.clear()
    migrated.clear()
    assert run_job(cfg).exit_code == 0
    assert opened == [True, False, False] and len(migrated) == 2
