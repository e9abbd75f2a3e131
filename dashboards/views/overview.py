"""Overview: tenant adoption KPIs, weekly trend per app, licences."""

import pandas as pd
import streamlit as st

from dashboards import charts, session

ctx = session.current()
r = ctx.reader
st.title("Overview")
st.caption(f"Tenant totals, report date {ctx.as_of:%d %b %Y}.")

kpis = r.tenant_kpis(ctx.as_of).set_index("window_days")
weekly = r.weekly("tenant", "Tenant")
any_app = weekly[(weekly["app"] == "any") & weekly["complete_week"]].sort_values("week_start")
last = any_app.iloc[-1] if len(any_app) else None
prev = any_app.iloc[-2] if len(any_app) > 1 else None


def _delta(col: str, scale: float = 1.0, fmt: str = "{:+.1f}") -> str | None:
    if last is None or prev is None or pd.isna(last[col]) or pd.isna(prev[col]):
        return None
    return fmt.format((last[col] - prev[col]) * scale)


cols = st.columns(6)
for col, days in zip(cols[:2], (7, 28), strict=True):
    if days in kpis.index:
        k = kpis.loc[days]
        col.metric(f"Active, {days} days", f"{k['active_rate']:.0%}",
                   help=f"{int(k['active_users'])} of {int(k['licensed_users'])} licensed users used Copilot in the "
                        f"{days} days to {ctx.as_of:%d %b}")
if last is not None:
    cols[2].metric("Active days per active user", f"{last['active_days_per_active_user']:.1f}",
                   _delta("active_days_per_active_user"), help="per week, last complete week")
    prompts = last["prompts_per_active_user"]
    cols[3].metric("Prompts per active user", "–" if pd.isna(prompts) else f"{prompts:.0f}",
                   _delta("prompts_per_active_user", fmt="{:+.0f}"), help="per week (v2 reports)")
    cols[4].metric("Breadth", f"{last['breadth']:.1f} apps", _delta("breadth"), help="apps per active user")
    cols[5].metric("Habit rate", f"{last['habit_rate']:.0%}", _delta("habit_rate", 100, "{:+.1f} pts"),
                   help="share of licensed users active on at least 12 of the last 28 days")

st.subheader("Weekly active rate per app")
st.altair_chart(charts.trend_by_app(weekly), width="stretch")

left, right = st.columns(2)
with left:
    st.subheader("Usage frequency")
    st.altair_chart(charts.weekly_metric(weekly, "active_days_per_active_user", "active days / active user"),
                    width="stretch")
    st.altair_chart(charts.weekly_metric(weekly, "prompts_per_active_user", "prompts / active user", ".0f"),
                    width="stretch")
with right:
    st.subheader("Breadth and habit")
    st.altair_chart(charts.weekly_metric(weekly, "breadth", "apps / active user"), width="stretch")
    st.altair_chart(charts.weekly_metric(weekly, "habit_rate", "habit rate", ".0%"), width="stretch")

st.subheader("Licences")
lic = r.licences()
if lic.empty:
    st.info("No licence figures: the directory (users) or subscribedSkus was not collected, or names are concealed.")
else:
    row = lic.iloc[-1]
    st.altair_chart(charts.licences(row), width="stretch")
    st.caption(f"Assigned and purchased units from subscribedSkus; users from the directory on "
               f"{pd.Timestamp(row['as_of']):%d %b %Y}. *Never used*: licensed users with no Copilot activity date "
               "in the report.")
