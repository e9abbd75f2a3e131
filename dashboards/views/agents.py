"""Agents: who uses Copilot agents, by department, job function or manager team, week by week.

The share of eligible people (licensed long enough, as for the headline) who used an agent on at least one day of
a complete week: app `agents` of mart_adoption_weekly / mart_acceptance_heatmap, the v2 report's `Copilot Agent Last
Activity Date` (docs/apps.md). Microsoft's own agent report has no department, job-function or manager slicing.
Same suppression as every page; a champion sees their own groups, an admin every group, anyone else the tenant."""

import math

import pandas as pd
import streamlit as st

from dashboards import draw, filters, session, tables
from warehouse.levels import percent

ctx = session.current()
r, viewer, cfg = ctx.reader, ctx.viewer, ctx.cfg
s = cfg.model.stagnation
st.title("Agents")
SHOWN = 6  # groups in the trend when none are picked (a champion's own, else the largest)

if "agents" not in r.apps():
    st.info("No agent figures for this tenant: agent use is only in the **v2** Copilot usage report (its *Copilot "
            "Agent Last Activity Date* column), and the latest report date was collected as v1. Set `[collect] "
            "copilot_version = \"v2\"`; if Graph refuses v2 for your tenant the collector falls back to v1 and says so "
            "in the run's warnings.", icon=":material/smart_toy:")
    st.stop()

tenant = r.weekly("tenant", "Tenant")
tenant = tenant[(tenant["app"] == "agents") & tenant["complete_week"].fillna(False).astype(bool)]
tenant = tenant.dropna(subset=["weekly_active_rate"]).sort_values("week_start")
if tenant.empty:
    st.info("No complete week collected as v2 yet: agent figures start with the first full week (Monday to Sunday) "
            "of v2 reports.", icon=":material/smart_toy:")
    st.stop()

last = tenant.iloc[-1]
prev = tenant.iloc[-2] if len(tenant) > 1 else None
week = pd.Timestamp(last["week_start"])
st.caption(f"Share of eligible people (licensed for at least {s.min_licensed_days} days) who used a Copilot agent on "
           f"at least one day of the week. Source: the v2 usage report's *Copilot Agent Last Activity Date*, the only "
           f"per-person agent signal Microsoft Graph has; it does not say which agent.")
top = st.columns(3)
top[0].metric(f"Used an agent, week of {week:%d %b}", percent(float(last["weekly_active_rate"])),
              tables.change(None if prev is None else (last["weekly_active_rate"] - prev["weekly_active_rate"]) * 100),
              help="whole tenant; the change is against the week before")
top[1].metric("People who used an agent", f"{int(last['eligible_active_users']):,} of {int(last['eligible_users']):,}",
              help=f"eligible people in the week of {week:%d %b %Y}")
recent = tenant.tail(s.lookback_weeks)
pooled = recent["eligible_active_users"].sum() / max(1, int(recent["eligible_users"].sum()))
top[2].metric(f"Average of the last {len(recent)} weeks", percent(float(pooled)),
              help="eligible people who used an agent, pooled over those complete weeks")

dimension = filters.dimension()
raw = viewer.visible(r.groups_headline(dimension, "agents"), dimension)
if raw.empty:
    st.info("No groups to show: none of this dimension, or none you are the champion of. The tenant figures above "
            "are for everyone.")
    st.stop()
suppressed = raw["weekly_active_rate"].isna() & raw["active_rate"].isna()
table = raw.assign(note=["too small or suppressed: fewer people than the minimum group size" if x else ""
                         for x in suppressed])
table = table.sort_values(["weekly_active_rate", "group_name"], ascending=[False, True], na_position="last")
columns = [("group_name", "group", "text"), ("eligible_users", "eligible people", "int"),
           ("weekly_active_rate", f"used an agent, week of {week:%d %b}", "pct"),
           ("active_rate", f"average of the last {s.lookback_weeks} weeks", "pct"),
           ("previous_active_rate", f"previous {s.lookback_weeks} weeks", "pct"),
           ("change_points", "change", "pts"), ("note", "note", "text")]
# a column with nothing in it (no earlier weeks to compare with yet, no small group) is left out, not a row of "–"
columns = [c for c in columns if c[0] in ("group_name", "eligible_users", "weekly_active_rate")
           or table[c[0]].replace("", None).notna().any()]
st.subheader(f"By {filters.DIMENSIONS[dimension].lower()}")
st.dataframe(tables.readable(table, columns), hide_index=True, width="stretch")
st.caption("Highest share first. Groups smaller than the minimum group size show no numbers.")

st.subheader("Weekly trend")
names = list(table.loc[~suppressed, "group_name"])
largest = list(table.loc[~suppressed].sort_values("eligible_users", ascending=False)["group_name"][:SHOWN])
picked = filters.groups(sorted(names), default=names[:SHOWN] if not viewer.is_admin else largest)
weeks = viewer.visible(r.group_weeks(dimension, "agents", picked), dimension) if picked else pd.DataFrame()
TENANT = "Whole tenant"
whole = tenant.assign(group_name=TENANT)
series = pd.concat([w for w in (weeks, whole) if not w.empty], ignore_index=True)
peak = float(series["weekly_active_rate"].max()) if series["weekly_active_rate"].notna().any() else 1.0
top = min(1.0, math.ceil(peak * 10 + 0.5) / 10)  # agent use is low: a 0-100 % axis would flatten every line
# Streamlit fits the whole chart, legend included, into its height: room for the lines plus the legend's rows
height = 260 + 26 * math.ceil(series["group_name"].nunique() / 2)
draw.chart("group_trend", series, title="used an agent that week", top=top, reference=TENANT, height=height)
st.caption("Each complete week: eligible people who used an agent on at least one day, per group"
           + (" (the largest by default; pick others above)" if viewer.is_admin else "") + ", and the whole tenant "
           "(dashed).")
