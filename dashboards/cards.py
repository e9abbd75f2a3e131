"""One group as a champion needs it: status badge, the headline number, the weekly series, the reason sentence and
the open follow-up with its actions. The headline is printed with `levels.percent`, exactly as the mails print it."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pandas as pd
import streamlit as st

from alerts.workflow.followups import Followup
from warehouse.config import Config
from warehouse.contract import STATUSES
from warehouse.levels import HEADLINE, HEADLINE_HELP, STATUS_LABEL, percent

from . import draw, edits
from .filters import DIMENSIONS
from .text import md

BADGE_COLOUR = {"flagged": "red", "below_target": "orange", "on_track": "green", "collecting_history": "gray",
                "too_small": "gray"}
BADGE_ICON = {"flagged": ":material/flag:", "below_target": ":material/visibility:",
              "on_track": ":material/check_circle:", "collecting_history": ":material/hourglass_empty:",
              "too_small": ":material/group_off:"}
SUMMARY_ORDER = STATUSES  # the contract's order
SUMMARY_WORD = {"flagged": "flagged", "below_target": "below target", "on_track": "on track",
                "collecting_history": "collecting history", "too_small": "too small"}


def week_end(week_start: dt.date) -> dt.date:
    """The Sunday that ends the ISO week starting on `week_start`."""
    return week_start + dt.timedelta(days=6)


def summary(statuses: list[str], whose: str = "Your") -> str:
    """`Your 3 groups: 2 flagged, 1 on track` (statuses in the order that needs action first)."""
    n = Counter(statuses)
    parts = [f"{n[s]} {SUMMARY_WORD[s]}" for s in SUMMARY_ORDER if n[s]]
    parts += [f"{c} {s}" for s, c in n.items() if s not in SUMMARY_ORDER]
    noun = "group" if len(statuses) == 1 else "groups"
    return (f"{whose} {len(statuses)} {noun}: {', '.join(parts)}" if parts else f"{whose} 0 groups").strip()


def headline_caption(lookback: int, week_start: dt.date) -> str:
    """`weekly active rate, average of the 4 complete weeks to 22 Nov 2026`."""
    return f"{HEADLINE}, average of the {lookback} complete weeks to {week_end(week_start):%d %b %Y}"


def _int(v: object) -> int | None:
    return None if v is None or pd.isna(v) else int(v)  # type: ignore[arg-type]


def badge(status: str) -> None:
    """The status as a coloured badge with its words."""
    st.badge(STATUS_LABEL.get(status, status.replace("_", " ")), color=BADGE_COLOUR.get(status, "gray"),  # type: ignore[arg-type]
             icon=BADGE_ICON.get(status))


def group_card(cfg: Config, row: pd.Series, series: pd.DataFrame, followup: Followup | None, author: str,
               can_edit: bool = True) -> None:
    """One group's card (`row` from `Reader.group_status`, `series` its weekly series)."""
    s = cfg.model.stagnation
    week = pd.Timestamp(row["week_start"]).date()
    lookback = _int(row.get("lookback_weeks")) or s.lookback_weeks
    rate = None if pd.isna(row["active_rate"]) else float(row["active_rate"])
    target = float(row["target_rate"]) if not pd.isna(row.get("target_rate")) else s.target_rate
    with st.container(border=True):
        head, number = st.columns([3, 2], vertical_alignment="top")
        with head:
            st.markdown(f"#### {md(row['group_name'])}")
            where = DIMENSIONS.get(str(row["dimension"]), str(row["dimension"]))
            dept = row.get("department")
            if row["dimension"] != "department" and isinstance(dept, str) and dept and dept != row["group_name"]:
                where += f" · mostly in {dept}"
            st.caption(md(where))
            badge(str(row["status"]))
            st.markdown(md(row["reason"]) if isinstance(row["reason"], str) else "–")
        with number:
            if rate is None:
                st.metric(HEADLINE, "too small", help=f"fewer than {cfg.model.min_group_size} eligible people: "
                                                      "no number is shown (privacy)")
            else:
                eligible = _int(row.get("eligible_users"))
                st.metric(HEADLINE, percent(rate),
                          help=HEADLINE_HELP.format(min_days=s.min_licensed_days, weeks=lookback))
                st.caption(headline_caption(lookback, week))
                facts = [f"target {percent(target)}"]
                if eligible is not None:
                    facts.append(f"{eligible:,} eligible people this week")
                impact = row.get("impact")
                if bool(row.get("flagged")) and impact is not None and not pd.isna(impact) and impact >= 0.5:
                    facts.append(f"about {impact:.0f} people short of target")
                st.caption(" · ".join(facts))
        if rate is not None and not series.empty:
            draw.chart("weekly_series", series, target)
            st.caption("Each complete week's weekly active rate (red: flagged weeks); dashed: the target.")
        if followup is not None:
            if can_edit:
                edits.followup_actions(cfg, followup, author)
            else:
                st.text(edits.describe(followup))
        elif bool(row.get("flagged")):
            st.caption("No follow-up yet: it opens with the next transform or alert run.")
