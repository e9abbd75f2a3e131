"""Stagnation and follow-up: flagged groups with the reason, champion and follow-up; the follow-up workflow."""

import datetime as dt

import pandas as pd
import streamlit as st

from dashboards import charts, filters, session, workflow
from dashboards.text import md
from warehouse.champions import DIMENSIONS, ChampionError
from warehouse.followups import ACTION_KINDS, TRANSITIONS, FollowupError

ctx = session.current()
r, viewer, cfg = ctx.reader, ctx.viewer, ctx.cfg
author = viewer.email or "dashboard"
today = dt.datetime.now(dt.UTC).date()  # warehouse.followups judges dates in UTC too
st.title("Stagnation and follow-up")

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
if dim != "all":
    groups = groups[groups["dimension"] == dim]
groups = viewer.visible(groups)
shown = groups if show_all else groups[groups["flagged"]]
st.subheader(f"{int(groups['flagged'].sum())} flagged group(s) in the week from {week:%d %b %Y}")
st.dataframe(
    shown.assign(active_rate=shown["active_rate"] * 100)[
        ["dimension", "group_name", "flagged", "reason", "champion_name", "active_users", "eligible_users",
         "active_rate", "slope_pts_per_week", "history_weeks"]],
    hide_index=True, width="stretch",
    column_config={"group_name": "group", "champion_name": "champion", "active_users": "active",
                   "eligible_users": "eligible",
                   "active_rate": st.column_config.NumberColumn("active rate", format="%.0f%%"),
                   "slope_pts_per_week": st.column_config.NumberColumn("trend (pts/week)", format="%+.1f")})

st.header("Follow-ups")
include_resolved = st.toggle("Include resolved")
items = [f for f in workflow.list_followups(cfg)
         if viewer.can_see(f.dimension, f.group_name) and (dim == "all" or f.dimension == dim)
         and (include_resolved or f.status != "resolved")]
if not items:
    st.info("No follow-ups: they open when a group is flagged (after each transform or alert run).")
else:
    ba = workflow.before_after(cfg)
    table = pd.DataFrame([{
        "id": f.id, "dimension": f.dimension, "group": f.group_name, "status": f.status, "owner": f.owner,
        "snoozed until": f.snooze_until, "champion": f.champion_name, "flagged since": f.episode_start,
        "first action": f.first_action,
        "before": ba[f.id].before_rate * 100 if f.id in ba and ba[f.id].before_rate is not None else None,
        "after": ba[f.id].after_rate * 100 if f.id in ba and ba[f.id].after_rate is not None else None,
        "change (pts)": ba[f.id].change_points if f.id in ba else None,
    } for f in items])
    st.dataframe(table, hide_index=True, width="stretch",
                 column_config={"before": st.column_config.NumberColumn(format="%.0f%%"),
                                "after": st.column_config.NumberColumn(format="%.0f%%"),
                                "change (pts)": st.column_config.NumberColumn(format="%+.1f")})
    by_id = {f.id: f for f in items}
    fid = st.selectbox("Follow-up", list(by_id), format_func=lambda i: f"#{i} {by_id[i].group_name} "
                                                                       f"({by_id[i].dimension}, {by_id[i].status})")
    detail = workflow.get_followup(cfg, fid)
    f = detail.followup
    st.subheader(f"#{f.id} {md(f.group_name)}")
    st.text(f"{f.dimension} · {f.status} · owner {f.owner or '–'} · champion {f.champion_name or 'none'}"
            + (f" · snoozed until {f.snooze_until}" if f.snooze_until else ""))
    if f.opened_reason:
        st.text(f.opened_reason)
    b = detail.before_after
    if b is not None:
        m = st.columns(3)
        m[0].metric(f"Before ({b.before_weeks} wk)", "–" if b.before_rate is None else f"{b.before_rate:.0%}")
        m[1].metric(f"After ({b.after_weeks} wk)", "–" if b.after_rate is None else f"{b.after_rate:.0%}")
        m[2].metric("Change", "–" if b.change_points is None else f"{b.change_points:+.1f} pts")
    if detail.weekly:
        weekly = pd.DataFrame(detail.weekly, columns=["week_start", "active_rate", "flagged"])
        st.altair_chart(charts.group_weekly_rate(weekly, cfg.model.stagnation.target_rate), width="stretch")

    left, right = st.columns(2)
    with left, st.form("followup"):
        st.write("**Update**")
        status = st.selectbox("Status", [f.status, *[s for s in TRANSITIONS[f.status] if s != f.status]])
        owner = st.text_input("Owner", value=f.owner or "")
        snooze = st.date_input("Snooze until (with status snoozed)", value=None,
                               min_value=today + dt.timedelta(days=1))
        note = st.text_area("Note")
        if st.form_submit_button("Save"):
            try:
                workflow.set_followup(cfg, f.id, status=None if status == f.status and snooze is None else status,
                                      owner=owner if owner != (f.owner or "") else None, note=note or None,
                                      snooze_until=snooze, author=author)
                st.success("Saved.")
            except (FollowupError, workflow.Busy) as e:
                st.error(md(e))
    with right, st.form("action"):
        st.write("**Log an action**")
        kind = st.selectbox("Kind", ACTION_KINDS, format_func=lambda k: k.replace("_", " "))
        when = st.date_input("Date", value=today, max_value=today)
        action_note = st.text_area("What was done")
        if st.form_submit_button("Log action"):
            try:
                workflow.add_action(cfg, f.id, kind, note=action_note or None, action_date=when, author=author)
                st.success("Logged.")
            except (FollowupError, workflow.Busy) as e:
                st.error(md(e))
    with st.expander("History and actions"):
        st.dataframe(pd.DataFrame([vars(e) for e in detail.events]), hide_index=True, width="stretch")
        st.dataframe(pd.DataFrame([vars(a) for a in detail.actions]), hide_index=True, width="stretch")

if viewer.is_admin:
    st.header("Champions")
    champs = r.champions()
    st.dataframe(champs, hide_index=True, width="stretch")
    all_groups = r.stagnation(week)
    latest = all_groups if week == weeks[0] else r.stagnation(weeks[0])
    known = set(zip(latest["dimension"], latest["group_name"], strict=True))
    lost = [f"{d}: {g}" for d, g in zip(champs["dimension"], champs["group_name"], strict=True) if (d, g) not in known]
    if lost:
        st.warning(f"{len(lost)} champion(s) have a group that is not in the data of the week of {weeks[0]} (renamed "
                   f"in Entra, or gone), so no alert reaches them: {md('; '.join(lost))}. Re-assign them below.")
    with st.form("champion"):
        st.write("**Add or replace a group's champion**")
        cdim = st.selectbox("Dimension", DIMENSIONS, format_func=filters.DIMENSIONS.get)
        names = sorted(all_groups["group_name"].unique())
        cgroup = st.selectbox("Group", names, help="groups of every dimension in the stagnation results")
        cname = st.text_input("Champion name")
        cmail = st.text_input("Champion e-mail")
        cmgr = st.text_input("Manager e-mail (optional)")
        if st.form_submit_button("Save champion"):
            try:
                workflow.save_champion(cfg, cdim, cgroup, cname, cmail, cmgr or None)
                st.success("Champion saved.")
            except (ChampionError, workflow.Busy) as e:
                st.error(md(e))
    if not champs.empty:
        keys = list(zip(champs["dimension"], champs["group_name"], strict=True))
        gone = st.selectbox("Remove the champion of", keys, format_func=lambda k: f"{k[0]}: {k[1]}")
        if st.button("Remove champion"):
            try:
                workflow.delete_champion(cfg, *gone)
                st.success("Champion removed.")
            except workflow.Busy as e:
                st.error(md(e))
