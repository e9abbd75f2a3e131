"""Adoption commands: `champions` (import, list), `alerts` (the weekly mails) and `followups` (the workflow)."""

from __future__ import annotations

import sys
from datetime import date, datetime
from typing import TYPE_CHECKING

import click
from rich.markup import escape
from rich.table import Table

from warehouse.config import load_config
from warehouse.contract import ACTION_KINDS, FOLLOWUP_STATUSES, GROUP_DIMENSIONS

from ..output import console
from .errors import clean_errors
from .options import DATE, config_option

if TYPE_CHECKING:
    from alerts.workflow.followups import BeforeAfter

DELIVERY_STYLE = {"sent": "green", "written": "green", "skipped": "dim", "failed": "red"}


@click.group()
def champions() -> None:
    """Champions per group: who gets each group's weekly alert."""


@champions.command("import")
@config_option
@click.argument("csv_file", type=click.Path(dir_okay=False))
@click.option("--replace", is_flag=True, help="Remove champions that are not in the file (only if no line was bad).")
@clean_errors
def champions_import(config_path: str, csv_file: str, replace: bool) -> None:
    """Load FILE.csv (dimension,group_name,champion_name,champion_email,manager_email); bad lines are reported."""
    from alerts.workflow.champions import import_champions

    result = import_champions(load_config(config_path), csv_file, replace=replace)
    for line, msg in result.errors:
        console.print(f"[red]{escape(csv_file)}:{line}[/]: {escape(msg)}")
    for line, msg in result.warnings:
        console.print(f"[yellow]{escape(csv_file)}:{line}[/]: {escape(msg)}")
    console.print(f"{result.saved} champion(s) saved" + (f", {result.removed} removed" if result.removed else "")
                  + (f"; [red]{len(result.errors)} line(s) rejected[/]" if result.errors else ""))
    sys.exit(1 if result.errors else 0)


@champions.command("list")
@config_option
@click.option("--dimension", type=click.Choice(GROUP_DIMENSIONS))
@clean_errors
def champions_list(config_path: str, dimension: str | None) -> None:
    """Show the champions per group."""
    from alerts.workflow.champions import list_champions

    rows = list_champions(load_config(config_path), dimension)
    table = Table(title=f"{len(rows)} champion(s)")
    for col in ("dimension", "group", "champion", "e-mail", "manager e-mail"):
        table.add_column(col, overflow="fold")
    for c in rows:
        table.add_row(c.dimension, escape(c.group_name), escape(c.champion_name), escape(c.champion_email),
                      escape(c.manager_email or ""))
    console.print(table)


@click.command()
@config_option
@click.option("--week", help="ISO week such as 2026-W47 (default: the latest complete week).")
@click.option("--dry-run", is_flag=True, help="Write .eml files to [alerts] outbox_dir; send and record nothing.")
@click.option("--resend", is_flag=True, help="Send again to recipients already sent for this week.")
@clean_errors
def alerts(config_path: str, week: str | None, dry_run: bool, resend: bool) -> None:
    """Send the weekly stagnation alerts to champions (fallback for the rest) and the adoption lead's digest."""
    from ..jobs import alerts_job

    result = alerts_job(load_config(config_path), week=week, dry_run=dry_run, resend=resend)
    table = Table(title=f"alerts {result.week_label} via {result.transport}" + (" (dry run)" if dry_run else ""))
    for col in ("recipient", "kind", "groups", "status", "detail"):
        table.add_column(col, overflow="fold")
    for d in result.deliveries:
        table.add_row(escape(d.recipient), d.kind, str(d.groups), f"[{DELIVERY_STYLE.get(d.status, '')}]{d.status}[/]",
                      escape(d.detail or d.subject))
    console.print(table)
    console.print(f"{result.flagged} flagged group(s); {len(result.not_alerted)} not alerted (snoozed or resolved)")
    if result.outbox:
        console.print(f"wrote {len(result.outbox)} .eml file(s) to {escape(str(result.outbox[0].parent))}")
    if result.failed:
        console.print(f"[red]{len(result.failed)} message(s) failed[/]: "
                      + ", ".join(escape(d.recipient) for d in result.failed) + "; the next run retries them")
    sys.exit(result.exit_code)


@click.group()
def followups() -> None:
    """Follow-up items of flagged groups: list, show, change status/owner/notes, log actions."""


@followups.command("sync")
@config_option
@click.option("--week", help="ISO week such as 2026-W47 (default: the latest complete week).")
@clean_errors
def followups_sync(config_path: str, week: str | None) -> None:
    """Open follow-ups for the week's flagged groups (alerts do this too)."""
    from alerts.workflow.episodes import sync
    from alerts.workflow.weeks import iso_week

    start, states = sync(load_config(config_path), week)
    console.print(f"{iso_week(start)}: {len(states)} flagged group(s) have a follow-up")


@followups.command("list")
@config_option
@click.option("--status", "statuses", multiple=True,
              type=click.Choice(FOLLOWUP_STATUSES))
@click.option("--dimension", type=click.Choice(GROUP_DIMENSIONS))
@click.option("--all", "show_all", is_flag=True, help="Include resolved follow-ups.")
@clean_errors
def followups_list(config_path: str, statuses: tuple[str, ...], dimension: str | None, show_all: bool) -> None:
    """List follow-ups (unresolved by default) with the before/after change around the first action."""
    from alerts.workflow.followups import before_after, list_followups

    cfg = load_config(config_path)
    rows = list_followups(cfg, statuses=list(statuses) or None, dimension=dimension,
                          open_only=not (show_all or statuses))
    ba = before_after(cfg)
    table = Table(title=f"{len(rows)} follow-up(s)")
    for col in ("id", "dimension", "group", "status", "owner", "flagged", "actions", "before → after"):
        table.add_column(col, overflow="fold")
    for f in rows:
        status = f"snoozed until {f.snooze_until}" if f.status == "snoozed" else f.status
        table.add_row(str(f.id), f.dimension, escape(f.group_name), status, escape(f.owner or f.champion_email or ""),
                      f"{f.episode_start} .. {f.last_flagged_week}", str(f.actions), _ba(ba.get(f.id)))
    console.print(table)


def _ba(b: BeforeAfter | None) -> str:
    if b is None:
        return ""
    before = f"{b.before_rate:.0%} ({b.before_weeks} wk)" if b.before_rate is not None else "n/a"
    after = f"{b.after_rate:.0%} ({b.after_weeks} wk)" if b.after_rate is not None else "not yet"
    change = f", {b.change_points:+.1f} pts" if b.change_points is not None else ""
    return f"{before} → {after}{change}"


@followups.command("show")
@config_option
@click.argument("followup_id", type=int)
@clean_errors
def followups_show(config_path: str, followup_id: int) -> None:
    """Show one follow-up: weekly rates, actions, history and the before/after comparison."""
    from alerts.workflow.followups import get_followup

    d = get_followup(load_config(config_path), followup_id)
    f = d.followup
    console.print(f"[bold]#{f.id} {escape(f.group_name)}[/] ({f.dimension}) — {f.status}"
                  + (f" until {f.snooze_until}" if f.snooze_until else "")
                  + f"; owner {escape(f.owner or '(none)')}; champion {escape(f.champion_email or '(none)')}")
    console.print(f"flagged {f.episode_start} .. {f.last_flagged_week}: {escape(f.opened_reason or '')}")
    console.print("weekly active rate: " + ", ".join(
        f"{w:%m-%d} {'n/a' if r is None else f'{r:.0%}'}{'*' if fl else ''}" for w, r, fl in d.weekly)
        + "  (* flagged)")
    if d.before_after:
        console.print(f"before/after first action ({d.before_after.first_action}): {_ba(d.before_after)}")
    for a in d.actions:
        console.print(f"  action {a.action_date} {a.kind}: {escape(a.note or '')}")
    for e in d.events:
        change = f"{e.old_value or ''} → {e.new_value or ''}" if e.kind in ("status", "owner", "snooze_ended") else ""
        console.print(f"  {e.event_at:%Y-%m-%d %H:%M} {e.kind} {escape(change)} {escape(e.note or '')}".rstrip())


@followups.command("set")
@config_option
@click.argument("followup_id", type=int)
@click.option("--status", type=click.Choice(FOLLOWUP_STATUSES))
@click.option("--owner", help="Who follows it up (e-mail or name); empty to clear.")
@click.option("--note", help="A note for the history.")
@click.option("--snooze-until", type=DATE, help="Snooze until this date (implies --status snoozed).")
@click.option("--author", help="Who made the change (for the history).")
@clean_errors
def followups_set(config_path: str, followup_id: int, status: str | None, owner: str | None, note: str | None,
                  snooze_until: datetime | None, author: str | None) -> None:
    """Change a follow-up's status, owner or snooze date, or add a note."""
    from alerts.workflow.followups import set_followup

    until: date | None = snooze_until.date() if snooze_until else None
    f = set_followup(load_config(config_path), followup_id, status=status, owner=owner, note=note,
                     snooze_until=until, author=author)
    until_text = f" until {f.snooze_until}" if f.snooze_until else ""
    console.print(f"#{f.id} {escape(f.group_name)}: {f.status}{until_text}")


@followups.command("action")
@config_option
@click.argument("followup_id", type=int)
@click.option("--kind", required=True, type=click.Choice(ACTION_KINDS))
@click.option("--note", help="What was done (required for --kind other).")
@click.option("--date", "action_date", type=DATE, help="When it happened (default: today).")
@click.option("--author", help="Who did it.")
@clean_errors
def followups_action(config_path: str, followup_id: int, kind: str, note: str | None, action_date: datetime | None,
                     author: str | None) -> None:
    """Log an intervention for a follow-up (its first action splits the before/after comparison)."""
    from alerts.workflow.followups import add_action

    when: date | None = action_date.date() if action_date else None
    a = add_action(load_config(config_path), followup_id, kind, note=note, action_date=when, author=author)
    console.print(f"#{followup_id}: logged {a.kind} on {a.action_date}")

