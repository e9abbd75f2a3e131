"""The `copilot-usage` command line: thin wiring of the pipeline stages."""

from __future__ import annotations

import datetime as dt
import logging
import os
import sys
import threading
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from warehouse.config import Config, ConfigError, load_config
from warehouse.status import Status

from .fetch import RunResult
from .reports import REPORTS

console = Console(highlight=False, width=None if sys.stdout.isatty() else 160)
STATUS_STYLE = {"ok": "green", "warning": "yellow", "throttled": "magenta", "error": "red", "skipped": "red"}


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
    level = logging.DEBUG if verbose else logging.WARNING if quiet else logging.INFO
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("httpx", "azure", "kiota", "msgraph"):
        logging.getLogger(noisy).setLevel(logging.WARNING if not verbose else logging.INFO)


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
    throttled = [o for o in result.outcomes if o.status == "throttled"]
    if throttled:
        wait = max((o.retry_after or 0) for o in throttled)
        console.print(f"[magenta]{len(throttled)} request(s) throttled[/]; Graph asked to wait {wait} s. "
                      "The next run picks them up; nothing partial was stored.")


def _collect(cfg: Config, only: list[str] | None = None) -> RunResult:
    from warehouse.db import WarehouseBusy

    from .collect import collect as do_collect
    from .graph import GraphError

    try:
        result = do_collect(cfg, only=only)
    except (GraphError, WarehouseBusy) as e:
        raise click.ClickException(str(e)) from None
    print_run(result)
    return result


@cli.command()
@config_option
@click.option("--report", "only", multiple=True, type=click.Choice(sorted(REPORTS)),
              help="Collect only this report (repeatable); skips directory data.")
def collect(config_path: str, only: tuple[str, ...]) -> None:
    """Fetch the Copilot and M365 usage reports and Entra users from Graph into raw_* tables."""
    sys.exit(_collect(_config(config_path), list(only) or None).exit_code)


@cli.command()
@config_option
def run(config_path: str) -> None:
    """Collect, then transform (the daily job); what landed is modelled even when a report failed."""
    cfg = _config(config_path)
    result = _collect(cfg)
    transformed = _transform(cfg)
    sys.exit(1 if 1 in (result.exit_code, transformed) else result.exit_code)


def _transform(cfg: Config) -> int:
    from warehouse.db import WarehouseBusy
    from warehouse.transform import TransformError
    from warehouse.transform import transform as do_transform

    try:
        report = do_transform(cfg.warehouse.path, cfg.model, wait_seconds=cfg.warehouse.lock_timeout_seconds)
    except (TransformError, WarehouseBusy) as e:
        console.print(f"[red]transform failed[/]: {escape(str(e))}")
        return 1
    for name, secs in report.timings:
        logging.getLogger("copilot_usage.transform").debug("%s %.2fs", name, secs)
    console.print(f"transform: {len(report.timings)} object(s) built in {report.seconds:.1f} s"
                  + (f"; [red]{len(report.failed_checks)} check(s) failed[/]" if report.failed_checks else ""))
    for name, n in report.failed_checks:
        console.print(f"  [red]check {name}: {n} offending row(s)[/]")
    return 1 if report.failed_checks else 0


@cli.command()
@config_option
def transform(config_path: str) -> None:
    """Rebuild staging views and marts from the raw tables, then run the data checks."""
    sys.exit(_transform(_config(config_path)))


@cli.command()
@config_option
def status(config_path: str) -> None:
    """Show data freshness, the last run of each report, tenant adoption and this week's flagged groups."""
    from warehouse.db import WarehouseBusy
    from warehouse.status import read_status

    cfg = _config(config_path)
    try:
        st = read_status(cfg.warehouse.path)
    except WarehouseBusy as e:
        raise click.ClickException(str(e)) from None
    print_status(st)


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
        parts = [f"{w}-day active {a}/{n} ({r:.0%})" for w, n, a, r in st.tenant if r is not None]
        console.print(f"Data as of {st.as_of}: " + ", ".join(parts))
    if st.flagged:
        flagged = Table(title=f"stagnating groups, week of {st.flagged[0][0]}")
        for col in ("dimension", "group", "reason", "champion"):
            flagged.add_column(col, overflow="fold")
        for _, dim, group, reason, champion in st.flagged:
            flagged.add_row(dim, escape(group), escape(reason), escape(champion or "(none assigned)"))
        console.print(flagged)


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
def simulate(users: int, days: int, seed: int, end_date: dt.datetime | None, host: str, port: int,
             concealed: bool, throttle_every: int, deny: tuple[str, ...]) -> None:
    """Serve a deterministic synthetic tenant as a Graph-compatible endpoint on loopback."""
    from .simulator.server import Simulator
    from .simulator.tenant import Tenant

    end = end_date.date() if end_date else default_end_date()
    tenant = Tenant.generate(users=users, days=days, seed=seed, end=end)
    sim = Simulator(tenant, host=host, port=port, download_port=port + 1, concealed=concealed,
                    throttle_every=throttle_every, denied=set(deny))
    console.print(f"Simulated tenant: {users} users, {days} days ending {end}, seed {seed}\n"
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
def demo(workdir: str, users: int, history_days: int, seed: int) -> None:
    """Simulate a tenant, collect it daily over HTTP for a few weeks, and transform (the README's demo)."""
    from .demo import run_demo

    sys.exit(run_demo(Path(workdir), users=users, history_days=history_days, seed=seed, console=console))


def _register_alert_commands() -> None:
    from .cli_alerts import COMMANDS

    for command in COMMANDS:
        cli.add_command(command)


_register_alert_commands()


if __name__ == "__main__":
    cli()
