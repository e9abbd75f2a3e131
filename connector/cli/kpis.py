"""The change-management KPIs beyond usage: `survey import` (pulse-survey results) and `report` (the monthly
one-page report to management)."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.markup import escape

from warehouse.config import load_config

from ..imports import DATE_FORMATS
from ..output import console, print_transform
from .errors import clean_errors
from .options import config_option

SHOWN_PROBLEMS = 50  # bad lines printed one by one; all of them are kept in _survey_imports


@click.group()
def survey() -> None:
    """Pulse-survey results: satisfaction / NPS, trust, time saved, competence, relief (docs/survey.md)."""


@survey.command("import")
@config_option
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--wave", default=None, help="The survey wave's name (default: each response's month, YYYY-MM).")
@click.option("--date-format", type=click.Choice(list(DATE_FORMATS)), default=None,
              help="The file's date format, when its dates fit more than one (no day above 12).")
@click.option("--no-transform", is_flag=True, help="Land the answers only; model them with the next transform.")
@clean_errors
def survey_import(config_path: str, file: Path, wave: str | None, date_format: str | None,
                  no_transform: bool) -> None:
    """Import a survey export (CSV): good lines are loaded, each bad one is reported with its line and column."""
    from ..imports import BadImport
    from ..jobs import survey_import_job

    if wave is not None and not wave.strip():
        raise click.BadParameter("the wave name is empty", param_hint="--wave")
    try:
        result, job = survey_import_job(load_config(config_path), file, wave=wave and " ".join(wave.split()),
                                    date_format=date_format, transform=not no_transform)
    except BadImport as e:
        raise click.ClickException(str(e)) from None
    p = result.parsed
    assert p is not None
    if result.already:
        name, at, run_id = result.already
        console.print(f"{escape(file.name)}: already imported on {at:%Y-%m-%d %H:%M} UTC as {escape(name)} "
                      f"(run {run_id}); same content, nothing changed")
        sys.exit(0)
    for col in p.unmapped:
        console.print(f"[yellow]{escape(file.name)}[/]: column '{escape(col)}' is not a question in \\[survey] "
                      "questions: not loaded")
    for r in p.rejected[:SHOWN_PROBLEMS]:
        where = f"column '{r.column}': " if r.column else ""
        console.print(f"[red]{escape(file.name)}:{r.line}[/]: {escape(where + r.reason)}")
    if len(p.rejected) > SHOWN_PROBLEMS:
        console.print(f"… and {len(p.rejected) - SHOWN_PROBLEMS} more (all in _survey_imports.rejected)")
    waves = sorted({a[1] for a in p.answers})
    console.print(f"[green]imported[/] {escape(file.name)}: {p.lines_loaded} of {p.lines_read} line(s), "
                  f"{len(p.answers)} answer(s), wave {escape(', '.join(waves) or '-')}"
                  + (f"; [red]{len({r.line for r in p.rejected})} line(s) rejected[/]" if p.rejected else "")
                  + f" (run {result.run_id})")
    print_transform(job)
    sys.exit(1 if p.rejected or job.exit_code else 0)


@click.group()
def report() -> None:
    """The monthly one-page report of the four dimensions (docs/report.md)."""


@report.command("send")
@config_option
@click.option("--month", default=None, help="The month it covers, YYYY-MM (default: the month before today).")
@click.option("--dry-run", is_flag=True, help="Write .eml files to [alerts] outbox_dir instead of sending.")
@click.option("--resend", is_flag=True, help="Send again to recipients it was already sent to.")
@clean_errors
def report_send(config_path: str, month: str | None, dry_run: bool, resend: bool) -> None:
    """Send the monthly report to [report] recipients now (each recipient once per month)."""
    from alerts.monthly import MonthError

    from ..jobs import report_job

    try:
        result = report_job(load_config(config_path), month=month, dry_run=dry_run, resend=resend)
    except MonthError as e:
        raise click.ClickException(str(e)) from None
    style = {"sent": "green", "written": "green", "skipped": "dim", "failed": "red"}
    for recipient, status, detail in result.deliveries:
        console.print(f"[{style[status]}]{status}[/] {escape(recipient)}" + (f": {escape(detail)}" if detail else ""))
    for path in result.outbox:
        console.print(f"  {escape(str(path))}")
    console.print(f"monthly report {result.month} via {result.transport}")
    sys.exit(1 if result.failed else 0)
