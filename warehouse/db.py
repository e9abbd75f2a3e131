"""The DuckDB file: one session API for every caller, connections with a bounded wait for the lock, migrations.

    with db.reading(cfg.warehouse) as con: ...          # read-only
    with db.writing(cfg.warehouse) as con:              # read-write, migrated when opened
        with db.transaction(con): ...                   # begin / commit, rollback on any exception
    db.tables(con), db.has_table(con, "mart_stagnation")

`reading` and `writing` take the `[warehouse]` section (its path, lock_timeout_seconds and memory_limit) or a
path; `connect` and `migrate` are the parts they are made of.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import duckdb

from .config import WarehouseConfig
from .lock import write_intent, writer_waiting

SQL_DIR = Path(str(resources.files("warehouse") / "sql"))


class WarehouseBusy(Exception):
    """Another process holds the DuckDB file; raised after waiting the configured time."""


# what opening the file raises when it cannot be opened (absent, unreadable, held by another process)
NOT_OPENED = (WarehouseBusy, duckdb.IOException, duckdb.ConnectionException)


def connect(path: str, *, read_only: bool = False, wait_seconds: float = 60.0,
            memory_limit: str = "") -> duckdb.DuckDBPyConnection:
    """Open the warehouse, retrying while another process holds the lock, up to `wait_seconds`.

    A writer announces itself while it waits (`lock.write_intent`), and readers wait while a writer does, so
    a stream of short read-only connections (dashboards) cannot starve a collection.
    """
    if memory_limit:
        con = connect(path, read_only=read_only, wait_seconds=wait_seconds)
        con.execute(f"set memory_limit = '{memory_limit}'")  # validated by [warehouse] memory_limit's pattern
        return con
    if path.startswith("md:") or path == ":memory:":
        return duckdb.connect(path, read_only=read_only)
    if not read_only:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        with write_intent(path, wait_seconds=wait_seconds):
            return _connect(path, read_only, wait_seconds)
    return _connect(path, read_only, wait_seconds)


def _busy(e: duckdb.Error) -> bool:
    # another process holds the file (IOException "Could not set lock"), or this process has it open with
    # the other access mode right now (ConnectionException "... different configuration ...")
    text = str(e).lower()
    return "lock" in text or "different configuration" in text


def _connect(path: str, read_only: bool, wait_seconds: float) -> duckdb.DuckDBPyConnection:
    deadline = time.monotonic() + wait_seconds
    delay = 0.05
    while True:
        if not (read_only and writer_waiting(path)):  # a waiting writer goes first
            try:
                return duckdb.connect(path, read_only=read_only)
            except (duckdb.IOException, duckdb.ConnectionException) as e:
                if not _busy(e):
                    raise
        if time.monotonic() >= deadline:
            raise WarehouseBusy(
                f"the warehouse {path} is in use by another process (a collection or a dashboard "
                f"query) and stayed locked for {wait_seconds:.0f} s; try again later") from None
        time.sleep(delay)
        delay = min(delay * 2, 0.5)


def migrate(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply `sql/migrations/*.sql` not yet recorded in `_migrations`, each in its own transaction."""
    try:  # a read when nothing is pending (every run and transform checks)
        done = {r[0] for r in con.execute("select name from _migrations").fetchall()}
    except duckdb.CatalogException:
        con.execute("create table _migrations (name varchar primary key, applied_at timestamptz)")
        done = set()
    applied = []
    for f in sorted((SQL_DIR / "migrations").glob("*.sql")):
        if f.name in done:
            continue
        with transaction(con):
            con.execute(f.read_text())
            con.execute("insert into _migrations values (?, ?)", [f.name, datetime.now(UTC)])
        applied.append(f.name)
    return applied


def _where(warehouse: WarehouseConfig | str, wait_seconds: float | None) -> tuple[str, float]:
    if isinstance(warehouse, WarehouseConfig):
        return warehouse.path, warehouse.lock_timeout_seconds if wait_seconds is None else wait_seconds
    return warehouse, 60.0 if wait_seconds is None else wait_seconds


@contextmanager
def reading(warehouse: WarehouseConfig | str, *, wait_seconds: float | None = None
            ) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the warehouse (`[warehouse]` or a path), closed on leaving the block."""
    path, wait = _where(warehouse, wait_seconds)
    con = connect(path, read_only=True, wait_seconds=wait)
    try:
        yield con
    finally:
        con.close()


@contextmanager
def writing(warehouse: WarehouseConfig | str, *, wait_seconds: float | None = None,
            memory_limit: str | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection, migrated when opened, closed on leaving the block. `memory_limit`: the
    `[warehouse]` memory_limit unless given ("" = none)."""
    path, wait = _where(warehouse, wait_seconds)
    if memory_limit is None:
        memory_limit = warehouse.memory_limit if isinstance(warehouse, WarehouseConfig) else ""
    con = connect(path, wait_seconds=wait, memory_limit=memory_limit)
    try:
        migrate(con)
        yield con
    finally:
        con.close()


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """One transaction: committed when the block ends, rolled back (and the exception raised) when it fails."""
    con.execute("begin")
    try:
        yield con
    except BaseException:
        con.execute("rollback")
        raise
    con.execute("commit")


def tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    """The names of the warehouse's tables and views."""
    return {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}


def has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Whether the warehouse has a table or view of that name."""
    return con.execute("select 1 from information_schema.tables where table_name = ?", [name]).fetchone() is not None
