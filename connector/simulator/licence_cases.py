"""People with known licence histories: the ground truth of the reclaim and reallocation lists (docs/licences.md).

`Tenant.generate(..., licence_cases=True)` appends the people of `RECLAIM` and `REALLOCATION` below, each with a
fixed Copilot licence assignment day, fixed days of Copilot use and a fixed Microsoft 365 activity pattern, counted
back from the tenant's last day E:

- reclaim (department Marketing): licensed last week (not a candidate: grace period); licensed 60 days ago and idle
  for the last 40 (lapsed); licensed 45 days ago and never used (never_used); one use in the last 30 days (low_use);
  used every day (not a candidate); a disabled account holding a licence (listed first: `accountEnabled` false, as
  Graph returns it on the user), and one disabled a week ago after daily use (users/delta then reports the changed
  `accountEnabled`, as it reports any changed property); a user deleted 10 days ago (not listed anywhere:
  deleting a user frees its licences, office365itpros.com "Managing Assigned Licenses for Deleted User Accounts",
  2023-08-07, and users/delta reports the deletion as `@removed`);
- reallocation: unlicensed heavy Microsoft 365 users of IT (the simulator's high-adoption department), ranked by
  active days then apps; the same kind of user in Human Resources (adoption declining: not a candidate); a light
  user, one using two apps, a disabled one and a licensed one in IT (none a candidate).

With cases, everyone else's Microsoft 365 apps report shows light use (active on a fifth of days, so never 16 of 28
days), so the heavy users are exactly the ones listed here. Without cases the tenant is unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

M365_APPS = ("Outlook", "Word", "Excel", "PowerPoint", "OneNote", "Teams")
BACKGROUND_M365_DAY_SHARE = 0.2  # everyone else: active in Microsoft 365 apps on about one day in five

# name: (department, licensed days before E or None, Copilot use days before E ("daily" = every day since the
# licence, until the account is disabled), account enabled (True, False, or disabled that many days before E),
# deleted days before E or None, expected tier or None)
RECLAIM: dict[str, tuple[str, int | None, tuple[int, ...] | str, bool | int, int | None, str | None]] = {
    "licensed_last_week": ("Marketing", 6, (), True, None, None),
    "idle_40_days": ("Marketing", 60, (58, 50, 40), True, None, "lapsed"),
    "never_used": ("Marketing", 45, (), True, None, "never_used"),
    "low_use": ("Marketing", 60, (55, 20), True, None, "low_use"),
    "daily_user": ("Marketing", 60, "daily", True, None, None),
    "disabled_account": ("Marketing", 50, (), False, None, "disabled"),
    "disabled_last_week": ("Marketing", 50, "daily", 7, None, "disabled"),
    "deleted_account": ("Marketing", 60, (), True, 10, None),
}
# name: (department, Microsoft 365 activity ("daily", "weekdays" or "light"), apps used, account enabled, licensed,
# expected rank or None)
REALLOCATION: dict[str, tuple[str, str, int, bool, bool, int | None]] = {
    "heavy_daily": ("IT", "daily", 6, True, False, 1),
    "heavy_weekdays": ("IT", "weekdays", 6, True, False, 2),
    "heavy_weekdays_4_apps": ("IT", "weekdays", 4, True, False, 3),
    "heavy_low_adoption": ("Human Resources", "daily", 6, True, False, None),
    "light_it": ("IT", "light", 6, True, False, None),
    "two_apps_it": ("IT", "daily", 2, True, False, None),
    "disabled_it": ("IT", "daily", 6, False, False, None),
    "licensed_it": ("IT", "daily", 6, True, True, None),
}


@dataclass(frozen=True)
class LicenceCases:
    """Which user index each case is, the days each uses Copilot, and each user's Microsoft 365 pattern."""

    index: dict[str, int]
    copilot_days: dict[int, frozenset[int]]  # user -> day indexes of Copilot use (only case users)
    m365_pattern: dict[int, tuple[str, int]]  # user -> (daily | weekdays | light, apps used)
    disabled_from: dict[int, int]  # user -> the day their account is disabled (accountEnabled false from then on)

    def disabled_between(self, since: int, day: int, n: int) -> np.ndarray:
        """Which users' accounts were disabled after `since`, up to `day` (a changed `accountEnabled`)."""
        out = np.zeros(n, dtype=bool)
        for user, d in self.disabled_from.items():
            out[user] = since < d <= day
        return out

    def copilot_today(self, day: int, lic: np.ndarray, today: np.ndarray) -> np.ndarray:
        """`today` (who of the licensed `lic` uses Copilot on `day`) with the cases' fixed days."""
        out = today.copy()
        pos = {int(u): k for k, u in enumerate(lic.tolist())}
        for user, days in self.copilot_days.items():
            if user in pos:
                out[pos[user]] = day in days
        return out

    def m365_columns(self, t, rows: np.ndarray, day: int, cols: dict, dates: Callable, yes_no: Callable) -> None:
        """Override the Microsoft 365 apps report's `Last Activity Date` and app columns of `rows` on `day`."""
        last = np.full(len(rows), -1, dtype=np.int64)
        for back in range(0, min(day, 90) + 1):  # the latest active day of each row, looking back
            d = day - back
            active = np.random.default_rng([t.seed, d, 4242]).random(t.n)[rows] < BACKGROUND_M365_DAY_SHARE
            last = np.where((last < 0) & active, d, last)
        apps = [np.array([v == "Yes" for v in cols[a].to_pylist()]) for a in M365_APPS]
        for k, user in enumerate(rows.tolist()):
            if user not in self.m365_pattern:
                continue
            kind, n_apps = self.m365_pattern[user]
            last[k] = _last_active(t, kind, day)
            for j in range(len(M365_APPS)):
                apps[j][k] = j < n_apps
        cols["Last Activity Date"] = dates(t, last)
        for name, mask in zip(M365_APPS, apps, strict=True):
            cols[name] = yes_no(mask)


def account_enabled(t, i: int, day: int) -> bool:
    """User `i`'s `accountEnabled` on `day`."""
    cases = t.licence_cases
    return bool(t.enabled[i]) and not (cases is not None and cases.disabled_from.get(i, t.days) <= day)


def _last_active(t, kind: str, day: int) -> int:
    """The last day on or before `day` a case user was active in Microsoft 365 apps."""
    for d in range(day, -1, -1):
        weekday = t.date(d).weekday()
        if kind == "daily" or (kind == "weekdays" and weekday < 5) or (kind == "light" and weekday in (1, 3)):
            return d
    return -1


def append_licence_cases(a: dict, days: int, heads: dict[int, np.ndarray], departments: list[str]) -> LicenceCases:
    """Extend the tenant's arrays in `a` (in place) by the cases (reporting to their department's head, `heads`:
    department -> its head first); return where they are."""
    end = days - 1
    if days < 70:
        raise ValueError("licence cases need a tenant of at least 70 days (a licence assigned 60 days before the end)")
    n0 = len(a["upn"])
    index: dict[str, int] = {}
    copilot_days: dict[int, frozenset[int]] = {}
    m365: dict[int, tuple[str, int]] = {}
    disabled_from: dict[int, int] = {}
    rows = []
    for name, (dept, licensed, uses, enabled, deleted, _) in RECLAIM.items():
        i = n0 + len(rows)
        index[name] = i
        start = end - licensed if licensed is not None else days
        stop = days
        if not isinstance(enabled, bool):
            stop = disabled_from[i] = end - enabled
        copilot_days[i] = frozenset(range(start, stop) if uses == "daily" else (end - u for u in uses))
        rows.append((name, dept, start, enabled is not False, end - deleted if deleted is not None else days + 1000))
    for name, (dept, kind, n_apps, enabled, licensed, _) in REALLOCATION.items():
        i = n0 + len(rows)
        index[name] = i
        start = end - 60 if licensed else days
        if licensed:
            copilot_days[i] = frozenset(range(start, days))
        m365[i] = (kind, n_apps)
        rows.append((name, dept, start, enabled, days + 1000))
    k = len(rows)
    d_idx = np.array([departments.index(r[1]) for r in rows], dtype=np.int16)
    manager = np.array([int(heads[d][0]) if len(heads.get(d, ())) else 0 for d in d_idx.tolist()], dtype=np.int32)
    a["ids"] += [f"11ce0000-0000-4000-8000-{n0 + j:012d}" for j in range(k)]
    a["upn"] += [f"{r[0].replace('_', '.')}{n0 + j}@contoso.example" for j, r in enumerate(rows)]
    a["display"] += [r[0].replace("_", " ").title() for r in rows]
    a["title"] += ["Specialist"] * k
    ext = {
        "office": np.zeros(k, dtype=np.int64), "dept": d_idx, "dept_moved": d_idx,
        "move_day": np.full(k, days, dtype=np.int32),
        "manager": manager, "manager_moved": manager.copy(),
        "guest": np.zeros(k, dtype=bool), "enabled": np.array([r[3] for r in rows], dtype=bool),
        "hire_day": np.zeros(k, dtype=np.int32), "delete_day": np.array([r[4] for r in rows], dtype=np.int32),
        "lic_start": np.array([r[2] for r in rows], dtype=np.int32), "lic_end": np.full(k, days + 180, dtype=np.int32),
        "lic_sku": np.zeros(k, dtype=np.int8), "plans_disabled": np.zeros(k, dtype=bool),
        "engagement": np.full(k, 0.8), "chat_share": np.full(k, 0.4),
    }
    for key, values in ext.items():
        a[key] = np.concatenate([a[key], values.astype(a[key].dtype)])
    return LicenceCases(index, copilot_days, m365, disabled_from)


def expected_tiers() -> dict[str, str | None]:
    """Each reclaim case's expected tier (None: not a candidate)."""
    return {name: spec[-1] for name, spec in RECLAIM.items()}


def expected_ranking() -> list[str]:
    """The reallocation cases expected on the list, in rank order."""
    ranked = [(spec[-1], name) for name, spec in REALLOCATION.items() if spec[-1] is not None]
    return [name for _, name in sorted(ranked)]
