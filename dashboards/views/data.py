"""Data freshness and quality: report date, last run per report, concealment, blank dates, history collected, what
per-user data is kept and since when."""

import pandas as pd
import streamlit as st

from dashboards import session, tables

ctx = session.current()
r = ctx.reader
st.title("Data freshness and quality")

hist = r.history()
c = st.columns(4)
c[0].metric("Data as of (report date)", f"{ctx.as_of:%d %b %Y}")
c[1].metric("Last collection run", f"{ctx.newest_run:%d %b %Y}" if ctx.newest_run else "–")
if not hist.empty:
    h = hist.iloc[0]
    c[2].metric("History weeks collected", f"{int(h['weeks'])}", help=f"{int(h['complete_weeks'])} complete ISO weeks")
    c[3].metric("Report dates collected", f"{int(h['report_dates'])}",
                help=f"{pd.Timestamp(h['first_as_of']):%d %b %Y} to {pd.Timestamp(h['last_as_of']):%d %b %Y}")

st.subheader("Last run per report")
st.dataframe(tables.readable(r.last_runs(), [
    ("report", "report", "text"), ("period", "period", "text"), ("status", "status", "text"),
    ("finished", "finished", "text"), ("report_refresh_date", "report date", "date"), ("rows", "rows", "int"),
    ("message", "message", "text")]), hide_index=True, width="stretch")

st.subheader("Imported from the admin center")
imports = r.imports()
KIND = {"copilot_usage": "Copilot usage export", "copilot_chat": "Copilot Chat (unlicensed users)",
        "agent_users": "Agent usage: users", "agents": "Agent usage: agents"}
if imports.empty:
    st.caption("No file imported. Exports Graph cannot reach (Copilot Chat, Agent usage) or days the collector "
               "missed come in with `copilot-usage import FILE.csv` (docs/imports.md).")
else:
    st.caption("Not collected from Graph: CSV exports an admin downloaded from the Microsoft 365 admin center and "
               "imported. Where Graph was collected for the same report date, Graph's data wins.")
    st.dataframe(tables.readable(imports.assign(kind=imports["kind"].map(KIND).fillna(imports["kind"])), [
        ("kind", "imported export", "text"), ("file_name", "file", "text"), ("rows", "rows", "int"),
        ("as_of", "report date", "date"), ("period_days", "timeframe (days)", "int"),
        ("imported", "imported", "text"), ("used", "used", "text")]), hide_index=True, width="stretch")

st.subheader("Concealed names and group views")
status = r.data_status()
if not status.empty:
    latest = status.iloc[0]
    st.text(f"Concealed user names: {'ON' if latest['concealed'] else 'off'} (report date "
            f"{pd.Timestamp(latest['as_of']):%Y-%m-%d}); group views "
            f"{'available' if latest['group_views_available'] else 'NOT available'}")
st.dataframe(tables.readable(status.head(28), [
    ("as_of", "report date", "date"), ("concealed", "names concealed", "bool"),
    ("report_users", "people in report", "int"),
    ("licensed_users", "licensed people", "int"), ("group_views_available", "group views", "bool"),
    ("reason", "why not", "text")]), hide_index=True, width="stretch")

st.subheader("Blank activity dates")
lic = r.licences()
if lic.empty:
    st.info("No directory snapshot with licences yet.")
else:
    blank = lic.assign(blank_date_rate=lic["never_used"] / lic["licensed_users"] * 100)
    st.caption("Share of Copilot-licensed users whose report row has no last-activity date (never used Copilot "
               "as far as the report knows). A sudden jump usually means a report problem, not a change in use.")
    st.dataframe(tables.readable(blank.sort_values("as_of", ascending=False).head(28), [
        ("as_of", "report date", "date"), ("licensed_users", "licensed people", "int"),
        ("never_used", "never used", "int"), ("blank_date_rate", "blank date rate (%)", "float")]),
        hide_index=True, width="stretch")

st.subheader("What is kept, and since when")
kept = r.retention()
k = kept.iloc[0] if not kept.empty else None


def _day(v: object) -> str:
    return f"{pd.Timestamp(v):%d %b %Y}" if v is not None and not pd.isna(v) else "–"


if k is None or pd.isna(k["purged_before"]):
    st.text(f"Per-user rows: all kept, from {_day(None if k is None else k['per_user_from'])} "
            "([privacy] retention_days = 0).")
else:
    st.text(f"Per-user rows (report rows, snapshots, per-user intermediates) kept from {_day(k['per_user_from'])}: "
            f"older ones were deleted ({int(k['retention_days'])}-day retention, cut-off {_day(k['purged_before'])}). "
            f"Aggregates (groups, weeks, licences) kept from {_day(k['aggregates_from'])}, weeks from "
            f"{_day(k['weeks_from'])}.")
st.text("Identities: pseudonymised (keyed hashes; names only on the admin licence page) since "
        f"{k['pseudonymised_since']}." if k is not None and not pd.isna(k["pseudonymised"]) and k["pseudonymised"]
        else "Identities: user principal names in clear ([privacy] pseudonymise = false).")
st.caption("docs/privacy.md lists every table holding personal data, what, why and for how long.")
