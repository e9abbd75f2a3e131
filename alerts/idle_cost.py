"""The digest's section on idle licences (docs/licences.md): what idle Copilot licences cost the tenant a month, the
change since the week before, and the departments where most of it sits. Aggregates from mart_idle_cost only (no
one is named; suppressed departments are left out); rendered by templates/_idle_cost.*.j2."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb

from warehouse import db
from warehouse.config import Config

from .queries import query

TOP_DEPARTMENTS = 3


@dataclass(frozen=True)
class IdleCost:
    """The tenant's idle licences and their monthly cost on the latest weekly point, and the week before."""

    as_of: date
    currency: str
    idle_licences: int
    licensed_users: int
    monthly_cost: float
    previous_cost: float | None
    departments: list[tuple[str, int, float]]  # (department, idle licences, monthly cost), costliest first


def read_idle_cost(con: duckdb.DuckDBPyConnection) -> IdleCost | None:
    """The latest idle cost, or None before the model has built mart_idle_cost (or with no licensed user)."""
    if not db.has_table(con, "mart_idle_cost"):
        return None
    rows = con.execute(query("idle_cost")).fetchall()
    tenant = [r for r in rows if r[1] == "tenant"]
    if not tenant:
        return None
    latest = tenant[0]
    previous = tenant[1][5] if len(tenant) > 1 else None
    depts = [(r[2], int(r[4]), float(r[5])) for r in rows if r[1] == "department" and r[0] == latest[0] and r[5]]
    return IdleCost(latest[0], latest[6], int(latest[4]), int(latest[3]), float(latest[5]),
                    None if previous is None else float(previous), depts[:TOP_DEPARTMENTS])


def idle_cost_vars(idle: IdleCost | None, cfg: Config) -> dict | None:
    """The partial template's variables (amounts written out, the rule, the page's link), or None for no section."""
    if idle is None:
        return None
    change = None if idle.previous_cost is None else idle.monthly_cost - idle.previous_cost

    def money(v: float) -> str:
        return f"{v:,.0f} {idle.currency}"

    return {"cost": money(idle.monthly_cost), "idle": f"{idle.idle_licences:,}", "licensed": f"{idle.licensed_users:,}",
            "as_of": idle.as_of.isoformat(), "inactive_days": cfg.licences.inactive_days,
            "link": f"{cfg.alerts.dashboard_url}/reclaim",
            "change": None if change is None else ("no change" if round(change) == 0 else
                                                   f"{'+' if change > 0 else '-'}{money(abs(change))}"),
            "departments": [{"name": n, "idle": f"{k:,}", "cost": money(c)} for n, k, c in idle.departments]}
