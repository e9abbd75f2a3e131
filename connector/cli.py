"""The `copilot-usage` command line: thin wiring of the pipeline stages."""

from __future__ import annotations

import datetime as dt
import logging
import os
import sys
import threading
from pathlib import Path

import click
from rich.markup import escape

from warehouse.config import Config, ConfigError, load_config

from .output import console, fetch_progress, print_run, print_status, print_transform, setup_logging
from .reports import REPORTS, plan


def _config(path: str) -> Config:
    try:
        return load_config(path)
    except ConfigError as e:
        raise click.ClickException(str(e)) from None


config_option = click.option("--config", "config_path", default=lambda: os.environ.get("COPILOT_CONFIG", "config.toml"),
                             show_default="config.toml or $COPILOT_CONFIG", help="Path of the TOML configuration.")


@click.group()
@click.option("-v", "--verbose", is_flag=True, help="Log debug details.")
@click.option("-q", "--quiet", is_flag=True, help="Only log warnings and errors.")
def cli(verbose: bool, quiet: bool) -> None:
    """Microsoft 365 Copilot usage insight: collect Graph reports into DuckDB, model, dashboard, alert."""
    setup_logging(verbose=verbose, quiet=quiet)


def _job(cfg: Config, *, only: list[str] | None = None, transform: bool = True) -> int:
    """Run a collection (and transform) under the writer lock; print the outcome; return the exit code."""
    from warehouse.db import WarehouseBusy
    from warehouse.lock import WriterBusy

    from .graph import GraphError
    from .jobs import run_job

    total = len(plan(cfg, only)) + (0 if only else 2 + int(cfg.collect.users))
    show = console.is_terminal and logging.getLogger().getEffectiveLevel() <= logging.INFO
    try:
        with fetch_progress(total, show) as on_fetched:
            result = run_job(cfg, only=only, transform=transform, job="run" if transform else "collect",
                             on_fetched=on_fetched)
    except (GraphError, WarehouseBusy, WriterBusy) as e:
        raise click.ClickException(str(e)) from None
    if result.run:
        print_run(result.run)
    if transform:
        print_transform(result)
    return result.exit_code


@cli.command()
@config_option
@click.option("--report", "only", multiple=True, type=click.Choice(sorted(REPORTS)),
              help="Collect only this report (repeatable); skips directory data.")
def collect(config_path: str, only: tuple[str, ...]) -> None:
    """Fetch the Copilot and M365 usage reports and Entra users from Graph into raw_* tables."""
    sys.exit(_job(_config(config_path), only=list(only) or None, transform=False))


@cli.command()
@config_option
def run(config_path: str) -> None:
    """Collect, then transform (the daily job); what landed is modelled even when a report failed."""
    sys.exit(_job(_config(config_path)))


def _transform(cfg: Config, *, full: bool = False) -> int:
    from warehouse.db import WarehouseBusy
    from warehouse.lock import WriterBusy

    from .jobs import transform_job

    try:
        result = transform_job(cfg, full=full)
    except (WarehouseBusy, WriterBusy) as e:
        console.print(f"[red]transform failed[/]: {escape(str(e))}")
        return 1
    print_transform(result)
    return result.exit_code


@cli.command()
@config_option
@click.option("--full", is_flag=True, help="Rebuild every report date and week, not only those that changed.")
def transform(config_path: str, full: bool) -> None:
    """Build the model from the raw tables (only what changed since the last transform), then run the checks."""
    sys.exit(_transform(_config(config_path), full=full))


@cli.command()
@config_option
def status(config_path: str) -> None:
    """Show data freshness, the last run of each report, tenant adoption and this week's flagged groups."""
    from connector.status import read_status
    from warehouse.db import WarehouseBusy

    cfg = _config(config_path)
    try:
        st = read_status(cfg.warehouse.path)
    except WarehouseBusy as e:
        raise click.ClickException(str(e)) from None
    print_status(st)


@cli.command()
@click.option("--users", default=500, show_default=True, help="Number of people in the tenant.")
@click.option("--days", default=90, show_default=True, help="Days of activity history.")
@click.option("--seed", default=7, show_default=True, help="Random seed (same seed, same tenant).")
@click.option("--end-date", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Last simulated day (the report refresh date). Default: three days ago (UTC).")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8765, show_default=True, help="Graph port; the download host is port + 1.")
@click.option("--concealed", is_flag=True, help="Start with concealed user names on.")
@click.option("--throttle-every", default=0, help="Answer every Nth report request with 429 Retry-After: 1.")
@click.option("--deny", multiple=True, help="Refuse this permission (e.g. Reports.Read.All); repeatable.")
@click.option("--small-teams", default=0, show_default=True,
              help="Add this many small manager teams (5-9 people) that are healthy, stuck or growing.")
@click.option("--no-workloads", is_flag=True,
              help="Act as a tenant without M365 workloads (reports: 404 UnknownTenantId).")
@click.option("--empty-reports", is_flag=True, help="Act as a tenant whose Copilot licences have no report rows yet.")
@click.option("--v1-only", is_flag=True, help="Act as a tenant that serves only version 1 of the Copilot reports.")
@click.option("--latency-ms", default=0, show_default=True, type=click.IntRange(min=0),
              help="Wait this long before answering each Graph request, as Graph's round trip does.")
@click.option("--delta-items", type=click.Choice(["full", "minimal", "mixed"]), default="full", show_default=True,
              help="users/delta items after the first sync: every property, only the changed ones (as with "
                   "Prefer: return=minimal), or a mix.")
def simulate(users: int, days: int, seed: int, end_date: dt.datetime | None, host: str, port: int,
             concealed: bool, throttle_every: int, deny: tuple[str, ...], small_teams: int, no_workloads: bool,
             empty_reports: bool, v1_only: bool, delta_items: str,
             latency_ms: int) -> None:
    """Serve a deterministic synthetic tenant as a Graph-compatible endpoint on loopback."""
    from .simulator.server import Simulator
    from .simulator.tenant import Tenant

    end = end_date.date() if end_date else default_end_date()
    tenant = Tenant.generate(users=users, days=days, seed=seed, end=end, small_teams=small_teams)
    sim = Simulator(tenant, host=host, port=port, download_port=port + 1, concealed=concealed,
                    throttle_every=throttle_every, denied=set(deny), no_workloads=no_workloads,
                    empty_reports=empty_reports, v2_supported=not v1_only, delta_items=delta_items,
                    latency_ms=latency_ms)
    console.print(f"Simulated tenant: {tenant.n} users, {days} days ending {end}, seed {seed}\n"
                  f"  \\[graph] base_url = \"{sim.base_url}\"   \\[auth] method = \"token\"\n"
                  f"  export COPILOT_USAGE_GRAPH_TOKEN={sim.state.token}\n"
                  "Ctrl-C to stop.")
    with sim:
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            console.print("stopped")


def default_end_date() -> dt.date:
    """The simulator's default report refresh date: three days ago in UTC (Graph's publishing delay)."""
    return dt.datetime.now(dt.UTC).date() - dt.timedelta(days=3)


@cli.command()
@click.option("--dir", "workdir", default="demo", show_default=True, type=click.Path(file_okay=False),
              help="Where the demo config and warehouse go.")
@click.option("--users", default=1500, show_default=True)
@click.option("--history-days", default=28, show_default=True,
              help="Daily collections to replay (one per simulated day) before the last one.")
@click.option("--seed", default=7, show_default=True)
@click.option("--no-dashboard", is_flag=True, help="Stop after the summary instead of starting the dashboard.")
@click.option("--port", default=8501, show_default=True, help="Dashboard port.")
def demo(workdir: str, users: int, history_days: int, seed: int, no_dashboard: bool, port: int) -> None:
    """Simulate a tenant, collect it daily over HTTP for a few weeks, transform, then start the dashboard."""
    from .demo import run_demo

    code = run_demo(Path(workdir), users=users, history_days=history_days, seed=seed, console=console, port=port)
    if no_dashboard or code != 0:
        sys.exit(code)
    from .cli_dashboard import start_dashboard

    start_dashboard(str(Path(workdir) / "config.toml"), "127.0.0.1", port)


from . import cli_dashboard, cli_import, cli_ops  # noqa: E402,F401  (dashboard; import; schedule, doctor, export)


def _register_alert_commands() -> None:
    from .cli_alerts import COMMANDS

    for command in COMMANDS:
        cli.add_command(command)


_register_alert_commands()


if __name__ == "__main__":
    cli()
