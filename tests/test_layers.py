"""The packages' layers: imports point one way, nothing imports the connector but its command line, there is no
import cycle, and the readers (dashboards, alerts) read public marts and the workflow tables only.

    connector (collector + CLI) -> warehouse, alerts, dashboards (the CLI starts them)
    dashboards -> alerts, warehouse
    alerts     -> warehouse
    warehouse  -> nothing of this project
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("connector", "warehouse", "alerts", "dashboards")
MAY_IMPORT = {"warehouse": set(), "alerts": {"warehouse"}, "dashboards": {"warehouse", "alerts"},
              "connector": {"warehouse", "alerts", "dashboards"}}
GRAPH_LIBRARIES = {"msgraph", "kiota_abstractions", "kiota_http", "azure"}  # the Graph code is the connector's
# what the readers may read besides the public marts: the workflow tables the alerts package writes, and the
# run log (the Data page's last runs); never raw_, stg_ or int_ tables
WORKFLOW_TABLES = {"champions", "followups", "followup_actions", "followup_events", "alert_log", "_runs",
                   "report_log",
                   # the programme's interventions (alerts/workflow/interventions.py), attendance only as counts
                   "interventions", "intervention_groups", "intervention_attendance",
                   "licence_exports"}


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Absolute module names a file imports when it runs (relative imports resolved)."""
    here = _module(path).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    out = set()
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):  # imports only for type checkers do not run
        if isinstance(node, ast.If) and getattr(node.test, "id", getattr(node.test, "attr", "")) == "TYPE_CHECKING":
            node.body = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level else []
            mod = ".".join([*base, *(node.module.split(".") if node.module else [])])
            out.add(mod)
            out |= {f"{mod}.{a.name}" for a in node.names}  # `from . import db` imports the module db
    return out


def _files() -> list[Path]:
    return sorted(p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py"))


@pytest.mark.parametrize("package", PACKAGES)
def test_imports_point_one_way(package: str):
    bad = []
    for path in (ROOT / package).rglob("*.py"):
        for name in _imports(path):
            top = name.split(".")[0]
            if top in PACKAGES and top != package and top not in MAY_IMPORT[package]:
                bad.append(f"{path.relative_to(ROOT)} imports {name}")
            if top in GRAPH_LIBRARIES and package != "connector":
                bad.append(f"{path.relative_to(ROOT)} imports {name} (Graph code belongs to the connector)")
    assert bad == []


def test_nothing_imports_the_connector_but_its_command_line():
    """The connector's other modules (collector, simulator) are imported by the CLI only, within the connector;
    the other packages never import the connector at all (checked above)."""
    assert (ROOT / "connector" / "cli" / "__init__.py").is_file(), "the command line is the connector.cli package"
    for path in _files():
        if path.parts[len(ROOT.parts)] == "connector":
            continue
        assert not any(n.split(".")[0] == "connector" for n in _imports(path)), path


def test_no_import_cycle():
    modules = {_module(p): p for p in _files()}
    graph = {m: {n for n in _imports(p) if n in modules and n != m} for m, p in modules.items()}
    # a package's __init__ importing its own submodules is how a package exposes them, not a cycle of logic
    for m in graph:
        graph[m] = {n for n in graph[m] if not (modules[m].name == "__init__.py" and n.startswith(m + "."))}
    state: dict[str, int] = {}
    cycles = []

    def visit(m: str, path: list[str]) -> None:
        state[m] = 1
        for n in sorted(graph[m]):
            if state.get(n) == 1:
                cycles.append(" -> ".join([*path[path.index(n):], n]))
            elif n not in state:
                visit(n, [*path, n])
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m, [m])
    assert cycles == []


def _read_tables(sql: str) -> set[str]:
    code = re.sub(r"--[^\n]*", "", sql).lower()
    ctes = set(re.findall(r"\b(\w+)\s+as\s+(?:materialized\s+)?\(", code))
    named = set(re.findall(r"\b(?:from|join)\s+([a-z_][a-z0-9_]*)\b(?!\s*\()", code))
    return named - ctes - {"unnest", "range", "generate_series", "values"}


@pytest.mark.parametrize("package", ["dashboards", "alerts"])
def test_readers_read_public_marts_and_workflow_tables_only(package: str):
    marts = {p.stem for p in (ROOT / "warehouse" / "sql" / "marts").glob("*.sql")}
    files = sorted((ROOT / package).rglob("*.sql"))
    assert files, f"{package} has SQL files"
    bad = {f"{f.relative_to(ROOT)} reads {t}" for f in files for t in _read_tables(f.read_text())
           if t not in marts and t not in WORKFLOW_TABLES}
    assert bad == set()


def test_the_layer_checks_can_fail(tmp_path: Path):
    """The SQL check sees a read of an intermediate table, and ignores a CTE of the same shape."""
    assert _read_tables("with x as (select 1) select * from x join int_user_week w on true") == {"int_user_week"}
    assert _read_tables("select * from mart_stagnation s left join champions c using (group_id)") \
        == {"mart_stagnation", "champions"}
