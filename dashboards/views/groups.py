"""Groups: departments, job functions or manager teams ranked, with period-over-period change, trends and CSV."""

import streamlit as st

from dashboards import charts, filters, session
from dashboards.downloads import safe_csv

ctx = session.current()
r, viewer = ctx.reader, ctx.viewer
st.title("Groups")

c1, c2, c3 = st.columns([2, 1, 1])
with c1:
    dimension = filters.dimension()
with c2:
    app = filters.app()
with c3:
    window = int(filters.choice("window", "Window", ["7", "28"], "28", fmt=lambda d: f"{d} days", horizontal=True))

table = viewer.visible(r.groups(ctx.as_of, dimension, app, window), dimension)
if table.empty:
    st.info("No groups to show: none of this dimension on this date, or none you are the champion of.")
    st.stop()

shown = table.assign(
    active_rate=table["active_rate"] * 100,
    previous_rate=table["previous_rate"] * 100,
    note=["suppressed: fewer licensed users than the minimum group size" if s else "" for s in table["suppressed"]],
)
st.caption(f"{filters.DIMENSIONS[dimension]} groups, app {app}, active in the {window} days to {ctx.as_of:%d %b %Y}, "
           f"compared with the {window} days before. Suppressed groups show no numbers.")
st.dataframe(
    shown[["group_name", "licensed_users", "active_users", "active_rate", "previous_rate", "change_points", "note"]],
    hide_index=True, width="stretch",
    column_config={
        "group_name": st.column_config.TextColumn("group"),
        "licensed_users": st.column_config.NumberColumn("licensed"),
        "active_users": st.column_config.NumberColumn("active"),
        "active_rate": st.column_config.ProgressColumn("active rate", format="%.0f%%", min_value=0, max_value=100),
        "previous_rate": st.column_config.NumberColumn("previous period", format="%.0f%%"),
        "change_points": st.column_config.NumberColumn("change (pts)", format="%+.1f"),
        "note": st.column_config.TextColumn("note"),
    },
)
st.download_button("Download CSV", data=safe_csv(shown.drop(columns=["suppressed"])),
                   file_name=f"copilot-{dimension}-{app}-{window}d-{ctx.as_of}.csv", mime="text/csv",
                   on_click="ignore")

st.subheader("Weekly trend")
names = list(table.loc[~table["suppressed"], "group_name"])
picked = filters.groups(sorted(names), default=names[:6])
if picked:  # only the picked groups' weeks are read
    weeks = viewer.visible(r.group_weeks(dimension, app, picked), dimension)
    st.altair_chart(charts.group_trend(weeks), width="stretch")
