"""The model's apps against the simulator's ground truth: agents, Copilot Chat work and web, the v2-only apps of a
v1 or switching tenant, one list of apps everywhere, and how the biggest mart is stored and checked."""

from __future__ import annotations

import duckdb
import numpy as np
import pytest
from conftest import query as q
from simulated_warehouse import APP_COLS, DAYS, FIRST, build_warehouse

from connector.simulator.tenant import DEPARTMENTS


@pytest.fixture(scope="module")
def model(model_warehouse):
    return model_warehouse


def dept_name(i: int) -> str:
    return DEPARTMENTS[i][0] if i >= 0 else "Unassigned"


V2_APPS = ("copilot_chat_web", "m365_copilot_app", "edge", "agents")


def test_weekly_agent_adoption_matches_ground_truth(model):
    """Agent use per department and complete week: the only per-user agent signal Graph has (docs/apps.md)."""
    cfg, _, t = model
    agent = APP_COLS["agents"][0]
    used = {d: t.state(d).last_active[:, agent] == d for d in range(FIRST, DAYS)}  # each day's agent users
    rows = q(cfg, "select week_start, week_end, group_name, licensed_users, active_users, eligible_users, "
                  "eligible_active_users from mart_adoption_weekly where dimension = 'department' and app = 'agents' "
                  "and complete_week and not suppressed order by 1, 3")
    assert len({r[0] for r in rows}) == 5
    for ws, we, group, n, active, eligible, eligible_active in rows:
        d1, d2 = t.day_of(ws), t.day_of(we)
        members = t.licensed(d2) & (np.array([dept_name(int(x)) for x in t.dept_on(d2)]) == group)
        week_users = np.logical_or.reduce([used[d] for d in range(d1, d2 + 1)])
        assert (n, active) == (int(members.sum()), int((week_users & members).sum())), (ws, group)
        # eligible: licensed for 30 days by the week's end, counted from the licence assignment
        truth_eligible = members & (t.lic_start <= d2 - 30)
        assert eligible == int(truth_eligible.sum()), (ws, group)
        expected = int((week_users & truth_eligible).sum()) if eligible >= 5 else None
        assert eligible_active == expected, (ws, group)
    assert sum(r[4] for r in rows) > 0  # the simulated tenant does use agents


def test_copilot_chat_counts_work_and_web_once(model):
    cfg, _, _ = model
    rows = q(cfg, "select c.active_users, w.active_users, a.active_users from mart_usage_by_group c "
                  "join mart_usage_by_group w using (as_of, window_days, dimension, group_name) "
                  "join mart_usage_by_group a using (as_of, window_days, dimension, group_name) "
                  "where c.app = 'copilot_chat' and w.app = 'copilot_chat_web' and a.app = 'any' "
                  "and dimension = 'tenant'")
    assert rows and all(web <= chat <= anyapp for chat, web, anyapp in rows)
    assert any(web < chat for chat, web, _ in rows)  # chat is work and web, web alone is less


def test_a_tenant_switching_from_v1_to_v2_has_v2_apps_only_from_then(tmp_path):
    # days 56..62 (week of 9 Nov) are refused v2 and fall back to v1; 63..69 (week of 16 Nov) are v2
    cfg, _, t = build_warehouse(tmp_path, range(56, 70), users=300, v2_from=63)
    assert q(cfg, "select _version, min(_report_refresh_date), max(_report_refresh_date) "
                  "from raw_copilot_usage_user_detail group by 1 order by 1") == [
        ("v1", t.date(56), t.date(62)), ("v2", t.date(63), t.date(69))]
    usage = dict(q(cfg, "select app, min(as_of) from mart_usage_by_group group by 1"))
    assert set(usage) == set(APP_COLS)
    for app, first in usage.items():
        assert first == (t.date(63) if app in V2_APPS else t.date(56)), app
    weekly = q(cfg, "select app, list(distinct week_start order by week_start) from mart_adoption_weekly "
                    "where complete_week group by 1")
    for app, weeks in weekly:
        assert weeks == ([t.date(63)] if app in V2_APPS else [t.date(56), t.date(63)]), app
    # on a v2 date the new apps are the simulator's truth, as in the v2-only warehouse
    st, lic, day = t.state(69), t.licensed(69), 69
    got = dict(q(cfg, "select app, active_users from mart_usage_by_group where dimension = 'tenant' "
                      "and window_days = 7 and as_of = ?", [t.date(day)]))
    for app in V2_APPS:
        assert got[app] == int((lic & (st.last_active[:, APP_COLS[app]].max(axis=1) >= day - 6)).sum()), app


def test_a_v1_only_tenant_has_no_rows_for_the_v2_apps(tmp_path):
    """Not zero rows pretending nobody used an agent: no rows at all, in every mart and the calendar."""
    cfg, _, _ = build_warehouse(tmp_path, range(60, 67), users=300, v2_from=10**6)
    assert q(cfg, "select distinct _version from raw_copilot_usage_user_detail") == [("v1",)]
    v1_apps = set(APP_COLS) - set(V2_APPS)
    for table in ("int_activity_days", "mart_usage_by_group", "mart_adoption_weekly", "mart_acceptance_heatmap"):
        assert {r[0] for r in q(cfg, f"select distinct app from {table}")} == v1_apps, table  # noqa: S608
    assert q(cfg, "select count(*) from mart_usage_by_group where app = 'copilot_chat' and active_users > 0")[0][0]


def test_one_list_of_apps_in_the_sql_the_code_and_the_docs():
    """warehouse/apps.py, the SQL that names apps and docs/apps.md list the same apps (a new one goes everywhere)."""
    import re
    from pathlib import Path

    from warehouse.apps import APPS, V2_APPS

    root = Path(__file__).resolve().parents[1]
    sql = root / "warehouse" / "sql"

    def quoted(text: str) -> list[str]:
        return re.findall(r"'(\w+)'", text)

    weekly = (sql / "marts" / "mart_adoption_weekly.sql").read_text()
    assert quoted(weekly[weekly.index("select unnest(['any'"):weekly.index("as app\n")]) == list(APPS)
    from warehouse import contract

    accepted = contract.checks()["accepted_values"]
    app = accepted.index("app not in")
    assert set(quoted(accepted[app:accepted.index("\nunion all", app)])) == set(APPS)
    assert set(quoted((sql / "macros" / "apps.sql").read_text().split("as app in")[1])) == V2_APPS
    doc = (root / "docs" / "apps.md").read_text()
    assert re.findall(r"^\| `(\w+)` \|", doc, re.MULTILINE) == list(APPS)
    assert set(re.findall(r"^\| `(\w+)` \|.*\*\*v2 only\*\* \|$", doc, re.MULTILINE)) == V2_APPS
    assert set(APP_COLS) == set(APPS)  # the ground truth covers every app


def test_usage_by_group_is_stored_by_report_date_and_its_checks_catch_a_group_built_twice(model, tmp_path):
    """mart_usage_by_group is sorted wide and unpivoted in that order (no sort of the long table): its rows come in
    report-date order, and the uniqueness check, run on the 'any' rows, still fails when a group's rows of one
    report date are inserted twice (what a chunk built twice or a group split in two would do)."""
    import shutil

    from warehouse.transform import all_checks

    cfg, _, _ = model
    copy = tmp_path / "wh.duckdb"
    shutil.copyfile(cfg.warehouse.path, copy)
    con = duckdb.connect(str(copy))
    try:
        dates = [r[0] for r in con.execute("select as_of from mart_usage_by_group").fetchall()]
        assert dates == sorted(dates)
        con.execute("set variable from_as_of = null::date")
        check = all_checks()["unique_usage_by_group"]
        assert con.execute(f"select count(*) from ({check})").fetchone()[0] == 0
        con.execute("insert into mart_usage_by_group select * from mart_usage_by_group where as_of = "
                    "(select max(as_of) from mart_usage_by_group) and dimension = 'department' and group_id = "
                    "(select min(group_id) from mart_usage_by_group where dimension = 'department')")
        assert con.execute(f"select count(*) from ({check})").fetchone()[0] == 2  # the 7- and 28-day 'any' rows
    finally:
        con.close()
