"""The one error decorator of the command line: expected failures become one-line click errors, no traceback."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import click

P = ParamSpec("P")
R = TypeVar("R")


def expected_errors() -> tuple[type[Exception], ...]:
    """The failures a command reports by their own message: a bad config or input, Graph refusing, a busy
    warehouse or writer lock, an unknown week, champion or follow-up, a mail that cannot be sent.

    Imported when a command fails, not when the CLI starts: `alerts.workflow.champions` pulls in the e-mail validation
    and `alerts.send` the mail stack, which a daily run does not need."""
    from alerts.send import AlertError
    from alerts.workflow.champions import ChampionError
    from alerts.workflow.followups import FollowupError
    from alerts.workflow.interventions import InterventionError
    from alerts.workflow.weeks import WeekError
    from warehouse.config import ConfigError
    from warehouse.db import WarehouseBusy
    from warehouse.lock import WriterBusy

    from ..graph import GraphError

    return (ConfigError, GraphError, WarehouseBusy, WriterBusy, AlertError, ChampionError, FollowupError, WeekError,
            InterventionError)


def clean_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Run a command so that the expected failures (`expected_errors`) end it with `Error: <message>` and exit
    code 1, and a DuckDB error with `Error: warehouse error: <message>`; anything else is a bug and keeps its
    traceback. Put it below the click decorators (closest to the function)."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except click.ClickException:
            raise
        except Exception as e:
            import duckdb

            if isinstance(e, expected_errors()):
                raise click.ClickException(str(e)) from None
            if isinstance(e, duckdb.Error):
                raise click.ClickException(f"warehouse error: {e}") from None
            raise

    return wrapper
