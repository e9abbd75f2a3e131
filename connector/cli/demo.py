"""The simulated tenant on the command line: `simulate` (serve it as Graph) and `demo` (collect, model, show)."""

from __future__ import annotations

import datetime as dt
import sys
import threading
from pathlib import Path

import click

from ..output import console
from .dashboard import start_dashboard
from .errors import clean_errors


@click.command()
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
    from ..simulator.server import Simulator, default_end_date
    from ..simulator.tenant import Tenant

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


@click.command()
@click.option("--dir", "workdir", default="demo", show_default=True, type=click.Path(file_okay=False),
              help="Where the demo config and warehouse go.")
@click.option("--users", default=1500, show_default=True)
@click.option("--history-days", default=28, show_default=True,
              help="Daily collections to replay (one per simulated day) before the last one.")
@click.option("--seed", default=7, show_default=True)
@click.option("--no-dashboard", is_flag=True, help="Stop after the summary instead of starting the dashboard.")
@click.option("--port", default=8501, show_default=True, help="Dashboard port.")
@clean_errors
def demo(workdir: str, users: int, history_days: int, seed: int, no_dashboard: bool, port: int) -> None:
    """Simulate a tenant, collect it daily over HTTP for a few weeks, transform, then start the dashboard."""
    from ..demo import run_demo

    code = run_demo(Path(workdir), users=users, history_days=history_days, seed=seed, console=console, port=port)
    if no_dashboard or code != 0:
        sys.exit(code)
    start_dashboard(str(Path(workdir) / "config.toml"), "127.0.0.1", port)
