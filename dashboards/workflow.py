"""Follow-ups and champions from the dashboard, through `warehouse.followups` / `warehouse.champions`.

Reads wait at most a moment for the warehouse; edits take the single-writer lock like the command line's jobs
and wait `[dashboard] write_wait_seconds` for it. When a collection holds the warehouse, the caller gets
`Busy` ("a collection is running, try again in a minute") instead of a hung page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import duckdb

from warehouse import champions, followups
from warehouse.config import Config
from warehouse.db import WarehouseBusy
from warehouse.lock import WriterBusy, writer_lock

from . import queries

T = TypeVar("T")
BUSY = "A collection is running, try again in a minute."


class Busy(Exception):
    """The warehouse is being written by a collection; nothing was changed."""


def _short(cfg: Config, seconds: float) -> Config:
    return cfg.model_copy(update={"warehouse": cfg.warehouse.model_copy(update={"lock_timeout_seconds": seconds})})


def _read(cfg: Config, fn: Callable[..., T], *args: object, **kwargs: object) -> T:
    try:
        return fn(_short(cfg, 2.0), *args, **kwargs)
    except (WarehouseBusy, duckdb.IOException, duckdb.ConnectionException) as e:
        raise queries.Refreshing(str(e)) from None


def _write(cfg: Config, fn: Callable[..., T], *args: object, **kwargs: object) -> T:
    wait = cfg.dashboard.write_wait_seconds
    try:
        with writer_lock(cfg.warehouse.path, wait_seconds=wait, job="dashboard edit"):
            result = fn(_short(cfg, wait), *args, **kwargs)
    except (WriterBusy, WarehouseBusy, duckdb.IOException, duckdb.ConnectionException):
        raise Busy(BUSY) from None
    queries.clear()
    return result


def list_followups(cfg: Config) -> list[followups.Followup]:
    """Every follow-up, newest first (resolved ones included)."""
    return _read(cfg, followups.list_followups)


def before_after(cfg: Config) -> dict[int, followups.BeforeAfter]:
    """Before/after active rates of the follow-ups that have an action."""
    return _read(cfg, followups.before_after)


def get_followup(cfg: Config, followup_id: int) -> followups.FollowupDetail:
    """One follow-up with history, actions and weekly rates."""
    return _read(cfg, followups.get_followup, followup_id)


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
