"""Interventions: what the programme did, and what it measurably changed (docs/interventions.md).

Per targeted group, the difference in differences of the weekly active rate against comparable groups with its
confidence interval (mart_intervention_effect), per kind the tenant-wide average (mart_intervention_kind_effect),
attendance as counts per group (small counts hidden). Admins record interventions for any group, champions for
their own groups; everyone sees the per-kind averages, per-group effects only of the groups they may see."""

import datetime as dt

import streamlit as st

from alerts.workflow.champions import DIMENSIONS
from alerts.workflow.interventions import KINDS, InterventionError
from dashboards import edits, filters, queries, session, tables, workflow
from dashboards.text import md

ctx = session.current()
r, viewer, cfg = ctx.reader, ctx.viewer, ctx.cfg
ttl = max(1, cfg.dashboard.cache_ttl_seconds)
KIND_WORDS = {k: k.replace("_", " ") for k in KINDS}
STATUS_WORDS = {"measured": "measured", "collecting": "not enough data yet: weeks after still to come",
                "too_few_weeks": "not enough data yet: weeks too small to measure",
                "too_few_comparisons": "not enough data yet: too few comparable groups",
                "suppressed": "hidden: group below the minimum size",
                "not_measured_yet": "measured at the next transform", "too_few_measured": "not enough data yet"}
st.title("Interventions")
edits.show_notice()
st.caption("Effect = the group's change in weekly active rate from the weeks before to the weeks after, minus the "
           f"same change in comparable groups ({cfg.interventions.weeks_before} weeks before, "
           f"{cfg.interventions.weeks_after} after, {cfg.interventions.confidence:.0%} confidence interval). "
           "An interval that includes 0 is no evidence of an effect.")

kinds = queries.query(cfg.warehouse.path, "intervention_kinds", ttl)
st.subheader("By kind, across the tenant")
if kinds.empty:
    st.info("No intervention measured yet: record one below (or `copilot-usage interventions import FILE.csv`).")
else:
    st.dataframe(tables.readable(kinds.assign(kind=kinds["kind"].map(KIND_WORDS),
                                              status=kinds["status"].map(STATUS_WORDS)), [
        ("kind", "kind", "text"), ("interventions", "interventions", "int"),
        ("groups_measured", "groups measured", "int"), ("effect_pts", "average effect", "pts"),
        ("ci_low_pts", "interval from", "pts"), ("ci_high_pts", "to", "pts"), ("status", "status", "text")]),
        hide_index=True, width="stretch")

effects = queries.query(cfg.warehouse.path, "intervention_effects", ttl)
effects = viewer.visible(effects) if not effects.empty else effects
st.subheader("Per intervention and group")
if effects.empty:
    st.info("No intervention of a group you may see is recorded yet.")
else:
    dim = filters.choice("intervention_dimension", "Dimension", ["all", *DIMENSIONS], "all",
                         fmt=lambda d: filters.DIMENSIONS.get(d, "All"), horizontal=True)
    shown = effects if dim == "all" else effects[effects["dimension"] == dim]
    st.dataframe(tables.readable(shown.assign(
        kind=shown["kind"].map(KIND_WORDS), status=shown["status"].map(STATUS_WORDS),
        dimension=[filters.DIMENSIONS.get(d, d) for d in shown["dimension"]]), [
        ("start_date", "start", "date"), ("group_name", "group", "text"), ("dimension", "dimension", "text"),
        ("kind", "kind", "text"), ("title", "title", "text"), ("effect_pts", "effect", "pts"),
        ("ci_low_pts", "interval from", "pts"), ("ci_high_pts", "to", "pts"),
        ("comparison_groups", "compared with", "int"), ("status", "status", "text")]),
        hide_index=True, width="stretch")
    with st.expander("In sentences"):
        for s in shown["sentence"].head(50):
            st.markdown(f"- {md(s)}")

attendance = queries.query(cfg.warehouse.path, "intervention_attendance", ttl, min_size=cfg.model.min_group_size)
attendance = viewer.visible(attendance) if not attendance.empty else attendance
if not attendance.empty:
    st.subheader("Attendance")
    st.caption(f"Attendees per session and group, counted at import; no names are kept. Fewer than "
               f"{cfg.model.min_group_size} show as \"–\".")
    st.dataframe(tables.readable(attendance.assign(
        dimension=[filters.DIMENSIONS.get(d, d) for d in attendance["dimension"]]), [
        ("intervention_id", "intervention", "int"), ("session", "session", "text"), ("group_name", "group", "text"),
        ("dimension", "dimension", "text"), ("attendees", "attendees", "int")]), hide_index=True, width="stretch")

own = sorted(viewer.groups)
if not (viewer.is_admin or own):
    st.stop()
st.subheader("Record an intervention")
dims = DIMENSIONS if viewer.is_admin else tuple(d for d in DIMENSIONS if any(g[0] == d for g in own))
idim = st.selectbox("Dimension", dims, format_func=filters.DIMENSIONS.get, key="intervention_dim")
names = r.group_names(idim) if viewer.is_admin else [g for d, g in own if d == idim]
with st.form("intervention"):
    kind = st.selectbox("Kind", KINDS, format_func=KIND_WORDS.get)
    title = st.text_input("Title", placeholder="e.g. Copilot in Excel, hands-on")
    c1, c2 = st.columns(2)
    start = c1.date_input("Start", value=edits.today(), max_value=edits.today(), format="DD/MM/YYYY")
    end: dt.date | None = c2.date_input("End (optional)", value=None, format="DD/MM/YYYY")
    picked = st.multiselect("Targeted groups", names, placeholder="type to search",
                            help=None if viewer.is_admin else "champions record interventions for their own groups")
    notes = st.text_area("Notes (optional)")
    if st.form_submit_button("Record intervention"):
        try:
            iv = workflow.add_intervention(cfg, kind=kind, title=title, start=start, end=end,
                                           groups=[(idim, g) for g in picked], notes=notes or None,
                                           author=viewer.email or "dashboard", source="dashboard",
                                           today=edits.today())
        except (InterventionError, workflow.Busy) as e:
            st.error(md(e))
        else:
            edits.done(f"Recorded #{iv.id}: {KIND_WORDS[iv.kind]} on {iv.start_date:%d %b %Y} for "
                       f"{len(iv.groups)} group(s); its effect is measured at the next transform.")
