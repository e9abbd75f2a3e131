"""How the admin-only licence lists name a person: the one place that turns a row's identity into the name shown.

Kept to one function so that pseudonymised identities (docs/privacy.md) resolve names here and nowhere else."""

from __future__ import annotations

import pandas as pd


def with_person(df: pd.DataFrame) -> pd.DataFrame:
    """`df` with a `person` column, "Display Name (upn)" (the UPN alone without a display name)."""
    out = df.copy()
    if out.empty:
        out["person"] = pd.Series(dtype="object")
        return out
    out["person"] = [f"{d} ({u})" if isinstance(d, str) and d else str(u)
                     for d, u in zip(out["display_name"], out["user_principal_name"], strict=True)]
    return out
