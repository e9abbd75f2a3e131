"""Who is looking: roles from the `[dashboard]` config and the champions table.

- `auth = "none"` (the local demo only): everyone is an admin, and every page says sign-in is off. An admin
  there can "view as" a champion (sidebar, or `copilot-usage dashboard --as EMAIL`): exactly their visibility.
- `auth = "entra"`: a signed-in user whose e-mail is in `admins`, or who is in an `admin_groups` group (the ID
  token's `groups` claim), is an admin: the whole tenant, and may edit champions. A user who is the champion of
  some groups (champions table, by e-mail) sees per-group detail of those groups only. Anyone else signed in sees
  tenant totals only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from warehouse.config import DashboardConfig

ADMIN, CHAMPION, VIEWER = "admin", "champion", "viewer"


@dataclass(frozen=True)
class Viewer:
    """The signed-in person (or the local demo user), their role and the groups they may see in detail."""

    email: str
    name: str
    role: str
    groups: frozenset[tuple[str, str]] = field(default_factory=frozenset)
    signed_in: bool = True
    viewed_as: bool = False  # an admin of the local demo looking through this champion's eyes (auth = "none")

    @property
    def is_admin(self) -> bool:
        """Sees every group and may edit champions."""
        return self.role == ADMIN

    def can_see(self, dimension: str, group_name: str) -> bool:
        """May this viewer see the per-group detail of this group? Tenant totals are for everyone."""
        return dimension == "tenant" or self.is_admin or (dimension, group_name) in self.groups

    def visible(self, df: pd.DataFrame, dimension: str | None = None) -> pd.DataFrame:
        """Only the rows of `df` this viewer may see (by its `dimension` column, or the one given)."""
        if self.is_admin or df.empty:
            return df
        dims = df["dimension"] if dimension is None else pd.Series(dimension, index=df.index)
        keep = [self.can_see(d, g) for d, g in zip(dims, df["group_name"], strict=True)]
        return df[keep]


def local_viewer() -> Viewer:
    """The demo user of `auth = "none"`: an admin, not signed in."""
    return Viewer(email="", name="local demo", role=ADMIN, signed_in=False)


def viewer_as(email: str, champions: pd.DataFrame) -> Viewer:
    """The viewer `email` is when signed in without admin rights: the champion of their groups, else a viewer.
    Used by "View as" (`auth = "none"` only), so an admin sees exactly what that champion sees."""
    email = email.strip().lower()
    mine = frozenset(_groups_of(email, champions))
    names = champions.loc[champions["champion_email"].str.lower() == email, "champion_name"] if mine else []
    name = str(next((n for n in names if isinstance(n, str) and n), email))
    return Viewer(email, name, CHAMPION if mine else VIEWER, mine, signed_in=True, viewed_as=True)


def resolve_viewer(cfg: DashboardConfig, claims: Mapping[str, Any], champions: pd.DataFrame) -> Viewer:
    """The viewer for a signed-in user's ID-token claims (email / preferred_username, name, groups)."""
    email = str(claims.get("email") or claims.get("preferred_username") or "").strip().lower()
    name = str(claims.get("name") or email)
    token_groups = claims.get("groups") or []
    if isinstance(token_groups, str):
        token_groups = [token_groups]
    if (email and email in cfg.admins) or set(map(str, token_groups)) & set(cfg.admin_groups):
        return Viewer(email, name, ADMIN)
    mine = frozenset(_groups_of(email, champions))
    return Viewer(email, name, CHAMPION if mine else VIEWER, mine)


def _groups_of(email: str, champions: pd.DataFrame) -> Iterable[tuple[str, str]]:
    if not email or champions.empty:
        return []
    rows = champions[champions["champion_email"].str.lower() == email]
    return list(zip(rows["dimension"], rows["group_name"], strict=True))
