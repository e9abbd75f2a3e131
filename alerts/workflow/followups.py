"""The champion follow-up workflow: one item per group flag episode, its status, owner, notes and actions.

Statuses: open -> acknowledged -> in_progress -> resolved, or snoozed until a date. Every change is an event
(an audit trail). Functions take the Config and open short connections, so a Streamlit form can call them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import duckdb

from warehouse import db
from warehouse.config import Config
from warehouse.contract import ACTION_KINDS, FOLLOWUP_STATUSES

from ..queries import query
from . import interventions

STATUSES = FOLLOWUP_STATUSES
STATUS_WORDS = {s: s.replace("_", " ") for s in STATUSES}  # as people read them, in mails and on the dashboard
TRANSITIONS = {
    "open": ("acknowledged", "in_progress", "snoozed", "resolved"),
    "acknowledged": ("in_progress", "snoozed", "resolved"),
    "in_progress": ("snoozed", "resolved"),
    "snoozed": ("open", "acknowledged", "in_progress", "resolved", "snoozed"),
    "resolved": ("open",),
}


class FollowupError(ValueError):
    """A follow-up does not exist or a change is not allowed; the message says what is."""


@dataclass(frozen=True)
class Followup:
    """A follow-up item with its group's live champion and first action."""

    id: int
    dimension: str
    group_name: str
    episode_start: date
    last_flagged_week: date
    status: str
    owner: str | None
    snooze_until: date | None
    opened_reason: str | None
    created_at: datetime
    updated_at: datetime
    champion_name: str | None
    champion_email: str | None
    first_action: date | None
    actions: int
    group_id: str | None = None  # the group's key (a manager team: the manager's Entra id), None until resolved


@dataclass(frozen=True)
class BeforeAfter:
    """The group's mean weekly active rate in the weeks before vs after the week of the first action."""

    first_action: date
    action_week: date
    before_rate: float | None
    before_weeks: int
    after_rate: float | None
    after_weeks: int

    @property
    def change_points(self) -> float | None:
        """After minus before, in percentage points (None until both sides have a week)."""
        if self.before_rate is None or self.after_rate is None:
            return None
        return (self.after_rate - self.before_rate) * 100


@dataclass(frozen=True)
class Action:
    """An intervention logged for a follow-up."""

    id: int
    kind: str
    action_date: date
    note: str | None
    author: str | None
    created_at: datetime


@dataclass(frozen=True)
class Event:
    """One entry of a follow-up's history."""

    id: int
    event_at: datetime
    author: str | None
    kind: str
    old_value: str | None
    new_value: str | None
    note: str | None


@dataclass(frozen=True)
class FollowupDetail:
    """A follow-up with its history, actions, before/after and the group's weekly rates."""

    followup: Followup
    events: list[Event]
    actions: list[Action]
    before_after: BeforeAfter | None
    weekly: list[tuple[date, float | None, bool]]  # (week_start, active_rate, flagged)


def tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Names of the tables in the warehouse."""
    return db.tables(con)


def read_all(con: duckdb.DuckDBPyConnection) -> list[Followup]:
    """Every follow-up with its live champion, first action and number of actions, by id."""
    if "followups" not in tables(con):
        return []
    return [Followup(*_utc(r, 9, 10)) for r in con.execute(query("followups")).fetchall()]


def _utc(row: tuple, *idx: int) -> tuple:
    """Mark naive UTC timestamps (read with timezone('UTC', ...)) as UTC-aware."""
    return tuple(v.replace(tzinfo=UTC) if i in idx and v is not None else v for i, v in enumerate(row))


def record_event(con: duckdb.DuckDBPyConnection, fid: int, at: datetime, author: str | None, kind: str,
                 old: str | None, new: str | None, note: str | None) -> None:
    """Append one entry to a follow-up's history."""
    con.execute("insert into followup_events (followup_id, event_at, author, kind, old_value, new_value, note) "
                "values (?, ?, ?, ?, ?, ?, ?)", [fid, at, author, kind, old, new, note])


def _get(con: duckdb.DuckDBPyConnection, fid: int) -> Followup:
    for f in read_all(con):
        if f.id == fid:
            return f
    raise FollowupError(f"no follow-up #{fid}; `copilot-usage followups list` shows them")


def set_followup(cfg: Config, followup_id: int, *, status: str | None = None, owner: str | None = None,
                 note: str | None = None, snooze_until: date | None = None, author: str | None = None,
                 today: date | None = None, wait_seconds: float | None = None) -> Followup:
    """Change a follow-up's status, owner or snooze date and/or add a note; invalid changes raise FollowupError."""
    today = today or datetime.now(UTC).date()
    if snooze_until is not None and status is None:
        status = "snoozed"
    if status is not None and status not in STATUSES:
        raise FollowupError(f"status {status!r} must be one of {', '.join(STATUSES)}")
    if status == "snoozed" and snooze_until is None:
        raise FollowupError("snoozing needs a date: --snooze-until YYYY-MM-DD")
    if snooze_until is not None and snooze_until <= today:
        raise FollowupError(f"--snooze-until {snooze_until} must be after today ({today})")
    if status is None and owner is None and not (note or "").strip():
        raise FollowupError("nothing to change: give a status, owner, note or snooze date")
    now = datetime.now(UTC)
    with db.writing(cfg.warehouse, wait_seconds=wait_seconds) as con:
        f = _get(con, followup_id)
        if status is not None and status != f.status and status not in TRANSITIONS[f.status]:
            raise FollowupError(f"follow-up #{f.id} is {f.status}; it can go to: {', '.join(TRANSITIONS[f.status])}")
        with db.transaction(con):
            _apply(con, f, now, status, owner, note, snooze_until, author)
        return _get(con, f.id)


def _apply(con: duckdb.DuckDBPyConnection, f: Followup, now: datetime, status: str | None, owner: str | None,
           note: str | None, snooze_until: date | None, author: str | None) -> None:
    if status is not None and (status != f.status or snooze_until != f.snooze_until):
        con.execute("update followups set status = ?, snooze_until = ?, updated_at = ? where id = ?",
                    [status, snooze_until if status == "snoozed" else None, now, f.id])
        new = f"snoozed until {snooze_until}" if status == "snoozed" else status
        record_event(con, f.id, now, author, "status", f.status, new, None)
    if owner is not None and owner.strip() != (f.owner or ""):
        con.execute("update followups set owner = ?, updated_at = ? where id = ?", [owner.strip() or None, now, f.id])
        record_event(con, f.id, now, author, "owner", f.owner, owner.strip() or None, None)
    if (note or "").strip():
        con.execute("update followups set updated_at = ? where id = ?", [now, f.id])
        record_event(con, f.id, now, author, "note", None, None, note.strip())


def add_action(cfg: Config, followup_id: int, kind: str, *, note: str | None = None,
               action_date: date | None = None, author: str | None = None, today: date | None = None,
               wait_seconds: float | None = None) -> Action:
    """Log an intervention (training, office_hours, prompt_pack, other); an open item moves to in_progress."""
    today = today or datetime.now(UTC).date()
    action_date = action_date or today
    if kind not in ACTION_KINDS:
        raise FollowupError(f"action kind {kind!r} must be one of {', '.join(ACTION_KINDS)}")
    if kind == "other" and not (note or "").strip():
        raise FollowupError("an action of kind 'other' needs a note saying what was done")
    if action_date > today:
        raise FollowupError(f"action date {action_date} is in the future; log actions once they happened")
    now = datetime.now(UTC)
    with db.writing(cfg.warehouse, wait_seconds=wait_seconds) as con:
        f = _get(con, followup_id)
        with db.transaction(con):
            row = _insert_action(con, f, kind, action_date, note, author, now)
    return Action(*_utc(row, 5))


def _insert_action(con: duckdb.DuckDBPyConnection, f: Followup, kind: str, action_date: date, note: str | None,
                   author: str | None, now: datetime) -> tuple:
    row = con.execute(
        "insert into followup_actions (followup_id, kind, action_date, note, author, created_at) "
        "values (?, ?, ?, ?, ?, ?) returning id, kind, action_date, note, author, timezone('UTC', created_at)",
        [f.id, kind, action_date, (note or "").strip() or None, author, now]).fetchone()
    record_event(con, f.id, now, author, "action", None, kind, (note or "").strip() or None)
    interventions.from_followup_action(con, followup_id=f.id, dimension=f.dimension, group_id=f.group_id,
                                       group_name=f.group_name, action_id=row[0], kind=kind, action_date=action_date,
                                       note=(note or "").strip() or None, author=author)  # kind champion_action
    if f.status in ("open", "acknowledged"):
        con.execute("update followups set status = 'in_progress', updated_at = ? where id = ?", [now, f.id])
        record_event(con, f.id, now, author, "status", f.status, "in_progress", "an action was logged")
    return row


def list_followups(cfg: Config, *, statuses: list[str] | None = None, dimension: str | None = None,
                   group_name: str | None = None, open_only: bool = False,
                   wait_seconds: float | None = None) -> list[Followup]:
    """Follow-ups, newest first, filtered by status, dimension, group; `open_only` leaves out resolved ones."""
    with db.reading(cfg.warehouse, wait_seconds=wait_seconds) as con:
        rows = read_all(con)
    return [f for f in reversed(rows)
            if (statuses is None or f.status in statuses) and (dimension is None or f.dimension == dimension)
            and (group_name is None or f.group_name == group_name) and not (open_only and f.status == "resolved")]


def before_after(cfg: Config, *, wait_seconds: float | None = None) -> dict[int, BeforeAfter]:
    """Before/after active rates around the first action, for every follow-up that has an action."""
    with db.reading(cfg.warehouse, wait_seconds=wait_seconds) as con:
        if not {"followups", "mart_stagnation"} <= tables(con):
            return {}
        rows = con.execute(query("followup_before_after"), {"n": cfg.alerts.compare_weeks}).fetchall()
    return {r[0]: BeforeAfter(*r[1:]) for r in rows}


def get_followup(cfg: Config, followup_id: int, *, wait_seconds: float | None = None) -> FollowupDetail:
    """One follow-up with its events, actions, before/after comparison and the group's weekly rates."""
    with db.reading(cfg.warehouse, wait_seconds=wait_seconds) as con:
        f = _get(con, followup_id)
        events = [Event(*_utc(r, 1)) for r in con.execute(
            "select id, timezone('UTC', event_at), author, kind, old_value, new_value, note from followup_events "
            "where followup_id = ? order by id", [f.id]).fetchall()]
        actions = [Action(*_utc(r, 5)) for r in con.execute(
            "select id, kind, action_date, note, author, timezone('UTC', created_at) from followup_actions "
            "where followup_id = ? order by action_date, id", [f.id]).fetchall()]
        weekly = con.execute("select week_start, active_rate, flagged from mart_stagnation "
                             "where dimension = ? and group_id = ? order by week_start",
                             [f.dimension, f.group_id]).fetchall()
    return FollowupDetail(f, events, actions, before_after(cfg).get(f.id), weekly)
