"""Champions (admins): who champions which group; add, replace and remove; champions whose group is gone.

The group list follows the chosen dimension (its groups in the latest data); a typed name that is not one of them
is refused by `alerts.workflow.champions.save_champion` with a did-you-mean, shown as is. Every save reruns the page."""

import streamlit as st

from alerts.workflow.champions import DIMENSIONS, ChampionError
from dashboards import edits, filters, session, tables, workflow
from dashboards.text import md

ctx = session.current()
r, viewer, cfg = ctx.reader, ctx.viewer, ctx.cfg
st.title("Champions")
edits.show_notice()
if not viewer.is_admin:
    st.info("Only admins edit champions.")
    st.stop()

champs = r.champions()
weeks = r.stagnation_weeks()
if weeks:
    latest = r.stagnation(weeks[0])
    known = set(zip(latest["dimension"], latest["group_name"], strict=True))
    lost = [f"{filters.DIMENSIONS.get(d, d)}: {g}" for d, g in zip(champs["dimension"], champs["group_name"],
                                                                   strict=True) if (d, g) not in known]
    if lost:
        st.warning(f"{len(lost)} champion(s) have a group that is not in the data of the week of {weeks[0]:%d %b %Y} "
                   f"(renamed in Entra, or gone), so no alert reaches them: {md('; '.join(lost))}. Re-assign "
                   "them below.")
st.dataframe(tables.readable(champs.assign(dimension=[filters.DIMENSIONS.get(d, d) for d in champs["dimension"]]), [
    ("dimension", "dimension", "text"), ("group_name", "group", "text"), ("champion_name", "champion", "text"),
    ("champion_email", "e-mail", "text"), ("manager_email", "manager e-mail", "text")]),
    hide_index=True, width="stretch")

st.subheader("Add or replace a group's champion")
cdim = st.selectbox("Dimension", DIMENSIONS, format_func=filters.DIMENSIONS.get, key="champion_dimension")
names = r.group_names(cdim)
with st.form("champion"):
    cgroup = st.selectbox("Group", names, index=None, accept_new_options=True, placeholder="type to search",
                          help=f"the {len(names):,} {filters.DIMENSIONS[cdim].lower()} groups in the latest data")
    cname = st.text_input("Champion name")
    cmail = st.text_input("Champion e-mail")
    cmgr = st.text_input("Manager e-mail (optional)")
    if st.form_submit_button("Save champion"):
        try:
            workflow.save_champion(cfg, cdim, cgroup or "", cname, cmail, cmgr or None)
        except (ChampionError, workflow.Busy) as e:
            st.error(md(e))
        else:
            edits.done(f"Champion saved: {cname or cmail} for {cgroup}.")

if not champs.empty:
    st.subheader("Remove a champion")
    keys = list(zip(champs["dimension"], champs["group_name"], strict=True))
    gone = st.selectbox("Remove the champion of", keys,
                        format_func=lambda k: f"{filters.DIMENSIONS.get(k[0], k[0])}: {k[1]}")
    if st.button("Remove champion"):
        try:
            workflow.delete_champion(cfg, *gone)
        except workflow.Busy as e:
            st.error(md(e))
        else:
            edits.done(f"Champion removed from {gone[1]}.")
