"""Reclaim and reallocation candidates and idle cost against the simulator's ground truth (docs/licences.md).

One warehouse, built the real way: a 200-person tenant plus the licence cases of connector/simulator/licence_cases.py
(a user licensed last week, one idle for 40 days after a 60-day-old assignment, two disabled accounts (one through
users/delta a week ago), a deleted account, unlicensed heavy Microsoft 365 users in IT and Human Resources, ...),
collected over HTTP every day of the last 30, then transformed by the daily job with a `[licences]` section (a
second SKU priced differently). Every tier and every week's idle cost is compared with what the simulator served,
for all users, not only the cases.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
import numpy as np
import pytest
from dashboard_apptest import app, by_label, chart_rows, frames, texts
from simulated_warehouse import DAYS, END, build_warehouse, copy_warehouse

from alerts.render import render_digest_bodies
from alerts.run import load_batch
from connector.jobs import transform_job
from connector.simulator.licence_cases import REALLOCATION, account_enabled, expected_ranking, expected_tiers
from connector.simulator.tenant import Tenant
from dashboards import charts

E = DAYS - 1  # the last simulated day: the latest report date
FIRST_DAY = E - 29  # daily collection of the last 30 days
PRICES = {0: 30.0, 1: 50.0}  # lic_sku 0 = Microsoft_365_Copilot, 1 = Microsoft_Copilot_for_Sales
EXTRA = ('[licences]\nmin_group_rate = 0.5\n'
         'prices = { Microsoft_365_Copilot = 30.0, Microsoft_Copilot_for_Sales = 50.0 }\n'
         '[dashboard]\nauth = "none"\ncache_ttl_seconds = 2\n'
         '[alerts]\nfrom_address = "copilot@contoso.example"\ndigest_address = "lead@contoso.example"\n')


def _tenant() -> Tenant:
    return Tenant.generate(users=200, days=DAYS, seed=5, end=END, licence_cases=True)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("licences")
    base, _, _ = build_warehouse(tmp, range(FIRST_DAY, DAYS), tenant=_tenant(), users=200)
    cfg = copy_warehouse(base, tmp / "wh", EXTRA)
    job = transform_job(cfg)  # the daily job's transform: reads [licences] and [privacy] from the config
    assert job.transform_error is None and job.transform.failed_checks == []
    return cfg, _tenant()


def _rows(cfg, sql: str, *params) -> list[tuple]:
    con = duckdb.connect(cfg.warehouse.path, read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def _truth_on(t: Tenant, day: int) -> dict[str, dict]:
    """Every Copilot-licensed person on `day` as the simulator served them: tier, idle, price."""
    last = t.state(day).last_active.max(axis=1)
    active_30, _ = t.window(day, 30)
    out = {}
    for i in np.flatnonzero(t.licensed(day)).tolist():
        since = int(t.lic_start[i])
        used = int(last[i]) if last[i] >= since else None
        inactive = day - (used if used is not None else since)
        past_grace = day - since >= 30
        tier = ("disabled" if not account_enabled(t, i, day) else None if not past_grace
                else "never_used" if inactive >= 30 and used is None else "lapsed" if inactive >= 30
                else "low_use" if used is not None and active_30[i] < 3 else None)
        out[t.upn_on(i, day)] = {"tier": tier, "idle": past_grace and inactive >= 30, "since": t.date(since),
                                 "price": PRICES[int(t.lic_sku[i])], "inactive": inactive}
    return out


def test_reclaim_tiers_match_the_simulated_tenant(built):
    cfg, t = built
    truth = _truth_on(t, E)
    got = {r[0]: r[1:] for r in _rows(cfg, "select user_principal_name, tier, idle, monthly_price, licensed_since, "
                                           "licensed_since_source, days_inactive from mart_licence_candidates")}
    assert {u: v[0] for u, v in got.items()} == {u: v["tier"] for u, v in truth.items() if v["tier"]}
    for upn, (_, idle, price, since, source, inactive) in got.items():
        assert (idle, price, since, source, inactive) == (truth[upn]["idle"], truth[upn]["price"],
                                                          truth[upn]["since"], "assigned", truth[upn]["inactive"])
    # the cases by name: licensed last week no, idle 40 days after a 60-day-old assignment yes, disabled first
    upn = {name: t.upn[i] for name, i in t.licence_cases.index.items()}
    for name, tier in expected_tiers().items():
        assert (got[upn[name]][0] if upn[name] in got else None) == tier, name
    assert got[upn["idle_40_days"]][3:] == (t.date(E - 60), "assigned", 40)
    assert got[upn["disabled_last_week"]][:2] == ("disabled", False)  # disabled through users/delta, used 8 days ago
    assert upn["deleted_account"] not in truth  # deleting the user freed the licence: nothing to reclaim
    tiers = [r[0] for r in _rows(cfg, "select tier from mart_licence_candidates")]
    assert tiers[0] == "disabled" and set(tiers) == {"disabled", "never_used", "lapsed", "low_use"}


def test_idle_cost_per_week_matches_the_simulated_tenant(built):
    cfg, t = built
    weeks = _rows(cfg, "select as_of, idle_licences, idle_monthly_cost, licensed_monthly_cost, currency "
                       "from mart_idle_cost where dimension = 'tenant' order by as_of")
    assert [w[0] for w in weeks] == [dt.date(2026, 10, 25), dt.date(2026, 11, 1), dt.date(2026, 11, 8),
                                     dt.date(2026, 11, 15), END]  # each week's last report date
    for as_of, idle, cost, licensed_cost, currency in weeks:
        truth = _truth_on(t, t.day_of(as_of))
        assert (idle, cost, licensed_cost, currency) == (
            sum(v["idle"] for v in truth.values()), sum(v["price"] for v in truth.values() if v["idle"]),
            sum(v["price"] for v in truth.values()), "USD"), as_of
    # the latest week is the candidates' idle licences; departments below min_group_size carry no numbers
    assert weeks[-1][2] == _rows(cfg, "select sum(monthly_price) from mart_licence_candidates where idle")[0][0]
    small = _rows(cfg, "select idle_licences, idle_monthly_cost from mart_idle_cost where suppressed")
    assert small and all(r == (None, None) for r in small)


def test_reallocation_candidates_match_the_simulated_tenant(built):
    cfg, t = built
    rates = dict(_rows(cfg, "select group_id, weekly_active_rate from mart_adoption_weekly where dimension = "
                            "'department' and app = 'any' and week_start = (select max(week_start) from "
                            "mart_adoption_weekly where complete_week)"))
    assert rates["IT"] >= 0.5 > rates["Human Resources"]  # the simulator's high and declining departments
    got = _rows(cfg, "select rank, user_principal_name, department, active_days_28, apps_used "
                     "from mart_reallocation_candidates order by rank")
    index = t.licence_cases.index
    assert [r[1] for r in got] == [t.upn[index[name]] for name in expected_ranking()]
    assert [(r[2], r[4]) for r in got] == [(REALLOCATION[n][0], REALLOCATION[n][2]) for n in expected_ranking()]
    assert got[0][3] == 28 and got[1][3] == got[2][3] == 20  # every day; the weekdays of four weeks
    assert _rows(cfg, "select distinct days_observed from mart_reallocation_candidates") == [(28,)]


def test_licence_views_off_builds_no_list_and_shows_no_page(built, tmp_path: Path, monkeypatch):
    cfg, _ = built
    off = copy_warehouse(cfg, tmp_path, "[privacy]\nlicence_views = false\n")
    assert transform_job(off).transform.failed_checks == []
    assert _rows(off, "select (select count(*) from mart_licence_candidates), "
                      "(select count(*) from mart_reallocation_candidates), "
                      "(select count(*) > 0 from mart_idle_cost)") == [(0, 0, True)]  # aggregates stay
    for c, view_as in ((off, None), (cfg, "someone@contoso.example"), (cfg, None)):  # off; no admin; an admin
        at = app(c, monkeypatch, view_as=view_as)
        at.run()
        assert not at.exception
        if c is cfg and view_as is None:
            at.switch_page("views/reclaim.py").run()  # registered for an admin while the views are on
            continue
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page("views/reclaim.py")


def test_reclaim_page_filters_counts_and_records_each_download(built, tmp_path: Path, monkeypatch):
    cfg = copy_warehouse(built[0], tmp_path)
    t = built[1]
    at = app(cfg, monkeypatch)
    at.run()
    at.switch_page("views/reclaim.py").run()
    assert not at.exception
    assert "Admins only: this page names people" in texts(at)
    first = frames(at)[0]  # licences to remove first: the disabled accounts
    assert sorted(first["person"]) == [f"{n.replace('_', ' ').title()} ({t.upn[t.licence_cases.index[n]]})"
                                       for n in ("disabled_account", "disabled_last_week")]
    by_label(at.multiselect, "Tier").set_value(["lapsed"]).run()
    by_label(at.multiselect, "Department").set_value(["Marketing"]).run()
    counts, shown = frames(at)[1], frames(at)[2]
    expected = _rows(cfg, "select user_principal_name from mart_licence_candidates where tier = 'lapsed' and "
                          "department = 'Marketing' order by days_inactive desc, user_principal_name")
    assert list(shown["upn"]) == [r[0] for r in expected] and len(expected) >= 1
    assert t.upn[t.licence_cases.index["idle_40_days"]] in list(shown["upn"])
    assert list(counts["department"]) == ["Marketing"] and list(counts["lapsed"]) == [len(expected)]
    by_label(at.download_button, f"Download {len(expected)} candidates (CSV)").click().run()
    assert not at.exception
    assert f"Download recorded: {len(expected)} rows of the reclaim list." in texts(at)
    (who, kind, rows, filters, as_of), = _rows(cfg, "select exported_by, list, rows, filters, as_of "
                                                    "from licence_exports")
    assert (who, kind, rows, as_of) == ("local demo", "reclaim", len(expected), END)
    assert json.loads(filters) == {"dimension": "department", "groups": ["Marketing"], "tiers": ["lapsed"]}
    assert frames(at)[-1]["rows"].tolist() == [str(len(expected))]  # the recorded downloads, on the page
    realloc = frames(at)[-2]
    assert list(realloc["upn"]) == [t.upn[t.licence_cases.index[n]] for n in expected_ranking()]


def test_overview_and_digest_show_the_idle_cost(built, monkeypatch):
    cfg, _ = built
    idle, cost = _rows(cfg, "select idle_licences, idle_monthly_cost from mart_idle_cost where dimension = "
                            "'tenant' order by as_of desc limit 1")[0]
    at = app(cfg, monkeypatch)
    at.run()
    at.switch_page("views/overview.py").run()
    assert not at.exception
    assert by_label(at.metric, "Idle licences cost a month").value == f"{cost:,.0f} USD"
    trend = chart_rows(at, len(at.get("vega_lite_chart")) - 1)  # the last chart: the idle cost per week
    assert [r["idle_monthly_cost"] for r in trend][-1] == cost and len(trend) == 5
    con = duckdb.connect(cfg.warehouse.path, read_only=True)
    charts.idle_cost(con.execute("select * from mart_idle_cost where dimension = 'tenant'").df()).to_dict()  # valid
    con.close()
    batch, _, _ = load_batch(cfg, save_followups=False)
    text, html = render_digest_bodies(batch.digest, cfg)
    assert f"Idle Copilot licences: {idle:,} of " in text and f"cost {cost:,.0f} USD a month" in text
    assert f"Idle Copilot licences: {cost:,.0f} USD a month" in html
    section = text[text.index("Idle Copilot licences:"):text.index("/reclaim")]
    assert "@" not in section and "* " in section  # departments with their cost, no person

