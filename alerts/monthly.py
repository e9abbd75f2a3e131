"""The month on one page (docs/report.md): the four change-management dimensions, read from the marts.

Adoption and use (the tenant's weekly active rate, frequency, breadth, habit; `mart_adoption_weekly`),
competence, acceptance and satisfaction, and business impact (the latest survey wave; `mart_survey_kpis`), the
groups whose weekly active rate moved most, and the interventions with their measured effect
(`mart_intervention_effect`). The monthly mail and the dashboard's *Four dimensions* page both show this, so the
two say the same numbers. A month's weeks are the complete ISO weeks whose Thursday falls in it.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import duckdb

from warehouse import db
from warehouse.config import Config

from .queries import query

TREND_WEEKS = 13  # a quarter of weekly active rates in the trend
MIN_MOVE = 1.0  # points: a smaller change is not a move
NOT_AVAILABLE = {
    "support": "Support demand: no source is imported (ticket counts are not collected).",
    "assisted": "Assisted hours: no import supplies them; only self-reported hours saved are shown.",
}


class MonthError(ValueError):
    """A month argument is malformed, or the model has no complete week in it."""


def parse_month(value: str | date) -> date:
    """`2026-11` (or any date in it) -> the first day of the month."""
    if isinstance(value, date):
        return value.replace(day=1)
    m = re.fullmatch(r"\s*(\d{4})-(\d{1,2})\s*", value)
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise MonthError(f"month {value!r}: give it as YYYY-MM, e.g. 2026-11")
    return date(int(m.group(1)), int(m.group(2)), 1)


def previous_month(today: date) -> date:
    """The first day of the month before `today`'s: what a report sent on `today` covers."""
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)


def month_end(first: date) -> date:
    """The last day of the month starting on `first`."""
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


@dataclass
class Month:
    """Everything the one-page report shows for a month; None where there is no number (and the page says why)."""

    first: date
    adoption: dict | None  # weekly_active_rate, active_days, breadth, habit_rate, weeks, first_week, last_week
    previous: dict | None  # the same for the month before
    trend: list[tuple[date, float]]  # (week_start, tenant weekly active rate)
    wave: dict | None  # the latest survey wave by the month's end (tenant row of mart_survey_kpis)
    previous_wave: dict | None
    waves: list[dict] = field(default_factory=list)  # every tenant wave by then, oldest first
    up: list[dict] = field(default_factory=list)  # groups that moved most up (change_pts > 0)
    down: list[dict] = field(default_factory=list)
    interventions: list[dict] = field(default_factory=list)
    dimension: str = "department"
    has_interventions: bool = False  # whether mart_intervention_effect exists in this warehouse

    @property
    def label(self) -> str:
        """E.g. `November 2026`."""
        return f"{calendar.month_name[self.first.month]} {self.first.year}"

    @property
    def key(self) -> str:
        """E.g. `2026-11`."""
        return f"{self.first:%Y-%m}"

    @property
    def last(self) -> date:
        return month_end(self.first)


def _rows(con: duckdb.DuckDBPyConnection, name: str, params: dict) -> list[dict]:
    cur = con.execute(query(name), params)
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


def read_month(con: duckdb.DuckDBPyConnection, cfg: Config, first: date, *, dimension: str = "department") -> Month:
    """The month starting on `first` from the marts; MonthError when the model has no complete week in it."""
    if not db.has_table(con, "mart_adoption_weekly"):
        raise MonthError("the warehouse has no model yet: run `copilot-usage run` first")
    prev_first = previous_month(first)
    span = {"first": first, "last": month_end(first), "prev_first": prev_first}
    periods = {r["period"]: r for r in _rows(con, "monthly_adoption", span)}
    if "month" not in periods:
        latest = con.execute("select max(week_start) from mart_adoption_weekly where complete_week").fetchone()[0]
        raise MonthError(f"no complete week of {first:%Y-%m} in the model (latest complete week: {latest}); "
                         "give a month with --month YYYY-MM")
    trend = [(r["week_start"], r["weekly_active_rate"]) for r in
             _rows(con, "monthly_trend", {"last": span["last"], "weeks": TREND_WEEKS})]
    waves: list[dict] = []
    if db.has_table(con, "mart_survey_kpis"):
        waves = _rows(con, "monthly_survey", {"last": span["last"]})
    movers = _rows(con, "monthly_movers", {**span, "dimension": dimension})
    n = cfg.report.movers
    has_iv = db.has_table(con, "mart_intervention_effect")
    interventions = _rows(con, "monthly_interventions", {"last": span["last"]}) if has_iv else []
    return Month(first, periods["month"], periods.get("previous"), trend,
                 waves[0] if waves else None, waves[1] if len(waves) > 1 else None, waves[::-1],
                 [m for m in movers if m["change_pts"] >= MIN_MOVE][:n],
                 [m for m in reversed(movers) if m["change_pts"] <= -MIN_MOVE][:n], interventions, dimension, has_iv)


def load_month(cfg: Config, month: str | date | None = None, *, today: date | None = None) -> Month:
    """The report's month (default: the month before `today`) read from the warehouse."""
    first = parse_month(month) if month is not None else previous_month(today or datetime.now(UTC).date())
    with db.reading(cfg.warehouse) as con:
        return read_month(con, cfg, first)
