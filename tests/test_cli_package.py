"""The `connector.cli` package: every module imports on its own (no import cycle), the topic modules reach into
neither the package's `__init__` nor each other's private names, and the group has every command it had before
it was a package."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import click
import pytest

from connector.cli import cli

PACKAGE = Path(__file__).resolve().parent.parent / "connector" / "cli"
MODULES = sorted(p.stem for p in PACKAGE.glob("*.py") if p.stem not in ("__init__", "__main__"))
EXE = Path(sys.executable).parent / "copilot-usage"

# `copilot-usage --help` (and each group's --help) before connector/cli.py became this package
COMMANDS = {
    "alerts": None, "backup": None, "collect": None, "dashboard": None, "demo": None, "doctor": None, "export": None,
    "import": None, "run": None, "schedule": None, "simulate": None, "status": None, "transform": None,
    "champions": {"import", "list"},
    "followups": {"action", "list", "set", "show", "sync"},
    "interventions": {"add", "attendance", "import", "list"},
    "survey": {"import"}, "report": {"send"},
}


def test_the_package_has_the_topic_modules():
    assert set(MODULES) >= {"adoption", "collection", "dashboard", "demo", "errors", "imports", "operations",
                            "options"}


def test_each_module_imports_alone_in_a_fresh_interpreter():
    modules = ["connector.cli", *(f"connector.cli.{m}" for m in MODULES)]
    procs = {m: subprocess.Popen([sys.executable, "-c", f"import {m}"], stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True) for m in modules}  # side by side: ~4 s each
    failed = {m: p.communicate(timeout=180)[1] for m, p in procs.items()}
    failed = {m: err for m, err in failed.items() if procs[m].returncode != 0}
    assert not failed, "\n".join(f"import {m}:\n{err}" for m, err in failed.items())


def _imports(module: str) -> list[tuple[str, list[str]]]:
    """(module imported from, as written: '.x', '..x', 'connector.x'; names imported) of one module of the package."""
    tree = ast.parse((PACKAGE / f"{module}.py").read_text())
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            found.append(("." * node.level + (node.module or ""), [a.name for a in node.names]))
        elif isinstance(node, ast.Import):
            found += [(a.name, []) for a in node.names]
    return found


@pytest.mark.parametrize("module", MODULES)
def test_topic_modules_import_neither_the_group_nor_private_names(module: str):
    for source, names in _imports(module):
        assert source not in (".", "connector.cli"), f"{module} imports the package itself ({source})"
        if source.startswith(".") or source.startswith("connector"):
            private = [n for n in names if n.startswith("_")]
            assert not private, f"{module} imports private {private} from {source}"


def test_no_module_outside_the_package_imports_its_private_names():
    root = PACKAGE.parent.parent
    for path in [*root.glob("connector/*.py"), *root.glob("benchmarks/*.py"), *root.glob("tests/*.py")]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("connector.cli"):
                private = [a.name for a in node.names if a.name.startswith("_")]
                assert not private, f"{path.name} imports private {private} from {node.module}"


def test_the_group_has_every_command_it_had():
    assert set(cli.commands) == set(COMMANDS)
    for name, subcommands in COMMANDS.items():
        command = cli.commands[name]
        if subcommands is None:
            assert not isinstance(command, click.Group), name
        else:
            assert isinstance(command, click.Group) and set(command.commands) == subcommands, name


def test_the_console_script_lists_them():
    p = subprocess.run([str(EXE), "--help"], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    assert [line.split()[0] for line in p.stdout.split("Commands:", 1)[1].strip().splitlines()] == sorted(COMMANDS)
