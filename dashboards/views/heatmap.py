"""Acceptance heatmap: group × app (28-day active rate) or group × week (weekly active rate), cold to hot.

Only the groups shown are read: the picked ones (URL `group=`), a champion's own, or else the largest
`DEFAULT_GROUPS`, chosen in SQL; a manager dimension has tens of thousands of groups in a big tenant."""

import streamlit as st

from dashboards import charts, filters, session
from dashboards.queries import DEFAULT_GROUPS

ctx = session.current()
r, viewer = ctx.reader, ctx.viewer
st.title("Acceptance heatmap")

c1, c2, c3 = st.columns([2, 1, 1])
with c1:
    dimension = filters.dimension()
with c2:
    view = filters.choice("view", "Columns", ["apps", "weeks"], "apps", fmt=str.capitalize, horizontal=True)
with c3:
    app = filters.app() if view == "weeks" else "any"

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
chosen = picked or ([] if viewer.is_admin else names)  # [] = the SQL picks the largest DEFAULT_GROUPS

if view == "apps":
    data = viewer.visible(r.heatmap_apps(dimension, chosen), dimension)
    x, rate, active, title = "app", "active_rate_28d", "active_users_28d", "app"
    note = f"28-day active rate per app on {ctx.as_of:%d %b %Y}"
else:
    data = viewer.visible(r.group_weeks(dimension, app, chosen), dimension)
    data = data.assign(week=data["week_start"].dt.strftime("%Y-%m-%d"))
    x, rate, active, title = "week", "active_rate", "active_users", "week (Monday)"
    note = f"weekly active rate, app {app}"
if data.empty:
    st.info("No groups to show: none of this dimension, or none you are the champion of.")
    st.stop()

shown = ""
if not chosen and len(names) > DEFAULT_GROUPS:
    shown = (f" Showing the {DEFAULT_GROUPS} largest of {len(names):,} groups (most licensed users); pick groups "
             f"above to see others.")
st.caption(f"{filters.DIMENSIONS[dimension]} × {view}: {note}. Grey cells are suppressed (fewer licensed users "
           f"than the minimum group size) and carry no numbers. Hover a cell for counts.{shown}")
cells = charts.heatmap_cells(data, x, rate, active)
st.altair_chart(charts.heatmap(cells, x, title), width="stretch")
