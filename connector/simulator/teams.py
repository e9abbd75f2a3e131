"""Small manager teams with known adoption trajectories: the ground truth the stagnation rule is tested on.

`Tenant.generate(..., small_teams=K)` appends K teams (a team lead plus 5 to 9 licensed members, each team in
one department, the lead reporting to that department's head). Each team follows one trajectory:

- `healthy`: flat, 72-92 % of members adopt in a typical week (above the default 60 % target);
- `stuck`: flat, 8-35 % (far below the target);
- `growing`: rising linearly over the simulated period from 10-25 % to 75-90 %.

Week-to-week noise is what a real small team shows: each person's propensity differs (their engagement),
each week's adopters are drawn afresh, and in about one team-week in eight half the team is away (holidays,
a crunch, a training week), which alone can turn 57 % into 14 % for one week. The base tenant's users and their
activity are unchanged when K = 0.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

KINDS = ("healthy", "stuck", "growing")
KIND_SHARE = (0.4, 0.35, 0.25)
AWAY_WEEK_SHARE = 0.125  # team-weeks in which each member is away with probability AWAY_SHARE
AWAY_SHARE = 0.5


@dataclass(frozen=True)
class SmallTeams:
    """Ground truth of the appended teams: lead index, kind and start/end adoption rate per team."""

    lead: np.ndarray  # (teams,) user index of the team's manager
    kind: list[str]
    start_rate: np.ndarray
    end_rate: np.ndarray
    member_team: np.ndarray  # (users,) team index of a member, -1 for everyone else

    def rate(self, day: int, days: int) -> np.ndarray:
        """The share of each team's members who adopt Copilot in the week of `day` (before personal factors)."""
        t = day / max(1, days - 1)
        return self.start_rate + (self.end_rate - self.start_rate) * t

    def away(self, seed: int, week: int, n: int) -> np.ndarray:
        """Members away for the whole of `week` (Monday-based week number): their team had an away week."""
        rng = np.random.default_rng([seed, week, 11])
        team_away = rng.random(len(self.lead)) < AWAY_WEEK_SHARE
        person_away = rng.random(n) < AWAY_SHARE
        return (self.member_team >= 0) & team_away[np.maximum(self.member_team, 0)] & person_away


def append_small_teams(a: dict, teams: int, seed: int, days: int, heads: dict[int, int], n_depts: int,
                       titles: list[list[str]], names: tuple[list[str], list[str]],
                       ascii_name: Callable[[str], str]) -> SmallTeams:
    """Extend the tenant's arrays in `a` (in place) by `teams` small teams; return their ground truth."""
    rng = np.random.default_rng([seed, 99])
    n0 = len(a["upn"])
    sizes = rng.integers(5, 10, teams)
    dept_of_team = rng.integers(0, n_depts, teams)
    kinds = [KINDS[i] for i in rng.choice(len(KINDS), size=teams, p=KIND_SHARE)]
    start = np.array([{"healthy": rng.uniform(0.72, 0.92), "stuck": rng.uniform(0.08, 0.35),
                       "growing": rng.uniform(0.10, 0.25)}[k] for k in kinds])
    end = np.array([rng.uniform(0.75, 0.90) if k == "growing" else s for k, s in zip(kinds, start, strict=True)])
    leads, member_team, dept, manager, title = [], [], [], [], []
    i = n0
    first, last = names
    for team, size in enumerate(sizes):
        d = int(dept_of_team[team])
        leads.append(i)
        member_team.append(-1)
        dept.append(d)
        manager.append(heads.get(d, 0))
        title.append(titles[d][3])
        lead = i
        i += 1
        for _ in range(int(size)):
            member_team.append(team)
            dept.append(d)
            manager.append(lead)
            title.append(titles[d][int(rng.integers(0, 3))])
            i += 1
    k = i - n0
    f = rng.integers(0, len(first), k)
    g = rng.integers(0, len(last), k)
    ids = [f"{0x5ea11000 + n0 + j:08x}-0000-4000-8000-{n0 + j:012d}" for j in range(k)]
    a["ids"] += ids
    a["upn"] += [f"{ascii_name(first[x])}.{ascii_name(last[y])}{n0 + j}@contoso.example".lower()
                 for j, (x, y) in enumerate(zip(f, g, strict=True))]
    a["display"] += [f"{first[x]} {last[y]}" for x, y in zip(f, g, strict=True)]
    a["title"] += title
    ext = {
        "office": rng.integers(0, 9, k), "dept": np.array(dept, dtype=np.int16),
        "dept_moved": np.array(dept, dtype=np.int16), "move_day": np.full(k, days, dtype=np.int32),
        "manager": np.array(manager, dtype=np.int32), "manager_moved": np.array(manager, dtype=np.int32),
        "guest": np.zeros(k, dtype=bool), "enabled": np.ones(k, dtype=bool), "hire_day": np.zeros(k, dtype=np.int32),
        "delete_day": np.full(k, days + 1000, dtype=np.int32),
        "lic_start": rng.integers(0, 7, k).astype(np.int32), "lic_end": np.full(k, days + 180, dtype=np.int32),
        "lic_sku": np.zeros(k, dtype=np.int8), "plans_disabled": np.zeros(k, dtype=bool),
        "engagement": rng.beta(2.0, 2.2, k) * 1.6, "chat_share": rng.uniform(0.2, 0.6, k),
    }
    for key, values in ext.items():
        a[key] = np.concatenate([a[key], values.astype(a[key].dtype)])
    mt = np.concatenate([np.full(n0, -1, dtype=np.int32), np.array(member_team, dtype=np.int32)])
    return SmallTeams(np.array(leads), kinds, start, end, mt)



def expected_rate(teams: SmallTeams, engagement: np.ndarray, day: int, days: int) -> np.ndarray:
    """Each team's expected weekly active rate in the week of `day`: its members' adoption propensities
    (capped as the simulator caps them), less the expected away weeks, times the chance that an adopter is
    active on at least one day of the week. This, not the kind alone, is the ground truth a rule is judged by."""
    rate = teams.rate(day, days)
    member = teams.member_team >= 0
    team = teams.member_team[member]
    q = np.minimum(rate[team] * (0.6 + 0.8 * engagement[member] / 1.6), 0.98)
    some_day = 1 - 0.4 ** 5 * 0.88 ** 2
    p = q * (1 - AWAY_WEEK_SHARE * AWAY_SHARE) * some_day
    return np.bincount(team, weights=p, minlength=len(rate)) / np.bincount(team, minlength=len(rate))
