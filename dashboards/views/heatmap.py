"""Acceptance heatmap: group × app (the headline per app, latest complete week) or group × complete week (each
week's raw weekly active rate); the 28-day reach as a labelled secondary option.

Only the groups shown are read: the picked ones (URL `group=`), a champion's own, or else the `DEFAULT_GROUPS`
that matter, chosen in SQL: flagged groups first (most people short of target), then the largest. Rows are ordered
by the headline; a manager dimension has tens of thousands of groups in a big tenant."""

import pandas as pd
import streamlit as st

from dashboards import draw, filters, heat, session
from dashboards.queries import DEFAULT_GROUPS
from warehouse.levels import HEADLINE, bands_of

ctx = session.current()
r, viewer, cfg = ctx.reader, ctx.viewer, ctx.cfg
bands = bands_of(cfg.model)
st.title("Acceptance heatmap")

c1, c2, c3, c4 = st.columns([2, 1, 2, 1])
with c1:
    dimension = filters.dimension()
with c2:
    view = filters.choice("view", "Columns", ["apps", "weeks"], "apps", fmt=str.capitalize, horizontal=True)
with c3:
    metric = "headline" if view == "weeks" else filters.choice(
        "metric", "Measure", ["headline", "reach"], "headline", horizontal=True,
        fmt={"headline": HEADLINE, "reach": "reach (active in 28 days)"}.get)
with c4:
    app = filters.app(r.apps()) if view == "weeks" else "any"

names = r.group_names(dimension)
if not viewer.is_admin:  # a champion picks among, and by default sees, their own groups only
    names = [g for g in names if viewer.can_see(dimension, g)]
requested = st.query_params.get_all("group")
picked = filters.groups(names)
hidden = [g for g in requested if g not in names]
if hidden:
    st.info(f"{len(hidden)} group(s) in the link are not shown: not in the data, or not yours to see.")
if not names:
    st.info("No groups to show: none of this dimension, or none you are the champion of.")
    st.stop()
chosen = picked or ([] if viewer.is_admin else names)  # [] = the SQL picks the DEFAULT_GROUPS that matter

data = viewer.visible(r.heatmap_apps(dimension, chosen), dimension)
if data.empty:
    st.info("No groups to show: none of this dimension, or none you are the champion of.")
    st.stop()
week = pd.Timestamp(data["week_start"].dropna().iloc[0]) if data["week_start"].notna().any() else None
when = f"week of {week:%d %b %Y}" if week is not None else "latest complete week"
if view == "apps":
    builder, args = "apps_chart", (data, bands, metric)
    note = (f"reach: share of licensed people active in the 28 days to {ctx.as_of:%d %b %Y} (any Copilot "
            "activity; not the headline)" if metric == "reach" else
            f"{heat.headline_note(cfg.model.stagnation.lookback_weeks)} per app, {when}")
else:
    weeks = viewer.visible(r.group_weeks(dimension, app, chosen), dimension)
    builder, args = "weeks_chart", (weeks, heat.row_order(data), sorted(heat.flagged_names(data)), bands)
    note = f"each complete week's weekly active rate, app {heat.app_label(app)}; rows by the headline"

shown = ""
if not chosen and len(names) > DEFAULT_GROUPS:
    shown = (f" Showing {DEFAULT_GROUPS} of {len(names):,} groups: the flagged ones first (most people short of "
             f"target), then the largest; pick groups above to see others.")
st.caption(f"{filters.DIMENSIONS[dimension]} × {view}: {note}. Names in red bold are flagged. Grey cells are "
           f"too small or suppressed (fewer people than the minimum group size) and carry no number. Hover a cell "
           f"for counts.{shown}")
draw.chart(builder, *args)
