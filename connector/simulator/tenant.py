"""A deterministic synthetic Microsoft 365 tenant: people, org chart, licences and daily Copilot activity.

Everything is generated with numpy from `seed`, vectorised over users, so 300k users x 180 days builds
in well under a minute. Day `d` is an index from `start` (day 0) to `end` (day `days - 1`); the simulator
serves reports "as of" one of those days (the report refresh date).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

import numpy as np

from .catalog import (
    APP_WEIGHT,
    APPS,
    DEPARTMENTS,
    FIRST,
    LAST,
    OFFICES,
    PREFIXES,
    TITLES,
)
from .changes import promotions
from .licence_cases import LicenceCases, append_licence_cases
from .teams import SmallTeams, append_small_teams
from .uplift import Uplift, extra_probability


@dataclass
class DayState:
    """Per-user Copilot state as of one day (the report refresh date)."""

    day: int
    last_active: np.ndarray  # (users, apps) int16 day index, -1 = never
    trend_active: np.ndarray  # (day+1, apps+1) active users per day; last column = any app
    trend_enabled: np.ndarray  # (day+1,) licensed users per day
    trend_prompts: np.ndarray  # (day+1,) prompts per day


@dataclass
class Tenant:
    """The synthetic tenant; build with `Tenant.generate(users, days, seed, end)`."""

    seed: int
    n: int
    days: int
    start: dt.date
    ids: list[str]
    upn: list[str]
    display: list[str]
    title: list[str]
    office: np.ndarray
    dept: np.ndarray  # department index at day 0, -1 = none
    dept_moved: np.ndarray  # department after move_day
    move_day: np.ndarray  # day the user changes department (days = never)
    manager: np.ndarray  # manager index before the move, -1 none
    manager_moved: np.ndarray
    guest: np.ndarray
    enabled: np.ndarray
    hire_day: np.ndarray
    delete_day: np.ndarray
    lic_start: np.ndarray  # first day with a Copilot licence (days = never)
    lic_end: np.ndarray  # day the licence is removed (days + 180 = never)
    lic_sku: np.ndarray  # 0 = Microsoft_365_Copilot, 1 = sales bundle
    plans_disabled: np.ndarray  # Copilot plans switched off for the user
    engagement: np.ndarray
    chat_share: np.ndarray
    teams: SmallTeams | None = None  # appended small teams with known trajectories (ground truth)
    title_day: np.ndarray | None = None  # day of a promotion (days = never), see changes.promotions
    title_after: list[str] | None = None  # the title from title_day on
    renames: dict[int, tuple[int, str, str]] = field(default_factory=dict)  # user -> (day, display, upn), see rename
    uplifts: list[Uplift] = field(default_factory=list)  # known uplifts of chosen groups (ground truth), uplift.py
    licence_cases: LicenceCases | None = None  # people with known licence histories (ground truth), licence_cases.py
    _state: DayState | None = field(default=None, repr=False)
    _daily_any: np.ndarray | None = field(default=None, repr=False)
    _daily_prompts: np.ndarray | None = field(default=None, repr=False)

    # ---------------------------------------------------------------- generation
    @classmethod
    def generate(cls, users: int = 500, days: int = 90, seed: int = 7, end: dt.date | None = None,
                 small_teams: int = 0, licence_cases: bool = False) -> Tenant:
        """Build a tenant of `users` people with `days` days of history ending on `end`, plus `small_teams`
        small manager teams with known trajectories (`connector/simulator/teams.py`) and, with `licence_cases`,
        people with known licence histories (`connector/simulator/licence_cases.py`)."""
        if users < 20 or days < 7:
            raise ValueError("the simulator needs at least 20 users and 7 days")
        if small_teams and licence_cases:
            raise ValueError("small teams and licence cases are separate ground truths: use one at a time")
        end = end or dt.date(2026, 11, 20)
        rng = np.random.default_rng(seed)
        n = users
        nd = len(DEPARTMENTS)
        dept_w = rng.dirichlet(np.full(nd, 4.0))
        dept = rng.choice(nd, size=n, p=dept_w).astype(np.int16)
        dept[rng.random(n) < 0.02] = -1
        dept[0] = nd - 1  # the CEO sits in the executive office
        first = rng.integers(0, len(FIRST), n)
        last = rng.integers(0, len(LAST), n)
        raw_ids = rng.integers(0, 256, size=(n, 16), dtype=np.uint8)
        ids = [str(uuid.UUID(bytes=bytes(b), version=4)) for b in raw_ids]
        upn = [f"{_ascii(FIRST[f])}.{_ascii(LAST[g])}{i}@contoso.example".lower()
               for i, (f, g) in enumerate(zip(first, last, strict=True))]
        display = [f"{FIRST[f]} {LAST[g]}" for f, g in zip(first, last, strict=True)]
        prefix = rng.integers(0, len(PREFIXES), n)
        tix = rng.integers(0, 4, n)
        title = []
        no_title = rng.random(n) < 0.03
        for i in range(n):
            if no_title[i] or dept[i] < 0:
                title.append("")
                continue
            t = TITLES[DEPARTMENTS[dept[i]][0]][tix[i]]
            title.append(PREFIXES[prefix[i]] + (t.lower() if i % 37 == 5 else t))
        title[0] = "Chief Executive Officer"

        manager = cls._org_chart(rng, dept, n)
        move_day = np.full(n, days, dtype=np.int32)
        movers = rng.random(n) < 0.02
        movers[0] = False
        move_day[movers] = rng.integers(1, days, movers.sum())
        dept_moved = dept.copy()
        dept_moved[movers] = rng.integers(0, nd, movers.sum())
        manager_moved = manager.copy()
        heads = {d: np.flatnonzero((dept == d) & (manager == 0)) for d in range(nd)}
        for i in np.flatnonzero(movers):
            h = heads.get(int(dept_moved[i]))
            manager_moved[i] = int(h[0]) if h is not None and len(h) else 0

        hire_day = np.zeros(n, dtype=np.int32)
        hires = rng.random(n) < 0.03
        hires[0] = False
        hire_day[hires] = rng.integers(1, days, hires.sum())
        delete_day = np.full(n, days + 1000, dtype=np.int32)
        leavers = (rng.random(n) < 0.015) & ~hires
        leavers[0] = False
        delete_day[leavers] = rng.integers(days // 2, days + 1, leavers.sum())
        guest = rng.random(n) < 0.01
        guest[0] = False
        enabled = rng.random(n) > 0.01

        # licence rollout in three waves by department
        wave = rng.integers(0, 3, nd)
        lic_start = np.full(n, days, dtype=np.int32)
        eligible = (rng.random(n) < 0.78) & ~guest
        eligible[0] = True
        dd = np.where(dept >= 0, dept, 0)
        ws = (wave[dd] * days * 0.2).astype(np.int32) + rng.integers(0, max(2, days // 12), n)
        lic_start[eligible] = np.maximum(ws[eligible], hire_day[eligible])
        lic_start[lic_start >= days] = days
        lic_end = np.full(n, days + 180, dtype=np.int32)
        drop = eligible & (rng.random(n) < 0.03) & (lic_start < days - 7)
        lic_end[drop] = lic_start[drop] + rng.integers(7, days, drop.sum())
        lic_sku = ((dept == 1) & (rng.random(n) < 0.3)).astype(np.int8)
        plans_disabled = eligible & (rng.random(n) < 0.01)

        engagement = rng.beta(2.0, 2.2, n) * 1.6
        chat_share = rng.uniform(0.2, 0.6, n)
        a = {"ids": ids, "upn": upn, "display": display, "title": title, "office": rng.integers(0, len(OFFICES), n),
             "dept": dept, "dept_moved": dept_moved, "move_day": move_day, "manager": manager,
             "manager_moved": manager_moved, "guest": guest, "enabled": enabled, "hire_day": hire_day,
             "delete_day": delete_day, "lic_start": lic_start, "lic_end": lic_end, "lic_sku": lic_sku,
             "plans_disabled": plans_disabled, "engagement": engagement, "chat_share": chat_share}
        teams = None
        if small_teams:
            heads = {d: int(h[0]) for d, h in heads.items() if len(h)}
            teams = append_small_teams(a, small_teams, seed, days, heads, nd,
                                       [TITLES[name] for name, _ in DEPARTMENTS], (FIRST, LAST), _ascii)
        cases = append_licence_cases(a, days, heads, [name for name, _ in DEPARTMENTS]) if licence_cases else None
        a["title_day"], a["title_after"] = promotions(seed, a["title"], PREFIXES, days)
        return cls(seed, len(a["upn"]), days, end - dt.timedelta(days=days - 1), teams=teams, licence_cases=cases,
                   **a)

    @staticmethod
    def _org_chart(rng: np.random.Generator, dept: np.ndarray, n: int) -> np.ndarray:
        """Managers: a head per department reporting to the CEO (user 0), team leads, members."""
        manager = np.full(n, -1, dtype=np.int32)
        for d in range(len(DEPARTMENTS)):
            members = np.flatnonzero(dept == d)
            members = members[members != 0]
            if not len(members):
                continue
            head = members[0]
            manager[head] = 0
            leads = members[1: 1 + max(1, len(members) // 9)]
            manager[leads] = head
            rest = members[1 + len(leads):]
            if len(rest):
                manager[rest] = rng.choice(leads, size=len(rest))
        nodept = np.flatnonzero(dept < 0)
        manager[nodept] = 0
        manager[0] = -1
        return manager

    # ---------------------------------------------------------------- point-in-time views
    def date(self, day: int) -> dt.date:
        """The calendar date of a day index."""
        return self.start + dt.timedelta(days=day)

    def day_of(self, date: dt.date) -> int:
        """The day index of a calendar date (must lie inside the simulated period)."""
        d = (date - self.start).days
        if not 0 <= d < self.days:
            raise ValueError(f"{date} is outside the simulated period {self.start}..{self.date(self.days - 1)}")
        return d

    def present(self, day: int) -> np.ndarray:
        """Users who exist in the directory on `day`."""
        return (self.hire_day <= day) & (self.delete_day > day)

    def licensed(self, day: int) -> np.ndarray:
        """Users holding an effective Copilot licence on `day`."""
        return (self.lic_start <= day) & (self.lic_end > day) & ~self.plans_disabled & self.present(day)

    def title_on(self, i: int, day: int) -> str:
        """User `i`'s job title on `day`."""
        promoted = self.title_day is not None and self.title_after is not None and self.title_day[i] <= day
        return self.title_after[i] if promoted else self.title[i]  # type: ignore[index]

    def rename(self, i: int, day: int, display: str, upn: str) -> None:
        """From `day` on, user `i` is called `display` and signs in as `upn` (a name change: Entra keeps the
        object and its id, so users/delta reports an item whose displayName and userPrincipalName changed)."""
        self.renames[i] = (day, display, upn)

    def upn_on(self, i: int, day: int) -> str:
        """User `i`'s userPrincipalName on `day`."""
        r = self.renames.get(i)
        return r[2] if r is not None and r[0] <= day else self.upn[i]

    def display_on(self, i: int, day: int) -> str:
        """User `i`'s displayName on `day`."""
        r = self.renames.get(i)
        return r[1] if r is not None and r[0] <= day else self.display[i]

    def renamed(self, since: int, day: int) -> np.ndarray:
        """Which users were renamed after `since`, up to `day` (boolean per user)."""
        out = np.zeros(self.n, dtype=bool)
        for i, (d, _, _) in self.renames.items():
            out[i] = since < d <= day
        return out

    def dept_on(self, day: int) -> np.ndarray:
        """Department index per user on `day`."""
        return np.where(self.move_day <= day, self.dept_moved, self.dept)

    def manager_on(self, day: int) -> np.ndarray:
        """Manager index per user on `day`; -1 while the manager is not in the directory (not hired yet, or
        deleted): Entra has no manager reference to a user that does not exist."""
        m = np.where(self.move_day <= day, self.manager_moved, self.manager)
        return np.where((m >= 0) & self.present(day)[np.maximum(m, 0)], m, -1)

    def adoption_rate(self, dept: int, day: int) -> float:
        """The share of a department's licensed people who adopt Copilot in the week of `day`."""
        t = day / max(1, self.days - 1)
        kind = DEPARTMENTS[dept][1] if dept >= 0 else "stagnate"
        return {"grow": 0.15 + 0.6 * t, "stagnate": 0.25, "decline": 0.65 - 0.45 * t, "high": 0.82}[kind]

    def _active_today(self, day: int, lic: np.ndarray) -> np.ndarray:
        """Who of `lic` uses Copilot on `day`: this week's adopters, on most weekdays and few weekend days."""
        week = (self.date(day).toordinal() - 1) // 7  # Monday-based weeks
        wrng = np.random.default_rng([self.seed, week, 7])
        u = wrng.random(self.n)[lic]
        d = self.dept_on(day)[lic]
        rates = np.array([self.adoption_rate(i, day) for i in range(-1, len(DEPARTMENTS))])
        base = rates[d + 1]
        if self.teams is not None:  # a small team's members follow their team's trajectory, with away weeks
            team = self.teams.member_team[lic]
            base = np.where(team >= 0, self.teams.rate(day, self.days)[np.maximum(team, 0)], base)
        q = base * (0.6 + 0.8 * self.engagement[lic] / 1.6)
        if self.uplifts:
            q = q + extra_probability(self, day, lic)
        adopter = u < np.minimum(q, 0.98)
        if self.teams is not None:
            adopter &= ~self.teams.away(self.seed, week, self.n)[lic]
        drng = np.random.default_rng([self.seed, day, 3])
        p_day = 0.12 if self.date(day).weekday() >= 5 else 0.6
        return adopter & (drng.random(len(lic)) < p_day)

    def state(self, day: int) -> DayState:
        """Copilot activity state as of `day`, advanced incrementally from the last state served."""
        if self._state is not None and self._state.day == day:
            return self._state
        if self._state is None or self._state.day > day:
            self._daily_any = np.zeros((self.days, self.n), dtype=bool)
            self._daily_prompts = np.zeros((self.days, self.n), dtype=np.uint16)
            last = np.full((self.n, len(APPS)), -1, dtype=np.int16)
            t_act = np.zeros((self.days, len(APPS) + 1), dtype=np.int64)
            t_en = np.zeros(self.days, dtype=np.int64)
            t_pr = np.zeros(self.days, dtype=np.int64)
            begin = 0
        else:
            s = self._state
            last, t_act, t_en, t_pr, begin = s.last_active, s.trend_active, s.trend_enabled, s.trend_prompts, s.day + 1
        for d in range(begin, day + 1):
            rng = np.random.default_rng([self.seed, d])
            lic = np.flatnonzero(self.licensed(d))
            today = self._active_today(d, lic)
            if self.licence_cases is not None:
                today = self.licence_cases.copilot_today(d, lic, today)
            act = (rng.random((len(lic), len(APPS))) < APP_WEIGHT[None, :]) & today[:, None]
            act[:, 0] |= today & ~act.any(axis=1)  # an active day touches at least one app
            anyact = act.any(axis=1)
            prompts = rng.poisson(1.0 + 5.0 * self.engagement[lic]) * anyact + anyact
            rows, cols = np.nonzero(act)
            last[lic[rows], cols] = d
            self._daily_any[d, lic] = anyact
            self._daily_prompts[d, lic] = np.minimum(prompts, 65535)
            t_act[d, :-1] = act.sum(axis=0)
            t_act[d, -1] = anyact.sum()
            t_en[d] = len(lic)
            t_pr[d] = int(prompts.sum())
        self._state = DayState(day, last, t_act, t_en, t_pr)
        return self._state

    def window(self, day: int, period: int) -> tuple[np.ndarray, np.ndarray]:
        """(active usage days, prompts) per user over the `period` days ending on `day`."""
        self.state(day)
        assert self._daily_any is not None and self._daily_prompts is not None
        lo = max(0, day - period + 1)
        days_active = self._daily_any[lo: day + 1].sum(axis=0)
        prompts = self._daily_prompts[lo: day + 1].sum(axis=0, dtype=np.int64)
        return days_active, prompts


def _ascii(s: str) -> str:
    table = str.maketrans({"ë": "e", "é": "e", "ü": "u", "í": "i", "ø": "o", "Ø": "O", "'": ""})
    return s.translate(table)
