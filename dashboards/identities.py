"""Admin-only: the names behind the pseudonyms of a pseudonymised warehouse ([privacy] pseudonymise,
docs/privacy.md), for the one name-display function of the licence lists (dashboards/people.py)."""

from __future__ import annotations

import pandas as pd

from dashboards import queries

PREFIX = "u-"  # warehouse/pseudonyms.py: a UPN's pseudonym


def resolve(path: str, upns: pd.Series) -> dict[str, tuple[str | None, str | None]]:
    """pseudonym -> (user principal name, display name) for the pseudonyms in `upns` the identity table knows
    (none when the warehouse keeps identities in clear, or [privacy] resolve_names = false). Read uncached: only
    the admin page asks, for the rows it shows."""
    keys = tuple(sorted({u for u in upns.dropna() if isinstance(u, str) and u.startswith(PREFIX)}))
    if not keys:
        return {}
    found = queries.read(path, "identities", {"pseudonyms": keys})
    if found.empty:
        return {}
    return {p: (u, d) for p, u, d in found[["pseudonym", "user_principal_name", "display_name"]].itertuples(
        index=False)}
