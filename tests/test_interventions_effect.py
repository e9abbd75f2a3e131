"""The measured effect of interventions against the simulator's ground truth (tests/uplift_warehouse.py): three
job functions adopt Copilot 25 points more from Monday 2026-10-26; an interventions file records a training for
them and a campaign for three untreated placebo job functions on that day. The difference in differences recovers
the uplift within each interval (and the interval excludes zero: the test has the power to see it), every
placebo interval includes zero, the per-kind averages follow, the not-enough-data statuses carry no number, and
the incremental transform gives exactly the marts of a full rebuild."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from connector.cli import cli
from tests import uplift_warehouse as uw
from tests.conftest import marts
from warehouse.transform import transform

COLUMNS = "group_name, kind, effect_pts, ci_low_pts, ci_high_pts, comparison_groups, status, sentence"


def _rows(path: str, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(path, read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def measured(tmp_path_factory: pytest.TempPathFactory):
    """The uplift warehouse after one more weekly collection and `interventions import` (which transforms)."""
    tmp = tmp_path_factory.mktemp("effect")
    cfg = uw.copy(tmp_path_factory, tmp)
    uw.land_last_week(cfg)
    out = CliRunner().invoke(cli, ["interventions", "import", str(uw.interventions_csv(tmp / "iv.csv")),
                                   "--config", cfg.source])
    assert out.exit_code == 0, out.output
    assert "6 of 6 line(s) loaded: 2 new intervention(s), 6 new targeted group(s)" in out.output
    rows = _rows(cfg.warehouse.path, f"select {COLUMNS} from mart_intervention_effect")  # noqa: S608
    return cfg, {r[0]: r for r in rows}


def test_treated_groups_recover_the_known_uplift_within_their_interval(measured):
    _, effects = measured
    for g in uw.TREATED:
        _, kind, effect, low, high, k, status, _ = effects[g]
        assert (kind, status) == ("training", "measured")
        assert k >= 3
        assert low <= uw.UPLIFT <= high, (g, effect, low, high)
        assert low > 0, f"{g}: the interval includes zero, the test has no power ({low:.1f} to {high:.1f})"


def test_placebo_groups_intervals_include_zero(measured):
    _, effects = measured
    for g in uw.PLACEBO:
        _, kind, effect, low, high, _, status, _ = effects[g]
        assert (kind, status) == ("campaign", "measured")
        assert low <= 0 <= high, (g, effect, low, high)
        assert abs(effect) < uw.UPLIFT / 2


def test_the_sentence_says_the_effect_its_comparisons_and_interval(measured):
    _, effects = measured
    _, _, effect, low, high, k, _, sentence = effects["Legal Counsel"]
    assert sentence == (f"Legal Counsel training on 26 Oct 2026: {round(effect):+d} pts vs {k} comparable job "
                        f"functions (95 % CI {round(low):+d} to {round(high):+d})")


def test_per_kind_average_recovers_the_uplift_and_the_placebo_zero(measured):
    cfg, _ = measured
    kinds = {r[0]: r for r in _rows(cfg.warehouse.path, "select kind, groups_measured, effect_pts, ci_low_pts, "
                                                        "ci_high_pts, status from mart_intervention_kind_effect")}
    _, n, effect, low, high, status = kinds["training"]
    assert (n, status) == (3, "measured") and 0 < low <= uw.UPLIFT <= high
    _, n, effect, low, high, status = kinds["campaign"]
    assert (n, status) == (3, "measured") and low <= 0 <= high


def test_incremental_transform_equals_a_full_rebuild(measured, tmp_path: Path):
    cfg, _ = measured
    full = tmp_path / "full.duckdb"
    full.write_bytes(Path(cfg.warehouse.path).read_bytes())
    assert transform(str(full), cfg.model, full=True, interventions=cfg.interventions).scope.full
    built, rebuilt = marts(cfg.warehouse.path), marts(full)
    assert built["mart_intervention_effect"] and built["mart_intervention_kind_effect"]
    for name in built:
        diff = [(a, b) for a, b in zip(built[name], rebuilt[name], strict=False) if a != b][:1]
        assert built[name] == rebuilt[name], f"{name} differs from a full rebuild: {diff}"


def test_not_enough_data_statuses_carry_no_number(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path):
    strict = uw.copy(tmp_path_factory, tmp_path, "[interventions]\nmax_rate_gap_points = 0.5\n")
    con = duckdb.connect(strict.warehouse.path, read_only=True)
    small = con.execute("select group_id, group_name from mart_adoption_weekly where dimension = 'manager' "
                        "and suppressed and complete_week order by week_start desc, group_id limit 1").fetchone()
    con.close()
    f = tmp_path / "iv.csv"
    f.write_text("date,kind,dimension,group_name,title\n"
                 "2026-10-19,training,job_function,Legal Counsel,Too strict to compare\n"
                 "2026-11-09,training,job_function,Paralegal,Too recent\n"
                 f"{uw.START},office hours,manager,{small[1]},Too small\n")
    out = CliRunner().invoke(cli, ["interventions", "import", str(f), "--config", strict.source])
    assert out.exit_code == 0, out.output
    rows = {r[0]: r for r in _rows(strict.warehouse.path, f"select {COLUMNS} from mart_intervention_effect")}  # noqa: S608
    assert rows["Legal Counsel"][6] == "too_few_comparisons"
    assert rows["Paralegal"][6] == "collecting"  # the warehouse ends on 2026-11-15: 1 of 4 weeks after
    assert rows[small[1]][6] == "suppressed"
    assert "not enough data yet (1 of 4 weeks after collected)" in rows["Paralegal"][7]
    assert re.search(r"not shown, fewer than 5 licensed people$", rows[small[1]][7])
    for r in rows.values():
        assert r[2:5] == (None, None, None), r
    kinds = _rows(strict.warehouse.path, "select kind, effect_pts, status from mart_intervention_kind_effect "
                                         "order by kind")
    assert kinds == [("office_hours", None, "too_few_measured"), ("training", None, "too_few_measured")]


def test_an_uplift_changes_only_its_group_from_its_date():
    import datetime as dt

    import numpy as np

    from connector.simulator.tenant import Tenant
    from connector.simulator.uplift import Uplift

    plain = Tenant.generate(users=300, days=28, seed=3, end=dt.date(2026, 11, 22))
    lifted = Tenant.generate(users=300, days=28, seed=3, end=dt.date(2026, 11, 22))
    lifted.uplifts = [Uplift("department", "Finance", plain.date(14), 40.0)]
    plain.state(27)
    lifted.state(27)
    finance = lifted.dept_on(27) == 0
    assert (plain._daily_any[:, ~finance] == lifted._daily_any[:, ~finance]).all()
    assert (plain._daily_any[:14] == lifted._daily_any[:14]).all()
    assert (lifted._daily_any[14:, finance] >= plain._daily_any[14:, finance]).all()
    assert lifted._daily_any[14:, finance].sum() > plain._daily_any[14:, finance].sum() * 1.2
    with pytest.raises(ValueError, match="no department 'Finanse'"):
        Uplift("department", "Finanse", plain.date(14), 10.0)
    reports = Uplift("manager", plain.upn[0], plain.date(0), 1.0).members(plain, 27, np.arange(plain.n))
    assert (reports == (plain.manager_on(27) == 0)).all() and reports.sum() >= 1  # the CEO's direct reports


def test_the_interventions_page_in_chromium(measured, tmp_path: Path):
    """The page a lead reads: the per-kind averages and each group's effect with its interval, in a browser."""
    from test_alerts_screenshot import ARTIFACTS, CHROMIUM

    if not Path(CHROMIUM).exists():
        pytest.skip("needs Debian's chromium (make test installs it)")
    from playwright.sync_api import sync_playwright

    from benchmarks.dashboard_server import Server

    cfg, _ = measured
    config = tmp_path / "dashboard.toml"
    config.write_text(Path(cfg.source).read_text() + '\n[dashboard]\nauth = "none"\n')
    server = Server(config, tmp_path / "dashboard.log")
    try:
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"])
            page = b.new_page(viewport={"width": 1400, "height": 1900})
            page.goto(f"{server.url}/interventions", wait_until="networkidle")
            page.get_by_role("heading", name="By kind, across the tenant").wait_for(timeout=30000)
            page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden", timeout=30000)
            page.locator('[data-testid="stDataFrame"]').nth(1).wait_for(timeout=30000)  # kinds, then groups
            page.wait_for_timeout(2000)  # the grids draw on a canvas after they mount
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "dashboard-interventions.png"), full_page=True)
            assert page.locator('[data-testid="stException"]').count() == 0
            assert page.get_by_role("heading", name="Record an intervention").count() == 1
            b.close()
    finally:
        server.stop()
