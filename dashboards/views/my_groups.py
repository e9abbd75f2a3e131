"""My groups: a champion's landing page, and where every mail link lands.

`/my-groups?dimension=<dim>&group=<name>[&group=…]&week=<YYYY-MM-DD Monday>` shows exactly those groups for that
week (anyone who may see them: their champion, an admin); without `group=`, a champion's own groups. Each group:
status badge, the headline (as the mail prints it), the weekly series, the reason and the follow-up's actions;
then a heatmap of those groups across the apps."""

import pandas as pd
import streamlit as st

from dashboards import cards, draw, edits, filters, heat, session, workflow
from dashboards.text import md
from warehouse.levels import bands_of

ctx = session.current()
r, viewer, cfg = ctx.reader, ctx.viewer, ctx.cfg
bands = bands_of(cfg.model)
st.title("My groups")
edits.show_notice()

weeks = r.stagnation_weeks()
if not weeks:
    st.info("No complete week evaluated yet: the weekly active rate needs a complete week (Monday to Sunday).")
    st.stop()
wanted = filters.parse_week(st.query_params.get("week"))
if st.query_params.get("week") and wanted not in weeks:
    st.warning(f"The link's week ({md(st.query_params.get('week'))}) has no results; showing the latest complete "
               f"week instead.")
    st.query_params["week"] = weeks[0].isoformat()
linked = [g for g in st.query_params.get_all("group") if g]
dimension = st.query_params.get("dimension")
ask = "ask the adoption lead" + (f" ({', '.join(cfg.dashboard.admins)})" if cfg.dashboard.admins else "")

if linked:
    dim = dimension if dimension in filters.DIMENSIONS else "department"
    for g in [g for g in linked if not viewer.can_see(dim, g)]:
        st.warning(f"You are not the champion of {md(g)} ({filters.DIMENSIONS[dim].lower()}), so its numbers are "
                   f"not shown here; {md(ask)} or its champion.", icon=":material/lock:")
    keys = [(dim, g) for g in dict.fromkeys(linked) if viewer.can_see(dim, g)]
    whose = "Your" if keys and all(k in viewer.groups for k in keys) else ""
elif viewer.groups:
    keys, whose = sorted(viewer.groups), "Your"
elif viewer.is_admin:
    st.info("You are an admin and not the champion of any group. *Needs attention* lists the week's flagged "
            "groups, each with a link to its detail here (as the mails link to it).", icon=":material/info:")
    st.page_link("views/needs_attention.py", label="Needs attention", icon=":material/priority_high:")
    st.stop()
else:
    st.info(f"You are not the champion of any group; {md(ask)} to add you as one.")
    st.stop()
if not keys:
    st.stop()

with st.columns([1, 2])[0]:
    week = filters.week(weeks)
by_dim: dict[str, list[str]] = {}
for d, g in keys:
    by_dim.setdefault(d, []).append(g)
rows, series = [], []
for d, groups in by_dim.items():
    rows.append(r.group_status(week, d, groups))
    series.append(r.group_series(week, d, groups))
found = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()
weekly = pd.concat(series, ignore_index=True) if series else pd.DataFrame()
seen = set(zip(found["dimension"], found["group_name"], strict=True)) if not found.empty else set()
for d, g in keys:
    if (d, g) not in seen:
        st.info(f"No {filters.DIMENSIONS.get(d, d).lower()} {md(g)} in the data of the week of {week:%d %b %Y} "
                "(renamed or gone?).")
if found.empty:
    st.stop()
order = {s: i for i, s in enumerate(cards.SUMMARY_ORDER)}
found = found.assign(_o=found["status"].map(order).fillna(9), _i=-found["impact"].fillna(0))
found = found.sort_values(["_o", "_i", "group_name"])
st.subheader(cards.summary(list(found["status"]), whose))
st.caption(f"The week of {week:%d %b %Y}" + (" (the latest complete week)." if week == weeks[0] else
           f"; the latest complete week is the week of {weeks[0]:%d %b %Y}."))

followups = {}
for f in workflow.list_followups(cfg):  # newest first: the newest open one of each group
    if f.status != "resolved" and (f.dimension, f.group_name) not in followups:
        followups[(f.dimension, f.group_name)] = f
author = viewer.email or "dashboard"
for _, row in found.iterrows():
    key = (row["dimension"], row["group_name"])
    mine = weekly[(weekly["dimension"] == key[0]) & (weekly["group_name"] == key[1])] if not weekly.empty else weekly
    cards.group_card(cfg, row, mine, followups.get(key), author)

st.header("Across the apps")
for d, groups in by_dim.items():
    data = viewer.visible(r.heatmap_apps(d, groups), d)
    if data.empty:
        continue
    note = heat.headline_note(cfg.model.stagnation.lookback_weeks)
    latest = pd.Timestamp(data["week_start"].iloc[0])
    st.caption(f"{filters.DIMENSIONS[d]}: {note} per app, latest complete week (week of {latest:%d %b %Y}). "
               "Red names: flagged.")
    draw.chart("apps_chart", data, bands)
st.page_link("views/heatmap.py", label="Open the heatmap", icon=":material/grid_on:",
             query_params={"dimension": next(iter(by_dim))})
