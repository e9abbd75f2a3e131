"""The alert sent log: one row per (week, recipient, kind); `sent` only after the transport accepted the mail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import duckdb

from warehouse import db

from ..queries import query


@dataclass(frozen=True)
class LogEntry:
    """The outcome of one attempt to deliver one message."""

    recipient: str
    kind: str  # champion | fallback | digest
    status: str  # sent | failed
    transport: str
    groups: list[str]
    subject: str
    message_id: str | None
    error: str | None


def sent_keys(con: duckdb.DuckDBPyConnection, week: date) -> set[tuple[str, str]]:
    """(recipient, kind) pairs already sent for `week`."""
    tables = db.tables(con)
    if "alert_log" not in tables:
        return set()
    rows = con.execute("select recipient, kind from alert_log where week_start = ? and status = 'sent'", [week])
    return {(r, k) for r, k in rows.fetchall()}


def record(path: str, week: date, entries: list[LogEntry], *, wait_seconds: float = 60.0) -> None:
    """Record delivery outcomes; a later success overwrites a failure, attempts are counted."""
    if not entries:
        return
    now = datetime.now(UTC)
    with db.writing(path, wait_seconds=wait_seconds) as con, db.transaction(con):
        for e in entries:
            _upsert(con, week, e, now)


def _upsert(con: duckdb.DuckDBPyConnection, week: date, e: LogEntry, now: datetime) -> None:
    con.execute(query("alert_log_upsert"), {
        "week": week, "recipient": e.recipient.lower(), "kind": e.kind, "status": e.status,
        "transport": e.transport, "groups": e.groups, "subject": e.subject, "message_id": e.message_id,
        "error": e.error, "now": now})


def read_log(path: str, week: date | None = None, *, wait_seconds: float = 10.0) -> list[tuple]:
    """The sent log (optionally of one week): week, recipient, kind, status, attempts, groups, error, last attempt."""
    with db.reading(path, wait_seconds=wait_seconds) as con:
        tables = db.tables(con)
        if "alert_log" not in tables:
            return []
        return con.execute(query("alert_log"), {"week": week}).fetchall()
