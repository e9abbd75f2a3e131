"""Page filters that live in the URL (st.query_params), so a view can be bookmarked or linked from an alert mail.

Parameters: `dimension`, `group` (repeatable), `app`, `week` (a week's Monday, YYYY-MM-DD, or 2026-W47),
`window` (7 or 28) and `view` (apps or weeks). Unknown or malformed values fall back to the default.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

import streamlit as st

from warehouse import apps

DIMENSIONS = {"department": "Department", "job_function": "Job function", "manager": "Manager team"}
PICK_LIMIT = 250  # choices a group picker lists at once (`groups`)


def choice(key: str, label: str, options: Sequence[str], default: str | None = None,
           fmt: Callable[[str], str] = str, horizontal: bool = False) -> str:
    """A single choice read from and written back to the URL parameter `key`."""
    options = list(options)
    wanted = st.query_params.get(key)
    value = wanted if wanted in options else (default if default in options else options[0])
    if horizontal:
        picked = st.radio(label, options, index=options.index(value), format_func=fmt, horizontal=True)
    else:
        picked = st.selectbox(label, options, index=options.index(value), format_func=fmt)
    st.query_params[key] = picked
    return picked


def dimension() -> str:
    """The group dimension (department, job function or manager team)."""
    return choice("dimension", "Group by", list(DIMENSIONS), "department", fmt=DIMENSIONS.get, horizontal=True)


def app(available: Sequence[str], label: str = "App") -> str:
    """One Copilot app (or `any`) among those the data has (`Reader.apps`: no v2 apps in a v1 tenant)."""
    return choice("app", label, apps.present(available) or ["any"], "any", fmt=apps.label)


def groups(options: Sequence[str], default: Sequence[str] = ()) -> list[str]:
    """The groups to show: the URL's `group=` values that exist (all repeated ones), else `default`.

    With more than `PICK_LIMIT` groups (the manager teams of a large tenant: 10,718 at 100k users) the picker lists
    the picked ones and the first `PICK_LIMIT` whose name holds the text typed in *Find groups* (none typed: the
    first of `options`): a list of ten thousand choices cost the browser about a second on every page load, and
    nobody scrolls it. Every group can still be picked, and linked with `group=`."""
    options = list(options)
    known = set(options)
    from_url = [g for g in st.query_params.get_all("group") if g in known]
    chosen = from_url or [g for g in default if g in known]
    listed, note = options, None
    if len(options) > PICK_LIMIT:
        find = st.text_input("Find groups", key="group_search", placeholder="part of a name, then Enter",
                             help=f"{len(options):,} groups: the list below shows at most {PICK_LIMIT} of them")
        needle = find.strip().casefold()
        hits = [g for g in options if needle in g.casefold()] if needle else options
        listed = list(dict.fromkeys([*chosen, *hits[:PICK_LIMIT]]))
        n = len(hits)
        note = (f"{n:,} {'group matches' if n == 1 else 'groups match'} {find.strip()!r}" if needle
                else f"{len(options):,} groups") + (
            f"; the list shows the first {PICK_LIMIT}: type part of a name above to find others."
            if len(hits) > PICK_LIMIT else ".")
    picked = st.multiselect("Groups", listed, default=chosen)
    if note:
        st.caption(note)
    st.query_params["group"] = picked
    return picked


def parse_week(value: str | None) -> dt.date | None:
    """A week's Monday from `2026-11-16` (any day of the week) or `2026-W47`; None when malformed."""
    if not value:
        return None
    try:
        if "-W" in value.upper():
            year, week = value.upper().split("-W")
            return dt.date.fromisocalendar(int(year), int(week), 1)
        day = dt.date.fromisoformat(value)
        return day - dt.timedelta(days=day.weekday())
    except ValueError:
        return None


def week(weeks: Sequence[dt.date]) -> dt.date:
    """One of `weeks` (newest first), chosen by the URL's `week` parameter, else the newest."""
    weeks = list(weeks)
    wanted = parse_week(st.query_params.get("week"))
    value = wanted if wanted in weeks else weeks[0]
    picked = st.selectbox("Week", weeks, index=weeks.index(value),
                          format_func=lambda d: f"{d:%G-W%V} (from {d:%d %b %Y})")
    st.query_params["week"] = picked.isoformat()
    return picked
