"""The mart contract (warehouse/contract.toml) against the real marts of a small simulated warehouse: every public
mart's columns and types as declared (both ways), its generated checks catching bad rows, the reference page up to
date, the enumerations equal to the lists the code and SQL still spell out, and the typed model parameters."""

from __future__ import annotations

import re
import shutil
import typing
from pathlib import Path

import duckdb
import pytest

from tests.simulated_warehouse import build_warehouse
from warehouse import contract, db
from warehouse.transform import TransformError, all_checks, run_checks, transform

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory):
    """300 users, two complete weeks (days 56..69), collected over HTTP and transformed."""
    cfg, _, _ = build_warehouse(tmp_path_factory.mktemp("contract"), range(56, 70), users=300)
    return cfg


def _copy(cfg, tmp_path: Path) -> str:
    path = tmp_path / "wh.duckdb"
    shutil.copyfile(cfg.warehouse.path, path)
    return str(path)


def test_every_public_mart_has_exactly_the_declared_columns_and_types(small):
    con = duckdb.connect(small.warehouse.path, read_only=True)
    try:
        built = [r[0] for r in con.execute("select table_name from duckdb_tables() where table_name like 'mart\\_%' "
                                           "escape '\\' order by 1").fetchall()]
        assert sorted(contract.CONTRACT.marts) == built, "a mart is built but not declared, or declared but not built"
        for name, mart in contract.CONTRACT.marts.items():
            actual = [(c, t) for c, t, *_ in con.execute(f"describe {name}").fetchall()]
            declared = [(c, col.type) for c, col in mart.columns.items()]
            undeclared = [c for c in actual if c not in declared]
            missing = [c for c in declared if c not in actual]
            assert not undeclared and not missing, f"{name}: undeclared {undeclared}, declared but not built {missing}"
            assert actual == declared, f"{name}: the columns are declared in another order"
    finally:
        con.close()


def test_the_generated_checks_pass_on_a_good_build_and_name_each_bad_row(small, tmp_path: Path):
    path = _copy(small, tmp_path)
    con = duckdb.connect(path)
    try:
        assert run_checks(con) == []
        con.execute("insert into mart_stagnation select * from mart_stagnation "
                    "where dimension = 'tenant' and week_start = (select max(week_start) from mart_stagnation)")
        con.execute("update mart_acceptance_heatmap set level = 'tepid' where dimension = 'tenant' and app = 'word'")
        con.execute("update mart_licence_cohorts set group_id = null where dimension = 'tenant'")
        failed = dict(run_checks(con))
        assert failed["unique_stagnation"] == 1
        assert failed["accepted_values"] == 1
        assert failed["not_null_keys"] == con.execute(
            "select count(*) from mart_licence_cohorts where dimension = 'tenant'").fetchone()[0] > 0
        assert set(failed) == {"unique_stagnation", "accepted_values", "not_null_keys"}
        bad = con.execute(f"select * from ({all_checks()['accepted_values']})").fetchall()
        assert bad == [("mart_acceptance_heatmap.level", "tepid")]
    finally:
        con.close()


def test_an_incremental_mart_is_checked_on_the_rows_in_scope(small, tmp_path: Path):
    path = _copy(small, tmp_path)
    con = duckdb.connect(path)
    try:
        first, last = con.execute("select min(week_start), max(week_start) from mart_adoption_weekly").fetchone()
        con.execute("update mart_adoption_weekly set app = 'wordpad' where dimension = 'tenant' and app = 'word' "
                    "and week_start = ?", [first])
        assert dict(run_checks(con)).get("accepted_values") == 1
        con.execute("set variable from_week = ?::date", [last])  # an increment from the last week: not seen
        assert "accepted_values" not in dict(run_checks(con))
    finally:
        con.close()


def test_the_usage_uniqueness_check_groups_only_the_any_rows():
    """The 40 M-row mart keeps its cheap check (see mart_usage_by_group in the contract)."""
    sql = contract.checks()["unique_usage_by_group"]
    assert "app = 'any'" in sql and "in_as_of_scope(as_of)" in sql


def test_a_special_check_may_not_take_a_generated_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    copy = tmp_path / "sql"
    shutil.copytree(db.SQL_DIR, copy)
    (copy / "checks" / "not_null_keys.sql").write_text("select 1 where false")
    monkeypatch.setattr(db, "SQL_DIR", copy)
    with pytest.raises(TransformError, match=r"checks/not_null_keys.sql: a check of that name is generated"):
        all_checks()


def test_the_mart_reference_page_is_generated_from_the_contract():
    doc = ROOT / "docs" / "marts.md"
    assert doc.is_file() and doc.read_text(encoding="utf-8") == contract.reference(), \
        f"docs/marts.md is out of date with warehouse/contract.toml: run `{contract.REGENERATE}`"


def test_a_bad_contract_names_the_key(tmp_path: Path):
    bad = tmp_path / "contract.toml"
    text = contract.PATH.read_text()
    bad.write_text(text.replace('grain = ["as_of", "agent_id"]', 'grain = ["as_of", "agent"]'))
    with pytest.raises(contract.ContractError, match=r"\[marts\.mart_agents\] Value error, grain names undeclared "
                                                     r"column\(s\) agent"):
        contract.load(bad)
    bad.write_text(text.replace('enum = "flag_kind"', 'enum = "flag_kinds"'))
    with pytest.raises(contract.ContractError, match="marts.mart_stagnation.columns.flag_kind: unknown enumeration "
                                                     "flag_kinds"):
        contract.load(bad)
    bad.write_text(text + "\n[marts.mart_x]\ndescription = 'x'\ngrain = []\ncolumns = {}\nowner = 'me'\n")
    with pytest.raises(contract.ContractError, match=r"\[marts\.mart_x\.owner\] Extra inputs"):
        contract.load(bad)


def test_the_lists_still_spelt_out_elsewhere_equal_the_contract():
    """What cannot import the contract (typed config, SQL macros, the simulator) or maps its values to labels."""
    from alerts.build import DIMENSION_LABEL
    from alerts.chart import DIM_SHORT, HIDDEN_WORD
    from connector.import_kinds import KINDS
    from connector.simulator.catalog import COPILOT_APPS_PLAN, COPILOT_CHAT_PLAN
    from dashboards.cards import BADGE_COLOUR, BADGE_ICON, SUMMARY_WORD
    from dashboards.edits import KIND_LABEL
    from dashboards.filters import DIMENSIONS
    from warehouse import apps, levels
    from warehouse.config import AlertsConfig

    assert typing.get_args(typing.get_args(AlertsConfig.model_fields["dimensions"].annotation)[0]) == \
        contract.GROUP_DIMENSIONS
    assert tuple(k.name for k in KINDS) == contract.IMPORT_KINDS
    assert list(contract.COPILOT_SERVICE_PLANS) == [COPILOT_APPS_PLAN, COPILOT_CHAT_PLAN]
    assert tuple(DIMENSIONS) == tuple(DIM_SHORT) == contract.GROUP_DIMENSIONS
    assert tuple(DIMENSION_LABEL) == (*contract.GROUP_DIMENSIONS, "tenant")
    assert set(DIMENSION_LABEL) == set(contract.DIMENSIONS)
    assert tuple(KIND_LABEL) == contract.ACTION_KINDS
    assert tuple(levels.STATUS_LABEL) == tuple(BADGE_COLOUR) == tuple(BADGE_ICON) == tuple(SUMMARY_WORD) \
        == contract.STATUSES
    assert tuple(HIDDEN_WORD) == contract.HIDDEN_LEVELS
    assert tuple(levels.COLOURS) == tuple(levels.TEXT_COLOURS) == contract.LEVELS
    assert tuple(apps.LABEL) == tuple(apps.SHORT) == contract.APPS
    sql = db.SQL_DIR / "macros"
    dims = (sql / "group_dims.sql").read_text()
    assert re.findall(r"'dimension': '(\w+)'", dims) == list(contract.DIMENSIONS)
    assert set(re.findall(r"then '(\w+)'", dims)) == set(contract.DIMENSIONS)
    level = (sql / "level.sql").read_text()
    adoption_level = level.split("adoption_level")[1].split(";")[0]
    assert set(re.findall(r"(?:then|else) '(\w+)'", adoption_level)) == set(contract.LEVELS)
    assert re.findall(r"when '(\w+)' then (\d)", level) == [(lv, str(i)) for i, lv in enumerate(contract.LEVELS)]
    followups = (db.SQL_DIR / "migrations" / "0005_alerts_followups.sql").read_text()
    assert f"-- {' | '.join(contract.FOLLOWUP_STATUSES)}" in followups
    assert f"-- {' | '.join(contract.ACTION_KINDS)}" in followups


def test_the_model_parameters_are_typed_columns(small, tmp_path: Path):
    con = duckdb.connect(small.warehouse.path, read_only=True)
    try:
        types = dict(con.execute("select column_name, data_type from duckdb_columns() "
                                 "where table_name = '_model_params'").fetchall())
        row = con.execute("select min_group_size, target_rate, unassigned_label, copilot_service_plans "
                          "from _model_params").fetchall()
    finally:
        con.close()
    assert types["min_group_size"] == "INTEGER" and types["target_rate"] == "DOUBLE"
    assert types["unassigned_label"] == "VARCHAR" and types["copilot_service_plans"] == "VARCHAR[]"
    assert row == [(5, 0.6, "Unassigned", list(contract.COPILOT_SERVICE_PLANS))]


def test_a_misspelt_parameter_fails_the_transform_naming_it_and_its_file(small, tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch):
    path = _copy(small, tmp_path)
    copy = tmp_path / "sql"
    shutil.copytree(db.SQL_DIR, copy)
    f = copy / "marts" / "mart_licence_cohorts.sql"
    text = f.read_text()
    assert "(select min_group_size from _model_params)" in text
    f.write_text(text.replace("select min_group_size from", "select min_grup_size from"))
    monkeypatch.setattr(db, "SQL_DIR", copy)
    with pytest.raises(TransformError, match=r"marts/mart_licence_cohorts\.sql: .*min_grup_size"):
        transform(path, small.model)
    # nothing was written: the build is one transaction
    con = duckdb.connect(path, read_only=True)
    try:
        assert con.execute("select count(*) from mart_licence_cohorts").fetchone()[0] > 0
    finally:
        con.close()
