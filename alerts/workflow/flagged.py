"""Reads of the stagnation flags for alerts and follow-ups: weeks, and flagged groups with their episodes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

import duckdb

from .db import SQL_DIR

QUERIES = SQL_DIR / "queries"


class WeekError(ValueError):
    """A week argument is malformed or has no complete week in the model."""


def query(name: str) -> str:
    """The text of `sql/queries/<name>.sql`."""
    return (QUERIES / f"{name}.sql").read_text()


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
    tables = {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}
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


@dataclass(frozen=True)
class FlaggedGroup:
    """One flagged group of a week, with the rule's numbers, its live champion and its flag episode."""

    week_start: date
    dimension: str
    group_name: str
    reason: str
    eligible_users: int | None
    active_users: int | None
    active_rate: float | None
    first_rate: float | None
    slope_pts_per_week: float | None
    history_weeks: int
    target_rate: float
    decline_points_per_week: float
    suppressed: bool
    episode_start: date
    champion_name: str | None
    champion_email: str | None
    manager_email: str | None
    kind: str  # below_target | declining
    weekly_rates: list[float | None]  # the lookback's weekly active rates, oldest first
    weekly_active_rate: float | None  # this week's alone
    rate_high: float | None  # the rule's upper confidence bound of active_rate
    impact: float  # people short of the target (or lost by a fall): the order of every list
    weeks_flagged: int
    department: str | None  # where a manager team or job function mostly sits (a department: itself)
    licensed_users: int | None
    level: str | None  # cold / cool / warm / hot (warehouse/levels.py) of active_rate
    group_id: str | None = None  # the group's key (a manager team: the manager's Entra id; else the name)

    @property
    def key(self) -> tuple[str, str]:
        """(dimension, group_id): what champions and follow-ups attach to, unchanged by a renamed manager."""
        return self.dimension, self.group_id or self.group_name

    @property
    def declining(self) -> bool:
        """True when the group is flagged for a steep, confirmed fall (else it is stuck below target)."""
        return self.kind == "declining"


def read_flagged(con: duckdb.DuckDBPyConnection, week: date) -> list[FlaggedGroup]:
    """The flagged groups of `week` (every dimension, the tenant included) with episodes and live champions,
    the most impact first."""
    rows = con.execute(query("flagged_groups"), {"week": week}).fetchall()
    return [FlaggedGroup(*r) for r in rows]
