"""Known uplifts: the ground truth the intervention effect (mart_intervention_effect) is tested on.

An `Uplift` gives the members of one group (a department, a job function or a manager team) a known number of
percentage points more probability of adopting Copilot in a week, from a chosen date (optionally until one): as
if a training there had worked exactly that well. Members are whoever is in the group on the day (movers move in
and out). Set `tenant.uplifts = [Uplift(...), ...]` after `Tenant.generate`; a tenant without uplifts draws
exactly the same activity as before, and one with them draws the same random numbers, so its other groups are
unchanged and the treated group's counterfactual is the same tenant without the uplift.

The uplift is added to each member's weekly adoption probability (after their personal engagement factor, capped
at 98 % as every probability is), so the group's weekly active rate rises by about `points` times the share of
adopters active on some day of the week (about 0.99 on the simulator's 60 % weekday activity): a +20 point
uplift on a group at 30 % shows as about +19.8 points on the headline, less where members are already near the
cap.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .catalog import DEPARTMENTS

if TYPE_CHECKING:
    from .tenant import Tenant

DIMENSIONS = ("department", "job_function", "manager")


@dataclass(frozen=True)
class Uplift:
    """`points` more weekly adoption probability for the members of `group` from `start` (until `end`, included)."""

    dimension: str  # department | job_function | manager
    group: str  # a department's name, a job function (a title's last words, e.g. "Accountant"), a manager's UPN
    start: dt.date
    points: float
    end: dt.date | None = None

    def __post_init__(self) -> None:
        if self.dimension not in DIMENSIONS:
            raise ValueError(f"uplift dimension {self.dimension!r} must be one of {', '.join(DIMENSIONS)}")
        if self.dimension == "department" and self.group not in [d for d, _ in DEPARTMENTS]:
            raise ValueError(f"no department {self.group!r} in the simulator's catalog")

    def active(self, day: dt.date) -> bool:
        """Whether the uplift applies on `day`."""
        return self.start <= day and (self.end is None or day <= self.end)

    def members(self, tenant: Tenant, day: int, users: np.ndarray) -> np.ndarray:
        """Which of `users` (indices) are in the group on `day` (boolean per entry of `users`)."""
        if self.dimension == "department":
            idx = [d for d, _ in DEPARTMENTS].index(self.group)
            return tenant.dept_on(day)[users] == idx
        if self.dimension == "manager":
            lead = [i for i in range(tenant.n) if tenant.upn_on(i, day).lower() == self.group.lower()]
            return np.isin(tenant.manager_on(day)[users], lead)
        suffix = self.group.lower()
        return np.array([tenant.title_on(int(i), day).lower().endswith(suffix) for i in users], dtype=bool)


def extra_probability(tenant: Tenant, day: int, users: np.ndarray) -> np.ndarray:
    """The adoption probability `tenant.uplifts` add on `day` for each of `users` (0 where none applies)."""
    out = np.zeros(len(users))
    date = tenant.date(day)
    for u in tenant.uplifts:
        if u.active(date):
            out += np.where(u.members(tenant, day, users), u.points / 100, 0.0)
    return out
