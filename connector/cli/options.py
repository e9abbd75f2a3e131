"""The options several commands share: `--config` (the TOML file, or $COPILOT_CONFIG) and the date type."""

from __future__ import annotations

import os

import click

config_option = click.option("--config", "config_path", default=lambda: os.environ.get("COPILOT_CONFIG", "config.toml"),
                             show_default="config.toml or $COPILOT_CONFIG", help="Path of the TOML configuration.")

DATE = click.DateTime(["%Y-%m-%d"])
