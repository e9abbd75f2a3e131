"""The typed Copilot user detail (`copilot_user_snapshots`), derived from the raw text when a load lands.

The raw report rows are text exactly as delivered, two or more per user and day (one per period). A rebuild
of the model used to parse all of them again (tens of millions of rows at 100k users over 180 days); instead
each landing derives the typed rows of the report dates it touched (`sql/snapshots/copilot_user_snapshots.sql`)
and the model reads only them. When that SQL changes (an upgrade), or in a warehouse built before the table
existed, the next transform derives the whole table again from the raw rows, in chunks of report dates so that
memory stays bounded, and says so.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from . import db

log = logging.getLogger("copilot_usage.snapshots")
MACROS = ("parse_date.sql", "parse_int.sql")
CHUNK_ROWS = 4_000_000  # raw rows derived per statement when the whole table is derived again


def _sql() -> Path:
    return db.SQL_DIR / "snapshots" / "copilot_user_snapshots.sql"


def _macros(con: duckdb.DuckDBPyConnection) -> None:
    for name in MACROS:
        con.execute((db.SQL_DIR / "macros" / name).read_text())


def fingerprint() -> str:
    """A hash of the derivation SQL and the macros it uses."""
    h = hashlib.sha256(_sql().read_bytes())
    for name in MACROS:
        h.update((db.SQL_DIR / "macros" / name).read_bytes())
    return h.hexdigest()


def refresh(con: duckdb.DuckDBPyConnection, first: date, last: date) -> int:
    """Derive the typed rows of the report dates first..last again (inside the caller's transaction)."""
    _macros(con)
    con.execute("set variable snapshot_from = ?::date", [first])
    con.execute("set variable snapshot_to = ?::date", [last])
    con.execute("delete from copilot_user_snapshots where as_of between ? and ?", [first, last])
    n = con.execute(_sql().read_text()).fetchone()[0]
    con.execute("reset variable snapshot_from")
    con.execute("reset variable snapshot_to")
    if not con.execute("select 1 from _snapshot_state").fetchone() and not con.execute(
            "select 1 from raw_copilot_usage_user_detail where _report_refresh_date not between ? and ? union all "
            "select 1 from raw_import_copilot_usage where _as_of not between ? and ? limit 1",
            [first, last, first, last]).fetchone():
        _save_state(con)  # a new warehouse: every row it has was derived by this SQL just now
    return n


def _save_state(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("delete from _snapshot_state")
    con.execute("insert into _snapshot_state values (?, ?)", [fingerprint(), datetime.now(UTC)])


def _chunks(con: duckdb.DuckDBPyConnection) -> list[tuple[date, date]]:
    counts = con.execute(
        "select d, sum(n) from (select _report_refresh_date as d, count(*) as n from raw_copilot_usage_user_detail "
        "group by 1 union all select _as_of, count(*) from raw_import_copilot_usage group by 1) "
        "where d is not null group by d order by d").fetchall()
    out: list[tuple[date, date]] = []
    start, rows = None, 0
    for d, n in counts:
        if start is None:
            start = d
        rows += n
        if rows >= CHUNK_ROWS:
            out.append((start, d))
            start, rows = None, 0
    if start is not None:
        out.append((start, counts[-1][0]))
    return out


def ensure_current(con: duckdb.DuckDBPyConnection) -> str:
    """Derive the whole table again if it was derived with other SQL (or never); returns why ("" if current)."""
    saved = con.execute("select fingerprint from _snapshot_state").fetchone()
    now = fingerprint()
    if saved and saved[0] == now:
        return ""
    why = "a warehouse built by an earlier release" if not saved else "its SQL changed"
    chunks = _chunks(con)
    log.info("deriving copilot_user_snapshots from the raw Copilot user detail (%s): %d chunk(s)", why, len(chunks))
    con.execute("delete from copilot_user_snapshots")
    for first, last in chunks:
        refresh(con, first, last)
    _save_state(con)
    return why
