"""Imports point one way: alerts and warehouse never import the connector (the only Graph code)."""

from __future__ import annotations

import ast
import re
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


APP_TABLES = ("champions", "followups", "followup_events", "followup_actions", "alert_log")


def test_the_model_reads_no_application_table():
    """Staging, intermediate objects and marts are built from landed data only: champions and follow-ups change
    between transforms, so their readers join them live (a copy in a mart would be stale after an import)."""
    files = [f for layer in ("staging", "intermediate", "marts", "checks")
             for f in sorted((ROOT / "warehouse" / "sql" / layer).glob("*.sql"))]
    assert len(files) > 20 and (ROOT / "alerts" / "sql" / "flagged_groups.sql").is_file()
    named = {(f.name, t) for f in files for t in APP_TABLES
             if re.search(rf"\b{t}\b", re.sub(r"--[^\n]*", "", f.read_text()), re.IGNORECASE)}
    assert named == set()
    # and the readers that show a champion take it from the live table
    for reader in ("alerts/sql/flagged_groups.sql", "dashboards/sql/stagnation.sql", "connector/status.py"):
        assert re.search(r"join champions c on c\.dimension = s\.dimension and c\.group_id = s\.group_id",
                         (ROOT / reader).read_text()), reader
