"""Operations commands: `status`, `schedule`, `doctor`, `export`, `backup`."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.markup import escape
from rich.table import Table

from warehouse.config import load_config

from ..output import console, print_status
from .errors import clean_errors
from .options import config_option


@click.command()
@config_option
@clean_errors
def status(config_path: str) -> None:
    """Show data freshness, the last run of each report, tenant adoption and this week's flagged groups."""
    from connector.status import read_status

    print_status(read_status(load_config(config_path).warehouse.path))


@click.command()
@config_option
@click.option("--show", is_flag=True, help="Print the jobs and their next run times, then exit.")
@clean_errors
def schedule(config_path: str, show: bool) -> None:
    """Run the daily collection (and the weekly alerts) at the configured times until stopped (SIGTERM)."""
    from ..schedule import Service

    cfg = load_config(config_path)
    if not show:
        console.print(f"scheduler started ({cfg.schedule.timezone}); stop with Ctrl-C or SIGTERM")
        Service(cfg).start()
        return
    from apscheduler.schedulers.background import BackgroundScheduler

    service = Service(cfg, scheduler=BackgroundScheduler())
    service.build()
    service.scheduler.start(paused=True)
    table = Table(title=f"scheduled jobs ({cfg.schedule.timezone})")
    for col in ("job", "trigger", "next run"):
        table.add_column(col)
    for job in service.scheduler.get_jobs():
        table.add_row(job.name, escape(str(job.trigger)), f"{job.next_run_time:%Y-%m-%d %H:%M %Z}")
    console.print(table)
    service.scheduler.shutdown(wait=False)


@click.command()
@config_option
@clean_errors
def doctor(config_path: str) -> None:
    """Preflight the tenant: each needed permission, concealed names, Copilot SKUs, warehouse freshness."""
    from ..doctor import run_doctor

    cfg = load_config(config_path)
    report = run_doctor(cfg)
    if report.fatal:
        console.print(f"[red]cannot reach Graph[/]: {escape(report.fatal)}")
    table = Table(title=f"permissions ({cfg.graph.base_url}, application permissions with admin consent)")
    for col in ("permission", "state", "if missing", "detail"):
        table.add_column(col, overflow="fold")
    style = {"ok": "green", "missing": "red", "unknown": "yellow", "not needed": "dim", "no workloads": "yellow"}
    for c in report.checks:
        table.add_row(c.permission, f"[{style[c.state]}]{c.state}[/]", escape(c.consequence), escape(c.detail))
    console.print(table)
    if report.concealed is True:
        console.print("[yellow]Concealed names are ON[/]: usage reports carry hashes instead of user names, so "
                      "department, job-function and manager views, the heatmap per group and stagnation flags "
                      "stay empty; tenant-level figures still work. See docs/deployment.md (Concealed names).")
    elif report.concealed is False:
        console.print("Concealed names are off: per-group views are possible.")
    if report.skus:
        skus = Table(title="Copilot SKUs (by service plan)")
        for col in ("SKU", "Copilot plans", "assigned", "purchased"):
            skus.add_column(col)
        for s in report.skus:
            skus.add_row(escape(str(s["sku"])), s["plans"], str(s["assigned"]), str(s["purchased"]))
        console.print(skus)
    elif not report.fatal:
        console.print("[yellow]No SKU with a Copilot service plan was found[/] (or subscribedSkus was not readable).")
    for line in report.freshness:
        console.print(f"warehouse: {escape(line)}")
    for note in report.notes:
        console.print(f"[yellow]{escape(note)}[/]")
    missing = [c.permission for c in report.checks if c.needed and c.state in ("missing", "unknown")]
    if missing:
        console.print(f"[red]not ready[/]: {', '.join(missing)} " + ("is" if len(missing) == 1 else "are")
                      + " needed; grant in Entra ID > App registrations > API permissions, then admin consent.")
    sys.exit(report.exit_code)


@click.command()
@config_option
@click.option("--format", "fmt", type=click.Choice(["parquet"]), default="parquet", show_default=True)
@click.option("--raw", is_flag=True, help="Also export the raw_* landings (partitioned by report date).")
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
@clean_errors
def export(config_path: str, fmt: str, raw: bool, out_dir: Path) -> None:
    """Write the marts (and optionally raw tables) as Parquet partitioned by date, for Fabric/Databricks/Spark."""
    from warehouse.export import export_parquet

    cfg = load_config(config_path)
    try:
        done = export_parquet(cfg.warehouse.path, out_dir, raw=raw, wait_seconds=cfg.warehouse.lock_timeout_seconds)
    except ValueError as e:  # no marts yet
        raise click.ClickException(str(e)) from None
    table = Table(title=f"exported to {out_dir} ({fmt})")
    for col in ("table", "rows", "partitioned by"):
        table.add_column(col)
    for e in done:
        table.add_row(e.table, str(e.rows), e.partitioned_by or "-")
    console.print(table)


@click.command()
@config_option
@click.argument("dest", type=click.Path(path_type=Path))
@clean_errors
def backup(config_path: str, dest: Path) -> None:
    """Copy the warehouse file consistently (waits for a running collection); DEST is a file or a folder."""
    from warehouse.backup import backup as do_backup

    cfg = load_config(config_path)
    try:
        written = do_backup(cfg.warehouse.path, dest, wait_seconds=cfg.warehouse.lock_timeout_seconds)
    except ValueError as e:  # not a local DuckDB file
        raise click.ClickException(str(e)) from None
    console.print(f"backup written: {written} ({written.stat().st_size:,} bytes)")
