"""Licences: do newly licensed people start using Copilot? Activation within 14 / 30 days of the licence
assignment per group (the date comes from Entra's assignedPlans), days to first use, and licence cohorts by month
of assignment with the share active 30 / 60 / 90 days later. Aggregates only; small groups carry no numbers."""

import streamlit as st

from dashboards import filters, session, tables
from dashboards.downloads import safe_csv

ctx = session.current()
r, viewer, cfg = ctx.reader, ctx.viewer, ctx.cfg
st.title("Licences")
st.caption("Do people start using Copilot once they have a licence? Counted from the day the Copilot licence was "
           "assigned in Entra. A rate needs at least "
           f"{cfg.model.min_group_size} people whose days after the assignment have been collected: "
           "otherwise it shows –, \"not enough data yet\".")

dimension = filters.dimension()
data = viewer.visible(r.licence_activation(dimension))
if data.empty:
    st.info("No licence dates yet: the model has no licensed people with a known assignment date.")
    st.stop()
tenant = data[data["dimension"] == "tenant"]
if not tenant.empty:
    t = tenant.iloc[0]
    c = st.columns(4)
    c[0].metric("Licensed people (dated)", tables.cell(t["licensed_users"], "int"))
    c[1].metric("Used Copilot within 14 days", tables.cell(t["activation_14d_rate"], "pct"),
                help=f"of {tables.cell(t['measured_14d'], 'int')} people whose first 14 days were collected")
    c[2].metric("Used Copilot within 30 days", tables.cell(t["activation_30d_rate"], "pct"),
                help=f"of {tables.cell(t['measured_30d'], 'int')} people whose first 30 days were collected")
    c[3].metric("Median days to first use", tables.cell(t["median_days_to_first_use"], "float"),
                help="licences assigned after collection began, among people who have used Copilot since")
    if t["first_seen_dates"]:
        st.caption(f"{int(t['first_seen_dates']):,} people have no assignment date in Entra: they count from the "
                   "first collection that saw their licence.")

groups = data[data["dimension"] == dimension]
columns = [("group_name", "group", "text"), ("licensed_users", "licensed people", "int"),
           ("activation_14d_rate", "used within 14 days", "pct"), ("measured_14d", "people observed 14 days", "int"),
           ("activation_30d_rate", "used within 30 days", "pct"), ("measured_30d", "people observed 30 days", "int"),
           ("median_days_to_first_use", "median days to first use", "float"), ("note", "note", "text")]
if not groups.empty:
    st.subheader(f"Activation by {filters.DIMENSIONS[dimension].lower()}")
    table = groups.assign(note=["too small: fewer people than the minimum group size" if s else ""
                                for s in groups["suppressed"].fillna(False).astype(bool)])
    table = table.sort_values("activation_30d_rate", na_position="last")
    st.dataframe(tables.readable(table, columns), hide_index=True, width="stretch")
    st.download_button("Download CSV", data=safe_csv(tables.numeric(table, columns)), mime="text/csv",
                       on_click="ignore",
                       file_name=f"copilot-licence-activation-{dimension}-{ctx.as_of}.csv")

st.subheader("Licence cohorts")
choices = ["Tenant"] + [g for g, s in zip(groups["group_name"], groups["suppressed"], strict=True) if not s]
group = st.selectbox("Group", choices, help="People whose licence was assigned in the same month")
cohorts = r.licence_cohorts("tenant" if group == "Tenant" else dimension, group)
if cohorts.empty:
    st.info("No cohorts for this group.")
else:
    st.dataframe(tables.readable(cohorts, [
        ("cohort_month", "licensed in", "month"), ("licensed_users", "people", "int"),
        ("active_30d_rate", "active 30 days later", "pct"), ("active_60d_rate", "60 days later", "pct"),
        ("active_90d_rate", "90 days later", "pct")]), hide_index=True, width="stretch")
    st.caption("Active N days later: used Copilot in the 28 days ending N days after the licence was assigned. "
               "– : too few people, or those days are not collected yet.")
