"""The warehouse model against the simulator's own ground truth, after five weeks of daily collections."""

from __future__ import annotations

import duckdb
import numpy as np
import pytest
from simulated_warehouse import APP_COLS, DAYS, END, FIRST, build_warehouse

from connector.collect import collect
from connector.simulator.server import Simulator
from connector.simulator.tenant import DEPARTMENTS, Tenant
from warehouse.config import Secrets, load_config
from warehouse.transform import transform


@pytest.fixture(scope="module")
def model(model_warehouse):
    return model_warehouse


def q(cfg, sql, params=None):
    con = duckdb.connect(cfg.warehouse.path, read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def dept_name(i: int) -> str:
    return DEPARTMENTS[i][0] if i >= 0 else "Unassigned"


@pytest.mark.parametrize("day", [FIRST + 10, DAYS - 1])
def test_usage_by_department_app_and_window_matches_ground_truth(model, day):
    cfg, _, t = model
    st = t.state(day)
    lic = t.licensed(day)
    dept = t.dept_on(day)
    as_of = t.date(day)
    rows = q(cfg, "select group_name, app, window_days, licensed_users, active_users from mart_usage_by_group "
                  "where dimension = 'department' and as_of = ?", [as_of])
    got = {(g, a, w): (n, act) for g, a, w, n, act in rows}
    expected = {}
    for d in set(dept[lic].tolist()):
        members = lic & (dept == d)
        for app, cols in APP_COLS.items():
            last = st.last_active[:, cols].max(axis=1)
            for w in (7, 28):
                active = int((members & (last >= day - w + 1)).sum())
                expected[(dept_name(d), app, w)] = (int(members.sum()), active)
    assert got == expected
    tenant_any = q(cfg, "select licensed_users, active_users from mart_usage_by_group where dimension = 'tenant' "
                        "and app = 'any' and window_days = 28 and as_of = ?", [as_of])[0]
    assert tenant_any == (int(lic.sum()), int((lic & (st.last_active.max(axis=1) >= day - 27)).sum()))


def test_history_is_kept_for_every_collected_day(model):
    cfg, _, t = model
    dates = [r[0] for r in q(cfg, "select distinct as_of from mart_usage_by_group order by 1")]
    assert dates == [t.date(d) for d in range(FIRST, DAYS)]


def test_weekly_active_users_match_ground_truth(model):
    cfg, _, t = model
    t.state(DAYS - 1)
    rows = q(cfg, "select week_start, week_end, group_name, licensed_users, active_users from mart_adoption_weekly "
                  "where dimension = 'department' and app = 'any' and complete_week order by 1, 3")
    assert len({r[0] for r in rows}) == 5
    for ws, we, group, n, active in rows:
        d1, d2 = t.day_of(ws), t.day_of(we)
        members = t.licensed(d2) & (np.array([dept_name(int(x)) for x in t.dept_on(d2)]) == group)
        truth_active = int((t._daily_any[d1: d2 + 1].any(axis=0) & members).sum())
        assert (n, active) == (int(members.sum()), truth_active), (ws, group)


def test_weekly_prompts_are_the_7_day_counts_of_the_weeks_last_snapshot(model):
    cfg, _, t = model
    rows = q(cfg, "select week_end, group_name, prompts from mart_adoption_weekly where dimension = 'department' "
                  "and app = 'any' and complete_week and prompts is not null order by 1, 2")
    assert len(rows) >= 5 * 4
    for we, group, prompts in rows:
        d = t.day_of(we)
        members = t.licensed(d) & (np.array([dept_name(int(x)) for x in t.dept_on(d)]) == group)
        assert prompts == int(t.window(d, 7)[1][members].sum()), (we, group)


def eligible_weeks(t: Tenant, dept: int, last_week_end: int, weeks: int = 4, min_days: int = 30) -> int:
    """Ground truth: of the `weeks` complete weeks ending on `last_week_end`, those in which the department has at
    least 5 people licensed for `min_days` days (their Copilot plan's assignment date, not the first collection)."""
    ends = [last_week_end - 7 * k for k in range(weeks)]
    return sum(int((t.licensed(e) & (t.dept_on(e) == dept) & (t.lic_start <= e - min_days)).sum()) >= 5 for e in ends)


def test_stagnation_flags_flat_low_and_declining_not_growing_or_high(model):
    cfg, _, t = model
    rows = q(cfg, "select group_name, flagged, status, reason, history_weeks from mart_stagnation "
                  "where dimension = 'department' and week_start = (select max(week_start) from mart_stagnation)")
    by = {g: (f, s, r, h) for g, f, s, r, h in rows}
    for d, (name, kind) in enumerate(DEPARTMENTS):
        flagged, status, reason, weeks = by[name]
        assert weeks == eligible_weeks(t, d, DAYS - 1), name
        if weeks < 2:
            continue
        if kind == "stagnate":
            assert flagged and status == "flagged" and "average" in reason and "target 60 %" in reason, (name, reason)
            assert reason.startswith("weekly active ") and " → " in reason, reason  # the weekly series
        elif kind == "decline":
            assert flagged and (reason.startswith("falling: weekly active") or "target 60 %" in reason), (name, reason)
        else:
            assert not flagged, (name, kind, reason)
    earlier = dict(q(cfg, "select group_name, reason from mart_stagnation where dimension = 'department' "
                          "and week_start = (select min(week_start) from mart_stagnation)"))
    first_week_end = FIRST + 6
    for d, (name, _) in enumerate(DEPARTMENTS):  # departments licensed a few days before collection began wait
        e = first_week_end
        if name not in earlier:  # nobody eligible yet: no row at all
            assert not (t.licensed(e) & (t.dept_on(e) == d) & (t.lic_start <= e - 30)).any(), name
            continue
        assert earlier[name] == ("collecting history: 1 of 4 weeks" if eligible_weeks(t, d, first_week_end, 1)
                                 else "not evaluated: fewer eligible people than the minimum group size"), name


def test_job_functions_merge_seniority_variants(model):
    cfg, _, t = model
    day = DAYS - 1
    lic = t.licensed(day)
    expected = sum(1 for i in np.flatnonzero(lic)
                   if t.title[i].lower().removeprefix("sr. ").removeprefix("senior ").removeprefix("junior ")
                   .removeprefix("lead ").removeprefix("principal ") == "financial analyst")
    got = q(cfg, "select licensed_users from mart_usage_by_group where dimension = 'job_function' and "
                 "group_name = 'Financial Analyst' and app = 'any' and window_days = 7 and as_of = ?", [t.date(day)])
    assert got == [(expected,)] and expected > 0
    variants = q(cfg, "select count(distinct job_title) from int_user_groups where job_function = 'Financial Analyst'")
    assert variants[0][0] >= 3  # e.g. Financial Analyst, Sr. Financial Analyst, financial analyst


def test_manager_teams_are_direct_reports_and_small_teams_suppressed(model):
    cfg, _, t = model
    day = DAYS - 1
    lic = t.licensed(day)
    mgr = t.manager_on(day)
    rows = q(cfg, "select group_name, licensed_users, active_users, suppressed from mart_usage_by_group where "
                  "dimension = 'manager' and app = 'any' and window_days = 7 and as_of = ?", [t.date(day)])
    assert rows
    upn = [u.replace("@", "_ext#@") if t.guest[i] else u for i, u in enumerate(t.upn)]
    ids = {f"{t.display[i]} ({upn[i]})": i for i in range(t.n)}
    checked = 0
    for name, n, active, suppressed in rows:
        if name == "Unassigned":
            continue
        m = ids[name]
        assert n == int((lic & (mgr == m)).sum())
        assert suppressed == (n < 5) and (active is None) == suppressed
        checked += 1
    assert checked > 10


def test_recollecting_the_same_day_changes_nothing(tmp_path):
    cfg, _, _ = build_warehouse(tmp_path, range(60, 64), users=300)
    before = q(cfg, "select * from mart_usage_by_group order by all")
    weekly = q(cfg, "select * from mart_adoption_weekly order by all")
    tenant = Tenant.generate(users=300, days=DAYS, seed=5, end=END)
    with Simulator(tenant) as sim:
        sim.state.day = 63
        cfg2 = load_config(cfg.source)
        cfg2 = cfg2.model_copy(update={"graph": cfg2.graph.model_copy(update={"base_url": sim.base_url})})
        assert collect(cfg2, secrets=Secrets(None, sim.state.token, None)).exit_code == 0
    transform(cfg.warehouse.path, cfg.model)
    assert q(cfg, "select count(distinct _run_id) from raw_copilot_usage_user_detail")[0][0] == 5
    assert q(cfg, "select * from mart_usage_by_group order by all") == before
    assert q(cfg, "select * from mart_adoption_weekly order by all") == weekly


def test_trend_takes_the_latest_restated_value(model):
    cfg, _, t = model
    st = t.state(DAYS - 1)
    rows = q(cfg, "select report_date, any_active, enabled_users from stg_copilot_trend where report_date <= ? "
                  "order by 1 desc limit 5", [t.date(DAYS - 4)])
    for d, active, enabled in rows:
        day = t.day_of(d)
        assert (active, enabled) == (int(st.trend_active[day, -1]), int(st.trend_enabled[day]))


def test_heatmap_levels_and_share_of_app_users(model):
    cfg, _, _ = model
    rows = q(cfg, "select app, level, active_rate, app_users, copilot_app_users, copilot_share_of_app_users "
                  "from mart_acceptance_heatmap where dimension = 'department' and not suppressed")
    assert rows and {level for *_, level in [(r[1],) for r in rows]} >= {"hot", "cold"}
    for app, level, rate, app_users, copilot_users, share in rows:
        # the headline's bands (warehouse/levels.py): hot means at or above the 60 % target
        assert level == ("too_small" if rate is None else "cold" if rate < 0.2 else "cool" if rate < 0.4
                         else "warm" if rate < 0.6 else "hot"), (app, level, rate)
        if app in ("word", "excel", "teams"):
            assert app_users > 0 and share == pytest.approx(copilot_users / app_users)
        if app in ("any", "loop", "copilot_chat"):
            assert app_users is None


def test_concealed_names_fill_tenant_level_and_explain_empty_groups(tmp_path):
    cfg, _, t = build_warehouse(tmp_path, range(60, 63), concealed=True, users=300)
    depts = q(cfg, "select count(*) from mart_usage_by_group where dimension <> 'tenant'")[0][0]
    assert depts == 0
    tenant = q(cfg, "select licensed_users, active_users from mart_usage_by_group where dimension = 'tenant' "
                    "and app = 'any' and window_days = 28 and as_of = ?", [t.date(62)])
    assert tenant and tenant[0][0] == int(t.licensed(62).sum()) and tenant[0][1] > 0
    status = q(cfg, "select group_views_available, reason from mart_data_status where as_of = ?", [t.date(62)])
    assert status[0][0] is False and "concealed" in status[0][1]


def test_job_function_rules_and_hr_overrides(tmp_path):
    from warehouse.config import ModelConfig
    from warehouse.transform import TransformError

    cfg, _, t = build_warehouse(tmp_path, range(66, 68), users=300)
    someone = next(i for i in range(t.n) if t.title[i] and "Engineer" not in t.title[i] and t.present(67)[i])
    overrides = tmp_path / "hr.csv"
    overrides.write_text(f"key,job_function\n{t.upn[someone].upper()},Special Projects\nParalegal,Legal Support\n")
    model = ModelConfig(job_function_rules=[{"pattern": "engineer$", "job_function": "Engineering"}],
                        job_function_overrides_csv=str(overrides))
    transform(cfg.warehouse.path, model)
    rows = dict(q(cfg, "select job_title, any_value(job_function) from int_user_groups "
                       "where job_title is not null group by 1"))
    engineers = {title: f for title, f in rows.items() if title.lower().endswith("engineer")}
    assert len(engineers) >= 3 and set(engineers.values()) == {"Engineering"}
    assert rows["Paralegal"] == "Legal Support"
    assert q(cfg, "select distinct job_function from int_user_groups where upn_key = ?",
             [t.upn[someone]]) == [("Special Projects",)]

    overrides.write_text("user,function\nx,y\n")
    with pytest.raises(TransformError, match="key,job_function"):
        transform(cfg.warehouse.path, model)
    with pytest.raises(TransformError, match="file not found"):
        transform(cfg.warehouse.path, ModelConfig(job_function_overrides_csv=str(tmp_path / "missing.csv")))
