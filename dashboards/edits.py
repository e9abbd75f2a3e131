"""The edit widgets: a follow-up's actions (acknowledge, log an action, snooze until a date, resolve) through
`dashboards.workflow` -> `alerts.workflow.followups`, and the notice shown after an edit.

Every successful edit clears the query cache (`workflow._write`) and reruns the page, so every table on it shows
the change at once; the notice ("Acknowledged.") survives that rerun in the session state."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from alerts.workflow.followups import ACTION_KINDS, STATUS_WORDS, TRANSITIONS, Followup, FollowupError
from warehouse.config import Config

from . import workflow
from .text import md

NOTICE = "_copilot_usage_notice"
KIND_LABEL = {"training": "training", "office_hours": "office hours", "prompt_pack": "prompt pack", "other": "other"}


def done(message: str) -> None:
    """After a successful edit: remember the notice and rerun (the tables re-read the warehouse)."""
    st.session_state[NOTICE] = message
    st.rerun()


def show_notice() -> None:
    """The notice of the edit just made, once."""
    message = st.session_state.pop(NOTICE, None)
    if message:
        st.success(message, icon=":material/check_circle:")


def today() -> dt.date:
    """Today in UTC, as `alerts.workflow.followups` judges dates."""
    return dt.datetime.now(dt.UTC).date()


def describe(f: Followup) -> str:
    """`Follow-up #3: open since 09 Nov 2026 · owner – · 1 action` (plain text)."""
    parts = [f"Follow-up #{f.id}: {STATUS_WORDS.get(f.status, f.status)}"
             + (f" until {f.snooze_until:%d %b %Y}" if f.status == "snoozed" and f.snooze_until else ""),
             f"flagged since the week of {f.episode_start:%d %b %Y}", f"owner {f.owner or '–'}",
             f"{f.actions} action{'' if f.actions == 1 else 's'} logged"
             + (f" (first {f.first_action:%d %b %Y})" if f.first_action else "")]
    return " · ".join(parts)


def _apply(fn: object, message: str, *args: object, **kwargs: object) -> None:
    try:
        fn(*args, **kwargs)  # type: ignore[operator]
    except (FollowupError, workflow.Busy) as e:
        st.error(md(e))
        return
    done(message)


def followup_actions(cfg: Config, f: Followup, author: str) -> None:
    """The open follow-up of a group and its actions, right where the group is shown."""
    st.text(describe(f))
    allowed = TRANSITIONS.get(f.status, ())
    cols = st.columns(3)
    if "acknowledged" in allowed and cols[0].button("Acknowledge", key=f"ack-{f.id}", icon=":material/thumb_up:",
                                                     help="You have seen it and will act"):
        _apply(workflow.set_followup, "Acknowledged.", cfg, f.id, status="acknowledged", author=author)
    if "resolved" in allowed and cols[1].button("Resolve", key=f"resolve-{f.id}", icon=":material/task_alt:",
                                                 help="Nothing more to do for this flag"):
        _apply(workflow.set_followup, "Resolved.", cfg, f.id, status="resolved", author=author)
    if f.status == "resolved" and cols[0].button("Reopen", key=f"reopen-{f.id}"):
        _apply(workflow.set_followup, "Reopened.", cfg, f.id, status="open", author=author)
    if f.status == "resolved":
        return
    left, right = st.columns(2)
    with left.expander("Log an action", icon=":material/edit_note:"), st.form(f"action-{f.id}", border=False):
        kind = st.radio("What", ACTION_KINDS, format_func=KIND_LABEL.get, horizontal=True, key=f"kind-{f.id}")
        when = st.date_input("When", value=today(), max_value=today(), key=f"when-{f.id}", format="DD/MM/YYYY")
        note = st.text_input("Note (optional)", key=f"note-{f.id}", placeholder="e.g. 30-minute Teams recap demo")
        if st.form_submit_button("Log action"):
            _apply(workflow.add_action, f"Logged: {KIND_LABEL[kind]} on {when:%d %b %Y}.", cfg, f.id, kind,
                   note=note or None, action_date=when, author=author)
    if "snoozed" in allowed:
        with right.expander("Snooze until a date", icon=":material/snooze:"), st.form(f"snooze-{f.id}", border=False):
            tomorrow = today() + dt.timedelta(days=1)
            until = st.date_input("Until", value=today() + dt.timedelta(days=14), min_value=tomorrow,
                                  key=f"until-{f.id}", format="DD/MM/YYYY")
            why = st.text_input("Why (optional)", key=f"why-{f.id}", placeholder="e.g. team on a trade fair")
            if st.form_submit_button("Snooze"):
                _apply(workflow.set_followup, f"Snoozed until {until:%d %b %Y}.", cfg, f.id, status="snoozed",
                       snooze_until=until, note=why or None, author=author)
