"""The real collector, over real HTTP, against the built-in Graph simulator."""

from __future__ import annotations

import hashlib
import time

from conftest import query

from connector import fetch
from connector.collect import collect
from connector.reports import REPORTS
from connector.simulator.server import Fault

RAW_REPORT_TABLES = [r.raw_table for r in REPORTS.values()]


def statuses(result) -> dict[str, str]:
    return {f"{o.report}({o.period})" if o.period else o.report: o.status for o in result.outcomes}


def test_full_run_lands_every_report_and_the_directory(cfg, sim, tenant):
    result = collect(cfg)
    assert result.exit_code == 0, [(o.report, o.message) for o in result.outcomes if o.status != "ok"]
    assert set(statuses(result).values()) == {"ok"}
    for table in RAW_REPORT_TABLES:
        n, refresh = query(cfg, f"select count(*), max(_report_refresh_date) from {table}")[0]
        assert n > 0, table
        assert refresh == tenant.date(tenant.days - 1), table
    # v2 columns are landed by header name, including the ones after Report Period
    cols = {r[0] for r in query(cfg, "select column_name from information_schema.columns "
                                     "where table_name = 'raw_copilot_usage_user_detail'")}
    assert {"prompts_submitted_for_all_apps", "active_usage_days_for_all_apps",
            "copilot_chat_work_last_activity_date", "copilot_agent_last_activity_date"} <= cols
    # the user-detail report holds exactly the people licensed in the last 180 days
    expected = int(((tenant.lic_start <= 59) & ~tenant.plans_disabled & tenant.present(59)).sum())
    assert query(cfg, "select count(*) from raw_copilot_usage_user_detail where _period = 'D28'")[0][0] == expected
    # directory: every present user, with manager and licences; the delta link is kept whole
    users = query(cfg, "select count(*), count(manager_id), count(department) from raw_users")[0]
    assert users[0] == int(tenant.present(59).sum())
    # everyone but the CEO has a manager, unless that manager has left (or is not hired yet)
    with_manager = int((tenant.manager_on(59)[tenant.present(59)] >= 0).sum())
    assert users[1] == with_manager and users[0] - 30 < with_manager < users[0]
    link = query(cfg, "select delta_link from _delta_links where resource = 'users'")[0][0]
    assert link.startswith(sim.base_url + "/v1.0/users/delta?$deltatoken=")
    assert query(cfg, "select count(*) from raw_subscribed_skus")[0][0] == 3
    assert query(cfg, "select display_concealed_names from raw_report_settings")[0][0] is False
    # M365 reports went through a 302 to the download host, which never saw the bearer token
    assert sim.state.auth_leaks == 0
    assert not [r for r in sim.state.requests if "/beta/" in r]
    # one request per report and period, plus the user pages (200 users each, Graph's cap), nothing repeated
    assert len(set(sim.state.requests)) == len(sim.state.requests)
    pages = -(-int(tenant.present(59).sum()) // 200)
    assert pages >= 2  # the tenant is big enough to page
    report_requests = len(cfg.collect.copilot_user_detail_periods) + 2 + len(cfg.collect.m365_reports)
    assert len(sim.state.requests) == report_requests + 2 + pages
    delta = [r for r in sim.state.requests if "/users/delta" in r]
    assert len(delta) == pages and not [r for r in delta if "top=" in r.lower()]  # $top is never sent there


def test_second_run_same_day_keeps_history_and_uses_the_delta_link(cfg, sim):
    first = collect(cfg)
    second = collect(cfg)
    assert first.exit_code == second.exit_code == 0
    runs = query(cfg, "select count(distinct _run_id), count(*) from raw_copilot_usage_user_detail")[0]
    once = query(cfg, "select count(*) from raw_copilot_usage_user_detail where _run_id = ?", [first.run_id])[0][0]
    assert runs == (2, 2 * once)  # raw is append-only history; the model dedupes
    users = {o.report: o for o in second.outcomes}["users"]
    assert users.version == "delta" and users.rows == 0 and users.requests == 1


def test_delta_after_the_clock_moves_lands_only_changes(cfg, sim, tenant):
    sim.state.day = 30
    collect(cfg)
    sim.state.day = 45
    result = collect(cfg)
    users = {o.report: o for o in result.outcomes}["users"]
    assert users.version == "delta"
    changed = query(cfg, "select count(*), count(removed_reason) from raw_users where _sync = 'delta'")[0]
    assert 0 < changed[0] < int(tenant.present(45).sum()) / 2
    assert changed[1] == int(((tenant.delete_day > 30) & (tenant.delete_day <= 45)).sum())


def test_expired_delta_link_falls_back_to_a_full_sync(cfg, sim, tenant):
    collect(cfg)
    sim.state.day = 20  # the saved token is "from the future": Graph answers 410
    result = collect(cfg)
    users = {o.report: o for o in result.outcomes}["users"]
    assert users.status == "ok" and users.version == "full"
    assert users.rows == int(tenant.present(20).sum())


def test_short_429s_are_retried_in_process(cfg, sim):
    sim.state.throttle_every = 3
    result = collect(cfg)
    assert result.exit_code == 0
    assert sim.state.report_requests > len([o for o in result.outcomes if o.period])


def test_long_retry_after_is_recorded_not_slept(cfg, sim):
    sim.state.faults.append(Fault("getMicrosoft365CopilotUserCountTrend", 429, retry_after=600, times=5))
    result = collect(cfg)
    assert result.exit_code == 75
    trend = {o.report: o for o in result.outcomes}["copilot_user_count_trend"]
    assert trend.status == "throttled" and trend.retry_after == 600 and "Retry-After 600" in trend.message
    assert query(cfg, "select count(*) from raw_copilot_user_count_trend")[0][0] == 0
    assert query(cfg, "select status from _runs where report = 'copilot_user_count_trend'")[0][0] == "throttled"
    assert query(cfg, "select count(*) from raw_copilot_usage_user_detail")[0][0] > 0


def test_missing_permission_names_it_and_commits_nothing_for_that_report(cfg, sim):
    sim.state.denied = {"Reports.Read.All"}
    result = collect(cfg)
    assert result.exit_code == 1
    failed = [o for o in result.outcomes if o.status in ("error", "skipped")]
    assert failed and all(o.report in REPORTS for o in failed)
    msgs = " ".join(o.message for o in failed)
    assert "Reports.Read.All" in msgs and "copilot_usage_user_detail" in msgs
    for table in RAW_REPORT_TABLES:
        assert query(cfg, f"select count(*) from {table}")[0][0] == 0
    # directory data, which the app may read, still lands
    assert query(cfg, "select count(*) from raw_users")[0][0] > 0


def test_invalid_token_is_a_clear_401(cfg, sim, monkeypatch):
    monkeypatch.setenv("COPILOT_USAGE_GRAPH_TOKEN", "wrong")
    from warehouse.config import Secrets

    result = collect(cfg, secrets=Secrets.from_env())
    assert result.exit_code == 1
    assert any("HTTP 401" in o.message for o in result.outcomes)
    assert not any("wrong" in o.message for o in result.outcomes)


def test_v2_refused_falls_back_to_v1_with_d30(cfg, sim):
    sim.state.v2_supported = False
    result = collect(cfg)
    assert result.exit_code == 0
    detail = [o for o in result.outcomes if o.report == "copilot_usage_user_detail"]
    assert {(o.period, o.version) for o in detail} == {("D7", "v1"), ("D30", "v1")}
    assert all("fell back to v1" in o.message for o in detail)
    periods = query(cfg, "select distinct report_period from raw_copilot_usage_user_detail order by 1")
    assert periods == [("30",), ("7",)]


def test_html_error_page_with_200_is_rejected_and_old_data_untouched(cfg, sim):
    collect(cfg)
    before = query(cfg, "select count(*) from raw_copilot_usage_user_detail")[0][0]
    sim.state.faults.append(Fault("getMicrosoft365CopilotUsageUserDetail", 200, retry_after=None, times=2,
                                  body="<html><body>Service unavailable</body></html>", content_type="text/html"))
    result = collect(cfg)
    assert result.exit_code == 1
    bad = [o for o in result.outcomes if o.status == "error"]
    assert {o.report for o in bad} == {"copilot_usage_user_detail"}
    assert all("HTML" in o.message for o in bad)
    assert query(cfg, "select count(*) from raw_copilot_usage_user_detail")[0][0] == before


def test_truncated_and_wrong_column_bodies_are_errors(cfg, sim, tenant):
    good = sim.render(("copilot", "copilot_user_detail", tenant.days - 1, 7, "v2", False))
    cut = good[: len(good) // 2]
    cut = cut[: cut.rfind(b",")]  # ends mid-row
    sim.state.faults += [
        Fault("period='D7'", 200, retry_after=None, body=cut.decode("utf-8"), content_type="application/octet-stream"),
        Fault("getOffice365ActiveUserDetail", 200, retry_after=None, body="Foo,Bar\n1,2\n",
              content_type="application/octet-stream"),
    ]
    result = collect(cfg)
    msgs = {f"{o.report}({o.period})": o.message for o in result.outcomes if o.status == "error"}
    assert "truncated" in msgs["copilot_usage_user_detail(D7)"]
    assert "lacks the column" in msgs["office365_active_user_detail(D7)"]
    assert query(cfg, "select count(*) from raw_copilot_usage_user_detail where _period = 'D7'")[0][0] == 0
    assert query(cfg, "select count(*) from raw_office365_active_user_detail")[0][0] == 0


def test_headers_parsed_by_name_any_order_case_and_new_columns_kept(cfg, sim):
    body = ("\ufeffreport period ,  USER PRINCIPAL NAME,Report Refresh Date,Last Activity Date,Brand New Column,"
            "Prompts submitted for All Apps\n"
            "28,a@contoso.example,2026-11-20,2026-11-19,x,5\n"
            "28,b@contoso.example,2026-11-20,,,\n")
    sim.state.faults.append(Fault("period='D28'", 200, retry_after=None, body=body,
                                  content_type="application/octet-stream"))
    collect(cfg)  # first run creates the columns; the second is where "new" is reported
    sim.state.faults.append(Fault("period='D28'", 200, retry_after=None, body=body.replace("Brand New", "Newer"),
                                  content_type="application/octet-stream"))
    result = collect(cfg)
    d28 = [o for o in result.outcomes if o.report == "copilot_usage_user_detail" and o.period == "D28"][0]
    assert d28.status == "warning" and "newer_column" in d28.message
    rows = query(cfg, "select user_principal_name, report_period, last_activity_date, brand_new_column, "
                      "prompts_submitted_for_all_apps from raw_copilot_usage_user_detail "
                      "where _period = 'D28' and _run_id = ? order by 1", [result.run_id])
    assert rows == [("a@contoso.example", "28", "2026-11-19", None, "5"), ("b@contoso.example", "28", None, None, None)]


def test_concealed_names_succeed_with_a_warning(cfg, sim, tenant):
    sim.state.concealed = True
    result = collect(cfg)
    assert result.exit_code == 0 and result.concealed is True
    settings = {o.report: o for o in result.outcomes}["report_settings"]
    assert settings.status == "warning" and "concealed names are ON" in settings.message
    detail = [o for o in result.outcomes if o.report == "copilot_usage_user_detail"][0]
    assert "concealed (32-hex hashes)" in detail.message
    upn = query(cfg, "select user_principal_name from raw_copilot_usage_user_detail limit 1")[0][0]
    assert len(upn) == 32 and upn == upn.upper()
    assert upn in {hashlib.md5(u.encode()).hexdigest().upper() for u in tenant.upn}


def test_download_url_in_a_200_body_is_fetched_without_the_token(cfg, sim, tenant):
    import time

    key = ("m365", "email_activity_user_detail", tenant.days - 1, 7, "v1", False)
    sim.downloads["tok123"] = (time.monotonic() + 60, key)
    sim.state.faults.append(Fault("getEmailActivityUserDetail", 200, retry_after=None,
                                  body=f"{sim.download_url}/data/download/tok123", content_type="text/plain"))
    result = collect(cfg)
    email = {o.report: o for o in result.outcomes}["email_activity_user_detail"]
    assert email.status == "ok" and email.rows > 0 and email.requests == 2
    assert sim.state.auth_leaks == 0


def test_server_errors_after_retries_fail_only_that_report(cfg, sim):
    sim.state.faults.append(Fault("getM365AppUserDetail", 503, retry_after=0, times=10))
    result = collect(cfg)
    st = statuses(result)
    assert st["m365_app_user_detail(D7)"] == "error"
    assert [s for k, s in st.items() if k != "m365_app_user_detail(D7)"] == ["ok"] * (len(st) - 1)


def test_users_pages_stay_at_200_even_when_the_collector_asks_for_999(cfg, sim, tenant, monkeypatch):
    # an older collector asked Prefer: odata.maxpagesize=999; Graph caps users/delta pages at 200 all the same
    monkeypatch.setattr(fetch, "USERS_PAGE", {"Prefer": "odata.maxpagesize=999"})
    result = collect(cfg)
    users = {o.report: o for o in result.outcomes}["users"]
    present = int(tenant.present(59).sum())
    assert users.status == "ok" and users.rows == present
    assert users.requests == -(-present // 200) == len([r for r in sim.state.requests if "/users/delta" in r])


def test_the_simulated_latency_delays_every_page_of_the_users_sync(cfg, sim, tenant):
    sim.state.latency_ms = 150
    t0 = time.perf_counter()
    result = collect(cfg)
    elapsed = time.perf_counter() - t0
    users = {o.report: o for o in result.outcomes}["users"]
    assert result.exit_code == 0 and users.requests >= 2
    # the pages follow each other (each nextLink comes with the page before), so their latencies add up;
    # a lower bound only: a loaded machine may take longer
    assert elapsed >= users.requests * 0.150
