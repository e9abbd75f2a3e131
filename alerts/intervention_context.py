"""The digest's section on interventions: the measured effects as of the digest's week, per group and per kind
(mart_intervention_effect, mart_intervention_kind_effect; docs/interventions.md). Rendered by the partial
templates `_interventions.txt.j2` / `_interventions.html.j2`; empty (no section) before any is recorded."""

from __future__ import annotations

import logging
from datetime import date, timedelta

import duckdb

from warehouse import db
from warehouse.config import Config

from .workflow.intervention_effects import read_effects, read_kind_effects

MAX_LISTED = 8  # measured effects listed in a digest, newest first; the dashboard's Interventions page has all
RECENT_WEEKS = 13  # a quarter: effects of interventions that started longer ago are on the dashboard only
log = logging.getLogger("copilot_usage.alerts")


def digest_interventions(cfg: Config, week_start: date) -> dict:
    """{'measured': [sentence], 'kinds': [sentence], 'waiting': n, 'more': n} for interventions that started in the
    RECENT_WEEKS up to the digest's week; {} when there are none (or no warehouse to read)."""
    try:
        with db.reading(cfg.warehouse, wait_seconds=2.0) as con:
            effects, kinds = read_effects(con), read_kind_effects(con)
    except (duckdb.Error, *db.NOT_OPENED) as e:  # the digest goes out without the section rather than not at all
        log.warning("digest: interventions not read: %s", e)
        return {}
    since = week_start - timedelta(weeks=RECENT_WEEKS)
    recent = [e for e in effects if since <= e.start_date <= week_start + timedelta(days=6)]
    if not recent:
        return {}
    measured = [e.sentence for e in recent if e.measured]
    return {"measured": measured[:MAX_LISTED], "more": max(len(measured) - MAX_LISTED, 0),
            "waiting": sum(1 for e in recent if e.status in ("collecting", "too_few_weeks", "too_few_comparisons")),
            "kinds": [k.sentence for k in kinds if k.status == "measured"], "weeks": cfg.interventions.weeks_after}
