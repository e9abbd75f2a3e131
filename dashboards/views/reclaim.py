"""Licence reclaim (admins only; docs/licences.md): which Copilot licences are idle or barely used after the grace
period, which are held by disabled accounts (remove those first), what idle licences cost a month, and who should get
a freed licence (unlicensed heavy Microsoft 365 users where Copilot has caught on). Per-person rows: the page exists
for admins only and not at all with `[privacy] licence_views = false`; every CSV download is recorded."""

import streamlit as st

from dashboards import draw, filters, session, tables, workflow
from dashboards.downloads import safe_csv
from dashboards.licence_exports import record_export
from dashboards.people import with_person

TIERS = {"disabled": "disabled account", "never_used": "never used", "lapsed": "lapsed", "low_use": "low use"}
GROUP_COLUMN = {"department": "department", "job_function": "job_function", "manager": "manager_team"}
NOTICE = "_licence_export_notice"

ctx = session.current()
r, viewer, cfg = ctx.reader, ctx.viewer, ctx.cfg
lic = cfg.licences
st.title("Licence reclaim")
if not viewer.is_admin:  # the page is registered for admins only; a direct link from anyone else ends here
    st.error("Admins only: this page names people.")
    st.stop()
if not cfg.privacy.licence_views:
    st.info("The licence lists are turned off ([privacy] licence_views = false): they are neither built nor shown.")
    st.stop()
st.caption(f"**Admins only: this page names people.** Use it to decide about licences, not to judge anyone "
           f"(Microsoft: usage data is not meant to evaluate employees). A licence is a candidate once it was "
           f"assigned at least {lic.grace_days} days ago (Entra's assignment date) and has had no Copilot use for "
           f"{lic.inactive_days} days (*never used*, *lapsed*), or was used on fewer than {lic.low_use_days} of the "
           f"last {lic.inactive_days} days (*low use*). Disabled accounts holding a licence are listed first, "
           "whatever their age; deleted accounts are not listed (deleting a user frees its licences). Every CSV "
           "download is recorded below.")
notice = st.session_state.pop(NOTICE, None)
if notice:
    (st.error if notice.startswith("!") else st.success)(notice.lstrip("!"))


def _record(list_name: str, rows: int, chosen: dict, as_of: object) -> None:
    """The download button's callback: record who downloaded which list with which filters."""
    try:
        record_export(cfg, viewer.email or viewer.name, list_name, rows, chosen, as_of)
        st.session_state[NOTICE] = f"Download recorded: {rows:,} rows of the {list_name} list."
    except workflow.Busy as e:
        st.session_state[NOTICE] = f"!{e} The download was not recorded."


def _download(label: str, list_name: str, data: object, columns: list, chosen: dict, key: str) -> None:
    as_of = data["as_of"].iloc[0] if len(data) else None
    st.download_button(label, data=safe_csv(tables.numeric(data, columns)), mime="text/csv", key=key,
                       file_name=f"copilot-{list_name}-candidates-{ctx.as_of}.csv", on_click=_record,
                       args=(list_name, len(data), chosen, as_of))


cost = r.idle_cost("tenant")
if not cost.empty:
    now = cost.iloc[-1]
    c = st.columns(3)
    c[0].metric("Idle licences cost a month", f"{now['idle_monthly_cost']:,.0f} {now['currency']}",
                help=f"{int(now['idle_licences']):,} licences past the grace period with no Copilot use for "
                     f"{lic.inactive_days} days, at the [licences] prices, on {now['as_of']:%d %b %Y}")
    c[1].metric("Idle licences", f"{int(now['idle_licences']):,} of {int(now['licensed_users']):,}")
    c[2].metric("All Copilot licences cost a month", f"{now['licensed_monthly_cost']:,.0f} {now['currency']}")
    if len(cost) > 1:
        draw.chart("idle_cost", cost)

cands = with_person(r.licence_candidates(), r.path)
if cands.empty:
    st.info("No reclaim candidates: every licence past the grace period is in use (or nothing is collected yet).")
else:
    first = cands[cands["tier"] == "disabled"]
    if not first.empty:
        st.subheader(f"Licences to remove first ({len(first):,})")
        st.caption("Disabled accounts (accountEnabled false in Entra) that still hold a Copilot licence.")
        st.dataframe(tables.readable(first, [("person", "person", "text"), ("department", "department", "text"),
                                             ("licensed_since", "licensed since", "date"),
                                             ("last_activity_date", "last Copilot use", "date"),
                                             ("copilot_skus", "licence", "text")]), hide_index=True, width="stretch")
    st.subheader("Reclaim candidates")
    dimension = filters.dimension()
    col = GROUP_COLUMN[dimension]
    left, right = st.columns(2)
    groups = left.multiselect(filters.DIMENSIONS[dimension], sorted(cands[col].dropna().unique()),
                              key=f"reclaim-groups-{dimension}", placeholder="all")
    tiers = right.multiselect("Tier", list(TIERS), default=list(TIERS), format_func=TIERS.get, key="reclaim-tiers")
    shown = cands[cands["tier"].isin(tiers) & (cands[col].isin(groups) if groups else True)]
    if not shown.empty:
        counts = shown.pivot_table(index=col, columns="tier", values="person", aggfunc="count", fill_value=0)
        counts = counts.reindex(columns=[t for t in TIERS if t in counts.columns]).rename(columns=TIERS)
        counts["idle cost a month"] = shown[shown["idle"]].groupby(col)["monthly_price"].sum().reindex(
            counts.index).fillna(0).map(lambda v: f"{v:,.0f} {lic.currency}")
        st.caption(f"Candidates per {filters.DIMENSIONS[dimension].lower()}")
        st.dataframe(counts.reset_index().rename(columns={col: filters.DIMENSIONS[dimension].lower()}),
                     hide_index=True, width="stretch")
    columns = [("tier", "tier", "text"), ("person", "person", "text"), ("user_principal_name", "upn", "text"),
               ("department", "department", "text"), ("job_function", "job function", "text"),
               ("manager_team", "manager team", "text"), ("licensed_since", "licensed since", "date"),
               ("last_activity_date", "last Copilot use", "date"), ("days_inactive", "days inactive", "int"),
               ("active_days", f"active days (last {lic.inactive_days})", "int"),
               ("monthly_price", f"price a month ({lic.currency})", "float")]
    st.dataframe(tables.readable(shown.assign(tier=shown["tier"].map(TIERS)), columns), hide_index=True,
                 width="stretch")
    _download(f"Download {len(shown):,} candidates (CSV)", "reclaim", shown, columns,
              {"dimension": dimension, "groups": list(groups), "tiers": list(tiers)}, "reclaim-csv")

st.subheader("Where freed licences can go")
realloc = with_person(r.reallocation_candidates(), r.path)
st.caption(f"Unlicensed people active in Microsoft 365 apps on at least {lic.heavy_active_days} of the last 28 days, "
           f"using at least {lic.heavy_apps} of its six apps, in departments whose weekly active rate is at least "
           f"{lic.min_group_rate:.0%}: most active first.")
if realloc.empty:
    st.info("No reallocation candidates (the Microsoft 365 apps report is needed: [collect] m365_reports).")
else:
    seen = int(realloc["days_observed"].iloc[0])
    if seen < 28:
        st.caption(f"Only {seen} of the last 28 days' reports are collected so far: the days needed are scaled to "
                   f"{-(-lic.heavy_active_days * seen // 28)} of {seen}.")
    depts = st.multiselect("Department", sorted(realloc["department"].dropna().unique()), key="realloc-depts",
                           placeholder="all")
    pick = realloc[realloc["department"].isin(depts)] if depts else realloc
    columns = [("rank", "rank", "int"), ("person", "person", "text"), ("user_principal_name", "upn", "text"),
               ("department", "department", "text"), ("job_function", "job function", "text"),
               ("active_days_28", "active days (28)", "int"), ("apps_used", "apps used", "int"),
               ("department_active_rate", "department's weekly active rate", "pct")]
    st.dataframe(tables.readable(pick, columns), hide_index=True, width="stretch")
    _download(f"Download {len(pick):,} reallocation candidates (CSV)", "reallocation", pick, columns,
              {"departments": list(depts)}, "realloc-csv")

st.subheader("Recorded downloads")
exports = r.licence_exports()
if exports.empty:
    st.caption("No list has been downloaded yet.")
else:
    st.dataframe(tables.readable(exports, [("exported_at", "when (UTC)", "datetime"), ("exported_by", "who", "text"),
                                           ("list", "list", "text"), ("rows", "rows", "int"),
                                           ("filters", "filters", "text")]), hide_index=True, width="stretch")
