"""Overview: the tenant's headline and habits over complete weeks only, weekly trend per app, licences."""

import pandas as pd
import streamlit as st

from dashboards import cards, draw, session, tables
from warehouse.levels import HEADLINE, HEADLINE_HELP, REACH_HELP, percent

ctx = session.current()
r, cfg = ctx.reader, ctx.cfg
s = cfg.model.stagnation
st.title("Overview")

weekly = r.weekly("tenant", "Tenant")
complete = weekly[weekly["complete_week"].fillna(False).astype(bool)] if not weekly.empty else weekly
any_app = complete[complete["app"] == "any"].sort_values("week_start")
n_weeks = len(any_app)
last = any_app.iloc[-1] if n_weeks else None
prev = any_app.iloc[-2] if n_weeks > 1 else None
weeks = r.stagnation_weeks()
head = r.group_status(weeks[0], "tenant", ["Tenant"]) if weeks else pd.DataFrame()
before = r.group_status(weeks[1], "tenant", ["Tenant"]) if len(weeks) > 1 else pd.DataFrame()
partial = not weekly.empty and not bool(weekly.sort_values("week_start")["complete_week"].iloc[-1])
st.caption("Tenant totals over complete weeks (Monday to Sunday)"
           + (f", the latest the week of {weeks[0]:%d %b %Y}" if weeks else "")
           + ("; the running week is left out until it is complete" if partial else "")
           + f". Reach from the report date {ctx.as_of:%d %b %Y}.")


def _delta(now: object, then: object, scale: float = 1.0, unit: str = "") -> str | None:
    if now is None or then is None or pd.isna(now) or pd.isna(then):
        return None
    d = (float(now) - float(then)) * scale
    return "no change" if round(d, 1) == 0 else f"{d:+.1f}{unit}"


def _metric(col, label: str, value: str, delta: str | None = None, help: str | None = None) -> None:
    col.metric(label, value, delta, help=help, delta_arrow="off" if delta == "no change" else "auto",
               delta_color="off" if delta == "no change" else "normal")


top = st.columns(4)
if not head.empty:
    rate = head["active_rate"].iloc[0]
    rate = None if pd.isna(rate) else float(rate)
    prev_rate = before["active_rate"].iloc[0] if not before.empty else None
    _metric(top[0], HEADLINE.capitalize(), percent(rate),
            tables.change(None if rate is None or prev_rate is None or pd.isna(prev_rate)
                          else (rate - float(prev_rate)) * 100),
            HEADLINE_HELP.format(min_days=s.min_licensed_days, weeks=s.lookback_weeks))
    top[0].caption(cards.headline_caption(int(head["lookback_weeks"].iloc[0]), weeks[0]))
    wk = head["weekly_active_rate"].iloc[0]
    _metric(top[1], "Active in the latest week", percent(None if pd.isna(wk) else float(wk)),
            help="eligible people active on at least one day of that week (one week, not the average)")
kpis = r.tenant_kpis(ctx.as_of).set_index("window_days")
for col, days in zip(top[2:], (7, 28), strict=True):
    if days in kpis.index:
        k = kpis.loc[days]
        _metric(col, f"Reach, {days} days", percent(float(k["active_rate"])),
                help=f"{REACH_HELP}: {int(k['active_users']):,} of {int(k['licensed_users']):,} licensed people in "
                     f"the {days} days to {ctx.as_of:%d %b}")
if last is not None:
    row = st.columns(4)
    _metric(row[0], "Active days per active person", f"{last['active_days_per_active_user']:.1f}",
            _delta(last["active_days_per_active_user"], None if prev is None else prev["active_days_per_active_user"]),
            "per week, latest complete week")
    prompts = last["prompts_per_active_user"]
    _metric(row[1], "Prompts per active person", "–" if pd.isna(prompts) else f"{prompts:.0f}",
            _delta(prompts, None if prev is None else prev["prompts_per_active_user"]), "per week (v2 reports)")
    _metric(row[2], "Breadth", f"{last['breadth']:.1f} apps",
            _delta(last["breadth"], None if prev is None else prev["breadth"]), "apps per active person")
    if n_weeks < 4:
        _metric(row[3], "Habit rate", "collecting history",
                help=f"needs 28 days (4 complete weeks) of history; {n_weeks} so far")
    else:
        _metric(row[3], "Habit rate", percent(float(last["habit_rate"])),
                _delta(last["habit_rate"], None if prev is None else prev["habit_rate"], 100, " pts"),
                "share of licensed people active on at least 12 of the last 28 days")

st.subheader("Weekly active rate per app")
draw.chart("trend_by_app", weekly)
st.caption("Each complete week: eligible people active on at least one day of the week, per app.")

left, right = st.columns(2)
with left:
    st.subheader("Usage frequency")
    draw.chart("weekly_metric", weekly, "active_days_per_active_user", "active days per active person")
    draw.chart("weekly_metric", weekly, "prompts_per_active_user", "prompts per active person", ".0f")
with right:
    st.subheader("Breadth and habit")
    draw.chart("weekly_metric", weekly, "breadth", "apps per active person")
    if n_weeks < 4:
        st.info(f"Habit rate: collecting history ({n_weeks} of 4 complete weeks).")
    else:
        draw.chart("weekly_metric", weekly, "habit_rate", "habit rate", ".0%")

st.subheader("Licences")
lic = r.licences()
if lic.empty:
    st.info("No licence figures: the directory (users) or subscribedSkus was not collected, or names are concealed.")
else:
    row = lic.iloc[-1]
    draw.chart("licences", row)
    st.caption(f"Assigned and purchased units from subscribedSkus; users from the directory on "
               f"{pd.Timestamp(row['as_of']):%d %b %Y}. *Never used*: licensed users with no Copilot activity date "
               "in the report.")
idle = r.idle_cost("tenant")
if not idle.empty:  # docs/licences.md: the tenant's cost of idle licences and its trend (no one is named)
    now = idle.iloc[-1]
    left, right = st.columns([1, 3])
    left.metric("Idle licences cost a month", f"{now['idle_monthly_cost']:,.0f} {now['currency']}",
                help=f"{int(now['idle_licences']):,} of {int(now['licensed_users']):,} licences past the "
                     f"{cfg.licences.grace_days}-day grace period with no Copilot use for {cfg.licences.inactive_days} "
                     "days, at the [licences] prices")
    with right:
        draw.chart("idle_cost", idle)
