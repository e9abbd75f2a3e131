"""Follow-ups: the week's groups with the rule's result, every follow-up with its status and before/after, and
one follow-up's detail with its actions and history. (Champions are edited on their own admin page.)"""

import pandas as pd
import streamlit as st

from alerts.workflow.champions import DIMENSIONS
from alerts.workflow.followups import STATUS_WORDS
from dashboards import draw, edits, filters, session, tables, workflow
from dashboards.text import md

ctx = session.current()
r, viewer, cfg = ctx.reader, ctx.viewer, ctx.cfg
author = viewer.email or "dashboard"
st.title("Follow-ups")
edits.show_notice()

weeks = r.stagnation_weeks()
if not weeks:
    st.info("No complete week evaluated yet: the stagnation rule needs collected history.")
    st.stop()
c1, c2, c3 = st.columns([1, 2, 1])
with c1:
    week = filters.week(weeks)
with c2:
    dim = filters.choice("dimension", "Dimension", ["all", *DIMENSIONS], "all",
                         fmt=lambda d: filters.DIMENSIONS.get(d, "All"), horizontal=True)
with c3:
    show_all = st.toggle("Also groups not flagged")

groups = r.stagnation(week)
groups = groups[groups["dimension"] != "tenant"]
if dim != "all":
    groups = groups[groups["dimension"] == dim]
groups = viewer.visible(groups)
shown = groups if show_all else groups[groups["flagged"]]
st.subheader(f"{int(groups['flagged'].sum())} flagged group(s) in the week of {week:%d %b %Y}")
st.dataframe(tables.readable(shown.assign(dimension=[filters.DIMENSIONS.get(d, d) for d in shown["dimension"]]), [
    ("group_name", "group", "text"), ("dimension", "dimension", "text"), ("status", "status", "status"),
    ("active_rate", "weekly active rate", "pct"), ("champion_name", "champion", "text"),
    ("eligible_users", "eligible people", "int"), ("reason", "reason", "text")]),
    hide_index=True, width="stretch", column_config={"reason": st.column_config.TextColumn(width="large")})

st.header("Follow-ups")
include_resolved = st.toggle("Include resolved")
items = [f for f in workflow.list_followups(cfg)
         if viewer.can_see(f.dimension, f.group_name) and (dim == "all" or f.dimension == dim)
         and (include_resolved or f.status != "resolved")]
if not items:
    st.info("No follow-ups: they open when a group is flagged (after each transform or alert run).")
    st.stop()
ba = workflow.before_after(cfg)
rows = pd.DataFrame([{
    "id": f"#{f.id}", "group": f.group_name, "dimension": filters.DIMENSIONS.get(f.dimension, f.dimension),
    "status": STATUS_WORDS.get(f.status, f.status), "owner": f.owner, "snoozed until": f.snooze_until,
    "champion": f.champion_name, "flagged since": f.episode_start, "first action": f.first_action,
    "before": ba[f.id].before_rate if f.id in ba else None, "after": ba[f.id].after_rate if f.id in ba else None,
    "change": ba[f.id].change_points if f.id in ba else None} for f in items])
st.dataframe(tables.readable(rows, [
    ("id", "follow-up", "text"), ("group", "group", "text"), ("dimension", "dimension", "text"),
    ("status", "status", "text"), ("owner", "owner", "text"), ("snoozed until", "snoozed until", "date"),
    ("champion", "champion", "text"), ("flagged since", "flagged since (week)", "date"),
    ("first action", "first action", "date"), ("before", "before", "pct"), ("after", "after", "pct"),
    ("change", "change", "pts")]), hide_index=True, width="stretch")

by_id = {f.id: f for f in items}
fid = st.selectbox("Follow-up", list(by_id), format_func=lambda i: f"#{i} {by_id[i].group_name} "
                                                                   f"({by_id[i].dimension}, {by_id[i].status})")
detail = workflow.get_followup(cfg, fid)
f = detail.followup
with st.container(border=True):
    st.subheader(f"#{f.id} {md(f.group_name)}")
    st.caption(f"{md(filters.DIMENSIONS.get(f.dimension, f.dimension))} · champion {md(f.champion_name or 'none')}")
    if f.opened_reason:
        st.text(f.opened_reason)
    st.page_link("views/my_groups.py", label="Open the group's detail", icon=":material/arrow_forward:",
                 query_params={"dimension": f.dimension, "group": f.group_name,
                               "week": f.last_flagged_week.isoformat()})
    b = detail.before_after
    if b is not None:
        m = st.columns(3)
        m[0].metric(f"Before ({b.before_weeks} wk)", "–" if b.before_rate is None else f"{b.before_rate:.0%}")
        m[1].metric(f"After ({b.after_weeks} wk)", "–" if b.after_rate is None else f"{b.after_rate:.0%}")
        delta = tables.change(b.change_points)
        m[2].metric("Change", delta or "–")
    for e in workflow.followup_effects(cfg, f.id):  # the actions as interventions, against comparable groups
        st.markdown(f"**Measured effect** of the action: {md(e.sentence)}")
    series = r.group_series(weeks[0], f.dimension, [f.group_name])
    if not series.empty:
        draw.chart("weekly_series", series, cfg.model.stagnation.target_rate)
    edits.followup_actions(cfg, f, author)
    with st.expander("History and actions"):
        st.dataframe(tables.readable(pd.DataFrame([vars(e) for e in detail.events]), [
            ("event_at", "when (UTC)", "datetime"), ("author", "who", "text"), ("kind", "what", "text"),
            ("old_value", "from", "text"), ("new_value", "to", "text"), ("note", "note", "text")]),
            hide_index=True, width="stretch")
        if detail.actions:
            st.dataframe(tables.readable(pd.DataFrame([vars(a) for a in detail.actions]).assign(
                kind=lambda d: d["kind"].map(edits.KIND_LABEL)), [
                ("action_date", "date", "date"), ("kind", "action", "text"), ("note", "note", "text"),
                ("author", "logged by", "text")]), hide_index=True, width="stretch")
