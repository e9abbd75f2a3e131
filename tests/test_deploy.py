"""The deployment files name commands and options the CLI really has (a renamed command must not leave a unit
file or the container image pointing at nothing)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from connector.cli import cli

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"


def invocations() -> list[tuple[str, list[str]]]:
    found = []
    for f in sorted(DEPLOY.iterdir()):
        for line in f.read_text().splitlines():
            if line.startswith("ExecStart="):
                argv = shlex.split(line.removeprefix("ExecStart="))
            elif (m := re.search(r"\bcopilot-usage(\s+[a-z][\w-]*\s+--config\s+\S+.*)$", line)) and "#" in line:
                argv = ["copilot-usage", *shlex.split(m.group(1).rstrip(" \\"))]
            else:
                continue
            found.append((f.name, argv[1:]))
    cmd = re.search(r'^CMD \["(\w+)"\]', (DEPLOY / "Containerfile").read_text(), re.M)
    assert cmd, "the Containerfile has no CMD"
    found.append(("Containerfile CMD", [cmd.group(1)]))
    return found


@pytest.mark.parametrize(("where", "argv"), invocations(), ids=lambda v: v if isinstance(v, str) else " ".join(v))
def test_deploy_files_call_real_commands_with_real_options(where: str, argv: list[str]):
    command = cli.commands.get(argv[0])
    assert command is not None, f"{where}: no command {argv[0]!r}"
    known = {o for p in command.params for o in p.opts}
    for arg in argv[1:]:
        if arg.startswith("--"):
            assert arg.split("=")[0] in known, f"{where}: {argv[0]} has no option {arg}"
    assert CliRunner().invoke(cli, [argv[0], "--help"]).exit_code == 0
