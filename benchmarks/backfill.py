"""Back-fill a warehouse with the simulated tenant's history, as if it had been collected every day.

For each day the report bodies a daily run would receive are rendered by the simulator (the same CSVs and
users/delta pages it serves over HTTP) and landed through the collector's own landing code
(`connector.collect.land_all`: DuckDB `read_csv` / `read_json`, one transaction per report, `_runs` rows,
the users delta link). Only HTTP is skipped, so 180 days of a 300k-user tenant build in minutes instead of
180 collection runs. Landed per day: Copilot user detail for each configured period, the trend and summary
reports, the M365 app user detail (the only M365 report the model reads), report settings, SKUs and the
users delta (a full sync on the first day). The other M365 reports are raw-only and are not back-filled.
"""

from __future__ import annotations

import json
import logging
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import duckdb

from connector import load
from connector.collect import land_all
from connector.fetch import Outcome, new_run_id
from connector.reports import USER_SELECT, Fetch, plan
from connector.simulator import directory, reports
from connector.simulator.state import M365_PERIODS, PERIODS
from connector.simulator.tenant import Tenant
from warehouse import db
from warehouse.config import Config

log = logging.getLogger("copilot_usage.backfill")
BACKFILLED_M365 = ("m365_app_user_detail",)


def _body(t: Tenant, f: Fetch, day: int) -> bytes:
    name = f.report.name
    if name == "copilot_usage_user_detail":
        return reports.copilot_user_detail(t, day, PERIODS[f.version][f.period], f.version, False)
    if name == "copilot_user_count_trend":
        return reports.copilot_trend(t, day, PERIODS[f.version][f.period], f.version)
    if name == "copilot_user_count_summary":
        return reports.copilot_summary(t, day, sorted(PERIODS[f.version].values()), f.version)
    return reports.m365_report(t, name, day, M365_PERIODS[f.period], False)


def _report_outcome(t: Tenant, f: Fetch, day: int, tmp: Path) -> Outcome:
    o = Outcome(f.report.name, f.period, f.version)
    body = _body(t, f, day)
    o.columns = load.inspect_csv(f.label, f.report, body, "application/octet-stream")
    o.payload = tmp / f"{f.report.name}_{f.period}.csv"
    o.payload.write_bytes(body)
    o.bytes = len(body)
    return o


def _users_outcome(t: Tenant, day: int, since: int | None, base_url: str, tmp: Path) -> Outcome:
    o = Outcome("users", "", "full" if since is None else "delta")
    state: dict = {"since": since, "day": day, "select": USER_SELECT.split(","),
                   "page_size": directory.MAX_PAGE_SIZE}
    pages: list[Path] = []
    while True:  # each page written as the simulator's handler serves it, as the collector lands them
        page = directory.delta_page(t, state, base_url)
        o.requests += 1
        pages.append(tmp / f"users-{len(pages):05d}.json")
        pages[-1].write_text(json.dumps(page))
        if "@odata.deltaLink" in page:
            o.payload = (pages, page["@odata.deltaLink"])
            return o
        state["offset"] = state.get("offset", 0) + directory.MAX_PAGE_SIZE


def backfill(cfg: Config, tenant: Tenant, days: range, base_url: str,
             on_day: Callable[[int, float], None] | None = None) -> int:
    """Land `days` of daily collections of `tenant` into cfg's warehouse; returns the rows landed.

    `base_url` is the Graph host the saved users delta link points at (the simulator that serves the
    next live run), so that run continues with a delta query as a real daily run would.
    """
    fetches = [f for f in plan(cfg) if f.report.copilot or f.report.name in BACKFILLED_M365]
    con = db.connect(cfg.warehouse.path)
    db.migrate(con)
    con.execute("set checkpoint_threshold = '1GB'")  # one checkpoint per ~1 GB of WAL, not per report
    try:
        rows = _days(cfg, con, tenant, fetches, days, base_url, on_day)
    finally:
        con.close()
    return rows


def _days(cfg: Config, con: duckdb.DuckDBPyConnection, tenant: Tenant, fetches: list[Fetch], days: range,
          base_url: str, on_day: Callable[[int, float], None] | None) -> int:
    rows, since = 0, None
    for day in days:
        t0 = time.perf_counter()
        with tempfile.TemporaryDirectory(prefix="copilot-usage-backfill-") as d:
            tmp = Path(d)
            outcomes = [Outcome("report_settings", payload={"displayConcealedNames": False}),
                        Outcome("subscribed_skus", payload=directory.subscribed_skus(tenant, day))]
            outcomes += [_report_outcome(tenant, f, day, tmp) for f in fetches]
            if cfg.collect.users:
                outcomes.append(_users_outcome(tenant, day, since, base_url, tmp))
            land_all(cfg, new_run_id(), outcomes, con)
        bad = [(o.report, o.message) for o in outcomes if o.status not in ("ok", "warning")]
        if bad:
            raise RuntimeError(f"back-fill of day {day} failed: {bad}")
        rows += sum(o.rows for o in outcomes)
        since = day
        if on_day:
            on_day(day, time.perf_counter() - t0)
    return rows
