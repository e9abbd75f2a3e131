"""`copilot-usage import FILE.csv …`: admin-center exports Graph cannot reach."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click
from rich.markup import escape

from warehouse.config import load_config

from ..imports import DATE_FORMATS
from ..output import console, print_transform
from .errors import clean_errors
from .options import DATE, config_option


@click.command("import")
@config_option
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--as-of", type=DATE, default=None,
              help="The last day the export covers, when the file has no Report Refresh Date column.")
@click.option("--period", "period_days", type=click.IntRange(1, 366), default=None,
              help="The timeframe selected in the admin center, in days (7, 30, 90, 180).")
@click.option("--date-format", type=click.Choice(list(DATE_FORMATS)), default=None,
              help="The file's date format, when its dates fit more than one (no day above 12).")
@click.option("--no-transform", is_flag=True, help="Land the files only; model them with the next transform.")
@clean_errors
def import_(config_path: str, files: tuple[Path, ...], as_of: dt.datetime | None, period_days: int | None,
            date_format: str | None, no_transform: bool) -> None:
    """Import Microsoft 365 admin-center CSV exports: Copilot usage, Copilot Chat, Agent usage (docs/imports.md)."""
    from ..jobs import import_job

    results, job = import_job(load_config(config_path), list(files), as_of=as_of.date() if as_of else None,
                              period_days=period_days, date_format=date_format, transform=not no_transform)
    for r in results:
        p = r.parsed
        if r.error:
            console.print(f"[red]refused[/] {escape(r.error)}")
        elif r.already and p:
            name, at, run_id = r.already
            console.print(f"{escape(r.file)}: already imported on {at:%Y-%m-%d %H:%M} UTC as {escape(name)} "
                          f"(run {run_id}); same content, nothing changed")
        elif p:
            console.print(f"[green]imported[/] {escape(r.file)}: {p.kind.title}, {p.n} row(s), report date {p.as_of}"
                          f"{f', {p.period_days}-day timeframe' if p.period_days else ''}"
                          f"{f', dates {p.date_format}' if p.date_format else ''} -> {p.kind.raw_table} "
                          f"(run {r.run_id})")
            if p.extra:
                console.print(f"  column(s) no kind maps, kept in _extra: {escape(', '.join(p.extra))}")
    print_transform(job)
    sys.exit(1 if any(r.error for r in results) or job.exit_code else 0)
