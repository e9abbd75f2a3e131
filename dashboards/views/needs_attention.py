"""Needs attention: an admin's landing page. The week's flagged groups, unowned ones (no champion) first, then by
impact (people short of target), with champion, follow-up status, reason and a link to each group's detail."""

import pandas as pd
import streamlit as st

from dashboards import edits, filters, links, session, tables
from dashboards.text import md

ctx = session.current()
r, viewer, cfg = ctx.reader, ctx.viewer, ctx.cfg
st.title("Needs attention")
edits.show_notice()
if not viewer.is_admin:
    st.info("This page is for admins: see *My groups* for yours.")
    st.stop()
weeks = r.stagnation_weeks()
if not weeks:
    st.info("No complete week evaluated yet: the stagnation rule needs collected history.")
    st.stop()
c1, c2 = st.columns([1, 2])
with c1:
    week = filters.week(weeks)
with c2:
    dim = filters.choice("dimension", "Groups", ["all", *filters.DIMENSIONS], "all",
                         fmt=lambda d: filters.DIMENSIONS.get(d, "All"), horizontal=True)
flagged = r.attention(week)
if dim != "all" and not flagged.empty:
    flagged = flagged[flagged["dimension"] == dim]
if flagged.empty:
    st.success(f"No group is flagged in the week of {week:%d %b %Y}.")
    st.stop()

unowned = int(flagged["unowned"].sum())
# within one dimension each person is in one group, so its impacts add up (across dimensions they would count
# a person up to three times)
basis = dim if dim != "all" else "department"
short = float(flagged.loc[flagged["dimension"] == basis, "impact"].fillna(0).sum())
no_followup = int((flagged["followup_status"].isna() | (flagged["followup_status"] == "open")).sum())
st.subheader(f"{len(flagged)} flagged groups in the week of {week:%d %b %Y}: {unowned} without a champion, "
             f"{no_followup} not yet acknowledged")
st.caption(f"About {short:,.0f} people short of target (or lost by a fall) in the flagged "
           f"{filters.DIMENSIONS.get(basis, basis).lower()}s. Unowned groups first (no champion, so no mail "
           "reaches anyone: assign one on *Champions*), then the most people short of target. Open a group for "
           "its weekly series and follow-up.")
shown = flagged.assign(
    link=[links.group_link(d, [g], week) for d, g in zip(flagged["dimension"], flagged["group_name"], strict=True)],
    dimension=[filters.DIMENSIONS.get(d, d) for d in flagged["dimension"]],
    champion=[n if isinstance(n, str) and n else (e if isinstance(e, str) and e else "no champion")
              for n, e in zip(flagged["champion_name"], flagged["champion_email"], strict=True)],
    followup=[s if isinstance(s, str) else "not opened yet" for s in flagged["followup_status"]],
    kind=[{"below_target": "below target", "declining": "falling"}.get(k, k) if isinstance(k, str) else None
          for k in flagged["flag_kind"]],
)
table = tables.readable(shown, [
    ("link", "detail", "text"), ("group_name", "group", "text"), ("dimension", "dimension", "text"),
    ("impact", "people short", "int"),
    ("active_rate", "weekly active rate", "pct"), ("kind", "flag", "text"), ("weeks_flagged", "weeks flagged", "int"),
    ("champion", "champion", "text"), ("followup", "follow-up", "text"), ("reason", "reason", "text")])
st.dataframe(table, hide_index=True, width="stretch", height=min(38 + 35 * len(table), 720),
             column_config={"detail": st.column_config.LinkColumn("detail", display_text="open",
                                                                help="the group's detail on My groups"),
                            "group": st.column_config.TextColumn("group", width="large"),
                            "reason": st.column_config.TextColumn("reason", width="large")})
if unowned:
    names = "; ".join(md(g) for g in flagged.loc[flagged["unowned"], "group_name"].head(8))
    st.warning(f"{unowned} flagged group(s) have no champion: {names}{' …' if unowned > 8 else ''}.",
               icon=":material/person_off:")
    st.page_link("views/champions.py", label="Assign champions", icon=":material/manage_accounts:")
top = pd.DataFrame(flagged.head(1))
if not top.empty:
    st.page_link("views/my_groups.py", label=f"Open the first: {top['group_name'].iloc[0]}",
                 icon=":material/arrow_forward:",
                 query_params={"dimension": top["dimension"].iloc[0], "group": top["group_name"].iloc[0],
                               "week": week.isoformat()})
