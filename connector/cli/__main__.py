"""`python -m connector.cli`: the same as the `copilot-usage` console script."""

from . import cli

cli(prog_name="copilot-usage")
