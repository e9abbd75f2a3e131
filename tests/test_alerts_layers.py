"""Imports point one way: alerts and warehouse never import the connector (the only Graph code)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = {"alerts": {"connector", "dashboards", "msgraph", "kiota_abstractions", "azure"},
             "warehouse": {"connector", "dashboards", "alerts"}}


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_no_imports_against_the_direction(package):
    for path in (ROOT / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else []
            for name in names:
                assert name.split(".")[0] not in FORBIDDEN[package], f"{path.relative_to(ROOT)} imports {name}"


def test_alerts_read_only_marts_and_their_own_tables():
    sql = "\n".join(p.read_text() for p in (ROOT / "alerts" / "sql").glob("*.sql"))
    assert "raw_" not in sql and "stg_" not in sql and "int_" not in sql

