"""The real dashboard (`copilot-usage dashboard` in a subprocess) in headless Chromium: every page renders, the
heatmap has data, hostile group names stay text, the CSV is formula-safe, and a collection that runs while the
dashboard is being read completes and shows up once the cache expires. Screenshots go to tests/artifacts/."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import duckdb
import pytest
from dashboard_fixtures import CHAMPION, HOSTILE, dashboard_warehouse, headline_text
from simulated_warehouse import DAYS, END, FIRST, build_warehouse

from benchmarks.dashboard_server import Server

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).parent / "artifacts"
BIN = Path(sys.executable).parent / "copilot-usage"
USERS = 600

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium (make test installs it)")


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    """600 users, every day but the last collected (the collection test adds it), hostile department names."""
    built, sim, _ = build_warehouse(tmp_path_factory.mktemp("e2e_build"), range(FIRST, DAYS - 1), users=USERS)
    cfg = dashboard_warehouse(built, tmp_path_factory.mktemp("e2e"), hostile=True)
    return cfg, urllib.parse.urlsplit(sim.base_url).port


def _serve(cfg, *extra: str):
    """`copilot-usage dashboard` as the benchmark starts it (a child process, its log beside the config)."""
    server = Server(Path(cfg.source), Path(cfg.source).with_name("dashboard.log" if not extra else "champion.log"),
                    view_as=extra[1] if extra else None)
    yield server.url
    server.stop()


@pytest.fixture(scope="module")
def server(warehouse):
    yield from _serve(warehouse[0])


@pytest.fixture(scope="module")
def champion_server(warehouse):
    """The same dashboard as `copilot-usage dashboard --as <champion>` shows it (sign-in off)."""
    yield from _serve(warehouse[0], "--as", CHAMPION)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"])
        yield b
        b.close()


@pytest.fixture
def page(browser):
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    pg = ctx.new_page()
    pg.dialogs = []
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    yield pg
    ctx.close()


def open_page(page, url: str, heading: str, shot: str, height: int | None = None) -> None:
    """Open `url`, wait for its heading and for the app to finish running, screenshot it (`height`: a viewport that
    tall first, as Streamlit scrolls inside the page and a full-page shot would stop at the viewport)."""
    if height:
        page.set_viewport_size({"width": 1400, "height": height})
    page.goto(url, wait_until="networkidle")
    page.get_by_role("heading", name=heading).first.wait_for(timeout=30000)
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden", timeout=30000)
    page.wait_for_timeout(800)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"dashboard-{shot}.png"), full_page=True)
    errors = page.locator('[data-testid="stException"]')
    assert errors.count() == 0, errors.first.inner_text()


def test_every_page_renders_and_the_heatmap_has_data(server, page):
    # first: an alert mail's deep link as the server's very first visit (a page folder Streamlit auto-registers
    # once made that visit run the page script without the app around it)
    for path, heading, shot in [("/heatmap?dimension=department&group=Finance", "Acceptance heatmap", "alert-link"),
                                ("/overview", "Overview", "overview"), ("/groups", "Groups", "groups"),
                                ("/heatmap?dimension=department", "Acceptance heatmap", "heatmap"),
                                ("/stagnation", "Follow-ups", "stagnation"), ("/champions", "Champions", "champions"),
                                ("/licences?dimension=department", "Licences", "licences"),
                                ("/reclaim", "Licence reclaim", "reclaim"),
                                ("/data", "Data freshness and quality", "data")]:
        open_page(page, server + path, heading, shot)
        assert page.get_by_text("Sign-in is off").count() == 1, path  # the demo banner, on every page
    open_page(page, server + "/heatmap?dimension=job_function", "Acceptance heatmap", "heatmap-job-function")
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    chart.wait_for(state="visible")
    box = chart.bounding_box()
    assert box and box["height"] > 300  # one 22 px row per group: dozens of job functions
    assert page.locator('[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg').count() >= 1
    assert page.dialogs == []


def test_manager_heatmap_shows_the_largest_teams_and_a_linked_one(warehouse, server, page):
    import duckdb

    from dashboards.queries import DEFAULT_GROUPS

    con = duckdb.connect(warehouse[0].warehouse.path, read_only=True)
    teams = con.execute("select group_name from mart_acceptance_heatmap where dimension = 'manager' and app = 'any' "
                        "order by licensed_users nulls first, group_name").fetchall()
    con.close()
    assert len(teams) > DEFAULT_GROUPS
    open_page(page, f"{server}/heatmap?dimension=manager", "Acceptance heatmap", "heatmap-managers", height=1500)
    assert page.get_by_text(f"Showing {DEFAULT_GROUPS} of {len(teams):,} groups").count() == 1
    box = page.locator('[data-testid="stVegaLiteChart"]').first.bounding_box()
    assert box and box["height"] > DEFAULT_GROUPS * 15  # a row per team shown
    smallest = teams[0][0]  # never among the default ones, so only the link brings it in
    open_page(page, f"{server}/heatmap?{urllib.parse.urlencode({'dimension': 'manager', 'group': smallest})}",
              "Acceptance heatmap", "heatmap-manager-linked")
    assert page.get_by_text(smallest, exact=True).count() >= 1
    assert page.get_by_text("Showing 40").count() == 0
    box = page.locator('[data-testid="stVegaLiteChart"]').first.bounding_box()
    assert box and box["height"] < DEFAULT_GROUPS * 15


def test_admin_lands_on_needs_attention(server, page):
    open_page(page, f"{server}/", "Needs attention", "needs-attention", height=1300)
    assert "/attention" in page.url
    assert page.get_by_text("flagged groups in the week of").count() == 1
    assert page.locator('[data-testid="stDataFrame"]').count() >= 1


def test_champion_lands_on_my_groups(champion_server, page):
    open_page(page, f"{champion_server}/", "My groups", "my-groups-champion", height=2400)
    assert "/my-groups" in page.url
    assert page.get_by_text("Viewing as Chris Champion").count() == 1
    assert page.get_by_text("Your 2 groups:").count() == 1
    assert page.locator('[data-testid="stMetricValue"]').count() == 2
    assert page.get_by_role("button", name="Acknowledge").count() >= 1
    assert page.get_by_role("link", name="Needs attention").count() == 0  # not an admin page for a champion


def test_a_mail_link_opens_the_group_and_week_with_the_mails_number(warehouse, server, page, tmp_path):
    """The champion's real weekly mail (rendered by the alert run into an outbox), each group's link followed in
    Chromium: the page shows that group and week, with the number the mail's text gives it."""
    import email
    import email.policy

    from mail_parsing import group_link_params, headline_in_mail, links

    from alerts.run import run_alerts

    cfg = warehouse[0]
    alerts = cfg.alerts.model_copy(update={"from_address": "copilot@contoso.example", "transport": "outbox",
                                           "digest_address": "lead@contoso.example", "outbox_dir": str(tmp_path)})
    result = run_alerts(cfg.model_copy(update={"alerts": alerts}), dry_run=True)
    mail = next(p for p in result.outbox if CHAMPION in p.name)
    msg = email.message_from_bytes(mail.read_bytes(), policy=email.policy.default)
    text = msg.get_body(preferencelist=("plain",)).get_content()
    checked = 0
    for url in links(text):
        path, params = group_link_params(url)
        if path != "/my-groups" or params.get("dimension") != ["department"] or len(params.get("group", [])) != 1:
            continue
        group, week = params["group"][0], dt.date.fromisoformat(params["week"][0])
        said = headline_in_mail(text, group, "department")
        assert week == result.week_start and said == headline_text(cfg, "department", group, week)
        open_page(page, server + url[url.index("/my-groups"):], "My groups", f"mail-link-{checked}", height=1400)
        values = [v.inner_text().strip() for v in page.locator('[data-testid="stMetricValue"]').all()]
        assert values == [said], (group, said, values)  # the page shows the mail's number for that group and week
        assert page.get_by_text(group, exact=True).count() >= 1
        assert page.get_by_text(f"average of the 4 complete weeks to {week + dt.timedelta(days=6):%d %b %Y}").count()
        checked += 1
    # every flagged department of the champion's two (one named like markdown with a javascript: link); Human
    # Resources, licensed a few days before collection began, is flagged only once it has four eligible weeks
    con = duckdb.connect(cfg.warehouse.path, read_only=True)
    flagged = {g for (g,) in con.execute(
        "select group_name from mart_stagnation where dimension = 'department' and flagged and week_start = ? "
        "and group_name in (?, 'Human Resources')", [result.week_start, HOSTILE["Marketing"]]).fetchall()}
    con.close()
    assert HOSTILE["Marketing"] in flagged and checked == len(flagged)
    assert page.get_by_text("1 group: 1 flagged").count() == 1


def test_the_department_heatmap_is_readable(server, page):
    open_page(page, f"{server}/heatmap?dimension=department", "Acceptance heatmap", "heatmap-departments",
              height=1300)
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    chart.wait_for(state="visible")
    assert page.get_by_text("Names in red bold are flagged").count() == 1


def test_the_agents_page_shows_agent_use_by_group_and_week(server, champion_server, page):
    open_page(page, f"{server}/agents?dimension=department", "Agents", "agents", height=2000)
    assert page.get_by_text(re.compile(r"^Used an agent, week of \d\d \w{3}$")).count() == 1  # the tenant figure
    assert page.get_by_text("the only per-person agent signal Microsoft Graph has").count() == 1  # its source
    assert page.locator('[data-testid="stDataFrame"]').count() == 1
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    chart.wait_for(state="visible")
    assert chart.bounding_box()["height"] > 200
    # a champion: their own departments only (one of them named like an HTML tag: shown as text)
    open_page(page, f"{champion_server}/agents?dimension=department", "Agents", "agents-champion", height=1100)
    assert page.get_by_text("Human Resources").count() >= 1
    assert page.get_by_text("By department").count() == 1
    assert page.dialogs == []


def test_hostile_group_names_stay_text(server, page):
    query = urllib.parse.urlencode([("dimension", "department")] + [("group", g) for g in HOSTILE.values()])
    open_page(page, f"{server}/heatmap?{query}", "Acceptance heatmap", "heatmap-hostile")
    page.locator('[data-testid="stVegaLiteChart"]').first.wait_for(state="visible")
    for name in HOSTILE.values():
        assert page.get_by_text(name, exact=True).count() >= 1, name  # the multiselect tag shows it literally
    open_page(page, f"{server}/stagnation", "Follow-ups", "stagnation-hostile")
    assert page.locator('img[src="x"]').count() == 0
    assert page.locator("a[href^='javascript']").count() == 0
    assert page.evaluate("[...document.scripts].filter(s => s.text.includes('alert(1)')).length") == 0
    assert page.dialogs == []


def test_csv_download_is_formula_safe(server, page):
    open_page(page, f"{server}/groups?dimension=department&window=28", "Groups", "groups-csv")
    with page.expect_download() as dl:
        page.get_by_role("button", name="Download CSV").click()
    rows = list(csv.DictReader(io.StringIO(Path(dl.value.path()).read_text())))
    names = {r["group"] for r in rows}
    assert "'" + HOSTILE["Finance"] in names and HOSTILE["Legal"] in names
    assert not any(v.startswith(("=", "+", "@")) for r in rows for v in r.values() if v)


def test_a_collection_while_the_dashboard_is_read_completes_and_shows_after_the_cache(warehouse, server, page):
    from connector.simulator.server import Simulator
    from connector.simulator.tenant import Tenant

    cfg, sim_port = warehouse
    open_page(page, f"{server}/data", "Data freshness and quality", "data-before")
    before = (END - dt.timedelta(days=1)).strftime("%d %b %Y")
    assert page.get_by_text(before).count() >= 1
    tenant = Tenant.generate(users=USERS, days=DAYS, seed=5, end=END)
    with Simulator(tenant, port=sim_port, download_port=sim_port + 1) as sim:
        sim.state.day = DAYS - 1
        env = {**os.environ, "COPILOT_USAGE_GRAPH_TOKEN": sim.state.token}
        run = subprocess.Popen([str(BIN), "-q", "run", "--config", cfg.source], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        reads = 0
        while run.poll() is None:  # keep reading every page while the collection loads and transforms
            for path in ("/", "/heatmap", "/data"):
                page.goto(server + path, wait_until="networkidle")
                assert page.locator('[data-testid="stException"]').count() == 0
                reads += 1
        out = run.stdout.read()
    assert run.returncode == 0, out
    assert reads >= 1
    after = END.strftime("%d %b %Y")
    deadline = time.monotonic() + 60
    while True:
        page.goto(f"{server}/data", wait_until="networkidle")
        page.get_by_role("heading", name="Data freshness and quality").wait_for()
        page.wait_for_timeout(300)
        if page.get_by_text(after).count() >= 1:
            break
        assert time.monotonic() < deadline, "the new report date never showed"
        time.sleep(1)
    page.screenshot(path=str(ARTIFACTS / "dashboard-data-after-collection.png"), full_page=True)
