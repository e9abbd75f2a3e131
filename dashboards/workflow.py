"""Follow-ups and champions from the dashboard, through `alerts.workflow.followups` / `alerts.workflow.champions`.

Reads wait at most a moment for the warehouse and are cached like the named queries (`[dashboard]
cache_ttl_seconds`, forgotten after every edit made here). Edits take the single-writer lock like the command
line's jobs and wait `[dashboard] write_wait_seconds` for it. When a collection holds the warehouse, the caller
gets `Busy` ("a collection is running, try again in a minute") instead of a hung page.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

import streamlit as st

from alerts.workflow import champions, followups, intervention_effects, interventions
from warehouse import db
from warehouse.config import Config
from warehouse.lock import WriterBusy, writer_lock

from . import queries

T = TypeVar("T")
BUSY = "A collection is running, try again in a minute."


class Busy(Exception):
    """The warehouse is being written by a collection; nothing was changed."""


READS: dict[str, Callable[..., object]] = {"list_followups": followups.list_followups,
                                           "before_after": followups.before_after,
                                           "get_followup": followups.get_followup,
                                           "followup_effects": intervention_effects.for_followup}


@st.cache_data(ttl=86400, show_spinner=False, max_entries=64)
def _cached(path: str, name: str, args: tuple, bucket: int, _cfg: Config) -> object:
    # keyed by the warehouse path, the read, its arguments and the TTL bucket (the config itself is not hashed)
    try:
        return READS[name](_cfg, *args, wait_seconds=2.0)
    except db.NOT_OPENED as e:
        raise queries.Refreshing(str(e)) from None


def _read(cfg: Config, name: str, *args: object) -> Any:  # noqa: ANN401 - the read's own type, by its wrapper
    ttl = max(1, cfg.dashboard.cache_ttl_seconds)
    return _cached(cfg.warehouse.path, name, args, int(time.time() // ttl), cfg)


def clear() -> None:
    """Forget cached reads and query results (after an edit, so the page shows it at once)."""
    _cached.clear()
    queries.clear()


def _write(cfg: Config, fn: Callable[..., T], *args: object, **kwargs: object) -> T:
    wait = cfg.dashboard.write_wait_seconds
    try:
        with writer_lock(cfg.warehouse.path, wait_seconds=wait, job="dashboard edit"):
            result = fn(cfg, *args, wait_seconds=wait, **kwargs)
    except (WriterBusy, *db.NOT_OPENED):
        raise Busy(BUSY) from None
    clear()
    return result


def list_followups(cfg: Config) -> list[followups.Followup]:
    """Every follow-up, newest first (resolved ones included)."""
    return _read(cfg, "list_followups")


def before_after(cfg: Config) -> dict[int, followups.BeforeAfter]:
    """Before/after active rates of the follow-ups that have an action."""
    return _read(cfg, "before_after")


def get_followup(cfg: Config, followup_id: int) -> followups.FollowupDetail:
    """One follow-up with history, actions and weekly rates."""
    return _read(cfg, "get_followup", followup_id)


def followup_effects(cfg: Config, followup_id: int) -> list[intervention_effects.Effect]:
    """The measured effects of the interventions a follow-up's actions became (vs comparable groups)."""
    return _read(cfg, "followup_effects", followup_id)


def set_followup(cfg: Config, followup_id: int, **changes: object) -> followups.Followup:
    """Change status / owner / snooze date / add a note (FollowupError on an invalid change, Busy when locked)."""
    return _write(cfg, followups.set_followup, followup_id, **changes)


def add_action(cfg: Config, followup_id: int, kind: str, **details: object) -> followups.Action:
    """Log an action (FollowupError on bad input, Busy when locked)."""
    return _write(cfg, followups.add_action, followup_id, kind, **details)


def save_champion(cfg: Config, *fields: str | None) -> champions.Champion:
    """Add or replace a group's champion (ChampionError on bad input, Busy when locked)."""
    return _write(cfg, champions.save_champion, *fields)


def delete_champion(cfg: Config, dimension: str, group_name: str) -> bool:
    """Remove a group's champion (Busy when locked)."""
    return _write(cfg, champions.delete_champion, dimension, group_name)


def add_intervention(cfg: Config, **fields: object) -> interventions.Intervention:
    """Record an intervention (InterventionError on bad input, Busy when locked)."""
    return _write(cfg, interventions.add, **fields)
