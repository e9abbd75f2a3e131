"""The benchmark harness at a tiny scale (so it does not rot), and the back-fill it relies on."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from benchmarks import first_sync, report
from benchmarks.harness import Options, run_size
from benchmarks.measure import query_latencies
from connector.collect import collect
from connector.simulator.backfill import backfill
from connector.simulator.server import Simulator
from connector.simulator.tenant import Tenant
from warehouse import db
from warehouse.config import ConfigError, Secrets, load_config
from warehouse.transform import transform

MARTS = ["mart_usage_by_group", "mart_adoption_weekly", "mart_acceptance_heatmap", "mart_stagnation",
         "mart_data_status"]


def test_harness_measures_a_small_tenant_end_to_end(tmp_path: Path):
    r = run_size(300, Options(days=14, repeat=3, workdir=tmp_path / "work", keep=True), progress=lambda m: None)
    assert [r[k]["exit_code"] for k in ("run_fresh", "transform", "transform_daily", "run_daily")] == [0, 0, 0, 0]
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
    assert {t["measure"] for t in doc["targets"] if t["value"] is not None} >= {
        "Graph requests beyond plan (fresh)", "Graph requests beyond plan (daily)"}


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
