"""The simulator's mutable settings and injectable faults, and the Graph functions and periods it serves."""

from __future__ import annotations

from dataclasses import dataclass, field

COPILOT_FUNCS = {
    "getMicrosoft365CopilotUsageUserDetail": "copilot_user_detail",
    "getMicrosoft365CopilotUserCountTrend": "copilot_trend",
    "getMicrosoft365CopilotUserCountSummary": "copilot_summary",
}
M365_FUNCS = {
    "getOffice365ActiveUserDetail": "office365_active_user_detail",
    "getM365AppUserDetail": "m365_app_user_detail",
    "getTeamsUserActivityUserDetail": "teams_user_activity_user_detail",
    "getEmailActivityUserDetail": "email_activity_user_detail",
}
PERIODS = {"v1": {"D7": 7, "D30": 30, "D90": 90, "D180": 180}, "v2": {"D7": 7, "D28": 28, "D90": 90, "D180": 180}}
M365_PERIODS = {"D7": 7, "D30": 30, "D90": 90, "D180": 180}
PERMISSION = {"reports": "Reports.Read.All", "users": "User.Read.All", "skus": "LicenseAssignment.Read.All",
              "settings": "ReportSettings.Read.All", "mail": "Mail.Send"}


@dataclass
class Fault:
    """An injected response: the next `times` requests whose path contains `match` get it."""

    match: str
    status: int = 429
    retry_after: int | None = 1
    body: str | None = None
    content_type: str = "application/json"
    times: int = 1
    reset: bool = False  # send the headers and part of the body, then drop the connection


@dataclass
class SimState:
    """Mutable simulator settings; changed through /_sim endpoints or directly in tests."""

    day: int
    token: str = "simulated-token"
    concealed: bool = False
    v2_supported: bool = True  # False: a v1-only tenant (version='v2' answers 400)
    no_workloads: bool = False  # a tenant without M365 workloads: every usage report answers 404 UnknownTenantId
    empty_reports: bool = False  # Copilot licences assigned, but the Copilot reports have no rows yet
    delta_items: str = "full"  # users/delta items: full | minimal | mixed (changes.ITEM_KINDS)
    denied: set[str] = field(default_factory=set)
    throttle_every: int = 0  # every Nth report request answers 429 with Retry-After: 1
    download_ttl: float = 300.0
    latency_ms: int = 0  # added to every Graph and download-host request before it is answered (not /_sim)
    faults: list[Fault] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    auth_leaks: int = 0
    report_requests: int = 0
    sent_mail: list[dict] = field(default_factory=list)  # {"mailbox", "content_type", "mime" | "json"}
