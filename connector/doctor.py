"""`copilot-usage doctor`: a tenant preflight. Tries each permission the configured features need with one
small real request, reads the concealment setting and the Copilot SKUs, and the warehouse's freshness.

Probes change nothing in the tenant: GETs, and for Mail.Send an empty sendMail that Graph refuses (400) when
the permission is there and 403 when it is not, so no mail is ever sent: a permission is `ok` when its probe
succeeds, `missing` on 401/403, `unknown` when Graph answered something else (the detail says what).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import duckdb

from warehouse import db
from warehouse.config import Config, Secrets

from .fetch import NO_ROWS_YET, V1_ONLY
from .graph import UNKNOWN_TENANT, GraphError, GraphSession, error_message, no_workloads
from .reports import REPORTS_PERMISSION, copilot_skus


@dataclass
class Check:
    """One permission: whether the configured features need it, what the probe found, what a gap costs."""

    permission: str
    needed: bool
    consequence: str
    state: str = ""  # ok | missing | unknown | not needed
    detail: str = ""

    def __post_init__(self) -> None:
        self.state = self.state or ("unknown" if self.needed else "not needed")


@dataclass
class DoctorReport:
    """Everything `doctor` found; `exit_code` is 1 when a needed permission is missing or unknown."""

    checks: list[Check]
    concealed: bool | None = None
    skus: list[dict[str, Any]] = field(default_factory=list)
    freshness: list[str] = field(default_factory=list)
    fatal: str | None = None
    notes: list[str] = field(default_factory=list)  # tenants off the happy path, in plain sentences

    @property
    def exit_code(self) -> int:
        """0 when every needed permission works, else 1."""
        bad = self.fatal or any(c.needed and c.state != "ok" for c in self.checks)
        return 1 if bad else 0


def planned_checks(cfg: Config) -> list[tuple[Check, str | None]]:
    """The permissions to check for this configuration, each with the GET that proves it (None: not probed)."""
    base = f"{cfg.graph.base_url}/v1.0"
    version = cfg.collect.copilot_version
    report = f"{base}/copilot/reports/getMicrosoft365CopilotUserCountSummary(period='ALL',version='{version}')"
    return [
        (Check(REPORTS_PERMISSION, True, "no usage reports at all: nothing can be collected"), report),
        (Check("User.Read.All", cfg.collect.users,
               "no department, job title, manager or licences: no group views, no heatmap, no stagnation flags"),
         f"{base}/users?$top=1&$select=id,department,jobTitle,assignedLicenses"),
        (Check("ReportSettings.Read.All", True,
               "concealed names cannot be detected: runs record an error for admin/reportSettings"),
         f"{base}/admin/reportSettings"),
        (Check("LicenseAssignment.Read.All", True,
               "no subscribedSkus: Copilot SKUs found only by the one documented SKU id, no licence totals "
               "(Organization.Read.All also grants it)"), f"{base}/subscribedSkus"),
        (Check("Mail.Send", cfg.alerts.transport == "graph",
               "alert e-mails cannot be sent through Graph ([alerts] transport = \"graph\"); use SMTP instead"),
         f"{base}/users/{quote(cfg.alerts.from_address or 'unset', safe='@')}/sendMail"),
        (Check("ReportSettings.ReadWrite.All", False,
               "none: copilot-usage never changes the concealment setting (an admin does, in the admin center)"),
         None),
    ]


async def _probe(g: GraphSession, check: Check, url: str) -> Any:
    try:
        if url.endswith("/sendMail"):  # an empty message: refused with 400 when allowed, 403 when not; never sent
            resp = await g.post(url, b"{}")
            if resp.status == 400:
                check.state, check.detail = "ok", "allowed (the empty probe message was refused; nothing was sent)"
                return None
        else:
            resp = await g.get(url, accept="application/json, application/octet-stream, text/csv")
            if resp.status == 400 and "version='v2'" in url:  # a v1-only tenant: what the collector falls back to
                resp = await g.get(url.replace("version='v2'", "version='v1'"),
                                   accept="application/json, application/octet-stream, text/csv")
                if resp.status < 300:
                    check.detail = "v1 only"
    except GraphError as e:
        check.state, check.detail = "unknown", str(e)
        return None
    if resp.status < 300:
        check.state = "ok"
        try:
            return resp.json()
        except ValueError:
            return resp.body  # a CSV report
    if no_workloads(resp):
        check.state, check.detail = "no workloads", "HTTP 404 UnknownTenantId"
        return None
    check.state = "missing" if resp.status in (401, 403) else "unknown"
    check.detail = f"HTTP {resp.status}: {error_message(resp)}"
    return None


async def _probe_all(cfg: Config, secrets: Secrets, planned: list[tuple[Check, str | None]]) -> dict[str, Any]:
    bodies: dict[str, Any] = {}
    async with GraphSession(cfg, secrets) as g:
        for check, url in planned:
            if url is not None and check.needed:
                bodies[check.permission] = await _probe(g, check, url)
    return bodies


def freshness(cfg: Config, today: date | None = None) -> list[str]:
    """Sentences on the warehouse's data: report date, its age, the last run's problems."""
    today = today or datetime.now(UTC).date()
    if "://" not in cfg.warehouse.path and not cfg.warehouse.path.startswith("md:") \
            and not Path(cfg.warehouse.path).exists():
        return [f"no warehouse yet at {cfg.warehouse.path}: run `copilot-usage run` once"]
    try:
        with db.reading(cfg.warehouse, wait_seconds=5) as con:
            return _freshness(con, cfg, today)
    except db.NOT_OPENED as e:  # no file yet, or a collection holds it
        return [f"warehouse {cfg.warehouse.path}: not readable now ({type(e).__name__}); run `copilot-usage run`"]


def _freshness(con: duckdb.DuckDBPyConnection, cfg: Config, today: date) -> list[str]:
    tables = db.tables(con)
    if "_runs" not in tables:
        return [f"warehouse {cfg.warehouse.path}: no collection yet"]
    lines = []
    if "mart_data_status" in tables:
        as_of = con.execute("select max(as_of) from mart_data_status").fetchone()[0]
        if as_of:
            age = (today - as_of).days
            note = " (Graph publishes with up to 3 days' delay)" if age <= 4 else ": STALE, is the job running?"
            lines.append(f"data as of {as_of}, {age} day(s) old{note}")
    failed = con.execute(
        "select report, status, message from _runs where run_id = (select run_id from _runs where report not "
        "like 'import:%' order by started_at desc limit 1) and status not in ('ok', 'warning') order by report"
    ).fetchall()
    weeks = con.execute("select count(distinct date_trunc('week', report_refresh_date)) from _runs "
                        "where report = 'copilot_usage_user_detail' and status in ('ok', 'warning')").fetchone()[0]
    lines.append(f"history: {weeks} week(s) of Copilot user detail collected")
    lines += [f"last run: {r} {s}: {m}" for r, s, m in failed]
    return lines


def run_doctor(cfg: Config, secrets: Secrets | None = None) -> DoctorReport:
    """Probe the tenant and read the warehouse; never raises for a tenant problem, reports it."""
    planned = planned_checks(cfg)
    report = DoctorReport([c for c, _ in planned])
    try:
        bodies = asyncio.run(_probe_all(cfg, secrets or Secrets.from_env(), planned))
    except GraphError as e:  # no credential, or the token cannot be obtained
        report.fatal = str(e)
        bodies = {}
    except Exception as e:  # azure-identity errors: wrong tenant, bad secret, unreachable login host
        report.fatal = f"could not get a token for Graph: {type(e).__name__}: {str(e).splitlines()[0][:300]}"
        bodies = {}
    settings = bodies.get("ReportSettings.Read.All")
    if isinstance(settings, dict):
        entity = settings.get("value", settings) if isinstance(settings.get("value"), dict) else settings
        report.concealed = entity.get("displayConcealedNames")
    report.skus = copilot_skus(bodies.get("LicenseAssignment.Read.All"))
    reports = next(c for c in report.checks if c.permission == REPORTS_PERMISSION)
    if reports.state == "no workloads":
        report.notes.append(f"This tenant has no Microsoft 365 usage reports: {UNKNOWN_TENANT}. `run` will collect the "
                            "directory only, until Exchange Online, SharePoint or Teams are in use.")
    if reports.detail == "v1 only":
        report.notes.append(V1_ONLY)
    summary = bodies.get(REPORTS_PERMISSION)
    if isinstance(summary, bytes) and not [ln for ln in summary.splitlines()[1:] if ln.strip()]:
        assigned = sum(s["assigned"] or 0 for s in report.skus)
        report.notes.append(NO_ROWS_YET.format(licences=f" although {assigned} Copilot licence(s) are assigned"
                                               if assigned else ""))
    report.freshness = freshness(cfg)
    return report
