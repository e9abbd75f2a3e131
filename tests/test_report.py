"""The monthly one-page report: sent through a real SMTP server on localhost once per recipient and month, the
same numbers as the marts, rendered like the weekly mails (golden bodies, hostile names, privacy, 600 px in
headless Chromium), on the scheduler, and the dashboard's *Four dimensions* page showing what the mail says.

Regenerate the golden files after an intended template change with `UPDATE_GOLDEN=1 pytest tests/test_report.py`.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import duckdb
import pytest
from click.testing import CliRunner
from simulated_warehouse import copy_warehouse
from survey_fixtures import surveyed_warehouse
from test_alerts_screenshot import ARTIFACTS, CHROMIUM, FIRST_SCREEN, html_with_inline_images, screenshot

from alerts.monthly import Month, load_month
from alerts.report import render_report, render_report_bodies, report_context
from connector.cli import cli
from warehouse import levels
from warehouse.config import load_config

GOLDEN = Path(__file__).parent / "golden"
NOV = date(2026, 11, 1)
ALERTS = '[alerts]\nfrom_address = "copilot@contoso.example"\ndashboard_url = "https://dash.contoso.example"\n'
RECIPIENTS = '[report]\nrecipients = ["cio@contoso.example", "lead@contoso.example"]\n'


@pytest.fixture(scope="module")
def surveyed(model_warehouse, tmp_path_factory):
    """The model warehouse with two survey waves, the report's recipients and a dashboard without sign-in."""
    return surveyed_warehouse(model_warehouse[0], tmp_path_factory.mktemp("report"),
                              extra='[dashboard]\nauth = "none"\ncache_ttl_seconds = 2\n')


def with_smtp(cfg, tmp_path, port: int, extra: str = ""):
    return copy_warehouse(cfg, tmp_path / "wh", extra_config=(
        f'{ALERTS}outbox_dir = "{(tmp_path / "outbox").as_posix()}"\n{extra}\n'
        f'[alerts.smtp]\nhost = "127.0.0.1"\nport = {port}\nstarttls = false\n{RECIPIENTS}'))


def q(cfg, sql: str) -> list[tuple]:
    con = duckdb.connect(cfg.warehouse.path, read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_the_report_goes_through_smtp_once_per_recipient_and_month(surveyed, tmp_path, smtpd):
    ctl, box = smtpd
    cfg = with_smtp(surveyed, tmp_path, ctl.port)
    out = CliRunner().invoke(cli, ["report", "send", "--month", "2026-11", "--config", cfg.source])
    assert out.exit_code == 0, out.output
    assert sorted(rcpt for _, (rcpt,) in box.envelopes) == ["cio@contoso.example", "lead@contoso.example"]
    # the numbers are the marts': the weekly active rate pooled over November's complete weeks, the wave's NPS
    ((rate,),) = q(cfg, "select sum(eligible_active_users) / sum(eligible_users) from mart_adoption_weekly "
                        "where dimension = 'tenant' and app = 'any' and complete_week "
                        "and week_start + 3 between date '2026-11-01' and date '2026-11-30'")
    ((nps, respondents),) = q(cfg, "select nps, respondents from mart_survey_kpis where dimension = 'tenant' "
                                   "and wave = 'Nov pulse'")
    msg = box.messages[0]
    assert f"Monthly report November 2026: weekly active rate {levels.percent(rate)}" in msg["Subject"]
    text = msg.get_body(("plain",)).get_content()
    assert f"NPS: {nps:+.0f}" in text and f"{respondents} respondents" in text and "compared with Oct pulse" in text
    ((sentence,),) = q(cfg, "select sentence from mart_intervention_effect where title = 'Prompt clinic'")
    assert f"* {sentence}" in text  # the intervention with its measured effect, worded as the dashboard words it
    png = next(p for p in msg.walk() if p.get_content_type() == "image/png")
    assert png.get_content()[:8] == b"\x89PNG\r\n\x1a\n"
    assert f"cid:{png['Content-ID'].strip('<>')}" in msg.get_body(("html",)).get_content()
    again = CliRunner().invoke(cli, ["report", "send", "--month", "2026-11", "--config", cfg.source])
    assert again.exit_code == 0 and again.output.count("skipped") == 2 and len(box.messages) == 2
    assert q(cfg, "select recipient, status from report_log order by 1") == [("cio@contoso.example", "sent"),
                                                                            ("lead@contoso.example", "sent")]


def test_a_month_without_data_or_recipients_is_refused_with_the_reason(surveyed, tmp_path):
    cfg = copy_warehouse(surveyed, tmp_path / "wh", extra_config=ALERTS + RECIPIENTS)
    out = CliRunner().invoke(cli, ["report", "send", "--month", "2027-05", "--config", cfg.source])
    assert out.exit_code == 1 and "no complete week of 2027-05 in the model" in out.output
    out = CliRunner().invoke(cli, ["report", "send", "--month", "2026-13", "--config", cfg.source])
    assert out.exit_code == 1 and "give it as YYYY-MM" in out.output
    bare = copy_warehouse(surveyed, tmp_path / "bare", extra_config=ALERTS)
    out = CliRunner().invoke(cli, ["report", "send", "--config", bare.source])
    assert out.exit_code == 1 and "[report] recipients is empty" in out.output


def month(**change) -> Month:
    """A hand-built November: what the golden bodies render (no warehouse, no wall clock)."""
    wave = {"wave": "Nov pulse", "wave_start": date(2026, 11, 16), "wave_end": date(2026, 11, 18),
            "respondents": 212, "suppressed": False, "nps": 18.4, "nps_answers": 205, "satisfaction": None,
            "trust": 3.9, "competence": 3.4, "relief": 3.6, "hours_saved_per_week": 1.9,
            "hours_saved_per_month": 1.9 * 52 / 12, "weekly_active_rate": 0.44}
    before = {**wave, "wave": "Oct pulse", "nps": 4.0, "trust": 3.5, "competence": 3.4, "relief": 3.1,
              "hours_saved_per_month": 5.0, "respondents": 190}
    base = dict(first=NOV, adoption={"weekly_active_rate": 0.431, "active_days": 3.3, "breadth": 5.2,
                                     "habit_rate": 0.21, "weeks": 4, "first_week": date(2026, 11, 2),
                                     "last_week": date(2026, 11, 23)},
                previous={"weekly_active_rate": 0.362, "active_days": 3.1, "breadth": 5.0, "habit_rate": 0.18},
                trend=[(date(2026, 10, 5) + timedelta(weeks=i), 0.3 + i * 0.015) for i in range(8)],
                wave=wave, previous_wave=before, waves=[before, wave],
                up=[{"group_name": "Finance", "rate": 0.62, "change_pts": 14.2}],
                down=[{"group_name": "<script>alert(1)</script>", "rate": 0.21, "change_pts": -6.0}],
                interventions=[{"title": "Prompt clinic", "kind": "training", "group_name": "Finance",
                                "dimension": "department", "start_date": date(2026, 11, 3), "effect_pts": 14.0,
                                "ci_low_pts": 6.0, "ci_high_pts": 22.0, "comparison_groups": 9, "status": "ok"},
                               {"title": None, "kind": "campaign", "group_name": "Sales", "dimension": "department",
                                "start_date": date(2026, 11, 20), "effect_pts": None, "ci_low_pts": None,
                                "ci_high_pts": None, "comparison_groups": 2, "status": "too few weeks after"}],
                has_interventions=True)
    return Month(**{**base, **change})


@pytest.fixture
def cfg(tmp_path):
    p = tmp_path / "c.toml"
    p.write_text(f'[auth]\nmethod = "token"\n{ALERTS}{RECIPIENTS}'
                 '[survey]\nquestions = [{ column = "R", kpi = "nps" }, { column = "T", kpi = "trust" }, '
                 '{ column = "H", kpi = "hours_saved" }, { column = "C", kpi = "competence" }, '
                 '{ column = "F", kpi = "relief" }]\n')
    return load_config(p)


@pytest.mark.parametrize("part", ["txt", "html"])
def test_bodies_match_the_golden_files(cfg, part):
    text, html = render_report_bodies(month(), cfg)
    body = text if part == "txt" else html
    golden = GOLDEN / f"monthly.{part}"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(body)
    assert body == golden.read_text()


def test_names_stay_text_and_a_small_wave_shows_no_numbers(cfg):
    text, html = render_report_bodies(month(), cfg)
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Prompt clinic for Finance on 3 Nov: +14 pts vs 9 comparable departments (95 % CI +6 to +22)" in text
    assert "Campaign for Sales on 20 Nov: not enough data yet (too few weeks after)" in text
    small = {**month().wave, "respondents": 3, "suppressed": True, "nps": None, "trust": None, "competence": None,
             "relief": None, "hours_saved_per_month": None}
    text, html = render_report_bodies(month(wave=small, waves=[month().previous_wave, small]), cfg)
    assert "3 respondents, fewer than 5: no figures (privacy)" in text
    assert "NPS: –" in text and "Trust in the output: –" in text and "Hours saved per person and month: –" in text
    assert "Satisfaction: not asked" in text  # no question measures it: said, not shown as a number


def test_the_mail_reads_at_600_px_in_chromium(surveyed, tmp_path):
    if not Path(CHROMIUM).exists():
        pytest.skip("needs Debian's chromium (make test installs it)")
    cfg = with_smtp(surveyed, tmp_path, 9)
    msg = render_report(load_month(cfg, "2026-11"), cfg, "cio@contoso.example")
    shot = screenshot(html_with_inline_images(msg), ARTIFACTS / "mail-monthly-600.png")
    print(f"monthly mail: {len(bytes(msg))} bytes, screenshot {shot}")
    assert shot["width"] <= 600 and shot["img"] and all(shown <= 600 for _, shown in shot["img"])
    assert shot["height"] < FIRST_SCREEN * 1.6  # one page: the four dimensions, movers, interventions
    assert len(bytes(msg)) < 200_000


def test_the_scheduler_sends_it_on_the_first_monday_and_catches_up_once(surveyed, tmp_path):
    from apscheduler.schedulers.background import BackgroundScheduler

    from connector.jobs import report_job
    from connector.schedule import REPORT_JOB, Service, last_done, report_trigger

    cfg = copy_warehouse(surveyed, tmp_path / "wh", extra_config=(
        f'{ALERTS}transport = "outbox"\noutbox_dir = "{(tmp_path / "outbox").as_posix()}"\n{RECIPIENTS}'
        '[schedule]\ntimezone = "Europe/Amsterdam"\n'))
    ams = ZoneInfo("Europe/Amsterdam")
    assert report_trigger(cfg).get_next_fire_time(None, datetime(2026, 11, 20, tzinfo=ams)) \
        == datetime(2026, 12, 7, 8, 0, tzinfo=ams)  # the first Monday of December
    days = []
    other = SimpleNamespace(exit_code=0, retry_after=None, deliveries=[], failed=[], week_label="2026-W50")
    service = Service(cfg, scheduler=BackgroundScheduler(), run=lambda cfg, **kw: other, alerts=lambda cfg: other,
                      report=lambda cfg, today: days.append(today) or report_job(cfg, today=today))  # the real job
    jobs = {j.id: j for j in service.build(now=datetime(2026, 12, 9, 9, 0, tzinfo=ams)).get_jobs()}
    assert REPORT_JOB in jobs and jobs["catch_up"].name.endswith(" + monthly_report")  # due on 7 Dec, never sent
    jobs["catch_up"].func()  # what the scheduler runs at start-up: the run and alerts (stand-ins), then the report
    assert days == [date(2026, 12, 7)] and service.events[-1] == (REPORT_JOB, "ok")  # the missed run's month
    assert len(list((tmp_path / "outbox" / "2026-11").glob("monthly-*.eml"))) == 2  # the month before: November
    sent = last_done(cfg, REPORT_JOB)  # what the next start's catch-up reads: the send is recorded
    assert sent is not None and abs(sent - datetime.now(UTC)) < timedelta(minutes=10)


def test_the_four_dimensions_page_says_what_the_mail_says(surveyed, monkeypatch):
    from dashboard_apptest import app, frames, texts

    at = app(surveyed, monkeypatch, month="2026-11")
    at.run()
    at.switch_page("views/four_dimensions.py").run()
    assert not at.exception, at.exception
    shown = texts(at)
    ctx = report_context(load_month(surveyed, "2026-11"), surveyed)
    assert f"In short: {ctx['in_short']}." in shown.replace("**", "")
    labels = {m.label: m.value for m in at.metric}
    assert labels["Weekly active rate"] == ctx["sections"][0][1][0][1]
    survey = next(df for df in frames(at) if "respondents" in df.columns)
    assert "Finance" in set(survey["group"])
    small = survey[survey["note"] != "–"]  # the note names the suppressed ones
    assert len(small) and small["note"].str.contains("fewer than 5 respondents").all()
    assert (small["NPS"] == "–").all() and (small["hours saved / month"] == "–").all()


def test_the_four_dimensions_page_in_chromium(surveyed):
    if not Path(CHROMIUM).exists():
        pytest.skip("needs Debian's chromium (make test installs it)")
    from playwright.sync_api import sync_playwright

    from benchmarks.dashboard_server import Server

    server = Server(Path(surveyed.source), Path(surveyed.source).with_name("dashboard.log"))
    try:
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"])
            page = b.new_page(viewport={"width": 1400, "height": 2600})
            page.goto(f"{server.url}/four-dimensions?month=2026-11", wait_until="networkidle")
            page.get_by_role("heading", name="Four dimensions").first.wait_for(timeout=30000)
            page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden", timeout=30000)
            page.get_by_text("Survey per group, next to usage").wait_for(timeout=30000)
            page.get_by_text("Waves of").wait_for(timeout=30000)
            frames = page.locator('[data-testid="stDataFrame"]')
            frames.nth(3).wait_for(timeout=30000)  # movers up and down, the survey per group, the waves
            page.wait_for_timeout(2500)  # the grids draw on a canvas after they mount
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "dashboard-four-dimensions.png"), full_page=True)
            assert page.locator('[data-testid="stException"]').count() == 0
            for heading in ("Adoption and use", "Competence and self-reliance", "Acceptance and satisfaction",
                            "Business impact", "Tenant trend"):
                assert page.get_by_role("heading", name=heading).count() == 1, heading
            b.close()
    finally:
        server.stop()
