"""How the admin-only licence lists name a person: the one place that turns a row's identity into the name shown.

Kept to one function so that pseudonymised identities (docs/privacy.md) resolve names here and nowhere else."""

from __future__ import annotations

import pandas as pd

from dashboards.identities import resolve


def with_person(df: pd.DataFrame, path: str | None = None) -> pd.DataFrame:
    """`df` with a `person` column, "Display Name (upn)" (the UPN alone without a display name). In a pseudonymised
    warehouse (`path` given), pseudonyms are resolved to names from its admin-only identity table
    (dashboards/identities.py); one it does not know stays a pseudonym."""
    out = df.copy()
    if out.empty:
        out["person"] = pd.Series(dtype="object")
        return out
    managers = out["manager_team"] if "manager_team" in out else pd.Series(dtype="object")
    if path is not None and (names := resolve(path, pd.concat([out["user_principal_name"], managers]))):
        if "manager_team" in out:  # a manager team's label is its manager's pseudonym there
            out["manager_team"] = [f"{names[m][1]} ({names[m][0]})" if m in names else m for m in out["manager_team"]]
        known = out["user_principal_name"].map(names)
        out["display_name"] = [n[1] if isinstance(n, tuple) else d for n, d in zip(known, out["display_name"],
                                                                                   strict=True)]
        out["user_principal_name"] = [n[0] if isinstance(n, tuple) else u
                                      for n, u in zip(known, out["user_principal_name"], strict=True)]
    out["person"] = [f"{d} ({u})" if isinstance(d, str) and d else str(u)
                     for d, u in zip(out["display_name"], out["user_principal_name"], strict=True)]
    return out
