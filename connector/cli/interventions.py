"""`copilot-usage interventions add|list|import|attendance`: what the adoption programme did, and its effect."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import click
from rich.markup import escape
from rich.table import Table

from warehouse.config import load_config
from warehouse.contract import values

from ..output import console, print_transform
from .errors import clean_errors
from .options import DATE, config_option

GROUP = click.option("--group", "groups", multiple=True, required=True, metavar="DIMENSION:NAME",
                     help="A targeted group, e.g. department:Finance or manager:ana.lopez@contoso.example "
                          "(repeat for several).")


@click.group()
def interventions() -> None:
    """Interventions (trainings, campaigns, office hours, prompt packs, champion actions) and their measured effect."""


def _transform(cfg_path: str) -> None:
    from ..jobs import transform_job_or_busy

    job = transform_job_or_busy(load_config(cfg_path))
    print_transform(job)
    if job.transform_error:
        sys.exit(1)


@interventions.command("add")
@config_option
@click.option("--kind", required=True, help=f"One of {', '.join(values('intervention_kind'))} (free text is "
                                            "normalised: workshop, webinar -> training ...).")
@click.option("--title", required=True, help="What it was, e.g. 'Copilot in Excel, hands-on'.")
@click.option("--date", "start", type=DATE, required=True, help="The day it started (YYYY-MM-DD).")
@click.option("--end-date", "end", type=DATE, help="The day it ended, for a campaign or a series.")
@GROUP
@click.option("--notes", help="Anything worth keeping: audience, trainer, materials.")
@click.option("--author", help="Who records it.")
@click.option("--no-transform", is_flag=True, help="Record only; measure it with the next transform.")
@clean_errors
def interventions_add(config_path: str, kind: str, title: str, start: datetime, end: datetime | None,
                      groups: tuple[str, ...], notes: str | None, author: str | None, no_transform: bool) -> None:
    """Record an intervention for one or more groups (the same date, kind and title again only adds groups)."""
    from alerts.workflow.interventions import InterventionError, add

    pairs = []
    for g in groups:
        dim, sep, name = g.partition(":")
        if not sep or not name.strip():
            raise InterventionError(f"--group {g!r} must be DIMENSION:NAME, e.g. department:Finance")
        pairs.append((dim, name))
    iv = add(load_config(config_path), kind=kind, title=title, start=start.date(), end=end.date() if end else None,
             groups=pairs, notes=notes, author=author)
    console.print(f"intervention #{iv.id}: {iv.kind} {escape(iv.title)!r} on {iv.start_date} for "
                  + ", ".join(f"{d} {escape(n)}" for d, _, n in iv.groups))
    if not no_transform:
        _transform(config_path)


@interventions.command("import")
@config_option
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--author", help="Who imports it.")
@click.option("--no-transform", is_flag=True, help="Load only; measure the interventions with the next transform.")
@clean_errors
def interventions_import(config_path: str, file: Path, author: str | None, no_transform: bool) -> None:
    """Import interventions from a CSV with the columns date,kind,dimension,group_name,title (optional end_date,
    notes), one line per targeted group. Bad lines are listed with their number and the rest loaded; importing
    the same file again changes nothing."""
    from alerts.workflow.interventions import import_csv

    r = import_csv(load_config(config_path), file, author=author)
    if r.already_imported:
        console.print(f"{escape(r.file)}: already imported on {r.already_imported:%Y-%m-%d %H:%M} UTC")
    console.print(f"{escape(r.file)}: {r.loaded} of {r.lines} line(s) loaded: {r.interventions_new} new "
                  f"intervention(s), {r.groups_new} new targeted group(s)")
    for line, msg in r.errors:
        console.print(f"  [red]line {line}[/]: {escape(msg)}")
    if r.groups_new and not no_transform:
        _transform(config_path)
    if r.errors:
        sys.exit(1)


@interventions.command("list")
@config_option
@clean_errors
def interventions_list(config_path: str) -> None:
    """List interventions with each targeted group's measured effect (as of the last transform)."""
    from alerts.workflow.intervention_effects import effects, read_kind_effects
    from alerts.workflow.interventions import list_interventions
    from warehouse import db

    cfg = load_config(config_path)
    eff = effects(cfg)
    with db.reading(cfg.warehouse) as con:
        kinds = read_kind_effects(con)
    table = Table(box=None)
    for col in ("id", "start", "kind", "title", "source", "group", "effect"):
        table.add_column(col)
    for iv in list_interventions(cfg):
        for dim, gid, name in iv.groups:
            e = eff.get((iv.id, dim, gid))
            table.add_row(str(iv.id), str(iv.start_date), iv.kind, escape(iv.title), iv.source,
                          f"{dim}: {escape(name)}", escape(e.sentence.split(": ", 1)[-1]) if e else
                          "not measured yet (recorded after the last transform)")
    console.print(table)
    for k in kinds:
        console.print(escape(k.sentence))


@interventions.command("attendance")
@config_option
@click.argument("intervention_id", type=int)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--session", help="The session's name (default: the file's name).")
@clean_errors
def interventions_attendance(config_path: str, intervention_id: int, file: Path, session: str | None) -> None:
    """Import a session's attendance (one UPN per line, or a Teams attendance report): only counts per group are
    kept, and counts below [model] min_group_size are shown as "fewer than N"."""
    from alerts.workflow.attendance import import_attendance, shown

    cfg = load_config(config_path)
    r = import_attendance(cfg, intervention_id, file, session=session)
    console.print(f"#{r.intervention_id} session {escape(r.session)!r}: {r.attendees} attendee(s), {r.matched} in "
                  f"the directory, {r.not_in_directory} not found; counts per group stored, no names")
    for c in r.counts:
        if c.dimension != "tenant":
            console.print(f"  {c.dimension}: {escape(c.group_name)}: {shown(c.attendees, cfg.model.min_group_size)}")
