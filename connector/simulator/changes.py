"""What changes about a user between two days, and how a users/delta item shows it.

Graph documents that a delta item for an updated user carries "at least the updated properties, but additional
properties may be included", and with `Prefer: return=minimal` only the changed ones
(learn.microsoft.com/graph/delta-query-overview, api-reference/v1.0/api/user-delta; graph-api.md §4.3, §9).
A property absent from an item is unchanged; an explicit `null` clears it. The simulator serves three kinds of
item, chosen by `Prefer: return=minimal` or the `delta_items` setting:

- `full`: every selected property (what Graph sends without the header, in practice);
- `minimal`: `id` and the changed properties only; a new user carries everything;
- `mixed`: about half the items of a round minimal, the rest full (decided per user and day).

A rename (`Tenant.rename`, a name change after marriage, say) keeps the user object and its id: the item reports
the new displayName and userPrincipalName; every reference to the user (another user's manager) is by id and
does not change.

Deletions: a user deleted since the last round is reported `@removed: {"reason": "changed"}` (soft-deleted,
restorable for 30 days); one whose soft-delete expired since is reported `"reason": "deleted"` (permanent).
"""

from __future__ import annotations

import numpy as np

PURGE_DAYS = 30  # Entra keeps a deleted user restorable for 30 days, then deletes it permanently
ITEM_KINDS = ("full", "minimal", "mixed")
ALWAYS = ("id",)


def promotions(seed: int, title: list[str], prefixes: list[str], days: int) -> tuple[np.ndarray, list[str]]:
    """(day of a title change, title after it) per user: about 4 % of people with a title are promoted once,
    to "Senior ..." (or "Principal ..."), which keeps their job function. Drawn from a stream of its own, so
    every other property of a tenant stays what it was."""
    rng = np.random.default_rng([seed, 104729])
    n = len(title)
    day = np.full(n, days, dtype=np.int32)
    after = list(title)
    chosen = np.flatnonzero((rng.random(n) < 0.04) & np.array([bool(t) for t in title]))
    when = rng.integers(1, max(2, days), len(chosen))
    for i, d in zip(chosen.tolist(), when.tolist(), strict=True):
        base = title[i]
        for p in sorted((p for p in prefixes if p), key=len, reverse=True):
            if base.startswith(p):
                base = base[len(p):]
                break
        new = ("Principal " if title[i].startswith("Senior ") else "Senior ") + base
        if new != title[i]:
            day[i], after[i] = d, new
    return day, after


def changed_properties(t, since: int, day: int) -> dict[str, np.ndarray]:
    """Per Graph property name, which users' value changed between `since` and `day` (boolean per user)."""
    def within(col: np.ndarray) -> np.ndarray:
        return (col > since) & (col <= day)

    licence = within(t.lic_start) | within(t.lic_end)
    dept = t.dept_on(since) != t.dept_on(day)
    renamed = t.renamed(since, day)
    return {
        "displayName": renamed,
        "userPrincipalName": renamed,
        "department": dept,
        "jobTitle": within(t.title_day),
        "assignedLicenses": licence,
        "assignedPlans": licence,
        "manager": t.manager_on(since) != t.manager_on(day),
        "accountEnabled": (t.licence_cases.disabled_between(since, day, t.n) if t.licence_cases is not None
                           else np.zeros(t.n, dtype=bool)),  # licence_cases.py: accounts disabled mid-way
    }


def minimal_mask(t, kind: str, since: int | None, day: int, users: np.ndarray) -> np.ndarray:
    """Which of `users` get a minimal item this round (never in an initial sync, never for a new user)."""
    if since is None or kind == "full":
        return np.zeros(len(users), dtype=bool)
    new = t.hire_day[users] > since
    if kind == "minimal":
        return ~new
    rng = np.random.default_rng([t.seed, day, 65537])
    return (rng.random(t.n)[users] < 0.5) & ~new


def minimal_item(full: dict, changed: dict[str, np.ndarray], i: int, old_manager: str | None) -> dict:
    """The minimal form of a full item: `id` and the properties that changed for user `i`."""
    out = {k: v for k, v in full.items() if k in ALWAYS}
    for prop, mask in changed.items():
        if not mask[i]:
            continue
        if prop == "manager":
            if "manager@delta" in full:
                out["manager@delta"] = full["manager@delta"]
            elif old_manager:
                out["manager@delta"] = removed_manager(old_manager)
        elif prop in full:
            out[prop] = full[prop]
    return out


def removed_manager(manager_id: str) -> list[dict]:
    """How a delta item reports a cleared manager: the old reference annotated `@removed`."""
    return [{"@odata.type": "#microsoft.graph.user", "id": manager_id, "@removed": {"reason": "deleted"}}]


def removals(t, since: int, day: int) -> tuple[np.ndarray, list[str]]:
    """(user indexes, @removed reason) for the users a delta round since `since` reports as removed."""
    soft = (t.delete_day > since) & (t.delete_day <= day) & (t.hire_day <= since)
    purged = (t.delete_day + PURGE_DAYS > since) & (t.delete_day + PURGE_DAYS <= day) & (t.hire_day <= since)
    idx = np.flatnonzero(soft | purged)
    return idx, ["deleted" if purged[i] else "changed" for i in idx.tolist()]
