"""Recorded real Graph responses (tests/fixtures/graph/, sources in its README.md), replayed over HTTP.

The real collector and transform run against `graph_replay.Replay`, into a real DuckDB file; each test
asserts what a recording's rows become in raw_* and, where the model reads them, in staging and marts.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import query, write_config
from graph_replay import FIXTURES, TOKEN, Recording, Replay

from connector.jobs import run_job
from warehouse.config import Config, load_config

COPILOT = {
    "getMicrosoft365CopilotUsageUserDetail": "copilot_usage_user_detail_v1.csv",
    "getMicrosoft365CopilotUserCountTrend": "copilot_user_count_trend_v1.csv",
    "getMicrosoft365CopilotUserCountSummary": "copilot_user_count_summary_v1.csv",
}
M365 = {
    "getOffice365ActiveUserDetail": "office365_active_user_detail.csv",
    "getTeamsUserActivityUserDetail": "teams_user_activity_user_detail.csv",
    "getEmailActivityUserDetail": "email_activity_user_detail.csv",
}
DELTA_SESSION = ["users_delta_initial.json", "users_delta_next.json", "users_delta_final.json",
                 "users_delta_changes.json"]
# the recordings are v1 reports for a 7-day period, and there is no recorded getM365AppUserDetail row
COLLECT = ('[collect]\ncopilot_version = "v1"\ncopilot_user_detail_periods = ["D7"]\ncopilot_trend_period = "D7"\n'
           'm365_reports = ["office365_active_user_detail", "teams_user_activity_user_detail", '
           '"email_activity_user_detail"]\nm365_period = "D7"\n')


def recording(**kw: object) -> Recording:
    base = {"copilot": COPILOT, "m365": M365, "users": DELTA_SESSION[:3], "skus": "subscribed_skus.json",
            "report_settings": "report_settings_value_wrapper.json"}
    return Recording(**{**base, **kw})  # type: ignore[arg-type]


def config_for(tmp_path: Path, replay: Replay, monkeypatch: pytest.MonkeyPatch) -> Config:
    monkeypatch.setenv("COPILOT_USAGE_GRAPH_TOKEN", TOKEN)
    return load_config(write_config(tmp_path, replay.base_url, COLLECT))


def outcomes(job) -> dict[str, object]:
    return {f"{o.report}({o.period})" if o.period else o.report: o for o in job.run.outcomes}


def test_every_recorded_file_is_listed_with_its_source():
    readme = (FIXTURES / "README.md").read_text()
    recorded = sorted(p.name for p in FIXTURES.iterdir() if p.suffix in (".csv", ".json"))
    assert recorded and [f for f in recorded if f"`{f}`" not in readme] == []


def test_copilot_recordings_land_as_concealed_tenant_figures(tmp_path, monkeypatch):
    with Replay(recording()) as replay:
        cfg = config_for(tmp_path, replay, monkeypatch)
        job = run_job(cfg)
    assert job.transform_error is None and not job.transform.failed_checks
    o = outcomes(job)
    assert o["copilot_usage_user_detail(D7)"].status == "warning"  # concealed, said so
    assert "1 of 1 identities are concealed" in o["copilot_usage_user_detail(D7)"].message
    # Copilot reports came inline (200), no download hop
    assert not [d for d in replay.downloads if "Copilot" in d]
    row = query(cfg, "select _report_refresh_date, user_principal_name, display_name, last_activity_date, "
                     "copilot_chat_last_activity_date, loop_copilot_last_activity_date, report_period "
                     "from raw_copilot_usage_user_detail")
    assert row == [(dt.date(2026, 7, 3), "E58EEF6A6BBD3D0293CB306D24A42057", "6A4630397AAA1A9C8EED362168DC88A0",
                    None, None, None, "7")]
    stg = query(cfg, "select as_of, periods, is_concealed, any_date, copilot_chat_date "
                     "from stg_copilot_user_detail")
    assert stg == [(dt.date(2026, 7, 3), [7], True, None, None)]
    # the model says why there are no group views for that day, and shows no per-user join from a hash
    status = query(cfg, "select concealed, report_users, group_views_available, reason from mart_data_status")
    assert status[0][:3] == (True, 1, False) and "concealed" in status[0][3]
    assert query(cfg, "select count(*) from int_user_snapshot where upn_key = "
                      "lower('E58EEF6A6BBD3D0293CB306D24A42057')")[0][0] == 0
    # tenant trend: 25 enabled, nobody active on the recorded day
    assert query(cfg, "select report_date, enabled_users, any_active, copilot_chat_active, latest_refresh "
                      "from stg_copilot_trend") == [(dt.date(2026, 7, 3), 25, 0, 0, dt.date(2026, 7, 3))]
    assert query(cfg, "select report_period, any_app_enabled_users, copilot_chat_active_users, _period "
                      "from raw_copilot_user_count_summary") == [("7", "25", "0", "ALL")]
    assert query(cfg, "select display_concealed_names from raw_report_settings") == [(True,)]


@pytest.mark.parametrize("bom", [False, True], ids=["as-documented", "with-BOM"])
def test_m365_recordings_keep_both_boolean_dialects_and_iso_durations(tmp_path, monkeypatch, bom):
    with Replay(recording(bom=bom)) as replay:
        cfg = config_for(tmp_path, replay, monkeypatch)
        job = run_job(cfg, transform=False)
    assert replay.auth_leaks == 0 and sorted(replay.downloads) == sorted(M365)  # each went through its 302
    o = outcomes(job)
    for name in ("office365_active_user_detail(D7)", "teams_user_activity_user_detail(D7)",
                 "email_activity_user_detail(D7)"):
        assert o[name].status == "warning" and o[name].rows == 1, (name, o[name].message)
        assert "1 of 1 identities are concealed" in o[name].message
    # one Teams row carries True/False (Is Deleted) and Yes/No (Has Other Action, Is Licensed) side by side
    teams = query(cfg, "select _report_refresh_date, user_id, user_principal_name, is_deleted, has_other_action, "
                       "is_licensed, audio_duration, video_duration, screen_share_duration, "
                       "audio_duration_in_seconds, assigned_products, report_period "
                       "from raw_teams_user_activity_user_detail")
    assert teams == [(dt.date(2022, 10, 28), "00000000-0000-0000-0000-000000000000",
                      "6E55A185B405B6F2A6804BB7897C8AAB", "False", "No", "Yes", "PT0S", "PT0S", "PT0S", "0",
                      "MICROSOFT 365 E5 DEVELOPER (WITHOUT WINDOWS AND AUDIO CONFERENCING)+MICROSOFT POWER "
                      "AUTOMATE FREE", "7")]
    # the first column is named the same with and without the BOM
    o365 = query(cfg, "select report_refresh_date, is_deleted, deleted_date, has_exchange_license, "
                      "has_teams_license, exchange_last_activity_date, teams_license_assign_date "
                      "from raw_office365_active_user_detail")
    assert o365 == [("2022-10-23", "False", None, "True", "True", "2020-09-12", "2021-01-10")]
    email = query(cfg, "select _report_refresh_date, display_name, is_deleted, send_count, report_period "
                       "from raw_email_activity_user_detail")
    assert email == [(dt.date(2023, 1, 24), "F8C53518381F605C8FBA65C52CB43A1D", "False", "0", "7")]


def test_recorded_row_with_more_fields_than_headers_is_refused_by_line(tmp_path, monkeypatch):
    m365 = {**M365, "getOffice365ActiveUserDetail": "office365_active_user_detail_extra_fields.csv"}
    with Replay(recording(m365=m365)) as replay:
        cfg = config_for(tmp_path, replay, monkeypatch)
        job = run_job(cfg, transform=False)
    o = outcomes(job)["office365_active_user_detail(D7)"]
    assert o.status == "warning" and o.rows == 0
    assert "1 malformed row(s) skipped at line(s) 2" in o.message
    assert query(cfg, "select count(*) from raw_office365_active_user_detail")[0][0] == 0
    # the other recordings of the run still landed
    assert query(cfg, "select count(*) from raw_teams_user_activity_user_detail")[0][0] == 1


def test_users_delta_session_follows_recorded_links_and_marks_removed(tmp_path, monkeypatch):
    with Replay(recording(users=DELTA_SESSION)) as replay:
        cfg = config_for(tmp_path, replay, monkeypatch)
        first = run_job(cfg)
        link = query(cfg, "select delta_link from _delta_links where resource = 'users'")[0][0]
        second = run_job(cfg)
    assert outcomes(first)["users"].status == outcomes(second)["users"].status == "ok"
    assert (outcomes(first)["users"].version, outcomes(second)["users"].version) == ("full", "delta")
    assert outcomes(first)["users"].requests == 3  # initial page, the skiptoken page, the page with the deltaLink
    assert link == (replay.base_url + "/v1.0/users/delta?$deltatoken=oEcOySpF_hWYmTIUZBOIfPzcwisr_rPe8o9M54L45qEXQGmv"
                    "QC6T2dbL-9O7nSU-njKhFiGlAZqewNAThmCVnNxqPu5gOBegrm1CaVZ-ZtFZ2tPOAO98OD9y0ao460")
    rows = query(cfg, "select _sync, id, display_name, removed_reason from raw_users order by _loaded_at, id")
    full = [r[1:] for r in rows if r[0] == "full"]
    assert len(full) == 8 and ("86462606-fde0-4fc4-9e0c-a20eb73e54c6", None, "deleted") in full
    assert ("6ea91a8d-e32e-41a1-b7bd-d2d185eed0e0", "Conf Room Adams", None) in full
    assert [r[1:] for r in rows if r[0] == "delta"] == [
        ("25dcffff-959e-4ece-9973-e5d9b800e8cc", "MOD Administrator", None),
        ("8ffff70c-1c63-4860-b963-e34ec660931d", None, "changed")]
    # @removed, whether "deleted" (permanent) or "changed" (soft delete), ends the user; the rename is the latest
    latest = dict(query(cfg, "select id, is_removed from stg_user_versions "
                             "qualify row_number() over (partition by id order by valid_from desc) = 1"))
    assert latest["86462606-fde0-4fc4-9e0c-a20eb73e54c6"] and latest["8ffff70c-1c63-4860-b963-e34ec660931d"]
    assert not latest["25dcffff-959e-4ece-9973-e5d9b800e8cc"]
    assert query(cfg, "select display_name from stg_user_versions where id = '25dcffff-959e-4ece-9973-e5d9b800e8cc' "
                      "order by valid_from desc limit 1") == [("MOD Administrator",)]


def test_manager_delta_recording_carries_the_manager(tmp_path, monkeypatch):
    with Replay(recording(users=["users_delta_manager.json"])) as replay:
        cfg = config_for(tmp_path, replay, monkeypatch)
        job = run_job(cfg)
    assert outcomes(job)["users"].status == "ok"
    rows = query(cfg, "select id, user_principal_name, job_title, manager_id, removed_reason "
                      "from raw_users order by id")
    assert rows == [("0baaae0f-b0b3-4645-867d-742d8fb669a2", "GradyA@contoso.onmicrosoft.com", "Designer",
                     "99789584-a1e1-4232-90e5-866170e3d4e7", None),
                    ("0bbbbb0f-b0b3-4645-867d-742d8fb669a2", None, None, None, "changed")]
    assert query(cfg, "select manager_id from stg_user_versions where id = '0baaae0f-b0b3-4645-867d-742d8fb669a2'") \
        == [("99789584-a1e1-4232-90e5-866170e3d4e7",)]


def test_an_item_without_manager_delta_does_not_touch_the_manager(tmp_path, monkeypatch):
    with Replay(recording(users=["users_delta_manager.json"])) as replay:
        cfg = config_for(tmp_path, replay, monkeypatch)
        run_job(cfg, transform=False)
    assert query(cfg, "select manager_in_payload from raw_users where id = '0bbbbb0f-b0b3-4645-867d-742d8fb669a2'") \
        == [(False,)]


def test_documented_trailing_comma_page_lands_as_duckdb_reads_it(tmp_path, monkeypatch):
    """The api-guidelines example as documented has a trailing comma after the last item. Graph would not send
    that; the pages land as returned and DuckDB's JSON reader (yyjson) accepts the comma, so nothing is lost."""
    with Replay(recording(users=["users_delta_manager_trailing_comma.json"])) as replay:
        cfg = config_for(tmp_path, replay, monkeypatch)
        job = run_job(cfg, transform=False)
    assert outcomes(job)["users"].status == "ok"
    assert query(cfg, "select id, manager_id from raw_users") == [("0baaae0f-b0b3-4645-867d-742d8fb669a2",
                                                                    "99789584-a1e1-4232-90e5-866170e3d4e7")]


def test_a_cut_off_page_fails_users_only_and_lands_nothing_of_it(tmp_path, monkeypatch):
    """A page that is not JSON (here the recorded example cut off inside its last item, its deltaLink before
    `value` intact) fails the users step naming the page, keeps no delta link, and the other reports still land."""
    cut = tmp_path / "cut_off_page.json"
    body = (FIXTURES / "users_delta_manager.json").read_bytes()
    cut.write_bytes(body[:body.rindex(b'"id"')])
    with Replay(recording(users=[str(cut)])) as replay:
        cfg = config_for(tmp_path, replay, monkeypatch)
        job = run_job(cfg)
    users = outcomes(job)["users"]
    assert users.status == "error", users.message
    assert users.message.startswith("users: a page is not a Graph collection (page 1 of 1 of this round: "
                                    "Malformed JSON"), users.message
    assert job.exit_code == 1
    assert query(cfg, "select count(*) from raw_users")[0][0] == 0
    assert query(cfg, "select count(*) from _delta_links")[0][0] == 0
    assert query(cfg, "select count(*) from raw_copilot_usage_user_detail")[0][0] == 1


def test_subscribed_skus_recording_has_no_copilot_sku(tmp_path, monkeypatch):
    with Replay(recording()) as replay:
        cfg = config_for(tmp_path, replay, monkeypatch)
        run_job(cfg)
    assert query(cfg, "select sku_part_number, capability_status, consumed_units, prepaid_enabled, service_plan_ids "
                      "from raw_subscribed_skus order by sku_part_number") == [
        ("CRMSTANDARD", "Suspended", 14, 0, ["f9646fb2-e3b2-4309-95de-dc4833737456"]),
        ("ENTERPRISEPREMIUM", "Enabled", 14, 25, ["8c098270-9dd4-4350-9b30-ba4703f3b36b"])]
    # neither SKU carries a Copilot service plan: the licence mart reports no purchased Copilot units
    assert query(cfg, "select sku_part_number, is_copilot from stg_subscribed_skus order by 1") == [
        ("CRMSTANDARD", False), ("ENTERPRISEPREMIUM", False)]


@pytest.mark.parametrize("body", ["report_settings_value_wrapper.json", "report_settings_entity.json"])
def test_report_settings_recordings_in_both_shapes(tmp_path, monkeypatch, body):
    with Replay(recording(report_settings=body, copilot={}, m365={}, users=[], skus=None)) as replay:
        cfg = config_for(tmp_path, replay, monkeypatch)
        job = run_job(cfg, transform=False)
    settings = outcomes(job)["report_settings"]
    assert settings.status == "warning" and "concealed names are ON" in settings.message
    assert query(cfg, "select display_concealed_names, _raw::varchar like '%displayConcealedNames%' "
                      "from raw_report_settings") == [(True, True)]
