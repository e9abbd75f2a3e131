"""The benchmark harness at a tiny scale (so it does not rot), and the back-fill it relies on."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from benchmarks import browser, first_sync, report
from benchmarks.backfill import backfill
from benchmarks.dashboard_server import Server
from benchmarks.harness import Options, run_size
from benchmarks.measure import query_latencies
from connector.collect import collect
from connector.simulator.server import Simulator
from connector.simulator.tenant import Tenant
from warehouse import db
from warehouse.config import ConfigError, Secrets, load_config
from warehouse.transform import transform

MARTS = ["mart_usage_by_group", "mart_adoption_weekly", "mart_acceptance_heatmap", "mart_stagnation",
         "mart_data_status"]


def test_harness_measures_a_small_tenant_end_to_end(tmp_path: Path):
    # every phase but the browser's (its own test below needs a tenant with flagged groups and complete weeks)
    phases = ("first_sync", "fresh", "full", "daily", "queries")
    r = run_size(300, Options(days=14, repeat=3, workdir=tmp_path / "work", keep=True, phases=phases, latency_ms=20),
                 progress=lambda m: None)
    assert [r[k]["exit_code"] for k in ("run_fresh", "transform", "transform_daily", "run_daily")] == [0, 0, 0, 0]
    assert r["first_sync"]["run_fresh"]["exit_code"] == 0 and "strategies" not in r["first_sync"]
    # each phase (and the back-fill it needs) between two load snapshots
    assert set(r["phases"]) == {*phases, "backfill"} and r["phases"]["backfill"]["setup"]
    assert all(p["load_before"]["loadavg"] and "busy" in p["load_after"] for p in r["phases"].values())
    for kind in ("fresh", "daily"):
        g = r[f"graph_requests_{kind}"]
        assert g["total"] == g["expected"] and g["repeated"] == 0 and g["token_sent_to_download_host"] == 0
    # users/delta pages hold 200 users (Graph's cap): a 300-person tenant is two pages when fresh, one daily
    assert r["graph_requests_fresh"]["users_pages"] == 2 and r["graph_requests_daily"]["users_pages"] == 1
    assert r["floor_s"] > 0 and r["run_over_floor"] > 0
    assert r["run_fresh"]["peak_rss_mb"] > 30  # the child's own RSS: a Python process with DuckDB loaded
    assert r["transform"]["slowest"] and all(s >= 0 for _, s in r["transform"]["slowest"])
    assert r["backfill_rows"] > 0 and r["mart_rows"]["mart_usage_by_group"] > 0
    assert r["queries"] and all(q["p95_ms"] >= q["p50_ms"] > 0 for q in r["queries"].values())
    # the dashboard's SQL files take `$name` parameters: the harness fills them from the warehouse itself
    wh = str(tmp_path / "work" / "300" / "history" / "wh.duckdb")
    timed = query_latencies(wh, {"by_date": "select * from mart_usage_by_group where as_of = $as_of",
                                 "unknown": "select $nope"}, repeat=2)
    assert timed["by_date"]["rows"] > 0 and timed["by_date"]["params"]["as_of"] == "2026-11-20"
    assert "$nope" in timed["unknown"]["error"]
    out = report.write({"300": r}, tmp_path / "results.json")
    doc = json.loads(out.read_text())
    assert doc["machine"]["cores"] >= 1 and doc["sizes"]["300"]["users"] == 300
    assert {(t["row"], t["measure"]) for t in doc["targets"] if t["value"] is not None} >= {
        ("fresh run", "Graph requests beyond plan"), ("daily run", "Graph requests beyond plan")}
    table = report.markdown(doc)
    for row in ("first run, 20 ms per Graph request", "fresh run", "full rebuild", "daily run", "daily transform",
                "dashboard queries"):
        assert f"| {row} | 300 |" in table, row
    # the dashboard phases alone on the warehouse just built (read-only), as `--warehouse PATH --phases queries`
    again = run_size(300, Options(repeat=2, workdir=tmp_path / "again", phases=("queries",), warehouse=Path(wh)),
                     progress=lambda m: None)
    assert again["history_days"] == 15 and again["queries"].keys() == r["queries"].keys()
    assert set(again["phases"]) == {"queries"}
    with pytest.raises(ValueError, match="only browser, queries"):
        Options(phases=("full",), warehouse=Path(wh))


def _marts(path: str) -> dict[str, list[tuple]]:
    con = duckdb.connect(path, read_only=True)
    try:
        return {m: sorted(con.execute(f"select * from {m}").fetchall(), key=repr) for m in MARTS}
    finally:
        con.close()


def test_backfill_gives_the_marts_of_daily_collections_over_http(tmp_path: Path):
    tenant = Tenant.generate(users=300, days=24, seed=3)
    with Simulator(tenant, day=0) as sim:
        cfgs = {}
        for name in ("http", "backfill"):
            (tmp_path / name).mkdir()
            (tmp_path / name / "config.toml").write_text(
                f'[graph]\nbase_url = "{sim.base_url}"\n[auth]\nmethod = "token"\n'
                f'[warehouse]\npath = "{(tmp_path / name / "wh.duckdb").as_posix()}"\n'
                '[collect]\nm365_reports = ["m365_app_user_detail"]\n'
                # a 24-day tenant: eligible after a week of licence (from the plan assignment date), not 30 days
                '[model.stagnation]\nmin_licensed_days = 7\n')
            cfgs[name] = load_config(tmp_path / name / "config.toml")
        for day in range(10, 24):
            sim.state.day = day
            assert collect(cfgs["http"], secrets=Secrets(None, sim.state.token, None)).exit_code == 0
        backfill(cfgs["backfill"], Tenant.generate(users=300, days=24, seed=3), range(10, 24), sim.base_url)
    for cfg in cfgs.values():
        assert transform(cfg.warehouse.path, cfg.model).failed_checks == []
    http, filled = _marts(cfgs["http"].warehouse.path), _marts(cfgs["backfill"].warehouse.path)
    assert all(http[m] for m in MARTS)
    assert http == filled


def test_memory_limit_is_validated_and_applied(tmp_path: Path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[warehouse]\nmemory_limit = "lots"\n')
    with pytest.raises(ConfigError, match="memory_limit"):
        load_config(bad)
    con = db.connect(str(tmp_path / "wh.duckdb"), memory_limit="512MB")
    try:
        assert con.execute("select current_setting('memory_limit')").fetchone()[0] in ("512.0 MiB", "488.2 MiB")
    finally:
        con.close()


def test_first_sync_measures_pages_and_round_trips(tmp_path: Path):
    r = first_sync.run_size(600, latency_ms=30, workdir=tmp_path, days=14, progress=lambda m: None)
    present = r["present_users"]
    c = r["collector_users_sync"]
    assert c["rows"] == present and c["users_pages"] == c["users_pages_seen"] == r["expected_users_pages"] == 3
    assert c["fetch_s"] >= c["users_pages"] * 0.030  # the pages follow each other: a lower bound
    assert r["run_fresh"]["exit_code"] == 0 and r["run_fresh"]["users_pages"] == 3
    s = r["strategies"]
    assert s["delta"] == {**s["delta"], "requests": 3, "users": present}
    # the listing pages at 100 when it expands the manager, at 999 without; each after the latest-token request
    assert s["latest_then_listing"]["requests"] == 1 + r["expected_listing_pages"] == 1 + 6
    assert s["latest_then_listing_no_manager"]["requests"] == 2
    assert all(v["users"] == present and v["wall_s"] >= v["requests"] * 0.030 for v in s.values())
    out = first_sync.write({"600": r}, tmp_path / "fs.json")
    assert "| 600 (" in first_sync.markdown(json.loads(out.read_text()))


@pytest.mark.skipif(not Path(browser.CHROMIUM).exists(), reason="needs Debian's chromium (make test installs it)")
def test_browser_phase_times_every_page_of_both_roles(model_warehouse, tmp_path: Path):
    """The real dashboard on the shared model warehouse (copied: the phase adds a champion), one round: every page
    of both roles renders its main element, the champion has real groups, and the file it started from is
    untouched; the table and the targets carry each page."""
    src = Path(model_warehouse[0].warehouse.path)
    before = src.stat().st_mtime_ns
    res = browser.run(src, tmp_path / "browser", repeat=1, progress=lambda m: None)
    assert src.stat().st_mtime_ns == before
    assert res["floor"]["failed"] == 0 and res["floor"]["p95_ms"] > 0
    dims = {d for d, _ in res["champion"]["groups"]}
    assert dims == {"department", "manager"}
    for role, keys in (("admin", {"attention", "my-groups-linked", "champions"}), ("champion", {"my-groups"})):
        pages = res["roles"][role]["pages"]
        assert keys <= set(pages) and {"overview", "heatmap-manager", "data"} <= set(pages)
        for key, p in pages.items():
            assert p["failed"] == 0, (role, key, p.get("errors"))
            assert p["n"] == 1 and p["p95_ms"] == p["p50_ms"] == p["cold_ms"] > 0, (role, key)
        assert res["roles"][role]["server_peak_rss_mb"] > 50
    doc = {"date": "2026-12-01", "commit": "x", "machine": report.machine(),
           "sizes": {"300k": {"users": 300_000, "history_days": 180, "browser": res}}}
    doc["targets"] = report.targets(doc["sizes"])
    judged = [t for t in doc["targets"] if t["row"].startswith("browser:")]
    assert len(judged) == len(res["roles"]["admin"]["pages"]) + len(res["roles"]["champion"]["pages"])
    assert "| browser: my-groups (champion) | 300k |" in report.markdown(doc)


@pytest.mark.skipif(not Path(browser.CHROMIUM).exists(), reason="needs Debian's chromium (make test installs it)")
def test_a_page_that_does_not_render_counts_as_failed(tmp_path: Path):
    """No vacuous pass: a dashboard with no data stops with a notice (no title, no chart), so the page fails
    instead of timing the notice; one failed round fails the page's target however fast the others were."""
    from playwright.sync_api import sync_playwright

    cfg = tmp_path / "dashboard.toml"
    cfg.write_text(f'[auth]\nmethod = "token"\n[warehouse]\npath = "{(tmp_path / "empty.duckdb").as_posix()}"\n'
                   '[dashboard]\nauth = "none"\n')
    server = Server(cfg, tmp_path / "server.log")
    try:
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=browser.CHROMIUM, headless=True, args=["--no-sandbox"])
            page = b.new_page()
            got = browser.open_page(page, server.url + "/overview", browser.PageSpec("overview", "/overview",
                                                                                    "Overview", browser.CHART),
                                    timeout_ms=8000)
            b.close()
    finally:
        server.stop()
    # a missing warehouse file reads as "a collection is writing" (dashboards/queries.py), else "not rendered"
    assert "not rendered" in got["error"] or "writing the warehouse" in got["error"], got
    s = browser.summarise([{"ms": 300.0}, got, {"ms": 200.0}])
    assert s["failed"] == 1 and s["p95_ms"] == 300.0 and s["met"] is False
    assert browser.summarise([{"ms": 300.0}, {"ms": 200.0}])["met"] is True
