"""The dashboard's edits (follow-up actions, champions), its licences and agents pages, and a v1 tenant, in AppTest."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest
from dashboard_apptest import app, by_label, chart_rows, frames, run_pages, texts
from dashboard_fixtures import CHAMPION, dashboard_warehouse, flagged_group


def test_followup_actions_on_my_groups_are_saved_and_a_running_collection_is_reported(dash_cfg, monkeypatch):
    from alerts.workflow.followups import get_followup, list_followups
    from warehouse.lock import writer_lock

    group, week, _ = flagged_group(dash_cfg, "job_function")
    fid = next(f.id for f in list_followups(dash_cfg, dimension="job_function", group_name=group)
               if f.status != "resolved")
    at = app(dash_cfg, monkeypatch, dimension="job_function", group=[group], week=week.isoformat())
    at.run()
    at.switch_page("views/my_groups.py").run()
    by_label(at.button, "Acknowledge").click().run()
    assert not at.exception and "Acknowledged." in [s.value for s in at.success]
    assert get_followup(dash_cfg, fid).followup.status == "acknowledged"
    assert not [b for b in at.button if b.label == "Acknowledge"]  # the page re-read it

    by_label(at.radio, "What").set_value("office_hours")
    by_label(at.text_input, "Note (optional)").input("drop-in Thursday")
    by_label(at.button, "Log action").click().run()
    assert not at.exception and any(s.value.startswith("Logged: office hours") for s in at.success)
    detail = get_followup(dash_cfg, fid)
    assert [(a.kind, a.note) for a in detail.actions] == [("office_hours", "drop-in Thursday")]
    assert detail.followup.status == "in_progress"

    until = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=10)
    by_label(at.date_input, "Until").set_value(until)
    with writer_lock(dash_cfg.warehouse.path, wait_seconds=0, job="test collection"):
        by_label(at.button, "Snooze").click().run()
    assert not at.exception
    assert any("A collection is running" in e.value for e in at.error), [e.value for e in at.error]
    assert get_followup(dash_cfg, fid).followup.status == "in_progress"
    by_label(at.button, "Snooze").click().run()
    f = get_followup(dash_cfg, fid).followup
    assert (f.status, f.snooze_until) == ("snoozed", until)
    by_label(at.button, "Resolve").click().run()
    assert get_followup(dash_cfg, fid).followup.status == "resolved"


def test_admin_edits_champions_and_the_group_list_follows_the_dimension(dash_cfg, monkeypatch):
    from alerts.workflow.champions import list_champions
    from dashboards import queries

    at = app(dash_cfg, monkeypatch)
    at.run()
    at.switch_page("views/champions.py").run()
    assert "Legal" in by_label(at.selectbox, "Group").options
    by_label(at.selectbox, "Dimension").select("job_function").run()
    options = by_label(at.selectbox, "Group").options
    assert "Financial Analyst" in options and "Legal" not in options
    by_label(at.selectbox, "Dimension").select("department").run()
    by_label(at.selectbox, "Group").select("Legal")
    by_label(at.text_input, "Champion name").input("Lee Legal")
    by_label(at.text_input, "Champion e-mail").input("not an address")
    by_label(at.button, "Save champion").click().run()
    assert any("not a valid e\\-mail address" in e.value for e in at.error), [e.value for e in at.error]
    by_label(at.text_input, "Champion e-mail").input("lee.legal@contoso.com")
    by_label(at.button, "Save champion").click().run()
    assert any(s.value.startswith("Champion saved") for s in at.success)
    assert ("department", "Legal", "lee.legal@contoso.com") in {
        (c.dimension, c.group_name, c.champion_email) for c in list_champions(dash_cfg)}
    assert "Lee Legal" in set(frames(at)[0]["champion"])  # the table was re-read after the save

    # a champion whose group is gone from the data (a renamed department) is pointed out
    assert not [w for w in at.warning if "champion(s) have a group" in w.value]
    import duckdb  # a champion saved before the department was renamed (save_champion now refuses unknown groups)

    con = duckdb.connect(dash_cfg.warehouse.path)
    con.execute("insert into champions (dimension, group_name, champion_name, champion_email, updated_at) "
                "values ('department', 'Legal <Old>', 'Lou', 'lou@contoso.com', now())")
    con.close()
    queries.clear()  # written behind the dashboard's back: without this it shows within cache_ttl_seconds
    at.run()
    lost = [w.value for w in at.warning if "champion(s) have a group" in w.value]
    assert len(lost) == 1 and "1 champion(s)" in lost[0] and "Legal &lt;Old&gt;" in lost[0], lost  # as text


def test_licences_page_shows_activation_from_the_mart(dash_cfg, monkeypatch):
    at = app(dash_cfg, monkeypatch, dimension="department")
    run_pages(at, ("views/licences.py",))
    con = duckdb.connect(dash_cfg.warehouse.path, read_only=True)
    mart = con.execute("select group_name, activation_30d_rate from mart_licence_activation "
                       "where dimension = 'department'").fetchall()
    tenant = con.execute("select activation_30d_rate from mart_licence_activation "
                         "where dimension = 'tenant'").fetchone()
    con.close()
    table = frames(at)[0]
    shown = dict(zip(table["group"], table["used within 30 days"], strict=True))
    assert set(shown) == {g for g, _ in mart}
    assert all(shown[g] == (f"{r * 100:.0f} %" if r is not None else "–") for g, r in mart), shown
    assert any(v != "–" for v in shown.values())
    metric = next(m for m in at.metric if m.label == "Used Copilot within 30 days")
    assert metric.value == f"{tenant[0] * 100:.0f} %"
    assert len(frames(at)) == 2  # the tenant's licence cohorts


def _agents_marts(cfg, dimension: str) -> tuple[dict[str, float | None], dict[str, int | None], float]:
    """(group -> agent share of the latest complete week, group -> eligible people, the tenant's share)."""
    import duckdb

    con = duckdb.connect(cfg.warehouse.path, read_only=True)
    try:
        rows = con.execute("select group_name, weekly_active_rate, eligible_users from mart_acceptance_heatmap "
                           "where dimension = ? and app = 'agents'", [dimension]).fetchall()
        tenant = con.execute("select weekly_active_rate from mart_adoption_weekly where dimension = 'tenant' and "
                             "app = 'agents' and complete_week order by week_start desc limit 1").fetchone()[0]
    finally:
        con.close()
    return {g: r for g, r, _ in rows}, {g: n for g, _, n in rows}, tenant


def test_agents_page_shows_agent_adoption_per_group_and_week_as_the_marts_say(dash_cfg, monkeypatch):
    from warehouse.levels import percent

    at = app(dash_cfg, monkeypatch, dimension="job_function")
    at.run()
    at.switch_page("views/agents.py").run()
    assert not at.exception
    rates, eligible, tenant = _agents_marts(dash_cfg, "job_function")
    assert by_label(at.metric, "Used an agent, week of 16 Nov").value == percent(tenant)
    table = frames(at)[0]
    column = "used an agent, week of 16 Nov"
    assert set(table["group"]) == set(rates) and len(table) > 5
    for group, shown in zip(table["group"], table[column], strict=True):
        assert shown == (percent(rates[group]) if rates[group] is not None else "–"), group
    assert "–" in set(table[column])  # small job functions are suppressed, with the note saying so
    largest = sorted((g for g in rates if rates[g] is not None), key=lambda g: -eligible[g])[:6]
    assert set(at.multiselect[0].value) == set(largest)
    assert {r["group_name"] for r in chart_rows(at)} == {*largest, "Whole tenant"}
    assert all(r["weekly_active_rate"] is not None for r in chart_rows(at))  # suppressed weeks are not drawn as 0


def test_agents_page_shows_a_champion_their_groups_only(entra_cfg, monkeypatch):
    at = app(entra_cfg, monkeypatch, user={"is_logged_in": True, "email": CHAMPION, "name": "Chris"}, secrets=True,
             dimension="department")
    at.run()
    at.switch_page("views/agents.py").run()
    assert not at.exception
    assert set(frames(at)[0]["group"]) == {"Marketing", "Human Resources"}
    assert {r["group_name"] for r in chart_rows(at)} <= {"Marketing", "Human Resources", "Whole tenant"}
    assert at.multiselect[0].options == ["Human Resources", "Marketing"]


@pytest.fixture(scope="module")
def v1_cfg(tmp_path_factory):
    from simulated_warehouse import build_warehouse

    cfg, _, _ = build_warehouse(tmp_path_factory.mktemp("v1"), range(60, 67), users=300, v2_from=10**6)
    return dashboard_warehouse(cfg, tmp_path_factory.mktemp("dash_v1"))


def test_a_v1_tenant_gets_no_v2_apps_and_an_agents_page_that_says_why(v1_cfg, monkeypatch):
    at = app(v1_cfg, monkeypatch, app="agents")
    at.run()
    at.switch_page("views/agents.py").run()
    assert not at.exception
    assert "No agent figures for this tenant" in texts(at) and "v2" in texts(at) and not at.metric
    at.switch_page("views/groups.py").run()
    assert not at.exception
    picker = next(s for s in at.selectbox if s.label == "App")
    assert picker.options == ["any app", "Teams", "Word", "Excel", "PowerPoint", "Outlook", "OneNote", "Loop",
                              "Copilot Chat"]
    assert picker.value == "any"  # the link's app=agents is not in this tenant's data
