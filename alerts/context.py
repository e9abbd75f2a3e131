"""Template variables of the mails: one vocabulary (the weekly active rate), impact order, caps and nesting.

Everything here is deterministic (no wall-clock values), so the rendered bodies can be compared with golden files.
"""

from __future__ import annotations

import re

from warehouse import levels
from warehouse.config import Config
from warehouse.contract import GROUP_DIMENSIONS

from .build import (
    DIMENSION_LABEL,
    Alert,
    Digest,
    Item,
    attention_link,
    by_impact,
    group_link,
    my_groups_link,
    nest,
    week_end,
)
from .idle_cost import idle_cost_vars
from .workflow.episodes import FlagState
from .workflow.followups import STATUS_WORDS

UNSAFE = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]+")
FALLBACK_TOP = 5  # groups listed by name in the fallback summary
TEAMS_PER_DEPARTMENT = 5  # manager teams nested under one department


def oneline(text: str) -> str:
    """Untrusted names on one line in bodies too: control characters and line breaks become single spaces."""
    return " ".join(UNSAFE.sub(" ", text).split())


def sentence(text: str) -> str:
    """The model's reason with a capital first letter (the rest untouched: 'W47', names)."""
    text = oneline(text)
    return text[:1].upper() + text[1:]


def impact_text(s: FlagState, cfg: Config) -> str:
    """E.g. `about 61 people short of target`; empty when the model gave no impact."""
    g = s.flag
    n = round(g.impact or 0)
    if n <= 0 or g.suppressed:
        return ""
    if g.kind == "declining" and g.active_rate is not None and g.active_rate >= g.target_rate:
        return f"about {n} fewer people active than {cfg.model.stagnation.lookback_weeks} weeks ago"
    return f"about {n} {'person' if n == 1 else 'people'} short of target"


def is_hidden(s: FlagState) -> bool:
    """A group shown without numbers (below the minimum group size)."""
    g = s.flag
    return g.suppressed or g.eligible_users is None or g.active_rate is None


def group_vars(cfg: Config, s: FlagState) -> dict:
    """One flagged group as the templates show it: headline, reason, this week, follow-up and link."""
    g = s.flag
    bands = levels.bands_of(cfg.model)
    hidden = is_hidden(s)
    level = "too_small" if hidden else (g.level if g.level in levels.LEVELS else bands.level(g.active_rate))
    return {
        "name": oneline(g.group_name), "raw_name": g.group_name, "dimension": g.dimension,
        "dimension_label": DIMENSION_LABEL.get(g.dimension, g.dimension),
        "headline": "n/a" if hidden else levels.percent(g.active_rate), "target": levels.percent(g.target_rate),
        "headline_pct": None if hidden else round(g.active_rate * 100, 1), "target_pct": round(g.target_rate * 100, 1),
        "level": level, "bg": levels.COLOURS.get(level or "", levels.GREY),
        "fg": levels.TEXT_COLOURS.get(level or "", levels.GREY_TEXT),
        "reason": ("Not evaluated: the group is below the minimum group size" if hidden else sentence(g.reason)),
        "this_week": (f"too few licensed people to show numbers (fewer than {cfg.model.min_group_size})" if hidden
                      else f"{g.active_users} of {g.eligible_users} licensed people used Copilot"),
        "active": "n/a" if hidden else g.active_users, "eligible": "n/a" if hidden else g.eligible_users,
        "impact": 0 if hidden else round(g.impact or 0), "impact_text": "" if hidden else impact_text(s, cfg),
        "kind": g.kind,
        "weeks_flagged": g.weeks_flagged or 0,
        "followup": f"#{s.followup_id}" if s.followup_id is not None else "new",
        "followup_id": s.followup_id, "status": STATUS_WORDS.get(s.status, ""),
        "link": group_link(cfg, g.dimension, g.group_name, g.week_start),
        "declining": g.declining and not hidden,
    }


def _item_vars(cfg: Config, item: Item, teams_cap: int) -> dict:
    d = group_vars(cfg, item.state)
    d["teams"] = [group_vars(cfg, t) for t in item.teams[:teams_cap]]
    d["teams_more"] = max(len(item.teams) - teams_cap, 0)
    return d


def _count(items: list[Item]) -> int:
    return sum(1 + len(i.teams) for i in items)


def _cap(alert: Alert, cfg: Config) -> int:
    """How many top-level groups a mail lists by name."""
    return min(FALLBACK_TOP, cfg.alerts.max_groups_per_mail) if alert.kind == "fallback" \
        else cfg.alerts.max_groups_per_mail


def listed(alert: Alert, cfg: Config) -> list[FlagState]:
    """The groups a mail lists by name, in its order (each department followed by its nested teams)."""
    return [s for i in nest(alert.groups)[:_cap(alert, cfg)] for s in (i.state, *i.teams[:TEAMS_PER_DEPARTMENT])]


def alert_context(alert: Alert, cfg: Config, chart_groups: int = 0, cid: str | None = None) -> dict:
    """Template variables of a champion or fallback mail."""
    items = nest(alert.groups)
    shown = [_item_vars(cfg, i, TEAMS_PER_DEPARTMENT) for i in items[:_cap(alert, cfg)]]
    listed = [g for i in shown for g in (i, *i["teams"])]
    declining = [g["name"] for g in listed if g["declining"]]
    default_greeting = "adoption lead" if alert.kind == "fallback" else "champion"
    return {
        "kind": alert.kind, "greeting": oneline(alert.recipient_name or "") or default_greeting,
        "week_label": alert.week_label, "week_start": alert.week_start, "week_end": week_end(alert.week_start),
        "total": len(alert.groups), "items": shown,
        "more": _count(items) - len(listed) - sum(i["teams_more"] for i in shown),
        "more_link": attention_link(cfg, alert.week_start) if alert.kind == "fallback"
        else my_groups_link(cfg, alert.week_start),
        "attention_link": attention_link(cfg, alert.week_start), "headline_name": levels.HEADLINE,
        "headline_help": levels.HEADLINE_HELP.format(min_days=cfg.model.stagnation.min_licensed_days,
                                                     weeks=cfg.model.stagnation.lookback_weeks),
        "declining": bool(declining), "declining_names": ", ".join(declining),
        "any_falling": any(s.flag.declining for s in alert.groups),
        "all_falling": all(s.flag.declining for s in alert.groups),
        "min_group_size": cfg.model.min_group_size, "chart_cid": cid if chart_groups else None,
        "chart_groups": chart_groups, "chart_omitted": 0 < chart_groups < len(listed),
    }


def digest_rows(digest: Digest, cfg: Config) -> list[dict]:
    """Every group of the digest by impact, with its owner and where its alert went."""
    rows = []
    for r in sorted(digest.rows, key=lambda r: by_impact(r.state)):
        s = r.state
        g = group_vars(cfg, s)
        owner = s.owner or s.flag.champion_email or "nobody yet"
        status = STATUS_WORDS.get(s.status, s.status) if s.followup_id is not None else "opened on send"
        route = ("no champion yet" if r.routed_to.startswith("fallback") else r.routed_to if s.skip_reason
                 else f"champion {r.routed_to}")
        extra = f"owner {owner}" if owner not in ("nobody yet", (s.flag.champion_email or "").lower(),
                                                  s.flag.champion_email) else ""
        g.update({"owner": owner, "routed_to": r.routed_to, "department": oneline(s.flag.department or ""),
                  "status": status, "line": " · ".join(x for x in (
                      f"follow-up {g['followup']} {status}", route, extra) if x)})
        rows.append(g)
    return rows


def digest_context(digest: Digest, cfg: Config) -> dict:
    """Template variables of the adoption lead's digest (sections per dimension, each capped)."""
    rows = digest_rows(digest, cfg)
    counts = {"champion": 0, "fallback": 0, "skipped": 0}
    for r in digest.rows:
        counts["skipped" if r.state.skip_reason else "champion" if r.state.flag.champion_email else "fallback"] += 1
    cap = cfg.alerts.max_groups_per_mail
    sections = []
    for dim in GROUP_DIMENSIONS:
        items = [g for g in rows if g["dimension"] == dim]
        if items:
            sections.append({"label": DIMENSION_LABEL[dim], "count": len(items), "rows": items[:cap],
                             "more": max(len(items) - cap, 0)})
    t = digest.tenant
    tenant = None if t is None else {
        "headline": levels.percent(t.active_rate), "target": levels.percent(t.target_rate),
        "reason": sentence(t.reason), "this_week": f"{t.active_users} of {t.eligible_users} licensed people"}
    return {"week_label": digest.week_label, "week_start": digest.week_start, "week_end": week_end(digest.week_start),
            "rows": rows, "sections": sections, "counts": counts, "tenant": tenant,
            "min_group_size": cfg.model.min_group_size, "headline_name": levels.HEADLINE,
            "attention_link": attention_link(cfg, digest.week_start),
            "idle_cost": idle_cost_vars(digest.idle_cost, cfg)}
