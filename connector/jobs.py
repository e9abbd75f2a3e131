"""The jobs: what `copilot-usage run` / `collect` / `transform` do, and exactly what the scheduler calls.

Every job that writes the warehouse holds the single-writer lock (warehouse.lock) for its whole duration,
so two collectors never interleave; the DuckDB write connection itself is opened only for load and
transform, so dashboards can read while a collection is still fetching. A run opens the file read-only to read
the users delta link, then for writing once to land everything and once to build the model and open the
follow-ups of new flags (`tests/test_session.py`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from warehouse.config import Config, Secrets
from warehouse.lock import WriterBusy, writer_lock
from warehouse.transform import TransformError, TransformReport
from warehouse.transform import transform as do_transform

from .collect import collect
from .fetch import Outcome, RunResult

if TYPE_CHECKING:
    import duckdb

    from alerts.report import ReportResult
    from alerts.run import AlertRunResult

    from .imports import Parsed
    from .survey import SurveyFile

log = logging.getLogger("copilot_usage.jobs")


@dataclass
class JobResult:
    """A collection and/or transform: what ran and the exit code the CLI and scheduler act on."""

    run: RunResult | None = None
    transform: TransformReport | None = None
    transform_error: str | None = None

    @property
    def exit_code(self) -> int:
        """0 ok, 75 only throttled requests remain (run again later), 1 errors."""
        codes = [self.run.exit_code] if self.run else []
        if self.transform_error or (self.transform and self.transform.failed_checks):
            codes.append(1)
        return 1 if 1 in codes else max(codes, default=0)

    @property
    def retry_after(self) -> int | None:
        """The longest wait Graph asked for, when requests were throttled."""
        waits = [o.retry_after or 0 for o in (self.run.outcomes if self.run else []) if o.status == "throttled"]
        return max(waits) if waits else None


def _transform(cfg: Config, result: JobResult, *, full: bool = False) -> None:
    def followups(con: duckdb.DuckDBPyConnection) -> None:
        """Open follow-ups for new flags now (on the transform's connection), so the dashboard shows them before
        the weekly alert goes out."""
        from alerts.workflow.episodes import sync_on

        try:
            sync_on(con, cfg)
        except Exception as e:  # the model is built; follow-ups catch up on the next run or alert run
            log.warning("follow-ups not updated: %s", e)

    try:
        result.transform = do_transform(cfg.warehouse.path, cfg.model, licences=cfg.licences, privacy=cfg.privacy,
                                        wait_seconds=cfg.warehouse.lock_timeout_seconds,
                                        memory_limit=cfg.warehouse.memory_limit,
                                        incremental_memory_limit=cfg.warehouse.incremental_memory_limit,
                                        rebuild_memory_limit=cfg.warehouse.rebuild_memory_limit, full=full,
                                        then=followups, interventions=cfg.interventions)
    except TransformError as e:
        result.transform_error = str(e)
        log.error("transform failed: %s", e)


def run_job(cfg: Config, *, only: list[str] | None = None, secrets: Secrets | None = None,
            transform: bool = True, job: str = "run", on_fetched: Callable[[Outcome], None] | None = None) -> JobResult:
    """Collect (all reports, or `only` these) and then transform what landed, under the writer lock."""
    result = JobResult()
    with writer_lock(cfg.warehouse.path, wait_seconds=cfg.warehouse.lock_timeout_seconds, job=job):
        result.run = collect(cfg, only=only, secrets=secrets, on_fetched=on_fetched)
        if transform:
            _transform(cfg, result)
    return result


def transform_job(cfg: Config, *, full: bool = False) -> JobResult:
    """Build the model from what has landed (incrementally unless `full`), under the writer lock."""
    result = JobResult()
    with writer_lock(cfg.warehouse.path, wait_seconds=cfg.warehouse.lock_timeout_seconds, job="transform"):
        _transform(cfg, result, full=full)
    return result


def transform_job_or_busy(cfg: Config, *, full: bool = False) -> JobResult:
    """`transform_job`, with a busy warehouse (another writer holds the lock or the DuckDB file) recorded as the
    transform's error instead of raised: what `copilot-usage transform` and the demo show (exit code 1)."""
    from warehouse.db import WarehouseBusy

    try:
        return transform_job(cfg, full=full)
    except (WarehouseBusy, WriterBusy) as e:
        return JobResult(transform_error=str(e))


def alerts_job(cfg: Config, *, week: str | None = None, dry_run: bool = False, resend: bool = False) -> AlertRunResult:
    """The weekly alerts (`copilot-usage alerts`), under the writer lock: they record sends and follow-ups."""
    from alerts.run import run_alerts

    from . import sendmail  # noqa: F401  (registers [alerts] transport = "graph")

    with writer_lock(cfg.warehouse.path, wait_seconds=cfg.warehouse.lock_timeout_seconds, job="alerts"):
        return run_alerts(cfg, week=week, dry_run=dry_run, resend=resend)


def report_job(cfg: Config, *, month: str | None = None, dry_run: bool = False, resend: bool = False,
               today: date | None = None) -> ReportResult:
    """The monthly report (`copilot-usage report send`), under the writer lock: it records its sends."""
    from alerts.report import run_report

    from . import sendmail  # noqa: F401  (registers [alerts] transport = "graph")

    with writer_lock(cfg.warehouse.path, wait_seconds=cfg.warehouse.lock_timeout_seconds, job="monthly report"):
        return run_report(cfg, month, dry_run=dry_run, resend=resend, today=today)


@dataclass
class SurveyImport:
    """What `survey import` did with one file: its checked lines, and whether it landed or was there already."""

    parsed: SurveyFile | None = None
    run_id: str | None = None
    already: tuple | None = None  # (file name, imported at, run id) of the earlier import of the same content


def survey_import_job(cfg: Config, path: Path, *, wave: str | None = None, date_format: str | None = None,
                      transform: bool = True) -> tuple[SurveyImport, JobResult]:
    """Check a survey file against the warehouse and land its good lines under the writer lock, then transform
    (so that mart_survey_kpis has them)."""
    from warehouse import db, pseudonyms

    from .fetch import new_run_id
    from .survey import already_imported, known, land, parse

    result, job = SurveyImport(), JobResult()
    pseudo = pseudonyms.for_config(cfg.privacy)
    with writer_lock(cfg.warehouse.path, wait_seconds=cfg.warehouse.lock_timeout_seconds, job="survey import"):
        with db.writing(cfg.warehouse, memory_limit="") as con:
            pseudonyms.verify(con, pseudo)
            result.parsed = parse(path, cfg.survey, known(con, cfg.survey), wave=wave, date_format=date_format,
                                  pseudo=pseudo)
            result.already = already_imported(con, result.parsed.sha256)
            if result.already is None:
                result.run_id = new_run_id()
                land(con, result.parsed, cfg.survey, result.run_id)
        if transform and result.run_id:
            _transform(cfg, job)
    return result, job


@dataclass
class ImportResult:
    """One file given to `copilot-usage import`: what it was, and whether it landed or was there already."""

    file: str
    parsed: Parsed | None = None
    run_id: str | None = None
    already: tuple | None = None  # (file name, imported at, run id) of the earlier import of the same content
    error: str | None = None


def import_job(cfg: Config, paths: list[Path], *, as_of: date | None = None, period_days: int | None = None,
               date_format: str | None = None, transform: bool = True) -> tuple[list[ImportResult], JobResult]:
    """Check each file completely, land each good one in its own transaction, then transform once."""
    from warehouse import db

    from .fetch import new_run_id
    from .import_kinds import UnknownShape
    from .imports import BadImport, already_imported, land, parse

    results = []
    for path in paths:
        r = ImportResult(path.name)
        try:
            r.parsed = parse(path, as_of=as_of, period_days=period_days, date_format=date_format)
        except (BadImport, UnknownShape, OSError) as e:
            r.error = str(e)
        results.append(r)
    job = JobResult()
    todo = [r for r in results if r.parsed]
    if not todo:
        return results, job
    from warehouse import pseudonyms

    pseudo = pseudonyms.for_config(cfg.privacy)
    with writer_lock(cfg.warehouse.path, wait_seconds=cfg.warehouse.lock_timeout_seconds, job="import"):
        with db.writing(cfg.warehouse, memory_limit="") as con:
            pseudonyms.verify(con, pseudo)
            for r in todo:
                assert r.parsed is not None
                r.already = already_imported(con, r.parsed.sha256)
                if r.already is None:
                    r.run_id = new_run_id()
                    land(con, r.parsed, r.run_id, pseudo)
        if transform and any(r.run_id for r in results):
            _transform(cfg, job)
    return results, job
