"""Fetch every report and directory resource of one run over Graph, into a temporary folder.

Nothing here touches the warehouse: fetching happens before the write connection is opened, and each
Outcome carries either a payload to land or the error that `_runs` will record.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import secrets as pysecrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from warehouse.config import Config, Secrets

from . import load
from .graph import ACCEPT_REPORT, UNKNOWN_TENANT, GraphError, GraphSession, Response, check
from .reports import REPORTS, REPORTS_PERMISSION, USER_SELECT, Fetch, copilot_skus

NO_ROWS_YET = ("Microsoft's Copilot reports have no rows yet{licences}: they list a user from the first report after "
               "the licence is assigned, with up to 72 hours' delay (admin center usage report docs). The empty "
               "reports are recorded as empty, never as 'everyone inactive'; run again in a few days.")
V1_ONLY = ("This tenant serves only version 1 of the Copilot reports (Graph refused version='v2'): v1 was collected "
           "(D30 instead of D28), without prompt counts or active-usage days. Set [collect] copilot_version = "
           "\"v1\" to skip the refused request.")

log = logging.getLogger("copilot_usage.fetch")


@dataclass
class Outcome:
    """The result of one fetch + load, as recorded in `_runs`."""

    report: str
    period: str = ""
    version: str = ""
    status: str = "ok"
    message: str = ""
    rows: int = 0
    bytes: int = 0
    requests: int = 0
    refresh_date: Any = None
    retry_after: int | None = None
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    # set by fetch, consumed by load
    payload: Any = None
    columns: list[str] = field(default_factory=list)

    def fail(self, e: GraphError | load.BadReport) -> None:
        """Record a failure: `throttled` when Graph asked us to come back later, else `error`."""
        throttled = isinstance(e, GraphError) and e.throttled
        self.status, self.message = ("throttled" if throttled else "error"), str(e)
        self.retry_after = e.retry_after if isinstance(e, GraphError) else None


@dataclass
class RunResult:
    """Everything a run did; `exit_code` is 0 (ok), 75 (only throttled, retry later) or 1 (errors)."""

    run_id: str
    outcomes: list[Outcome]
    concealed: bool | None = None

    @property
    def notes(self) -> list[str]:
        """Plain sentences for tenants off the happy path: no M365 workloads, no report rows yet, v1 only."""
        notes = []
        reports = [o for o in self.outcomes if o.report in REPORTS]
        if reports and all(UNKNOWN_TENANT in o.message for o in reports if o.status == "error") \
                and any(UNKNOWN_TENANT in o.message for o in reports):
            landed = [o.report for o in self.outcomes if o.report not in REPORTS and o.status in ("ok", "warning")]
            notes.append(f"This tenant has no Microsoft 365 usage reports: {UNKNOWN_TENANT}. Nothing to collect until "
                         "Exchange Online, SharePoint or Teams are in use"
                         + (f"; the directory ({', '.join(landed)}) was collected." if landed else "."))
        copilot = [o for o in reports if REPORTS[o.report].copilot]
        if copilot and all(o.status in ("ok", "warning") and o.rows == 0 for o in copilot):
            assigned = self.copilot_licences_assigned()
            notes.append(NO_ROWS_YET.format(licences=f" although {assigned} Copilot licence(s) are assigned"
                                            if assigned else ""))
        if any("fell back to v1" in o.message for o in copilot):
            notes.append(V1_ONLY)
        return notes

    def copilot_licences_assigned(self) -> int | None:
        """Assigned units of SKUs with a Copilot service plan, from this run's subscribedSkus (None: not read)."""
        skus = next((o.payload for o in self.outcomes if o.report == "subscribed_skus" and o.status == "ok"), None)
        return sum(s["assigned"] or 0 for s in copilot_skus(skus)) if isinstance(skus, dict) else None

    @property
    def exit_code(self) -> int:
        statuses = {o.status for o in self.outcomes}
        if statuses & {"error", "skipped"}:
            return 1
        return 75 if "throttled" in statuses else 0


def new_run_id() -> str:
    """A sortable, unique run id."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + pysecrets.token_hex(3)


# users/delta pages hold at most 200 users, asked for or not (Prefer: odata.maxpagesize is capped at 200 for users,
# Microsoft Q&A 2052165; graph-api.md §9); asking for 200 says so and keeps a smaller server default from applying.
# `$top` is not supported on users/delta (ignored), so it is never sent there.
USERS_PAGE = {"Prefer": "odata.maxpagesize=200"}


async def _get(g: GraphSession, o: Outcome, url: str, accept: str = "application/json",
               headers: dict[str, str] | None = None) -> Response:
    o.requests += 1
    return await g.get(url, accept=accept, headers=headers)


async def _fetch_report(g: GraphSession, f: Fetch, tmp: Path, stop: asyncio.Event) -> Outcome:
    o = Outcome(f.report.name, f.period, f.version)
    if stop.is_set():
        o.status, o.message = "skipped", "not attempted: the run stopped after an authorisation failure"
        return o
    try:
        resp = await _get(g, o, f.url(g.base), accept=ACCEPT_REPORT)
        if f.report.copilot and f.version == "v2" and resp.status == 400:
            v1 = f.as_v1()
            log.warning("%s: v2 refused (%s); falling back to v1 %s", f.label, resp.status, v1.period)
            o.message = f"v2 refused by Graph, fell back to v1 period {v1.period}"
            f, o.period, o.version = v1, v1.period, "v1"
            resp = await _get(g, o, f.url(g.base), accept=ACCEPT_REPORT)
        check(resp, report=f.label, permission=REPORTS_PERMISSION)
        body = resp.body
        text_head = body[:300].strip()
        if resp.content_type.startswith("text/plain") and text_head.startswith((b"https://", b"http://")):
            # seen in the wild: 200 with the pre-authenticated download URL in the body instead of a 302
            o.requests += 1
            resp = await g.download(text_head.decode())
            check(resp, report=f.label, permission=REPORTS_PERMISSION)
            body = resp.body
        o.columns = load.inspect_csv(f.label, f.report, body, resp.content_type)
        path = tmp / f"{f.report.name}_{o.period}.csv"
        path.write_bytes(body)
        o.payload, o.bytes = path, len(body)
    except (GraphError, load.BadReport) as e:
        o.fail(e)
        if isinstance(e, GraphError) and e.status in (401, 403):
            stop.set()
    return o


# A page's @odata.nextLink / @odata.deltaLink, found without decoding the page: the quoted key followed by `:` can
# only be a key (a quote inside a JSON string is escaped), and Graph puts these annotations only on the collection,
# before or after `value` (user-delta.md examples; api-guidelines, delta queries). The page itself is checked whole
# when DuckDB reads it (load.save_users).
LINK = re.compile(rb'\s*:\s*("(?:[^"\\]|\\.)*")')


def page_link(body: bytes, key: str) -> str | None:
    """The string value of the top-level annotation `key` (e.g. '@odata.nextLink') of a users page, or None."""
    at = body.find(f'"{key}"'.encode())
    if at < 0:
        return None
    m = LINK.match(body, at + len(key) + 2)
    return json.loads(m.group(1)) if m else None


async def _fetch_users(g: GraphSession, delta_link: str | None, tmp: Path) -> Outcome:
    """Page through users/delta, writing each page as returned (`users-00000.json`, …); DuckDB lands them."""
    o = Outcome("users", "", "delta" if delta_link else "full")
    url = delta_link or f"{g.base}/v1.0/users/delta?$select={USER_SELECT}"
    pages: list[Path] = []
    try:
        while True:
            resp = await _get(g, o, url, headers=USERS_PAGE)
            if resp.status == 410 and o.version == "delta":
                log.warning("users: the saved delta link expired (410); starting a full sync")
                o.version, url = "full", f"{g.base}/v1.0/users/delta?$select={USER_SELECT}"
                for page in pages:
                    page.unlink()
                pages.clear()
                continue
            check(resp, report="users", permission="User.Read.All")
            if not resp.body.lstrip()[:1] == b"{":
                raise load.BadReport(f"users: a page is not a Graph collection: {resp.body[:120]!r}")
            path = tmp / f"users-{len(pages):05d}.json"
            path.write_bytes(resp.body)
            pages.append(path)
            o.bytes += len(resp.body)
            if (nxt := page_link(resp.body, "@odata.nextLink")) is not None:
                url = nxt
            elif (last := page_link(resp.body, "@odata.deltaLink")) is not None:
                o.payload = (pages, last)
                break
            else:
                raise load.BadReport("users: the last page has neither @odata.nextLink nor @odata.deltaLink")
    except (GraphError, load.BadReport) as e:
        o.fail(e)
    return o


async def _fetch_json(g: GraphSession, name: str, path: str, permission: str) -> Outcome:
    o = Outcome(name)
    try:
        resp = await _get(g, o, f"{g.base}/v1.0/{path}")
        check(resp, report=name, permission=permission)
        try:
            o.payload = resp.json()
        except ValueError:
            raise load.BadReport(f"{name}: the response is not JSON: {resp.body[:120]!r}") from None
        o.bytes = len(resp.body)
    except (GraphError, load.BadReport) as e:
        o.fail(e)
    return o


async def fetch_all(cfg: Config, secrets: Secrets, fetches: list[Fetch], delta_link: str | None,
                    tmp: Path, with_directory: bool, on_done: Callable[[Outcome], None] | None = None) -> list[Outcome]:
    """Fetch everything concurrently (bounded by [graph] max_concurrency) into `tmp`; `on_done` sees each one."""
    sem = asyncio.Semaphore(cfg.graph.max_concurrency)
    stop = asyncio.Event()
    async with GraphSession(cfg, secrets) as g:
        async def bounded(coro: Any) -> Outcome:
            async with sem:
                o = await coro
            log.info("fetched %s%s: %s, %d bytes, %d request(s)", o.report, f" {o.period}" if o.period else "",
                     o.status, o.bytes, o.requests)
            if on_done:
                on_done(o)
            return o

        jobs = []
        if with_directory:
            jobs.append(_fetch_json(g, "report_settings", "admin/reportSettings", "ReportSettings.Read.All"))
            jobs.append(_fetch_json(g, "subscribed_skus", "subscribedSkus", "LicenseAssignment.Read.All"))
        jobs += [_fetch_report(g, f, tmp, stop) for f in fetches]
        if with_directory and cfg.collect.users:
            jobs.append(_fetch_users(g, delta_link, tmp))
        return list(await asyncio.gather(*(bounded(j) for j in jobs)))
