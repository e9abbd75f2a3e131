"""Collection commands: `collect`, `run` (collect, then transform) and `transform`."""

from __future__ import annotations

import logging
import sys

import click

from warehouse.config import Config, load_config

from ..output import console, fetch_progress, print_run, print_transform
from ..reports import REPORTS, plan
from .errors import clean_errors
from .options import config_option


def _run_and_print(cfg: Config, *, only: list[str] | None = None, transform: bool = True) -> int:
    """Run a collection (and transform) under the writer lock with a progress bar; print the outcome; return the
    exit code."""
    from ..jobs import run_job

    total = len(plan(cfg, only)) + (0 if only else 2 + int(cfg.collect.users))
    show = console.is_terminal and logging.getLogger().getEffectiveLevel() <= logging.INFO
    with fetch_progress(total, show) as on_fetched:
        result = run_job(cfg, only=only, transform=transform, job="run" if transform else "collect",
                         on_fetched=on_fetched)
    if result.run:
        print_run(result.run)
    if transform:
        print_transform(result)
    return result.exit_code


@click.command()
@config_option
@click.option("--report", "only", multiple=True, type=click.Choice(sorted(REPORTS)),
              help="Collect only this report (repeatable); skips directory data.")
@clean_errors
def collect(config_path: str, only: tuple[str, ...]) -> None:
    """Fetch the Copilot and M365 usage reports and Entra users from Graph into raw_* tables."""
    sys.exit(_run_and_print(load_config(config_path), only=list(only) or None, transform=False))


@click.command()
@config_option
@clean_errors
def run(config_path: str) -> None:
    """Collect, then transform (the daily job); what landed is modelled even when a report failed."""
    sys.exit(_run_and_print(load_config(config_path)))


@click.command()
@config_option
@click.option("--full", is_flag=True, help="Rebuild every report date and week, not only those that changed.")
@clean_errors
def transform(config_path: str, full: bool) -> None:
    """Build the model from the raw tables (only what changed since the last transform), then run the checks."""
    from ..jobs import transform_job_or_busy

    result = transform_job_or_busy(load_config(config_path), full=full)
    print_transform(result)
    sys.exit(result.exit_code)
