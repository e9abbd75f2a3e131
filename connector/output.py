"""What the command line shows: logging (secrets redacted), progress while fetching, result tables."""

from __future__ import annotations

import logging
import os
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from warehouse.config import SECRET_ENV
from warehouse.levels import percent

from .fetch import Outcome, RunResult
from .jobs import JobResult

if TYPE_CHECKING:  # connector.status imports the champions' e-mail validation, which a run does not need
    from connector.status import Status

console = Console(highlight=False, width=None if sys.stdout.isatty() else 160)
STATUS_STYLE = {"ok": "green", "warning": "yellow", "throttled": "magenta", "error": "red", "skipped": "red"}
BEARER = re.compile(r"(?i)(bearer\s+|access_token=|client_secret=|sig=|password=)[^\s&\"',]+")


def scrub(text: str) -> str:
    """`text` with the configured secrets, bearer tokens and URL signatures replaced by <redacted>."""
    clean = BEARER.sub(r"\1<redacted>", text)
    for value in (os.environ.get(name) for name in SECRET_ENV.values()):
        if value and len(value) >= 4:
            clean = clean.replace(value, "<redacted>")
    return clean


class RedactSecrets(logging.Filter):
    """Scrub every log record's message and traceback before any handler formats it."""

    def filter(self, record: logging.LogRecord) -> bool:
        msg = record.getMessage()
        clean = scrub(msg)
        if clean != msg:
            record.msg, record.args = clean, None
        if record.exc_info:
            record.exc_text = scrub(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


class LogfmtFormatter(logging.Formatter):
    """One `key=value` line per record (UTC time), for journald, containers and log shippers."""

    def format(self, record: logging.LogRecord) -> str:
        ts = datetime.fromtimestamp(record.created, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        line = f'ts={ts} level={record.levelname.lower()} logger={record.name} msg="{_q(record.getMessage())}"'
        if record.exc_text:
            line += f' exc="{_q(record.exc_text)}"'
        return line


def _q(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def setup_logging(*, verbose: bool = False, quiet: bool = False) -> None:
    """Rich log lines on a terminal, logfmt lines otherwise; -v debug, -q warnings only; secrets redacted."""
    level = logging.DEBUG if verbose else logging.WARNING if quiet else logging.INFO
    if sys.stderr.isatty():
        from rich.logging import RichHandler

        handler: logging.Handler = RichHandler(console=Console(stderr=True), show_path=False, markup=False)
    else:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(LogfmtFormatter())
    handler.addFilter(RedactSecrets())
    logging.basicConfig(level=level, handlers=[handler], force=True)
    for noisy in ("httpx", "httpcore", "azure", "kiota", "msgraph", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.INFO if verbose else logging.WARNING)


@contextmanager
def fetch_progress(total: int, enabled: bool) -> Iterator[Callable[[Outcome], None] | None]:
    """A live progress bar (per report: status and bytes) on a terminal; nothing otherwise."""
    if not enabled:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=True) as progress:
        task = progress.add_task("fetching from Graph", total=total)
        fetched = [0]

        def done(o: Outcome) -> None:
            fetched[0] += o.bytes
            label = f"{o.report} {o.period}".strip()
            progress.update(task, advance=1, description=f"fetched {label}: {o.status} ({fetched[0]:,} bytes so far)")

        yield done


def print_run(result: RunResult) -> None:
    """Show a run's per-report outcome table and what to do about problems."""
    table = Table(title=f"run {result.run_id}", show_lines=False)
    for col in ("report", "period", "ver", "status", "rows", "bytes", "req", "refresh date", "message"):
        table.add_column(col, overflow="fold")
    for o in result.outcomes:
        style = STATUS_STYLE.get(o.status, "")
        table.add_row(o.report, o.period, o.version, f"[{style}]{o.status}[/]", str(o.rows), str(o.bytes),
                      str(o.requests), str(o.refresh_date or ""), escape(o.message))
    console.print(table)
    if result.concealed:
        console.print("[yellow]Concealed names are ON[/]: department, job-function and manager views need "
                      "identifiable reports. An admin can turn concealment off in the Microsoft 365 admin "
                      "center (Settings > Org settings > Reports).")
    for note in result.notes:
        console.print(f"[yellow]{escape(note)}[/]")
    throttled = [o for o in result.outcomes if o.status == "throttled"]
    if throttled:
        wait = max((o.retry_after or 0) for o in throttled)
        console.print(f"[magenta]{len(throttled)} request(s) throttled[/]; Graph asked to wait {wait} s. "
                      "The next run picks them up; nothing partial was stored.")


def print_transform(result: JobResult) -> None:
    """Show how the transform went: objects built, failed checks, or the error naming the SQL file."""
    if result.transform_error:
        console.print(f"[red]transform failed[/]: {escape(result.transform_error)}")
        return
    report = result.transform
    if report is None:
        return
    for name, secs in report.timings:
        logging.getLogger("copilot_usage.transform").debug("%s %.2fs", name, secs)
    how = f" ({report.scope.describe(objects=False)}" \
          f"{', memory limit ' + report.memory_cap if report.memory_cap else ''})" if report.scope else ""
    console.print(f"transform: {len(report.timings)} object(s) built in {report.seconds:.1f} s{escape(how)}"
                  + (f"; [red]{len(report.failed_checks)} check(s) failed[/]" if report.failed_checks else ""))
    for name, why in (report.scope.rebuilt.items() if report.scope else ()):
        console.print(f"  rebuilt whole: {name}: {escape(why)}")
    if report.over_memory_cap:
        console.print(f"  [yellow]the transform needed more than {report.over_memory_cap} "
                      "([warehouse] incremental_memory_limit or rebuild_memory_limit); it was built again "
                      "without that limit[/]")
    for name, n in report.failed_checks:
        console.print(f"  [red]check {name}: {n} offending row(s)[/]")
    if report.purged:
        console.print(f"  retention: per-user rows before {report.purged_before} deleted: "
                      + ", ".join(f"{t} {n:,}" for t, n in report.purged.items()))


def print_status(st: Status) -> None:
    """Render a warehouse Status."""
    runs = Table(title="last run per report")
    for col in ("report", "period", "status", "finished (UTC)", "refresh date", "message"):
        runs.add_column(col, overflow="fold")
    for report, period, state, finished, refresh, message in st.last_runs:
        runs.add_row(report, period, f"[{STATUS_STYLE.get(state, '')}]{state}[/]",
                     f"{finished:%Y-%m-%d %H:%M}" if finished else "", str(refresh or ""), escape(message or ""))
    console.print(runs)
    if st.data_note:
        console.print(f"[yellow]{escape(st.data_note)}[/]")
    if st.as_of:
        if st.headline and st.headline[0] is not None:
            console.print(f"Weekly active rate (the headline), week of {st.week}: {percent(st.headline[0])}; "
                          f"{escape(st.headline[2])}")
        parts = [f"{w}-day active {a}/{n} ({r:.0%})" for w, n, a, r in st.tenant if r is not None]
        console.print(f"Reach (Microsoft's 'active', any use in the window) as of {st.as_of}: " + ", ".join(parts))
    if st.flagged:
        shown = f"{len(st.flagged)} of {st.flagged_total}" if st.flagged_total > len(st.flagged) else st.flagged_total
        flagged = Table(title=f"{shown} flagged groups, week of {st.flagged[0][0]}, most impact first")
        for col in ("dimension", "group", "weekly active", "short of target", "reason", "champion"):
            flagged.add_column(col, overflow="fold")
        for _, dim, group, rate, impact, reason, champion in st.flagged:
            flagged.add_row(dim, escape(group), percent(rate), f"{impact:.1f} people", escape(reason),
                            escape(champion or "(none assigned)"))
        console.print(flagged)
        if st.flagged_total > len(st.flagged):
            console.print(f"… and {st.flagged_total - len(st.flagged)} more flagged groups: the dashboard's Needs "
                          "attention page lists them all")
    for dim, group, email, likely in st.unmatched_champions:
        console.print(f"[yellow]champion {escape(email)} of {dim} {escape(repr(group))}: no such group in the week "
                      f"of {st.week} (renamed or gone), so no alert reaches them"
                      + (f"; did you mean {escape(repr(likely))}?" if likely else "") + "[/]")
    if st.unmatched_champions:
        console.print("  re-assign with `copilot-usage champions import` or on the dashboard's Champions page")
