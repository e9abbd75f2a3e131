"""Acceptance heatmap: group × app (28-day active rate) or group × week (weekly active rate), cold to hot."""

import streamlit as st

from dashboards import charts, filters, session

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

if view == "apps":
    data = viewer.visible(r.heatmap_apps(dimension), dimension)
    x, rate, active, title = "app", "active_rate_28d", "active_users_28d", "app"
    note = f"28-day active rate per app on {ctx.as_of:%d %b %Y}"
else:
    data = viewer.visible(r.group_weeks(dimension, app), dimension)
    data = data.assign(week=data["week_start"].dt.strftime("%Y-%m-%d"))
    x, rate, active, title = "week", "active_rate", "active_users", "week (Monday)"
    note = f"weekly active rate, app {app}"

all_groups = sorted(data["group_name"].unique()) if not data.empty else []
requested = st.query_params.get_all("group")
picked = filters.groups(all_groups)
hidden = [g for g in requested if g not in all_groups]
if hidden:
    st.info(f"{len(hidden)} group(s) in the link are not shown: not in the data, or not yours to see.")
if picked:
    data = data[data["group_name"].isin(picked)]
if data.empty:
    st.info("No groups to show: none of this dimension, or none you are the champion of.")
    st.stop()

st.caption(f"{filters.DIMENSIONS[dimension]} × {view}: {note}. Grey cells are suppressed (fewer licensed users "
           f"than the minimum group size) and carry no numbers. Hover a cell for counts.")
cells = charts.heatmap_cells(data, x, rate, active)
st.altair_chart(charts.heatmap(cells, x, title), width="stretch")
