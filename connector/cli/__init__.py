"""The `copilot-usage` command line: one click group; each topic module defines its commands, registered here.

The topic modules import only `options` and `errors` from this package (and `demo` the public `start_dashboard`),
never this `__init__`, so there is no import cycle (tests/test_cli_package.py checks it).
"""

from __future__ import annotations

import click

from ..output import setup_logging
from .adoption import alerts, champions, followups
from .collection import collect, run, transform
from .dashboard import dashboard
from .demo import demo, simulate
from .imports import import_
from .interventions import interventions
from .kpis import report, survey
from .operations import backup, doctor, export, schedule, status


@click.group()
@click.option("-v", "--verbose", is_flag=True, help="Log debug details.")
@click.option("-q", "--quiet", is_flag=True, help="Only log warnings and errors.")
def cli(verbose: bool, quiet: bool) -> None:
    """Microsoft 365 Copilot usage insight: collect Graph reports into DuckDB, model, dashboard, alert."""
    setup_logging(verbose=verbose, quiet=quiet)


for command in (collect, run, transform,  # collection
                status, schedule, doctor, export, backup,  # operations
                champions, alerts, followups,  # adoption
                interventions,  # the programme's interventions and their effect
                dashboard, import_, simulate, demo,
                survey, report):  # change-management KPIs
    cli.add_command(command)
