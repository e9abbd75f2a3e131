"""The flagged groups of a week (mart_stagnation), each with its live champion and its flag episode."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb

from ..queries import query


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
