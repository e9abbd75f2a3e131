"""Which follow-up a week's flag belongs to: one item per flag episode (a run of consecutive flagged weeks).

An item still open absorbs a re-flag; a resolved item stays quiet for its episode; a snoozed one until its date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import duckdb

from warehouse import db
from warehouse.config import Config

from .flagged import FlaggedGroup, read_flagged
from .followups import Followup, read_all, record_event
from .weeks import resolve_week


@dataclass(frozen=True)
class FlagState:
    """A flagged group of a week with its follow-up and whether alerts skip it (and why)."""

    flag: FlaggedGroup
    followup_id: int | None  # None: a new follow-up would be opened (dry run)
    status: str
    owner: str | None
    skip_reason: str | None


def _skip_reason(f: Followup, flag: FlaggedGroup) -> str | None:
    week_end = flag.week_start + timedelta(days=6)
    if f.status == "snoozed" and f.snooze_until is not None and f.snooze_until > week_end:
        return f"snoozed until {f.snooze_until}"
    if f.status == "resolved":
        return f"resolved (follow-up #{f.id}); alerts resume when the group flags again after an unflagged week"
    return None


def plan(con: duckdb.DuckDBPyConnection, week: date, dimensions: tuple[str, ...] | list[str]) -> list[FlagState]:
    """Match each flagged group of `week` to its follow-up (the group's latest, unless that one is resolved and
    from an earlier episode) and decide whether alerts skip it; writes nothing."""
    latest: dict[tuple[str, str], Followup] = {}
    for f in read_all(con):
        if f.episode_start <= week and f.group_id is not None:
            key = (f.dimension, f.group_id)
            if key not in latest or f.episode_start >= latest[key].episode_start:
                latest[key] = f
    out = []
    for flag in read_flagged(con, week):
        if flag.dimension not in dimensions:
            continue
        f = latest.get(flag.key)
        if f is not None and (f.status != "resolved" or f.episode_start == flag.episode_start):
            out.append(FlagState(flag, f.id, f.status, f.owner or f.champion_email, _skip_reason(f, flag)))
        else:
            out.append(FlagState(flag, None, "open", flag.champion_email, None))
    return out


def sync(cfg: Config, week: str | date | None = None) -> tuple[date, list[FlagState]]:
    """Open follow-ups for the week's flagged groups, extend existing ones, end expired snoozes; return the plan."""
    with db.writing(cfg.warehouse) as con:
        return sync_on(con, cfg, week)


def sync_on(con: duckdb.DuckDBPyConnection, cfg: Config, week: str | date | None = None
            ) -> tuple[date, list[FlagState]]:
    """`sync` on an open write connection (the transform's, after a daily run's build)."""
    now = datetime.now(UTC)
    start = resolve_week(con, week)
    states = plan(con, start, cfg.alerts.dimensions)
    with db.transaction(con):
        result = _save(con, states, now)
    return start, result


def _save(con: duckdb.DuckDBPyConnection, states: list[FlagState], now: datetime) -> list[FlagState]:
    """Write the plan in a few statements (thousands of manager teams can flag in one week)."""
    opened = _open(con, [s.flag for s in states if s.followup_id is None], now)
    seen = [s for s in states if s.followup_id is not None]
    if seen:
        con.execute("update followups f set last_flagged_week = u.week "
                    "from (select unnest(?::integer[]) as id, unnest(?::date[]) as week) u "
                    "where f.id = u.id and f.last_flagged_week < u.week",
                    [[s.followup_id for s in seen], [s.flag.week_start for s in seen]])
    out = []
    for s in states:
        g = s.flag
        if s.followup_id is None:
            out.append(FlagState(g, opened[g.key], "open", g.champion_email, None))
        elif s.status == "snoozed" and s.skip_reason is None:
            con.execute("update followups set status = 'open', snooze_until = null, updated_at = ? where id = ?",
                        [now, s.followup_id])
            record_event(con, s.followup_id, now, None, "snooze_ended", "snoozed", "open",
                         f"week {g.week_start}: still flagged after the snooze: {g.reason}")
            out.append(FlagState(g, s.followup_id, "open", s.owner, None))
        else:
            out.append(s)
    return out


def _open(con: duckdb.DuckDBPyConnection, flags: list[FlaggedGroup], now: datetime) -> dict[tuple[str, str], int]:
    """Open one follow-up per newly flagged group, each with its `opened` event; their ids by group."""
    if not flags:
        return {}
    rows = con.execute(
        "insert into followups (dimension, group_name, episode_start, last_flagged_week, status, owner, "
        "opened_reason, created_at, updated_at, group_id) select unnest(?::varchar[]), unnest(?::varchar[]), "
        "unnest(?::date[]), unnest(?::date[]), 'open', unnest(?::varchar[]), unnest(?::varchar[]), ?, ?, "
        "unnest(?::varchar[]) returning id, dimension, group_id",
        [[g.dimension for g in flags], [g.group_name for g in flags], [g.episode_start for g in flags],
         [g.week_start for g in flags], [g.champion_email for g in flags], [g.reason for g in flags], now, now,
         [g.key[1] for g in flags]],
    ).fetchall()
    ids = {(d, gid): fid for fid, d, gid in rows}
    con.execute("insert into followup_events (followup_id, event_at, author, kind, old_value, new_value, note) "
                "select unnest(?::integer[]), ?, null, 'opened', null, 'open', unnest(?::varchar[])",
                [[ids[g.key] for g in flags], now,
                 [f"week {g.week_start}: {g.reason}" for g in flags]])
    return ids
