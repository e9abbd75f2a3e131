"""Every dashboard page through Streamlit's AppTest on a copy of the simulated warehouse: demo (auth none),
Entra admin, a champion scoped to their groups, a signed-in user with no role, and a signed-out visitor."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
import pytest
from dashboard_fixtures import ADMIN, CHAMPION, dashboard_warehouse, flagged_group, headline_text
from streamlit.testing.v1 import AppTest

from dashboards.filters import PICK_LIMIT
from dashboards.queries import DEFAULT_GROUPS

APP = str(Path(__file__).resolve().parents[1] / "dashboards" / "app.py")
PAGES = ("views/needs_attention.py", "views/my_groups.py", "views/overview.py", "views/groups.py", "views/heatmap.py",
         "views/agents.py", "views/stagnation.py", "views/licences.py", "views/champions.py", "views/data.py")
CHAMPION_PAGES = ("views/my_groups.py", "views/overview.py", "views/groups.py", "views/heatmap.py",
                  "views/agents.py", "views/stagnation.py", "views/licences.py", "views/data.py")
AUTH = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "test-cookie-secret-0123456789",
        "microsoft": {"client_id": "x", "client_secret": "y",
                      "server_metadata_url": "https://login.microsoftonline.com/t/v2.0/.well-known/openid-configuration"}}


@pytest.fixture(scope="module")
def dash_cfg(model_warehouse, tmp_path_factory):
    return dashboard_warehouse(model_warehouse[0], tmp_path_factory.mktemp("dash"))


@pytest.fixture(scope="module")
def entra_cfg(model_warehouse, tmp_path_factory):
    return dashboard_warehouse(model_warehouse[0], tmp_path_factory.mktemp("dash_entra"),
                               auth="entra")


def app(cfg, monkeypatch, user: dict | None = None, secrets: bool = False, view_as: str | None = None,
        **params: str | list[str]) -> AppTest:
    monkeypatch.setenv("COPILOT_CONFIG", cfg.source)
    if view_as:
        monkeypatch.setenv("COPILOT_VIEW_AS", view_as)
    else:
        monkeypatch.delenv("COPILOT_VIEW_AS", raising=False)
    at = AppTest.from_file(APP, default_timeout=60)
    if secrets:
        at.secrets["auth"] = AUTH
    if user is not None:
        at.user = user
    for k, v in params.items():
        at.query_params[k] = v
    return at


def texts(at: AppTest) -> str:
    parts = [e.value for kind in ("markdown", "text", "caption", "title", "subheader", "header", "warning", "info",
                                   "error", "success") for e in getattr(at, kind)]
    return "\n".join(str(p) for p in parts)


def chart_rows(at: AppTest, i: int = 0) -> list[dict]:
    """The data rows of the i-th Vega-Lite chart (Streamlit ships named datasets as Arrow beside the spec)."""
    import pyarrow as pa

    proto = at.get("vega_lite_chart")[i].proto
    rows = []
    for ds in proto.datasets:
        rows += pa.ipc.open_stream(ds.data.data).read_all().to_pylist()
    spec = json.loads(proto.spec)
    return rows + spec.get("data", {}).get("values", [])


def frames(at: AppTest):
    return [d.value for d in at.dataframe]


def run_pages(at: AppTest, pages: tuple[str, ...] = PAGES) -> dict[str, str]:
    """Run the entrypoint (its banners are in the first run's tree; AppTest drops them after switch_page),
    then every page; returns the text of each, the entrypoint's run under "app"."""
    at.run()
    assert not at.exception, at.exception
    out = {"app": texts(at)}
    for page in pages:
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)
        out[page] = texts(at)
    return out


def test_every_page_runs_with_auth_none_and_says_so(dash_cfg, monkeypatch):
    at = app(dash_cfg, monkeypatch)
    shown = run_pages(at)
    assert "Sign-in is off" in shown["app"]
    assert "Stale data" in shown["app"]  # the fixture's report date is days before its collection runs
    assert "Data freshness and quality" in shown["views/data.py"]
    assert "flagged group(s)" in shown["views/stagnation.py"]
    for page, text in shown.items():
        for raw in ("None", "NaT", "00:00:00", "nan %", "history_weeks", "champion_name"):
            assert raw not in text, (page, raw)


def _table_cells(at: AppTest) -> list[str]:
    return [str(v) for df in frames(at) for col in df.columns for v in [col, *df[col].tolist()]]


def test_tables_people_read_carry_no_raw_names_or_missing_markers(dash_cfg, monkeypatch):
    at = app(dash_cfg, monkeypatch)
    at.run()
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception, page
        cells = _table_cells(at)
        for raw in ("None", "NaT", "nan", "<NA>", "history_weeks", "champion_name", "group_name", "active_rate"):
            assert raw not in cells, (page, raw)
        assert not [c for c in cells if "00:00:00" in c], page


def test_admin_lands_on_needs_attention_unowned_first_then_by_impact(dash_cfg, monkeypatch):
    import duckdb

    at = app(dash_cfg, monkeypatch)
    at.run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Needs attention"]
    table = frames(at)[0]
    con = duckdb.connect(dash_cfg.warehouse.path, read_only=True)
    week = con.execute("select max(week_start) from mart_stagnation").fetchone()[0]
    want = con.execute(
        "select s.group_name from mart_stagnation s left join champions c using (dimension, group_name) "
        "where s.week_start = ? and s.flagged and s.dimension <> 'tenant' "
        "order by c.champion_email is null desc, s.impact desc, s.dimension, s.group_name", [week]).fetchall()
    con.close()
    assert list(table["group"]) == [g for (g,) in want]
    assert table["champion"].iloc[-1] != "no champion" or (table["champion"] == "no champion").all()
    assert all(link.startswith("./my-groups?dimension=") and f"week={week}" in link for link in table["detail"])


def test_a_mail_link_shows_exactly_that_group_and_week_with_the_mails_number(dash_cfg, monkeypatch):
    group, week, _ = flagged_group(dash_cfg, "department")
    at = app(dash_cfg, monkeypatch, dimension="department", group=[group], week=week.isoformat())
    at.run()
    at.switch_page("views/my_groups.py").run()
    assert not at.exception
    metrics = [m for m in at.metric if m.label == "weekly active rate"]
    assert [m.value for m in metrics] == [headline_text(dash_cfg, "department", group, week)]
    assert f"#### {group}" in [m.value for m in at.markdown]
    shown = texts(at)
    assert "1 group: 1 flagged" in shown
    assert f"average of the 4 complete weeks to {week + dt.timedelta(days=6):%d %b %Y}" in shown
    assert [b.label for b in at.button if b.label in ("Acknowledge", "Resolve")] == ["Acknowledge", "Resolve"]


def test_a_link_to_someone_elses_group_says_so_without_its_numbers(entra_cfg, monkeypatch):
    at = app(entra_cfg, monkeypatch, user={"is_logged_in": True, "email": CHAMPION, "name": "Chris"}, secrets=True,
             dimension="department", group=["Legal", "Marketing"])
    at.run()
    at.switch_page("views/my_groups.py").run()
    assert not at.exception
    assert any("You are not the champion of Legal" in w.value for w in at.warning)
    assert [m.markdown for m in []] == []
    cards = [m.value for m in at.markdown if m.value.startswith("#### ")]
    assert cards == ["#### Marketing"]


def test_champion_lands_on_my_groups_with_every_group_and_a_summary(entra_cfg, monkeypatch):
    at = app(entra_cfg, monkeypatch, user={"is_logged_in": True, "email": CHAMPION, "name": "Chris"}, secrets=True)
    at.run()
    assert not at.exception
    assert [t.value for t in at.title] == ["My groups"]
    assert any(s.value.startswith("Your 2 groups: ") for s in at.subheader), [s.value for s in at.subheader]
    cards = {m.value for m in at.markdown if m.value.startswith("#### ")}
    assert cards == {"#### Marketing", "#### Human Resources"}
    assert len([m for m in at.metric if m.label == "weekly active rate"]) == 2
    assert {r["group_name"] for r in chart_rows(at, len(at.get("vega_lite_chart")) - 1)} == {
        "Marketing", "Human Resources"}


def test_view_as_a_champion_applies_exactly_their_visibility(dash_cfg, monkeypatch):
    at = app(dash_cfg, monkeypatch, view_as=CHAMPION)
    shown = run_pages(at, CHAMPION_PAGES)
    assert "Viewing as Chris Champion" in shown["app"]
    at.switch_page("views/groups.py").run()
    assert set(frames(at)[0]["group"]) == {"Marketing", "Human Resources"}
    at.switch_page("views/heatmap.py").run()
    assert {r["group_name"] for r in chart_rows(at)} == {"Marketing", "Human Resources"}
    at = app(dash_cfg, monkeypatch)  # the sidebar picker: admin, then the champion
    at.run()
    assert [t.value for t in at.title] == ["Needs attention"]
    _by_label(at.selectbox, "View as").select(CHAMPION).run()
    assert not at.exception
    assert "Viewing as Chris Champion" in texts(at)


def test_dashboard_as_is_refused_unless_sign_in_is_off(entra_cfg):
    from click.testing import CliRunner

    from connector.cli import cli

    result = CliRunner().invoke(cli, ["dashboard", "--config", entra_cfg.source, "--as", CHAMPION])
    assert result.exit_code == 2 and "--as needs [dashboard] auth = \"none\"" in result.output


def test_overview_kpis_match_the_marts_over_complete_weeks(dash_cfg, monkeypatch):
    import duckdb

    from warehouse.levels import percent

    at = app(dash_cfg, monkeypatch)
    at.run()
    at.switch_page("views/overview.py").run()
    assert not at.exception
    con = duckdb.connect(dash_cfg.warehouse.path, read_only=True)
    rate7 = con.execute("select active_rate from mart_usage_by_group where dimension = 'tenant' and app = 'any' and "
                        "window_days = 7 order by as_of desc limit 1").fetchone()[0]
    head = con.execute("select active_rate from mart_stagnation where dimension = 'tenant' "
                       "order by week_start desc limit 1").fetchone()[0]
    con.close()
    assert _by_label(at.metric, "Reach, 7 days").value == percent(rate7)
    assert _by_label(at.metric, "Weekly active rate").value == percent(head)
    for m in at.metric:
        assert not m.delta or m.delta == "no change" or m.delta[0] in "+-", (m.label, m.delta)
        assert m.delta not in ("+0.0", "-0.0", "+0", "-0", "+0 pts", "-0 pts"), m.label
    specs = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
    assert len(specs) >= 6


def test_heatmap_honours_the_alert_mail_link(dash_cfg, monkeypatch):
    at = app(dash_cfg, monkeypatch, dimension="job_function", group=["Financial Analyst", "Nonexistent"])
    at.run()
    at.switch_page("views/heatmap.py").run()
    assert not at.exception
    assert at.query_params["dimension"] == ["job_function"] or at.query_params["dimension"] == "job_function"
    assert at.multiselect[0].value == ["Financial Analyst"]
    assert {r["group_name"] for r in chart_rows(at)} == {"Financial Analyst"}
    assert "1 group(s) in the link are not shown" in texts(at)


def test_groups_page_defaults_to_the_headline_and_the_trend_shows_the_linked_groups(dash_cfg, monkeypatch):
    import duckdb

    from warehouse.levels import percent

    at = app(dash_cfg, monkeypatch, dimension="department", group=["Legal", "Sales"])
    at.run()
    at.switch_page("views/groups.py").run()
    assert not at.exception
    table = frames(at)[0]
    assert "weekly active rate" in table.columns and len(table) > 2
    con = duckdb.connect(dash_cfg.warehouse.path, read_only=True)
    legal = con.execute("select active_rate from mart_acceptance_heatmap where dimension = 'department' and "
                        "app = 'any' and group_name = 'Legal'").fetchone()[0]
    con.close()
    assert table.loc[table["group"] == "Legal", "weekly active rate"].item() == percent(legal)
    assert {r["group_name"] for r in chart_rows(at)} == {"Legal", "Sales"}


def test_heatmap_without_a_pick_shows_flagged_first_then_the_largest_ordered_by_the_headline(dash_cfg, monkeypatch):
    import duckdb

    at = app(dash_cfg, monkeypatch, dimension="manager")
    at.run()
    at.switch_page("views/heatmap.py").run()
    assert not at.exception and at.multiselect[0].value == []
    con = duckdb.connect(dash_cfg.warehouse.path, read_only=True)
    teams = con.execute("select count(*) from mart_acceptance_heatmap where dimension = 'manager' "
                        "and app = 'any'").fetchone()[0]
    con.close()
    assert teams > DEFAULT_GROUPS
    rows = chart_rows(at)
    assert len({r["group_name"] for r in rows}) == DEFAULT_GROUPS
    assert f"Showing {DEFAULT_GROUPS} of {teams:,} groups: the flagged ones first" in texts(at)
    # every team can still be picked: the picker lists the first PICK_LIMIT, a search finds the others
    assert len(at.multiselect[0].options) == min(teams, PICK_LIMIT)
    if teams > PICK_LIMIT:
        con = duckdb.connect(dash_cfg.warehouse.path, read_only=True)
        last = con.execute("select max(group_name) from mart_acceptance_heatmap "
                           "where dimension = 'manager'").fetchone()[0]
        con.close()
        assert last not in at.multiselect[0].options
        at.text_input(key="group_search").input(last).run()
        assert last in at.multiselect[0].options
        at.text_input(key="group_search").input("").run()
    spec = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    order = spec["encoding"]["y"]["sort"] if "encoding" in spec else spec["layer"][0]["encoding"]["y"]["sort"]
    rates = {r["group_name"]: r["rate"] for r in rows if r["app"] == "any app"}
    numbers = [rates[g] for g in order if rates.get(g) is not None]
    assert numbers == sorted(numbers, reverse=True)  # by the headline, not by name
    assert all(r["label"] in ("suppressed", "too small") for r in rows if r["rate"] is None)


def test_heatmap_weeks_honours_the_link(dash_cfg, monkeypatch):
    at = app(dash_cfg, monkeypatch, dimension="job_function", view="weeks", app="word",
             group=["Financial Analyst", "Software Engineer"])
    at.run()
    at.switch_page("views/heatmap.py").run()
    assert not at.exception
    rows = chart_rows(at)
    assert {r["group_name"] for r in rows} == {"Financial Analyst", "Software Engineer"}
    assert len({r["week"] for r in rows}) >= 5
    assert "Showing" not in texts(at)


def test_admin_signed_in_with_entra_sees_every_group(entra_cfg, monkeypatch):
    at = app(entra_cfg, monkeypatch, user={"is_logged_in": True, "email": ADMIN, "name": "Ada"}, secrets=True)
    shown = run_pages(at)
    assert "Sign-in is off" not in shown["app"]
    at.switch_page("views/groups.py").run()
    assert len(frames(at)[0]) >= 10
    at.switch_page("views/champions.py").run()
    assert [t.value for t in at.title] == ["Champions"] and frames(at)


def test_champion_sees_only_their_groups(entra_cfg, monkeypatch):
    at = app(entra_cfg, monkeypatch, user={"is_logged_in": True, "email": CHAMPION.upper(), "name": "Chris"},
             secrets=True)
    run_pages(at, CHAMPION_PAGES)
    at.switch_page("views/groups.py").run()
    assert set(frames(at)[0]["group"]) == {"Marketing", "Human Resources"}
    at.switch_page("views/heatmap.py").run()
    assert {r["group_name"] for r in chart_rows(at)} == {"Marketing", "Human Resources"}
    # a link naming someone else's group shows theirs only, in both heatmap views
    for view in ("apps", "weeks"):
        at.query_params["group"] = ["Legal"]
        at.query_params["view"] = view
        at.query_params["dimension"] = "department"
        at.switch_page("views/heatmap.py").run()
        assert not at.exception
        assert {r["group_name"] for r in chart_rows(at)} == {"Marketing", "Human Resources"}, view
        assert "1 group(s) in the link are not shown" in texts(at)
        assert at.multiselect[0].options == ["Human Resources", "Marketing"]
    at.switch_page("views/stagnation.py").run()
    for df in frames(at)[:2]:
        assert set(df["group"]) <= {"Marketing", "Human Resources"}


def test_signed_in_user_without_a_role_sees_tenant_totals_only(entra_cfg, monkeypatch):
    at = app(entra_cfg, monkeypatch, user={"is_logged_in": True, "email": "nobody@contoso.example"}, secrets=True)
    shown = run_pages(at, CHAMPION_PAGES)
    assert "tenant totals only" in shown["app"]
    assert "No groups to show" in shown["views/groups.py"]
    assert "No groups to show" in shown["views/agents.py"]  # the tenant's agent figures only
    assert "You are not the champion of any group" in shown["views/my_groups.py"]


def test_signed_out_visitor_gets_the_sign_in_button_only(entra_cfg, monkeypatch):
    at = app(entra_cfg, monkeypatch, user={"is_logged_in": False}, secrets=True)
    at.run()
    assert not at.exception
    assert [b.label for b in at.button] == ["Sign in with Microsoft"]
    assert not at.dataframe and not at.metric


def test_entra_without_secrets_explains_the_set_up(entra_cfg, monkeypatch):
    at = app(entra_cfg, monkeypatch, user={"is_logged_in": True, "email": ADMIN})
    at.run()
    assert not at.exception
    assert "secrets.toml" in at.error[0].value and not at.dataframe


def _by_label(elements, label: str):
    return next(e for e in elements if e.label == label)


def test_followup_actions_on_my_groups_are_saved_and_a_running_collection_is_reported(dash_cfg, monkeypatch):
    from alerts.workflow.followups import get_followup, list_followups
    from warehouse.lock import writer_lock

    group, week, _ = flagged_group(dash_cfg, "job_function")
    fid = next(f.id for f in list_followups(dash_cfg, dimension="job_function", group_name=group)
               if f.status != "resolved")
    at = app(dash_cfg, monkeypatch, dimension="job_function", group=[group], week=week.isoformat())
    at.run()
    at.switch_page("views/my_groups.py").run()
    _by_label(at.button, "Acknowledge").click().run()
    assert not at.exception and "Acknowledged." in [s.value for s in at.success]
    assert get_followup(dash_cfg, fid).followup.status == "acknowledged"
    assert not [b for b in at.button if b.label == "Acknowledge"]  # the page re-read it

    _by_label(at.radio, "What").set_value("office_hours")
    _by_label(at.text_input, "Note (optional)").input("drop-in Thursday")
    _by_label(at.button, "Log action").click().run()
    assert not at.exception and any(s.value.startswith("Logged: office hours") for s in at.success)
    detail = get_followup(dash_cfg, fid)
    assert [(a.kind, a.note) for a in detail.actions] == [("office_hours", "drop-in Thursday")]
    assert detail.followup.status == "in_progress"

    until = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=10)
    _by_label(at.date_input, "Until").set_value(until)
    with writer_lock(dash_cfg.warehouse.path, wait_seconds=0, job="test collection"):
        _by_label(at.button, "Snooze").click().run()
    assert not at.exception
    assert any("A collection is running" in e.value for e in at.error), [e.value for e in at.error]
    assert get_followup(dash_cfg, fid).followup.status == "in_progress"
    _by_label(at.button, "Snooze").click().run()
    f = get_followup(dash_cfg, fid).followup
    assert (f.status, f.snooze_until) == ("snoozed", until)
    _by_label(at.button, "Resolve").click().run()
    assert get_followup(dash_cfg, fid).followup.status == "resolved"


def test_admin_edits_champions_and_the_group_list_follows_the_dimension(dash_cfg, monkeypatch):
    from alerts.workflow.champions import list_champions
    from dashboards import queries

    at = app(dash_cfg, monkeypatch)
    at.run()
    at.switch_page("views/champions.py").run()
    assert "Legal" in _by_label(at.selectbox, "Group").options
    _by_label(at.selectbox, "Dimension").select("job_function").run()
    options = _by_label(at.selectbox, "Group").options
    assert "Financial Analyst" in options and "Legal" not in options
    _by_label(at.selectbox, "Dimension").select("department").run()
    _by_label(at.selectbox, "Group").select("Legal")
    _by_label(at.text_input, "Champion name").input("Lee Legal")
    _by_label(at.text_input, "Champion e-mail").input("not an address")
    _by_label(at.button, "Save champion").click().run()
    assert any("not a valid e\\-mail address" in e.value for e in at.error), [e.value for e in at.error]
    _by_label(at.text_input, "Champion e-mail").input("lee.legal@contoso.com")
    _by_label(at.button, "Save champion").click().run()
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
    assert _by_label(at.metric, "Used an agent, week of 16 Nov").value == percent(tenant)
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
