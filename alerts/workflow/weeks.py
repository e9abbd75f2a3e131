"""Week arguments of alerts and follow-ups: `2026-W47` or a date -> its Monday, and the week to alert on."""

from __future__ import annotations

import re
from datetime import date, timedelta

import duckdb

from warehouse import db


class WeekError(ValueError):
    """A week argument is malformed or has no complete week in the model."""


def parse_week(value: str | date) -> date:
    """`2026-W47` (ISO week) or any date in the week -> the Monday that starts it."""
    if isinstance(value, date):
        return value - timedelta(days=value.weekday())
    m = re.fullmatch(r"\s*(\d{4})-?W(\d{1,2})\s*", value, flags=re.IGNORECASE)
    try:
        if m:
            return date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1)
        d = date.fromisoformat(value.strip())
    except ValueError:
        raise WeekError(f"week {value!r} does not exist; give an ISO week like 2026-W47 or a date") from None
    return d - timedelta(days=d.weekday())


def iso_week(d: date) -> str:
    """The ISO week label of a date, e.g. `2026-W47`."""
    y, w, _ = d.isocalendar()
    return f"{y}-W{w:02d}"


def resolve_week(con: duckdb.DuckDBPyConnection, week: str | date | None) -> date:
    """The week to alert on: the given one (which must be in mart_stagnation) or the latest complete week."""
    tables = db.tables(con)
    if "mart_stagnation" not in tables:
        raise WeekError("no model yet: run `copilot-usage transform` (or `run`) first")
    latest = con.execute("select max(week_start) from mart_stagnation").fetchone()[0]
    if latest is None:
        raise WeekError("mart_stagnation has no complete week yet; collect at least one full ISO week")
    if week is None:
        return latest
    start = parse_week(week)
    if not con.execute("select 1 from mart_stagnation where week_start = ? limit 1", [start]).fetchone():
        first = con.execute("select min(week_start) from mart_stagnation").fetchone()[0]
        raise WeekError(f"week {iso_week(start)} ({start}) is not a complete week in the model; "
                        f"complete weeks run from {iso_week(first)} to {iso_week(latest)}")
    return start
