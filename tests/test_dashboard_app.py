"""Every dashboard page through Streamlit's AppTest on a copy of the simulated warehouse: demo (auth none),
Entra admin, a champion scoped to their groups, a signed-in user with no role, and a signed-out visitor."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from dashboard_fixtures import ADMIN, CHAMPION, dashboard_warehouse
from streamlit.testing.v1 import AppTest

from dashboards.queries import DEFAULT_GROUPS

APP = str(Path(__file__).resolve().parents[1] / "dashboards" / "app.py")
PAGES = ("views/overview.py", "views/groups.py", "views/heatmap.py", "views/stagnation.py", "views/data.py")
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


def app(cfg, monkeypatch, user: dict | None = None, secrets: bool = False, **params: str | list[str]) -> AppTest:
    monkeypatch.setenv("COPILOT_CONFIG", cfg.source)
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


def run_pages(at: AppTest) -> dict[str, str]:
    """Run the entrypoint (its banners are in the first run's tree; AppTest drops them after switch_page),
    then every page; returns the text of each, the entrypoint's run under "app"."""
    at.run()
    assert not at.exception, at.exception
    out = {"app": texts(at)}
    for page in PAGES:
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


def test_overview_kpis_match_the_mart(dash_cfg, monkeypatch):
    import duckdb

    at = app(dash_cfg, monkeypatch)
    at.run()
    con = duckdb.connect(dash_cfg.warehouse.path, read_only=True)
    rate7 = con.execute("select active_rate from mart_usage_by_group where dimension = 'tenant' and app = 'any' and "
                        "window_days = 7 order by as_of desc limit 1").fetchone()[0]
    con.close()
    metric = next(m for m in at.metric if m.label == "Active, 7 days")
    assert metric.value == f"{rate7:.0%}"
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


def test_groups_page_trend_shows_the_groups_in_the_link(dash_cfg, monkeypatch):
    at = app(dash_cfg, monkeypatch, dimension="department", group=["Legal", "Sales"])
    at.run()
    at.switch_page("views/groups.py").run()
    assert not at.exception
    assert len(frames(at)[0]) > 2  # the ranking lists every department; the trend only the linked ones
    assert {r["group_name"] for r in chart_rows(at)} == {"Legal", "Sales"}


def test_heatmap_without_a_pick_shows_the_largest_groups_and_says_so(dash_cfg, monkeypatch):
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
    assert len({r["group_name"] for r in chart_rows(at)}) == DEFAULT_GROUPS
    assert f"Showing the {DEFAULT_GROUPS} largest of {teams:,} groups" in texts(at)
    assert len(at.multiselect[0].options) == teams  # every team can still be picked


def test_heatmap_weeks_honours_the_link(dash_cfg, monkeypatch):
    at = app(dash_cfg, monkeypatch, dimension="job_function", view="weeks", app="word",
             group=["Financial Analyst", "Software Engineer"])
    at.run()
    at.switch_page("views/heatmap.py").run()
    assert not at.exception
    rows = chart_rows(at)
    assert {r["group_name"] for r in rows} == {"Financial Analyst", "Software Engineer"}
    assert len({r["week"] for r in rows}) >= 5
    assert "Showing the" not in texts(at)


def test_admin_signed_in_with_entra_sees_every_group(entra_cfg, monkeypatch):
    at = app(entra_cfg, monkeypatch, user={"is_logged_in": True, "email": ADMIN, "name": "Ada"}, secrets=True)
    shown = run_pages(at)
    assert "Sign-in is off" not in shown["app"]
    at.switch_page("views/groups.py").run()
    assert len(frames(at)[0]) >= 10
    at.switch_page("views/stagnation.py").run()
    assert any(h.value == "Champions" for h in at.header)


def test_champion_sees_only_their_groups(entra_cfg, monkeypatch):
    at = app(entra_cfg, monkeypatch, user={"is_logged_in": True, "email": CHAMPION.upper(), "name": "Chris"},
             secrets=True)
    run_pages(at)
    at.switch_page("views/groups.py").run()
    assert set(frames(at)[0]["group_name"]) == {"Marketing", "Human Resources"}
    at.switch_page("views/heatmap.py").run()
    assert {r["group_name"] for r in chart_rows(at)} == {"Marketing", "Human Resources"}
    at.switch_page("views/stagnation.py").run()
    assert not any(h.value == "Champions" for h in at.header)
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
    for df in frames(at)[:2]:
        if "group_name" in df:
            assert set(df["group_name"]) <= {"Marketing", "Human Resources"}
        if "group" in df:
            assert set(df["group"]) <= {"Marketing", "Human Resources"}


def test_signed_in_user_without_a_role_sees_tenant_totals_only(entra_cfg, monkeypatch):
    at = app(entra_cfg, monkeypatch, user={"is_logged_in": True, "email": "nobody@contoso.example"}, secrets=True)
    shown = run_pages(at)
    assert "tenant totals only" in shown["app"]
    assert "No groups to show" in shown["views/groups.py"]


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


def test_followup_edits_are_saved_and_a_running_collection_is_reported(dash_cfg, monkeypatch):
    from warehouse.followups import get_followup
    from warehouse.lock import writer_lock

    at = app(dash_cfg, monkeypatch, dimension="department")
    at.run()
    at.switch_page("views/stagnation.py").run()
    fid = _by_label(at.selectbox, "Follow-up").value
    _by_label(at.text_input, "Owner").input("mia.jensen@contoso.com")
    _by_label(at.text_area, "Note").input("team offsite next week")
    _by_label(at.button, "Save").click().run()
    assert not at.exception and "Saved." in [s.value for s in at.success]
    detail = get_followup(dash_cfg, fid)
    assert detail.followup.owner == "mia.jensen@contoso.com"
    assert [e.note for e in detail.events if e.kind == "note"] == ["team offsite next week"]

    _by_label(at.text_area, "What was done").input("hands-on: meeting recaps")
    _by_label(at.button, "Log action").click().run()
    assert not at.exception and "Logged." in [s.value for s in at.success]
    detail = get_followup(dash_cfg, fid)
    assert [a.kind for a in detail.actions] == ["training"] and detail.followup.status == "in_progress"

    with writer_lock(dash_cfg.warehouse.path, wait_seconds=0, job="test collection"):
        _by_label(at.text_input, "Owner").input("someone.else@contoso.com")
        _by_label(at.button, "Save").click().run()
    assert not at.exception
    assert any("A collection is running" in e.value for e in at.error), [e.value for e in at.error]
    assert get_followup(dash_cfg, fid).followup.owner == "mia.jensen@contoso.com"


def test_admin_edits_champions(dash_cfg, monkeypatch):
    from warehouse.champions import list_champions, save_champion

    at = app(dash_cfg, monkeypatch)
    at.run()
    at.switch_page("views/stagnation.py").run()
    _by_label(at.selectbox, "Group").select("Legal")
    _by_label(at.text_input, "Champion name").input("Lee Legal")
    _by_label(at.text_input, "Champion e-mail").input("not an address")
    _by_label(at.button, "Save champion").click().run()
    assert any("not a valid e\\-mail address" in e.value for e in at.error), [e.value for e in at.error]
    _by_label(at.text_input, "Champion e-mail").input("lee.legal@contoso.com")
    _by_label(at.button, "Save champion").click().run()
    assert "Champion saved." in [s.value for s in at.success]
    assert ("department", "Legal", "lee.legal@contoso.com") in {
        (c.dimension, c.group_name, c.champion_email) for c in list_champions(dash_cfg)}

    # a champion whose group is gone from the data (a renamed department) is pointed out
    assert not [w for w in at.warning if "champion(s) have a group" in w.value]
    save_champion(dash_cfg, "department", "Legal <Old>", "Lou", "lou@contoso.com")
    at.run()
    lost = [w.value for w in at.warning if "champion(s) have a group" in w.value]
    assert len(lost) == 1 and "1 champion(s)" in lost[0] and "Legal &lt;Old&gt;" in lost[0], lost  # as text
