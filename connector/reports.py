"""The Graph report endpoints we collect, declared once: URL shape, raw table, required columns, permission; and the
Copilot service plans that mark a Copilot SKU in subscribedSkus (read by a run's notes and by `doctor`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from warehouse.config import Config
from warehouse.contract import COPILOT_SERVICE_PLANS

REPORTS_PERMISSION = "Reports.Read.All"
USER_SELECT = ("id,userPrincipalName,displayName,department,jobTitle,officeLocation,companyName,"
               "accountEnabled,userType,assignedLicenses,assignedPlans,manager")


@dataclass(frozen=True)
class Report:
    """One Graph usage report."""

    name: str
    function: str
    copilot: bool
    required: tuple[str, ...]  # normalised column names a body must have to be accepted
    description: str

    @property
    def raw_table(self) -> str:
        """The append-only landing table."""
        return f"raw_{self.name}"


REPORTS: dict[str, Report] = {r.name: r for r in [
    Report("copilot_usage_user_detail", "getMicrosoft365CopilotUsageUserDetail", True,
           ("report_refresh_date", "user_principal_name", "last_activity_date", "report_period"),
           "per-user last Copilot activity per app (+ v2 prompts and active days)"),
    Report("copilot_user_count_trend", "getMicrosoft365CopilotUserCountTrend", True,
           ("report_refresh_date", "report_date", "any_app_enabled_users", "any_app_active_users"),
           "tenant daily enabled/active users per app (+ v2 daily prompts)"),
    Report("copilot_user_count_summary", "getMicrosoft365CopilotUserCountSummary", True,
           ("report_refresh_date", "report_period", "any_app_enabled_users", "any_app_active_users"),
           "tenant enabled/active users per app per period"),
    Report("office365_active_user_detail", "getOffice365ActiveUserDetail", False,
           ("report_refresh_date", "user_principal_name"), "M365 licences and last activity per service"),
    Report("m365_app_user_detail", "getM365AppUserDetail", False,
           ("report_refresh_date", "user_principal_name"), "Microsoft 365 apps used per platform"),
    Report("teams_user_activity_user_detail", "getTeamsUserActivityUserDetail", False,
           ("report_refresh_date", "user_principal_name"), "Teams activity counts per user"),
    Report("email_activity_user_detail", "getEmailActivityUserDetail", False,
           ("report_refresh_date", "user_principal_name"), "Outlook e-mail activity per user"),
]}

V1_PERIOD = {"D28": "D30"}  # v1 has no D28; D30 is its nearest window


@dataclass(frozen=True)
class Fetch:
    """One request to make: a report for a period (Copilot reports also carry a version)."""

    report: Report
    period: str
    version: str = ""

    def url(self, base: str) -> str:
        """The raw request URL (both values quoted string literals inside the parentheses)."""
        if self.report.copilot:
            return (f"{base}/v1.0/copilot/reports/{self.report.function}"
                    f"(period='{self.period}',version='{self.version}')")
        return f"{base}/v1.0/reports/{self.report.function}(period='{self.period}')"

    def as_v1(self) -> Fetch:
        """The v1 fallback of a v2 Copilot request (D28 becomes D30)."""
        return Fetch(self.report, V1_PERIOD.get(self.period, self.period), "v1")

    @property
    def label(self) -> str:
        """Human-readable name for logs and _runs."""
        return f"{self.report.name}({self.period}{',' + self.version if self.version else ''})"


def plan(cfg: Config, only: list[str] | None = None) -> list[Fetch]:
    """Every report request one collection makes, in order."""
    c = cfg.collect
    v = c.copilot_version
    fetches = [Fetch(REPORTS["copilot_usage_user_detail"], p, v) for p in c.copilot_user_detail_periods]
    fetches.append(Fetch(REPORTS["copilot_user_count_trend"], c.copilot_trend_period, v))
    fetches.append(Fetch(REPORTS["copilot_user_count_summary"], "ALL", v))
    fetches += [Fetch(REPORTS[name], c.m365_period) for name in c.m365_reports]
    if v == "v1":
        fetches = [f.as_v1() if f.report.copilot else f for f in fetches]
    return [f for f in fetches if not only or f.report.name in only]


COPILOT_PLANS = COPILOT_SERVICE_PLANS  # servicePlanId -> name (the contract's copilot_service_plan enumeration)


def copilot_skus(body: Any) -> list[dict[str, Any]]:
    """The SKUs with a Copilot service plan in a subscribedSkus body: name, plans, assigned, purchased."""
    out = []
    for s in (body or {}).get("value", []):
        plans = [COPILOT_PLANS[p["servicePlanId"]] for p in s.get("servicePlans") or []
                 if p.get("servicePlanId") in COPILOT_PLANS]
        if plans:
            out.append({"sku": s.get("skuPartNumber") or s.get("skuId"), "plans": ", ".join(plans),
                        "assigned": s.get("consumedUnits"), "purchased": (s.get("prepaidUnits") or {}).get("enabled")})
    return out
