"""Who gets which alert: the week's flagged groups grouped by champion, the rest to the fallback, plus a digest."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import quote, urlencode

from warehouse.config import Config
from warehouse.contract import GROUP_DIMENSIONS

from .idle_cost import IdleCost
from .workflow.episodes import FlagState
from .workflow.flagged import FlaggedGroup
from .workflow.weeks import iso_week

DIMENSION_LABEL = {"department": "department", "job_function": "job function", "manager": "manager team",
                   "tenant": "whole tenant"}


@dataclass(frozen=True)
class Alert:
    """One e-mail to one recipient about the flagged groups in their care (kind champion or fallback)."""

    week_start: date
    recipient: str
    recipient_name: str | None
    kind: str  # champion | fallback
    groups: list[FlagState]
    cc: list[str] = field(default_factory=list)

    @property
    def week_label(self) -> str:
        """ISO week label, e.g. 2026-W47."""
        return iso_week(self.week_start)

    @property
    def group_keys(self) -> list[str]:
        """`dimension/group` of every group in the mail (for the sent log)."""
        return [f"{s.flag.dimension}/{s.flag.group_name}" for s in self.groups]


@dataclass(frozen=True)
class DigestRow:
    """One flagged group in the adoption lead's digest, with where its alert went and who owns it."""

    state: FlagState
    routed_to: str  # a champion's address, "fallback <address>", or why it was not sent


@dataclass(frozen=True)
class Digest:
    """The adoption lead's weekly list of every flagged group and its owner."""

    week_start: date
    recipient: str
    rows: list[DigestRow]
    tenant: FlaggedGroup | None  # the tenant as a whole, when it is flagged too
    idle_cost: IdleCost | None = None  # the idle licences' monthly cost (alerts/idle_cost.py)

    @property
    def week_label(self) -> str:
        """ISO week label, e.g. 2026-W47."""
        return iso_week(self.week_start)

    @property
    def group_keys(self) -> list[str]:
        """`dimension/group` of every listed group."""
        return [f"{r.state.flag.dimension}/{r.state.flag.group_name}" for r in self.rows]


@dataclass
class AlertBatch:
    """Everything one week's run would send."""

    week_start: date
    alerts: list[Alert]
    digest: Digest | None
    skipped: list[FlagState]  # snoozed or resolved: not alerted, listed in the digest


def fallback_address(cfg: Config) -> str:
    """Where groups without a champion go: [alerts] fallback_address, else the digest address."""
    return cfg.alerts.fallback_address or cfg.alerts.digest_address


def build_batch(cfg: Config, week: date, states: list[FlagState], tenant: FlaggedGroup | None = None) -> AlertBatch:
    """Group the week's flagged groups by recipient (champion, else fallback) and add the digest."""
    by_recipient: dict[tuple[str, str], list[FlagState]] = {}
    names: dict[str, str | None] = {}
    cc: dict[str, set[str]] = {}
    skipped = []
    digest_rows = []
    fallback = fallback_address(cfg)
    for s in sorted(states, key=by_impact):
        g = s.flag
        if s.skip_reason:
            skipped.append(s)
            digest_rows.append(DigestRow(s, f"not alerted: {s.skip_reason}"))
            continue
        if g.champion_email:
            key = (g.champion_email.lower(), "champion")
            names.setdefault(key[0], g.champion_name)
            if cfg.alerts.cc_managers and g.manager_email and g.manager_email.lower() != key[0]:
                cc.setdefault(key[0], set()).add(g.manager_email.lower())
            digest_rows.append(DigestRow(s, g.champion_email.lower()))
        else:
            key = (fallback.lower(), "fallback")
            digest_rows.append(DigestRow(s, f"fallback {fallback.lower()} (no champion)"))
        by_recipient.setdefault(key, []).append(s)
    alerts = [Alert(week, r, names.get(r) if kind == "champion" else None, kind, groups, sorted(cc.get(r, ())))
              for (r, kind), groups in sorted(by_recipient.items(), key=lambda kv: (kv[0][1] == "fallback", kv[0]))]
    digest = Digest(week, cfg.alerts.digest_address.lower(), digest_rows, tenant) if cfg.alerts.digest_address else None
    return AlertBatch(week, alerts, digest, skipped)


def by_impact(s: FlagState) -> tuple:
    """Sort key of every list of flagged groups: most people short of target first, then by dimension and name."""
    dims = GROUP_DIMENSIONS
    g = s.flag
    return (-(g.impact or 0.0), dims.index(g.dimension) if g.dimension in dims else 9, g.group_name)


@dataclass(frozen=True)
class Item:
    """A top-level group of a mail with the flagged manager teams of its department nested under it."""

    state: FlagState
    teams: list[FlagState] = field(default_factory=list)


def nest(states: list[FlagState]) -> list[Item]:
    """Manager teams whose `department` is a flagged department of the same mail go under it, once (by impact)."""
    states = sorted(states, key=by_impact)
    depts = {s.flag.group_name for s in states if s.flag.dimension == "department"}
    teams: dict[str, list[FlagState]] = {}
    top = []
    for s in states:
        dept = s.flag.department
        if s.flag.dimension == "manager" and dept in depts:
            teams.setdefault(dept, []).append(s)
        else:
            top.append(s)
    return [Item(s, teams.get(s.flag.group_name, []) if s.flag.dimension == "department" else []) for s in top]


def week_end(week_start: date) -> date:
    """The Sunday ending an ISO week."""
    return week_start + timedelta(days=6)


def group_link(cfg: Config, dimension: str, group: str, week: date) -> str:
    """`{dashboard_url}/my-groups?dimension=<dim>&group=<name>&week=<monday>`: that group's week and follow-up."""
    params = [("dimension", dimension), ("group", group), ("week", week.isoformat())]
    return f"{cfg.alerts.dashboard_url}/my-groups?{urlencode(params, quote_via=quote)}"


def my_groups_link(cfg: Config, week: date) -> str:
    """`{dashboard_url}/my-groups?week=<monday>`: every group of the signed-in champion."""
    return f"{cfg.alerts.dashboard_url}/my-groups?{urlencode([('week', week.isoformat())])}"


def attention_link(cfg: Config, week: date) -> str:
    """`{dashboard_url}/attention?week=<monday>`: the admin page of flagged groups and who follows them up."""
    return f"{cfg.alerts.dashboard_url}/attention?{urlencode([('week', week.isoformat())])}"
