"""Four dimensions: the month on one page, as the monthly report mail shows it (alerts.monthly): adoption and use,
competence, acceptance and satisfaction, business impact, the trend, the groups that moved most and the
interventions' measured effects; below it, the survey KPIs per group next to their usage, per wave."""

import pandas as pd
import streamlit as st

from alerts.monthly import Month, MonthError, read_month
from alerts.monthly_chart import trend_chart
from alerts.report import report_context
from dashboards import filters, session, tables
from dashboards.queries import query
from warehouse import db

ctx = session.current()
r, viewer, cfg = ctx.reader, ctx.viewer, ctx.cfg
path, ttl = cfg.warehouse.path, cfg.dashboard.cache_ttl_seconds
st.title("Four dimensions")


@st.cache_data(ttl=ttl, show_spinner=False, max_entries=32)
def _month(path: str, month: str) -> Month:
    with db.reading(path) as con:
        return read_month(con, cfg, pd.Timestamp(month).date())


months = query(path, "report_months", ttl)
if months.empty:
    st.info("No complete week in the model yet: the four dimensions need at least one.")
    st.stop()
options = [f"{pd.Timestamp(m):%Y-%m}" for m in months["month"]]
month_key = filters.choice("month", "Month", options, options[0], fmt=lambda k: f"{pd.Timestamp(k):%B %Y}")
try:
    m = _month(path, month_key)
except MonthError as e:
    st.info(str(e))
    st.stop()
c = report_context(m, cfg)
st.markdown(f"**In short:** {c['in_short']}.")
st.caption(f"Usage: {c['weeks_text']}, compared with the month before."
           + (f" Survey: {c['wave_text']}." if c["wave_text"] else "") + " The monthly report mail shows the same.")
if c["wave_note"]:
    st.info(c["wave_note"])

for col, (title, rows, notes) in zip(st.columns(4), c["sections"], strict=True):
    with col:
        st.subheader(title)
        for label, value, change, note in rows:
            col.metric(label, value, change or None, help=note or None,
                       delta_color="off" if change in ("", "no change") else "normal",
                       delta_arrow="off" if change in ("", "no change") else "auto")
        for n in notes:
            st.caption(n)

st.subheader("Tenant trend")
st.altair_chart(trend_chart(m, cfg.model.stagnation.target_rate))

st.subheader(f"Moved most ({c['dimension_label']}, weekly active rate, against the month before)")
movers = pd.DataFrame(m.up + m.down, columns=["group_name", "eligible_users", "rate", "previous_rate", "change_pts"])
movers = viewer.visible(movers, m.dimension)
cols = [("group_name", "group", "text"), ("change_pts", "change", "pts"), ("rate", "weekly active rate", "pct"),
        ("previous_rate", "the month before", "pct")]
up, down = st.columns(2)
for box, title, part in ((up, "Up", movers[movers["change_pts"] > 0]),
                        (down, "Down", movers[movers["change_pts"] < 0])):
    with box:
        st.markdown(f"**{title}**")
        if part.empty:
            st.caption("none")
        else:
            st.dataframe(tables.readable(part, cols), hide_index=True, width="stretch")

st.subheader("Interventions and their measured effect")
if c["interventions"]:
    st.markdown("\n".join(f"- {s}" for s in c["interventions"]))
else:
    st.caption(c["interventions_note"] or "No intervention started in the three months to the end of the month.")

st.subheader("Survey per group, next to usage")
if not m.waves:
    st.caption("No survey wave imported yet (docs/survey.md).")
    st.stop()
waves = [w["wave"] for w in reversed(m.waves)]
left, right = st.columns([1, 2])
with left:
    wave = filters.choice("wave", "Wave", waves, waves[0])
with right:
    dimension = filters.dimension()
groups = viewer.visible(query(path, "survey_groups", ttl, wave=wave, dimension=dimension), dimension)
sv = cfg.survey
kpi_cols = [("group_name", "group", "text"), ("respondents", "respondents", "int"), ("nps", "NPS", "float"),
            ("trust", f"trust (of {sv.trust_scale[1]})", "float"),
            ("competence", f"competence (of {sv.competence_scale[1]})", "float"),
            ("relief", f"relief (of {sv.relief_scale[1]})", "float"),
            ("hours_saved_per_month", "hours saved / month", "float"),
            ("weekly_active_rate", "weekly active rate, same weeks", "pct"), ("note", "note", "text")]
if groups.empty:
    st.caption("No respondents in this wave for groups you can see.")
else:
    groups = groups.assign(note=[f"fewer than {cfg.model.min_group_size} respondents: no figures" if s else ""
                                 for s in groups["suppressed"].fillna(False)])
    st.dataframe(tables.readable(groups, kpi_cols), hide_index=True, width="stretch")
st.caption("Aggregates only: no individual answer is shown anywhere; a KPI answered by fewer people than the minimum "
           "group size is left empty. A respondent's group is the directory's at the response date.")

names = ["Tenant", *[g for g, s in zip(groups.get("group_name", []), groups.get("suppressed", []), strict=False)
                     if not s]]
pick = st.selectbox("Waves of", names)
trend = query(path, "survey_waves", ttl, dimension="tenant" if pick == "Tenant" else dimension, group_name=pick)
if not trend.empty:
    st.dataframe(tables.readable(trend, [("wave", "wave", "text"), ("wave_start", "from", "date"),
                                         ("wave_end", "to", "date"), *kpi_cols[1:-1]]),
                 hide_index=True, width="stretch")
