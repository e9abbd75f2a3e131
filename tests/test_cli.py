"""The installed console script, run as a user would, against the simulator."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click
from conftest import write_config

from connector.cli import cli

EXE = Path(sys.executable).parent / "copilot-usage"


def run(args: list[str], env_extra: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, **(env_extra or {})}
    return subprocess.run([str(EXE), *args], capture_output=True, text=True, env=env, timeout=300)


def test_every_command_has_help():
    for name, cmd in cli.commands.items():
        assert cmd.help and cmd.help.strip(), f"{name} is missing its help"
    assert isinstance(cli, click.Group)


def test_run_lands_everything_and_exits_zero(tmp_path, sim):
    cfg = write_config(tmp_path, sim.base_url)
    p = run(["run", "--config", str(cfg)], {"COPILOT_USAGE_GRAPH_TOKEN": sim.state.token})
    assert p.returncode == 0, p.stdout + p.stderr
    assert "copilot_usage_user_detail" in p.stdout and "transform:" in p.stdout
    assert sim.state.token not in p.stdout + p.stderr


def test_run_names_the_missing_permission_and_exits_non_zero(tmp_path, sim):
    sim.state.denied = {"Reports.Read.All"}
    cfg = write_config(tmp_path, sim.base_url)
    p = run(["run", "--config", str(cfg)], {"COPILOT_USAGE_GRAPH_TOKEN": sim.state.token})
    assert p.returncode == 1
    assert "Reports.Read.All" in p.stdout


def test_missing_token_and_bad_config_are_clear_errors(tmp_path, sim):
    cfg = write_config(tmp_path, sim.base_url)
    env = {k: v for k, v in os.environ.items() if k != "COPILOT_USAGE_GRAPH_TOKEN"}
    p = subprocess.run([str(EXE), "collect", "--config", str(cfg)], capture_output=True, text=True, env=env)
    assert p.returncode != 0 and "COPILOT_USAGE_GRAPH_TOKEN" in p.stderr and "Traceback" not in p.stderr
    bad = tmp_path / "bad.toml"
    bad.write_text('[warehouse]\npaht = "x"\n')
    p = run(["collect", "--config", str(bad)])
    assert p.returncode != 0 and "[warehouse.paht] unknown key" in p.stderr and str(bad) in p.stderr
    assert "Traceback" not in p.stderr
