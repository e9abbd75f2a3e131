"""Per-object fingerprints: a changed SQL file, `[model]` parameter or migrated raw table rebuilds that object and
what reads it, nothing else, and the result is exactly the marts of a full rebuild.

The model's SQL is changed the way a new release changes it: `db.SQL_DIR` points at a copy of the SQL directory
with one file edited. Daily collections over HTTP from the simulator, as in test_incremental.py.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.test_incremental import _latest_as_of, _same_as_full_rebuild, daily  # noqa: F401  (the fixture)
from warehouse import db, fingerprints
from warehouse.config import JobFunctionRule, ModelConfig
from warehouse.transform import LAYERS, _write_params, transform

EXE = Path(sys.executable).parent / "copilot-usage"


def _model_tables(path: str) -> dict[str, list[tuple]]:
    """Every intermediate and mart table's rows, sorted."""
    con = duckdb.connect(path, read_only=True)
    try:
        names = [r[0] for r in con.execute("select table_name from duckdb_tables() where table_name like 'int\\_%' "
                                           "escape '\\' or table_name like 'mart\\_%' escape '\\'").fetchall()]
        return {t: con.execute(f"select columns(*)::varchar from {t} order by all").fetchall()  # noqa: S608
                for t in names}
    finally:
        con.close()


@pytest.fixture
def collected(daily):  # noqa: F811  (test_incremental's daily collections and transforms)
    return daily


@pytest.fixture
def sql_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A copy of the model SQL that the transform reads instead of the package's; returns an editor."""
    copy = tmp_path / "sql"
    shutil.copytree(db.SQL_DIR, copy)
    monkeypatch.setattr(db, "SQL_DIR", copy)

    def edit(rel: str, old: str, new: str) -> None:
        f = copy / rel
        text = f.read_text()
        assert old in text, f"{rel} no longer has {old!r}"
        f.write_text(text.replace(old, new, 1))

    return copy, edit


def _files(sql: Path) -> list[Path]:
    return [f for layer in ("macros", *LAYERS) for f in sorted((sql / layer).glob("*.sql"))]


def test_an_object_reads_what_its_sql_names(tmp_path: Path):
    con = duckdb.connect()
    _write_params(con, ModelConfig())
    prints = fingerprints.compute(con, _files(db.SQL_DIR))
    assert set(prints["mart_stagnation"].reads) >= {"int_group_week_eligible", "mart_adoption_weekly",
                                                   "t_quantile"}
    assert "level" in prints["mart_stagnation"].reads  # adoption_level(...), a macro it calls
    assert "level" not in prints["mart_adoption_weekly"].reads
    assert "scope" in prints["int_copilot_snapshots"].reads  # in_as_of_scope(...)
    assert set(prints["mart_usage_by_group"].params) == {"min_group_size"}
    assert set(prints["level"].params) == {"target_rate", "warm_from", "cool_from"}
    assert set(prints["int_user_groups"].params) == {"unassigned_label", "copilot_service_plans", "_job_function_strip",
                                                    "_job_function_rules", "_job_function_overrides"}
    assert set(prints["stg_subscribed_skus"].params) == {"copilot_service_plans"}
    assert prints["int_activity_days"].params == {}
    # the same SQL and parameters give the same fingerprints; one parameter changes only its readers' (and theirs)
    assert fingerprints.compute(con, _files(db.SQL_DIR)) == prints
    con.execute("update _model_params set warm_from = 0.5")
    again = fingerprints.compute(con, _files(db.SQL_DIR))
    changed = fingerprints.changes(again, prints)
    assert changed["level"] == "parameter warm_from changed"
    assert "int_user_groups" not in changed and "int_copilot_snapshots" not in changed
    assert all(again[n].fingerprint == p.fingerprint for n, p in prints.items() if n not in changed)


def test_model_files_reading_each_other_across_layers_are_refused(tmp_path: Path):
    for layer, name, sql in (("staging", "stg_a", "select * from mart_b"), ("marts", "mart_b", "select * from stg_a")):
        (tmp_path / layer).mkdir()
        (tmp_path / layer / f"{name}.sql").write_text(f"-- materialized: view\n{sql}")
    con = duckdb.connect()
    _write_params(con, ModelConfig())
    with pytest.raises(fingerprints.CircularReference, match="circular reference between stg_a, mart_b"):
        fingerprints.compute(con, _files(tmp_path))


def test_a_changed_mart_rebuilds_it_and_what_reads_it_and_leaves_the_rest(collected, sql_copy, tmp_path: Path):
    cfg, sim, tenant, collect_day, step = collected
    copy, edit = sql_copy
    for day in range(10, 30):
        collect_day(day)
    assert step().scope.full
    before = _model_tables(cfg.warehouse.path)
    edit("marts/mart_data_status.sql", "    s.report_users,", "    s.report_users + 1000 as report_users,")
    edit("marts/mart_usage_by_group.sql", "\nwith ", "\n-- a comment of the next release\nwith ")
    r = step()
    s = r.scope
    assert not s.full and s.rebuilt == {"mart_data_status": "its SQL changed",
                                        "mart_usage_by_group": "its SQL changed",
                                        "mart_acceptance_heatmap": "reads mart_usage_by_group, rebuilt"}
    assert "rebuilt whole" in s.describe() and r.memory_cap == ""  # a whole incremental table: no increment cap
    after = _model_tables(cfg.warehouse.path)
    assert {t for t in before if after[t] != before[t]} == {"mart_data_status"}  # rebuilt alike, or untouched
    # every report date was rebuilt, not only those in an increment (there was none: no new collection)
    assert sorted(int(r[2]) for r in after["mart_data_status"]) == \
        sorted(int(r[2]) + 1000 for r in before["mart_data_status"])
    _same_as_full_rebuild(cfg, tmp_path / "full-1")

    # built with the new SQL, nothing is rebuilt whole again; a new day then goes the incremental way
    assert step().scope.rebuilt == {}
    collect_day(30)
    s = step().scope
    assert not s.full and s.rebuilt == {} and s.from_as_of == _latest_as_of(cfg)
    _same_as_full_rebuild(cfg, tmp_path / "full-2")


def test_a_mart_stagnation_of_the_release_that_copied_the_champions_is_rebuilt_without_them(
        collected, sql_copy, tmp_path: Path):
    """Releases before issue 19 joined the champions table into mart_stagnation. A warehouse they built has a
    mart with champion columns and that SQL's fingerprint; the next transform rebuilds the mart (and what reads
    it) whole from the current SQL, and the champion columns are gone."""
    cfg, sim, tenant, collect_day, step = collected
    copy, edit = sql_copy
    current = (copy / "marts" / "mart_stagnation.sql").read_text()
    edit("marts/mart_stagnation.sql", "    f.licensed_users::integer as licensed_users\nfrom final f\n",
         "    f.licensed_users::integer as licensed_users,\n    c.champion_name, c.champion_email, c.manager_email\n"
         "from final f\nleft join champions c on c.dimension = f.dimension and c.group_id = f.group_name\n")
    for day in range(10, 30):
        collect_day(day)
    assert step().scope.full

    def columns() -> set[str]:
        con = duckdb.connect(cfg.warehouse.path, read_only=True)
        try:
            return {c for (c,) in con.execute("select column_name from duckdb_columns() "
                                              "where table_name = 'mart_stagnation'").fetchall()}
        finally:
            con.close()

    assert {"champion_name", "champion_email", "manager_email"} <= columns()  # as the earlier release built it
    (copy / "marts" / "mart_stagnation.sql").write_text(current)  # this release's SQL
    s = step().scope
    assert not s.full and s.rebuilt == {"mart_stagnation": "its SQL changed",
                                        "mart_acceptance_heatmap": "reads mart_stagnation, rebuilt"}
    assert columns().isdisjoint({"champion_name", "champion_email", "manager_email"})
    _same_as_full_rebuild(cfg, tmp_path / "full")
    assert step().scope.rebuilt == {}  # rebuilt once


def test_a_changed_intermediate_with_a_new_day_rebuilds_its_downstream_whole_and_the_rest_from_the_day(
        collected, sql_copy, tmp_path: Path):
    cfg, sim, tenant, collect_day, step = collected
    copy, edit = sql_copy
    for day in range(10, 30):
        collect_day(day)
    assert step().scope.full
    edit("intermediate/int_user_week.sql", "coalesce(a.days_in_28, 0) as days_in_28",
         "coalesce(a.days_in_28, 0) as days_in_28 -- next release")
    collect_day(30)
    s = step().scope
    assert not s.full and s.from_as_of == _latest_as_of(cfg)
    assert s.rebuilt == {"int_user_week": "its SQL changed",
                         "int_group_week_eligible": "reads int_user_week, rebuilt",
                         "mart_acceptance_heatmap": "reads mart_adoption_weekly, mart_stagnation, rebuilt",
                         "mart_adoption_weekly": "reads int_user_week, rebuilt",
                         "mart_stagnation": "reads int_group_week_eligible, mart_adoption_weekly, rebuilt",
                         "mart_intervention_effect": "reads mart_adoption_weekly, rebuilt",
                         "mart_intervention_kind_effect": "reads mart_intervention_effect, rebuilt",
                         "mart_reallocation_candidates": "reads mart_adoption_weekly, rebuilt",
                         "mart_survey_kpis": "reads mart_adoption_weekly, rebuilt"}
    _same_as_full_rebuild(cfg, tmp_path / "full-1")

    # the users' groups relabelled by their SQL: everything reading them is rebuilt whole, and the report dates of
    # the rest are not moved back to the first snapshot by the relabel
    edit("intermediate/int_user_groups.sql", "as unassigned,", "as unassigned, -- next release")
    collect_day(31)
    s = step().scope
    assert not s.full and s.from_as_of == _latest_as_of(cfg), s.describe()
    assert s.rebuilt["int_user_groups"] == "its SQL changed"
    assert s.rebuilt["int_user_snapshot"] == "reads int_user_groups, rebuilt"
    assert {"int_copilot_snapshots", "int_activity_days"}.isdisjoint(s.rebuilt)
    _same_as_full_rebuild(cfg, tmp_path / "full-2")


def test_a_parameter_rebuilds_only_the_objects_that_read_it(collected, tmp_path: Path):
    cfg, sim, tenant, collect_day, step = collected
    for day in range(10, 30):
        collect_day(day)
    assert step().scope.full
    # the oracle: the marts whose SQL asks for min_group_size, and the three that read only marts: the heatmap, the
    # per-kind intervention effect and the reallocation candidates
    readers = {f.stem for f in (db.SQL_DIR / "marts").glob("*.sql")
               if re.search(r"\bmin_group_size\b", re.sub(r"--[^\n]*", "", f.read_text()))}
    changed = cfg.model.model_copy(update={"min_group_size": cfg.model.min_group_size + 2})
    # the command says which objects it rebuilds and why (the config with the new parameter)
    changed_cfg = tmp_path / "changed.toml"
    changed_cfg.write_text(Path(cfg.source).read_text() + f"\n[model]\nmin_group_size = {changed.min_group_size}\n")
    run = subprocess.run([str(EXE), "transform", "--config", str(changed_cfg)], capture_output=True, text=True,
                         env={**os.environ, "COLUMNS": "200"}, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"(incremental: no report date changed; {len(readers) + 3} object(s) rebuilt whole" in run.stdout
    assert "  rebuilt whole: mart_usage_by_group: parameter min_group_size changed\n" in run.stdout
    assert "  rebuilt whole: mart_acceptance_heatmap: reads mart_adoption_weekly, mart_stagnation, " \
           "mart_usage_by_group, rebuilt\n" in run.stdout
    transform(cfg.warehouse.path, cfg.model)  # and back, to see the scope below
    s = transform(cfg.warehouse.path, changed).scope
    assert {"mart_usage_by_group", "mart_adoption_weekly", "mart_stagnation"} <= readers
    assert not s.full and set(s.rebuilt) == readers | {"mart_acceptance_heatmap", "mart_intervention_kind_effect",
                                                       "mart_reallocation_candidates"}
    assert {s.rebuilt[n] for n in readers} == {"parameter min_group_size changed"}
    assert s.rebuilt["mart_acceptance_heatmap"].startswith("reads ")
    assert s.rebuilt["mart_reallocation_candidates"].startswith("reads ")
    _same_as_full_rebuild(cfg, tmp_path / "full-1", changed)
    assert transform(cfg.warehouse.path, changed).scope.rebuilt == {}

    # a job-function rule: the users' groups and everything that reads them
    rules = cfg.model.model_copy(update={"job_function_rules": [
        JobFunctionRule(pattern="(?i)engineer", job_function="Engineering staff"), *changed.job_function_rules]})
    s = transform(cfg.warehouse.path, rules.model_copy(update={"min_group_size": changed.min_group_size})).scope
    assert s.rebuilt["int_user_groups"] == "parameter _job_function_rules changed"
    assert s.rebuilt["mart_usage_by_group"] == "reads int_user_groups, int_user_snapshot, rebuilt"
    assert "int_copilot_snapshots" not in s.rebuilt


def test_a_migration_rebuilds_what_reads_the_table_it_changed(collected, sql_copy, tmp_path: Path):
    cfg, sim, tenant, collect_day, step = collected
    copy, edit = sql_copy
    for day in range(10, 30):
        collect_day(day)
    assert step().scope.full
    (copy / "migrations" / "0099_next_release.sql").write_text(
        "-- a later release rewrites landed rows\nupdate raw_subscribed_skus set sku_part_number = sku_part_number;\n")
    s = step().scope
    assert not s.full
    assert s.rebuilt["int_user_groups"] == "reads stg_subscribed_skus, changed"
    assert s.rebuilt["mart_licences"] == "reads int_user_snapshot, rebuilt; reads stg_subscribed_skus, changed"
    assert "int_copilot_snapshots" not in s.rebuilt and "mart_agents" not in s.rebuilt
    _same_as_full_rebuild(cfg, tmp_path / "full")
    assert step().scope.rebuilt == {}  # applied once, and once rebuilt for
