"""One collection run: fetch everything (connector.fetch), then land it in DuckDB and record `_runs`.

The write connection is opened only after fetching and is held for the load alone. Each report lands
in its own transaction together with its `_runs` row, so a failed report commits nothing and the
others still land.
"""

from __future__ import annotations

import asyncio
import logging
import tempfile
from collections.abc import Callable
from contextlib import nullcontext
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from warehouse import db, pseudonyms
from warehouse.config import Config, Secrets

from . import load
from .fetch import Outcome, RunResult, fetch_all, new_run_id
from .reports import REPORTS, USER_SELECT, plan

log = logging.getLogger("copilot_usage.collect")

CONCEALED_HINT = ("concealed names are ON: reports carry 32-hex hashes instead of user names, so per-user joins "
                  "to department, job function and manager are impossible until an admin turns concealment off "
                  "(Microsoft 365 admin center > Settings > Org settings > Reports). Tenant-level figures still work.")


def _delta_link(cfg: Config) -> str | None:
    """The saved users delta link, read before fetching (the write connection opens only to land)."""
    path = cfg.warehouse.path
    if not (path.startswith("md:") or Path(path).is_file()):
        return None  # a new warehouse: a full sync
    with db.reading(cfg.warehouse) as con:
        row = con.execute("select delta_link, user_select from _delta_links where resource = 'users'").fetchone() \
            if db.has_table(con, "_delta_links") else None
    if row and not row[0].startswith(cfg.graph.base_url + "/"):
        log.warning("users: the saved delta link belongs to another Graph host; starting a full sync")
        return None
    if row and row[1] != USER_SELECT:
        # Graph tracks only the properties of the initial request's $select (user-delta.md)
        log.warning("users: the saved delta link tracks other properties than this version selects (%s); "
                    "starting a full sync", USER_SELECT)
        return None
    return row[0] if row else None


def _record(con: duckdb.DuckDBPyConnection, run_id: str, o: Outcome) -> None:
    con.execute(
        "insert or replace into _runs values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [run_id, o.report, o.started_at, datetime.now(UTC), o.status, o.rows, o.bytes, o.requests,
         o.refresh_date, o.version, o.period, o.message or None],
    )


def _land(con: duckdb.DuckDBPyConnection, run_id: str, loaded_at: datetime, o: Outcome,
          pseudo: pseudonyms.Pseudonymiser | None = None) -> bool | None:
    """Land one fetched outcome; returns the concealment flag when it is the report settings."""
    concealed = None
    if o.report in REPORTS:
        landed = load.save_report(con, f"{o.report}({o.period})", REPORTS[o.report], o.columns, o.payload,
                                  run_id=run_id, loaded_at=loaded_at, period=o.period, version=o.version,
                                  pseudonyms=pseudo)
    elif o.report == "users":
        pages, delta_link = o.payload
        landed = load.save_users(con, pages, run_id=run_id, loaded_at=loaded_at, sync=o.version, pseudonyms=pseudo)
        con.execute("insert or replace into _delta_links (resource, delta_link, run_id, saved_at, user_select) "
                    "values ('users', ?, ?, ?, ?)", [delta_link, run_id, loaded_at, USER_SELECT])
    elif o.report == "subscribed_skus":
        landed = load.save_skus(con, o.payload.get("value", []), run_id=run_id, loaded_at=loaded_at)
    else:
        landed = load.save_report_settings(con, o.payload, run_id=run_id, loaded_at=loaded_at)
        concealed = con.execute("select display_concealed_names from raw_report_settings where _run_id = ?",
                                [run_id]).fetchone()[0]
        if concealed:
            landed.warnings.append(CONCEALED_HINT)
    o.rows, o.refresh_date = landed.rows, landed.refresh_date
    if landed.warnings:
        o.status = "warning"
        o.message = "; ".join(filter(None, [o.message, *landed.warnings]))
    return concealed


def land_all(cfg: Config, run_id: str, outcomes: list[Outcome],
             con: duckdb.DuckDBPyConnection | None = None) -> bool | None:
    """Land every successful outcome, each in its own transaction (on `con`, or a write connection opened here).
    With [privacy] pseudonymise, the key is checked against the warehouse's first (pseudonyms.verify): refused,
    nothing lands."""
    concealed = None
    pseudo = pseudonyms.for_config(cfg.privacy)
    with nullcontext(con) if con is not None else db.writing(cfg.warehouse) as con:
        pseudonyms.verify(con, pseudo)
        loaded_at = datetime.now(UTC)
        for o in outcomes:
            log.debug("landing %s %s", o.report, o.period)
            if o.status != "ok":
                _record(con, run_id, o)
                continue
            try:
                with db.transaction(con):
                    flag = _land(con, run_id, loaded_at, o, pseudo)
                    concealed = flag if flag is not None else concealed
                    _record(con, run_id, o)
            except (load.BadReport, duckdb.Error) as e:
                o.status, o.message, o.rows = "error", str(e), 0
                _record(con, run_id, o)
    return concealed


def collect(cfg: Config, *, only: list[str] | None = None, secrets: Secrets | None = None,
            on_fetched: Callable[[Outcome], None] | None = None) -> RunResult:
    """Collect every configured report (or `only` these) plus directory data; land it; return the result."""
    secrets = secrets or Secrets.from_env()
    pseudonyms.for_config(cfg.privacy)  # a missing key is refused before anything is fetched
    run_id = new_run_id()
    fetches = plan(cfg, only)
    with_directory = not only
    delta_link = _delta_link(cfg) if with_directory else None
    log.info("run %s: %d report request(s)%s", run_id, len(fetches), " + directory" if with_directory else "")
    with tempfile.TemporaryDirectory(prefix="copilot-usage-") as tmp:
        outcomes = asyncio.run(fetch_all(cfg, secrets, fetches, delta_link, Path(tmp), with_directory,
                                        on_fetched))
        concealed = land_all(cfg, run_id, outcomes)
    return RunResult(run_id, outcomes, concealed)
