"""Render the simulated tenant as Graph report CSVs, in the documented headers (see graph-api.md §1.5, §2)."""

from __future__ import annotations

import csv
import hashlib
import io

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from .tenant import APPS, Tenant

BOM = b"\xef\xbb\xbf"
A = {name: i for i, name in enumerate(APPS)}

# v1 user-detail header, in the documented v1.0 order (Report Period last)
V1_DETAIL = [
    ("Copilot Chat Last Activity Date", ("chat_work", "chat_web")),
    ("Microsoft Teams Copilot Last Activity Date", ("teams",)),
    ("Word Copilot Last Activity Date", ("word",)),
    ("Excel Copilot Last Activity Date", ("excel",)),
    ("PowerPoint Copilot Last Activity Date", ("powerpoint",)),
    ("Outlook Copilot Last Activity Date", ("outlook",)),
    ("OneNote Copilot Last Activity Date", ("onenote",)),
    ("Loop Copilot Last Activity Date", ("loop",)),
]
V2_DETAIL_DATES = [
    ("Copilot Chat (work) Last Activity Date", ("chat_work",)),
    ("Copilot Chat (web) Last Activity Date", ("chat_web",)),
    ("Microsoft 365 Copilot Last Activity Date", ("m365_app",)),
    ("Edge Last Activity Date", ("edge",)),
    ("Copilot Agent Last Activity Date", ("agent",)),
]
# count columns of the summary / trend reports: (label, apps)
V1_COUNTS = [
    ("Microsoft Teams", ("teams",)), ("Word", ("word",)), ("PowerPoint", ("powerpoint",)),
    ("Outlook", ("outlook",)), ("Excel", ("excel",)), ("OneNote", ("onenote",)), ("Loop", ("loop",)),
    ("Any App", tuple(APPS)), ("Copilot Chat", ("chat_work", "chat_web")),
]
V2_COUNTS = [
    ("Edge", ("edge",)), ("Microsoft 365 Copilot", ("m365_app",)),
    ("Copilot Chat (work)", ("chat_work",)), ("Copilot Chat (web)", ("chat_web",)),
]

# getTeamsUserActivityUserDetail's columns in the order a real tenant served them (pnp/cli-microsoft365 capture,
# tests/fixtures/graph/teams_user_activity_user_detail.csv); the Graph docs page lists the same names in
# another order (Tenant Display Name second). The collector maps by name either way.
TEAMS_DETAIL_HEADER = [
    "Report Refresh Date", "User Id", "User Principal Name", "Last Activity Date", "Is Deleted", "Deleted Date",
    "Assigned Products", "Team Chat Message Count", "Private Chat Message Count", "Call Count", "Meeting Count",
    "Meetings Organized Count", "Meetings Attended Count", "Ad Hoc Meetings Organized Count",
    "Ad Hoc Meetings Attended Count", "Scheduled One-time Meetings Organized Count",
    "Scheduled One-time Meetings Attended Count", "Scheduled Recurring Meetings Organized Count",
    "Scheduled Recurring Meetings Attended Count", "Audio Duration", "Video Duration", "Screen Share Duration",
    "Audio Duration In Seconds", "Video Duration In Seconds", "Screen Share Duration In Seconds",
    "Has Other Action", "Urgent Messages", "Post Messages", "Tenant Display Name",
    "Shared Channel Tenant Display Names", "Reply Messages", "Is Licensed", "Report Period",
]


def conceal(values: list[str]) -> list[str]:
    """Microsoft's concealed identities: 32 upper-case hex characters (not joinable)."""
    return [hashlib.md5(v.encode()).hexdigest().upper() for v in values]


def _dates(t: Tenant, idx: np.ndarray) -> pa.Array:
    """Day indexes as YYYY-MM-DD strings ('' for -1 = never), by lookup rather than per-value formatting."""
    lut = pa.array([""] + [t.date(d).isoformat() for d in range(int(np.max(idx, initial=0)) + 1)])
    return _decode(np.maximum(np.asarray(idx, dtype=np.int64) + 1, 0), lut)


def _decode(indices: np.ndarray, labels: pa.Array) -> pa.Array:
    return pa.DictionaryArray.from_arrays(pa.array(indices.astype(np.int32)), labels).dictionary_decode()


def _yes_no(mask: np.ndarray) -> pa.Array:
    return _decode(mask, pa.array(["No", "Yes"]))


def _csv(columns: dict[str, object]) -> bytes:
    def column(v: object) -> pa.Array:
        if isinstance(v, pa.Array):
            return v
        if isinstance(v, np.ndarray) and v.dtype.kind in "iuf":
            return pa.array(v).cast(pa.string())
        return pa.array(v, type=pa.string())

    # Graph quotes a field only when it must (every recorded report, tests/fixtures/graph/): pyarrow's "needed"
    # quotes every string and quotes headers in any style, so the header is written here and the rows unquoted,
    # falling back to Python's csv (minimal quoting) when a value holds a comma, quote or line break
    table = pa.table({k: column(v) for k, v in columns.items()})
    head = io.StringIO()
    csv.writer(head, lineterminator="\n").writerow(columns)
    buf = io.BytesIO()
    try:
        pacsv.write_csv(table, buf, pacsv.WriteOptions(include_header=False, quoting_style="none"))
        rows = buf.getvalue()
    except pa.ArrowInvalid:
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(zip(*(c.to_pylist() for c in table.columns), strict=True))
        rows = out.getvalue().encode()
    return BOM + head.getvalue().encode() + rows


def _identities(t: Tenant, rows: np.ndarray, day: int, concealed: bool, display: bool = True) -> dict[str, list[str]]:
    # the user as the directory has them on the report date: a renamed user is listed under the new name (an
    # assumption: Microsoft's report pages do not say which name a renamed user's history is listed under)
    upn = [t.upn_on(int(i), day) for i in rows]
    out = {"User Principal Name": conceal(upn) if concealed else upn}
    if display:
        names = [t.display_on(int(i), day) for i in rows]
        out["Display Name"] = conceal(names) if concealed else names
    return out


def copilot_user_detail(t: Tenant, day: int, period: int, version: str, concealed: bool) -> bytes:
    """getMicrosoft365CopilotUsageUserDetail: everyone licensed at any point in the last 180 days."""
    st = t.state(day)
    rows = np.flatnonzero((t.lic_start <= day) & (t.lic_end > day - 180) & ~t.plans_disabled
                          & t.present(day))
    refresh = t.date(day).isoformat()
    last = st.last_active[rows]
    cols: dict[str, object] = {"Report Refresh Date": [refresh] * len(rows)}
    cols.update(_identities(t, rows, day, concealed))
    cols["Last Activity Date"] = _dates(t, last.max(axis=1))
    for label, apps in V1_DETAIL:
        cols[label] = _dates(t, last[:, [A[a] for a in apps]].max(axis=1))
    cols["Report Period"] = [str(period)] * len(rows)
    if version == "v2":
        days_active, prompts = t.window(day, period)
        share = t.chat_share[rows]
        p = prompts[rows]
        cols["Prompts submitted for all apps"] = p
        cols["Prompts submitted for Copilot Chat (work)"] = np.floor(p * share * 0.8).astype(np.int64)
        cols["Prompts submitted for Copilot Chat (web)"] = np.floor(p * share * 0.2).astype(np.int64)
        cols["Active Usage Days for all apps"] = days_active[rows]
        for label, apps in V2_DETAIL_DATES:
            cols[label] = _dates(t, last[:, [A[a] for a in apps]].max(axis=1))
    return _csv(cols)


def _count_columns(version: str) -> list[tuple[str, tuple[str, ...]]]:
    return V1_COUNTS + (V2_COUNTS if version == "v2" else [])


def copilot_trend(t: Tenant, day: int, period: int, version: str) -> bytes:
    """getMicrosoft365CopilotUserCountTrend: one row per report date; the last 3 days are provisional."""
    st = t.state(day)
    lo = max(0, day - period + 1)
    days = np.arange(lo, day + 1)
    cols: dict[str, object] = {"Report Refresh Date": [t.date(day).isoformat()] * len(days),
                               "Report Date": _dates(t, days)}
    # Microsoft re-validates the last three days: counts published for them grow on later refreshes
    provisional = np.clip(1.0 - 0.08 * (3 - (day - days)), 0.76, 1.0)
    for label, apps in _count_columns(version):
        cols[f"{label} Enabled Users"] = st.trend_enabled[days]
        ix = [A[a] for a in apps]
        active = st.trend_active[days][:, -1] if label == "Any App" else st.trend_active[days][:, ix].max(axis=1)
        cols[f"{label} Active Users"] = np.floor(active * provisional).astype(np.int64)
    if version == "v2":
        cols["Prompts submitted"] = np.floor(st.trend_prompts[days] * provisional).astype(np.int64)
    cols["Report Period"] = [str(period)] * len(days)
    return _csv(cols)


def copilot_summary(t: Tenant, day: int, periods: list[int], version: str) -> bytes:
    """getMicrosoft365CopilotUserCountSummary: one row per period (period ALL gives 7/28|30/90/180)."""
    st = t.state(day)
    lic = t.licensed(day)
    cols: dict[str, list[str]] = {"Report Refresh Date": [], "Report Period": []}
    for period in periods:
        cols["Report Refresh Date"].append(t.date(day).isoformat())
        cols["Report Period"].append(str(period))
        recent = st.last_active >= day - period + 1
        for label, apps in _count_columns(version):
            active = recent[:, [A[a] for a in apps]].any(axis=1) & lic
            cols.setdefault(f"{label} Enabled Users", []).append(str(int(lic.sum())))
            cols.setdefault(f"{label} Active Users", []).append(str(int(active.sum())))
        if version == "v2":
            _, prompts = t.window(day, period)
            total = int(prompts[lic].sum())
            cols.setdefault("Total prompts submitted", []).append(str(total))
            cols.setdefault("Average prompts submitted", []).append(f"{total / max(1, int(lic.sum())):.2f}")
    return _csv(cols)


def _m365_rows(t: Tenant, day: int) -> np.ndarray:
    return np.flatnonzero(t.present(day) & ~t.guest)


def _recent(rng: np.random.Generator, day: int, n: int, p_active: float, mean_gap: float) -> np.ndarray:
    gap = rng.geometric(1.0 / mean_gap, n) - 1
    return np.where(rng.random(n) < p_active, day - gap, -1)


def m365_report(t: Tenant, name: str, day: int, period: int, concealed: bool) -> bytes:
    """The four M365 baseline user-detail reports, with plausible synthetic values."""
    rng = np.random.default_rng([t.seed, day, sum(map(ord, name))])
    rows = _m365_rows(t, day)
    n = len(rows)
    refresh = [t.date(day).isoformat()] * n
    yes_no = np.array(["False", "True"])
    if name == "office365_active_user_detail":
        cols: dict[str, object] = {"Report Refresh Date": refresh, **_identities(t, rows, day, concealed),
                                   "Is Deleted": ["False"] * n, "Deleted Date": [""] * n}
        services = ["Exchange", "OneDrive", "SharePoint", "Skype For Business", "Yammer", "Teams"]
        for s in services:
            cols[f"Has {s} License"] = yes_no[(rng.random(n) < 0.98).astype(int)]
        for s, p in zip(services, [0.97, 0.8, 0.75, 0.0, 0.1, 0.95], strict=True):
            cols[f"{s} Last Activity Date"] = _dates(t, _recent(rng, day, n, p, 3.0))
        for s in services:
            cols[f"{s} License Assign Date"] = [t.start.isoformat()] * n
        cols["Assigned Products"] = ["MICROSOFT 365 E5+MICROSOFT 365 COPILOT"] * n
        return _csv(cols)
    if name == "m365_app_user_detail":
        cols = {"Report Refresh Date": refresh, **_identities(t, rows, day, concealed, display=False),
                "Last Activation Date": [t.start.isoformat()] * n,
                "Last Activity Date": _dates(t, _recent(rng, day, n, 0.95, 2.0)),
                "Report Period": [str(period)] * n}
        for c in ["Windows", "Mac", "Mobile", "Web", "Outlook", "Word", "Excel", "PowerPoint", "OneNote", "Teams"]:
            cols[c] = _yes_no(rng.random(n) < 0.6)
        for plat in ["Windows", "Mac", "Mobile", "Web"]:
            for app in ["Outlook", "Word", "Excel", "PowerPoint", "OneNote", "Teams"]:
                cols[f"{app} ({plat})"] = _yes_no(rng.random(n) < 0.4)
        if t.licence_cases is not None:  # people with known Microsoft 365 use (connector/simulator/licence_cases.py)
            t.licence_cases.m365_columns(t, rows, day, cols, _dates, _yes_no)
        return _csv(cols)
    if name == "teams_user_activity_user_detail":
        ident = _identities(t, rows, day, concealed, display=False)
        uid = ["00000000-0000-0000-0000-000000000000"] * n if concealed else [t.ids[i] for i in rows]
        cols = {"Report Refresh Date": refresh, "Tenant Display Name": ["Contoso"] * n,
                "Shared Channel Tenant Display Names": [""] * n, "User Id": uid, **ident,
                "Last Activity Date": _dates(t, _recent(rng, day, n, 0.95, 1.5)),
                "Is Deleted": ["False"] * n, "Deleted Date": [""] * n,
                "Assigned Products": ["MICROSOFT 365 E5"] * n}
        for c, lam in [("Team Chat Message Count", 8), ("Private Chat Message Count", 40), ("Call Count", 5),
                       ("Meeting Count", 9), ("Post Messages", 2), ("Reply Messages", 3), ("Urgent Messages", 0.1),
                       ("Meetings Organized Count", 2), ("Meetings Attended Count", 7),
                       ("Ad Hoc Meetings Organized Count", 1), ("Ad Hoc Meetings Attended Count", 2),
                       ("Scheduled One-time Meetings Organized Count", 1),
                       ("Scheduled One-time Meetings Attended Count", 2),
                       ("Scheduled Recurring Meetings Organized Count", 1),
                       ("Scheduled Recurring Meetings Attended Count", 3)]:
            cols[c] = rng.poisson(lam * period / 7, n)
        secs = rng.poisson(3600 * period / 7, (n, 3))
        for j, c in enumerate(["Audio Duration", "Video Duration", "Screen Share Duration"]):
            cols[c] = [f"PT{s}S" for s in secs[:, j]]
        for j, c in enumerate(["Audio Duration In Seconds", "Video Duration In Seconds",
                               "Screen Share Duration In Seconds"]):
            cols[c] = secs[:, j]
        cols["Has Other Action"] = _yes_no(rng.random(n) < 0.3)
        cols["Is Licensed"] = ["Yes"] * n
        cols["Report Period"] = [str(period)] * n
        return _csv({c: cols[c] for c in TEAMS_DETAIL_HEADER})
    if name == "email_activity_user_detail":
        cols = {"Report Refresh Date": refresh, **_identities(t, rows, day, concealed), "Is Deleted": ["False"] * n,
                "Deleted Date": [""] * n, "Last Activity Date": _dates(t, _recent(rng, day, n, 0.97, 1.2))}
        for c, lam in [("Send Count", 30), ("Receive Count", 300), ("Read Count", 150),
                       ("Meeting Created Count", 3), ("Meeting Interacted Count", 10)]:
            cols[c] = rng.poisson(lam * period / 7, n)
        cols["Assigned Products"] = ["MICROSOFT 365 E5"] * n
        cols["Report Period"] = [str(period)] * n
        return _csv(cols)
    raise KeyError(name)
