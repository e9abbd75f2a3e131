"""The DuckDB file: connections (with a bounded wait for the single-writer lock) and migrations."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import duckdb

from .lock import write_intent, writer_waiting

SQL_DIR = Path(str(resources.files("warehouse") / "sql"))


class WarehouseBusy(Exception):
    """Another process holds the DuckDB file; raised after waiting the configured time."""


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
        con.execute("begin")
        try:
            con.execute(f.read_text())
            con.execute("insert into _migrations values (?, ?)", [f.name, datetime.now(UTC)])
            con.execute("commit")
        except Exception:
            con.execute("rollback")
            raise
        applied.append(f.name)
    return applied
