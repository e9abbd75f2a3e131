"""Groups: departments, job functions or manager teams ranked by the headline (weekly active rate, latest complete
week) with the change from the lookback weeks before, in points; the 7/28-day reach as a labelled secondary
choice; weekly trends and a CSV of what the table shows (the same column names)."""

import streamlit as st

from dashboards import draw, filters, session, tables
from dashboards.downloads import safe_csv
from warehouse import apps
from warehouse.levels import HEADLINE, HEADLINE_HELP

ctx = session.current()
r, viewer, cfg = ctx.reader, ctx.viewer, ctx.cfg
st.title("Groups")
MEASURES = {"headline": HEADLINE, "7": "reach, active in 7 days", "28": "reach, active in 28 days"}

c1, c2, c3 = st.columns([2, 1, 2])
with c1:
    dimension = filters.dimension()
with c2:
    app = filters.app(r.apps())
with c3:
    measure = filters.choice("window", "Measure", list(MEASURES), "headline", fmt=MEASURES.get, horizontal=True)

s = cfg.model.stagnation
if measure == "headline":
    raw = viewer.visible(r.groups_headline(dimension, app), dimension)
    columns = [("group_name", "group", "text"), ("status", "status", "status"),
               ("eligible_users", "eligible people", "int"), ("active_rate", HEADLINE, "pct"),
               ("previous_active_rate", f"previous {s.lookback_weeks} weeks", "pct"),
               ("change_points", "change", "pts"), ("note", "note", "text")]
    week = raw["week_start"].dropna().iloc[0] if not raw.empty and raw["week_start"].notna().any() else None
    caption = (f"{filters.DIMENSIONS[dimension]} groups, app {apps.label(app)}: {HEADLINE} "
               f"({HEADLINE_HELP.format(min_days=s.min_licensed_days, weeks=s.lookback_weeks)}) to the week of "
               f"{week:%d %b %Y}, and the {s.lookback_weeks} weeks before." if week is not None else "")
    suppressed = raw["active_rate"].isna() if not raw.empty else None
else:
    window = int(measure)
    raw = viewer.visible(r.groups(ctx.as_of, dimension, app, window), dimension)
    columns = [("group_name", "group", "text"), ("licensed_users", "licensed people", "int"),
               ("active_users", f"active in {window} days", "int"), ("active_rate", f"reach ({window} days)", "pct"),
               ("previous_rate", "previous period", "pct"), ("change_points", "change", "pts"),
               ("note", "note", "text")]
    caption = (f"Reach, not the headline: share of licensed people with any Copilot activity in the {window} days to "
               f"{ctx.as_of:%d %b %Y}, compared with the {window} days before.")
    suppressed = raw["suppressed"].fillna(False).astype(bool) if not raw.empty else None
if raw.empty:
    st.info("No groups to show: none of this dimension on this date, or none you are the champion of.")
    st.stop()

table = raw.assign(note=["too small or suppressed: fewer people than the minimum group size" if x else ""
                         for x in suppressed])
st.caption(caption + " Groups that are too small show no numbers.")
shown = tables.readable(table, columns)
st.dataframe(shown, hide_index=True, width="stretch")
st.download_button("Download CSV", data=safe_csv(tables.numeric(table, columns)), mime="text/csv", on_click="ignore",
                   file_name=f"copilot-{dimension}-{app}-{measure}-{ctx.as_of}.csv")

st.subheader("Weekly trend")
names = list(table.loc[~suppressed, "group_name"])
picked = filters.groups(sorted(names), default=names[:6])
if picked:  # only the picked groups' weeks are read
    weeks = viewer.visible(r.group_weeks(dimension, app, picked), dimension)
    draw.chart("group_trend", weeks)
    st.caption("Each complete week's weekly active rate (eligible people active on at least one day of the week).")
