"""Rendered mails: golden text and HTML bodies, hostile names neutralised, privacy of small groups.

Regenerate the golden files after an intended template change with `UPDATE_GOLDEN=1 pytest tests/test_alerts_render.py`
and review the diff.
"""

from __future__ import annotations

import email
import email.policy
import os
from datetime import date
from pathlib import Path

import pytest

from alerts.build import build_batch
from alerts.chart import Cell
from alerts.render import header_safe, render_alert, render_alert_bodies, render_digest, render_digest_bodies
from alerts.workflow.episodes import FlagState
from alerts.workflow.flagged import FlaggedGroup
from warehouse.config import Config, load_config

GOLDEN = Path(__file__).parent / "golden"
WEEK = date(2026, 11, 16)


@pytest.fixture
def cfg(tmp_path) -> Config:
    p = tmp_path / "c.toml"
    p.write_text('[auth]\nmethod = "token"\n[alerts]\nfrom_address = "copilot@contoso.example"\n'
                 'digest_address = "lead@contoso.example"\nfallback_address = "adoption@contoso.example"\n'
                 'dashboard_url = "https://dash.contoso.example/"\ncc_managers = true\n')
    return load_config(p)


def flag(group: str, dim: str = "department", *, rate: float | None = 0.22, eligible: int | None = 257,
         slope: float = 1.2, champion: str | None = "mia@contoso.example", name: str | None = "Mia Champion",
         manager: str | None = None, reason: str | None = None, suppressed: bool = False, impact: float | None = None,
         kind: str | None = None, department: str | None = None, weeks_flagged: int = 1) -> FlaggedGroup:
    active = None if eligible is None or rate is None else round(rate * eligible)
    kind = kind or ("declining" if slope <= -3 else "below_target")
    series = [None if rate is None else min(rate + d, 1.0) for d in (0.08, 0.04, 0.0, -0.02)]
    if reason is None and rate is not None:
        weekly = " → ".join(f"{x * 100:.0f}" for x in series if x is not None)
        avg = f"average {rate * 100:.0f} %, target 60 %"
        reason = (f"falling: weekly active {weekly} % over 4 weeks ({slope:+.1f} pts/week); {avg}"
                  if kind == "declining" else f"weekly active {weekly} % over 4 weeks; {avg}")
    if impact is None:
        impact = 0.0 if eligible is None or rate is None else eligible * (0.6 - rate)
    return FlaggedGroup(WEEK, dim, group, reason or "", eligible, active, rate, 0.3, slope, 4, 0.6, 3.0, suppressed,
                        date(2026, 11, 9), name if champion else None, champion, manager,
                        kind=kind, weekly_rates=series, weekly_active_rate=series[-1], rate_high=None,
                        impact=impact, weeks_flagged=weeks_flagged,
                        department=department or (group if dim == "department" else None),
                        licensed_users=eligible, level=None)


def state(f: FlaggedGroup, fid: int | None = 7, status: str = "open", skip: str | None = None) -> FlagState:
    return FlagState(f, fid, status, f.champion_email, skip)


def sample(cfg: Config):
    states = [
        state(flag("Marketing", rate=0.39, manager="boss@contoso.example")),
        state(flag("Human Resources", rate=0.21, eligible=232, slope=-4.9, weeks_flagged=3), 8, "acknowledged"),
        state(flag("Noor Müller (noor.muller0@contoso.example)", "manager", rate=0.37, eligible=12, slope=1.4,
                   department="Marketing"), 9),
        state(flag("Legal", rate=0.27, eligible=185, slope=1.0, champion=None), 10),
        state(flag("Procurement", rate=0.19, eligible=118, slope=-1.1, champion="pat@contoso.example",
                   name="Pat"), 11, "snoozed", "snoozed until 2026-12-01"),
    ]
    tenant = flag("Contoso", "tenant", rate=0.45, eligible=2400, slope=1.5, champion=None)
    return build_batch(cfg, WEEK, states, tenant)


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(text)
    assert path.exists(), f"{path} is missing: run with UPDATE_GOLDEN=1"
    assert text == path.read_text(), f"{name} differs from the golden file (UPDATE_GOLDEN=1 to accept)"


def test_recipients_cc_and_skips(cfg):
    batch = sample(cfg)
    assert [(a.recipient, a.kind, [s.flag.group_name for s in a.groups], a.cc) for a in batch.alerts] == [
        ("mia@contoso.example", "champion",  # by impact: people short of target
         ["Human Resources", "Marketing", "Noor Müller (noor.muller0@contoso.example)"], ["boss@contoso.example"]),
        ("adoption@contoso.example", "fallback", ["Legal"], []),
    ]
    assert [s.flag.group_name for s in batch.skipped] == ["Procurement"]
    assert [r.state.flag.group_name for r in batch.digest.rows] == [
        "Human Resources", "Legal", "Marketing", "Procurement", "Noor Müller (noor.muller0@contoso.example)"]


def test_champion_mail_matches_golden_files(cfg):
    alert = sample(cfg).alerts[0]
    text, html = render_alert_bodies(alert, cfg, chart_groups=3)
    check_golden("champion.txt", text)
    check_golden("champion.html", html)
    fb_text, fb_html = render_alert_bodies(sample(cfg).alerts[1], cfg, chart_groups=1)
    check_golden("fallback.txt", fb_text)


def test_digest_matches_golden_files(cfg):
    text, html = render_digest_bodies(sample(cfg).digest, cfg)
    check_golden("digest.txt", text)
    check_golden("digest.html", html)


def test_full_message_structure(cfg):
    alert = sample(cfg).alerts[0]
    cells = [Cell("department", "Marketing", app, 257, 0.2, None) for app in ("any", "teams", "word")]
    msg = render_alert(alert, cfg, cells)
    parsed = email.message_from_bytes(bytes(msg), policy=email.policy.default)
    assert parsed["Cc"] == "boss@contoso.example" and parsed["Auto-Submitted"] == "auto-generated"
    assert [p.get_content_type() for p in parsed.walk()] == [
        "multipart/alternative", "text/plain", "multipart/related", "text/html", "image/png"]
    assert parsed["Subject"] == ("[Copilot adoption] Human Resources and 2 more groups need a Copilot follow-up "
                                 "(2026-W47)")
    assert sample(cfg).alerts[1].kind == "fallback"
    assert render_alert(sample(cfg).alerts[1], cfg, [])["Subject"] == \
        "[Copilot adoption] 1 flagged group has no champion (2026-W47)"
    digest = render_digest(sample(cfg).digest, cfg)
    assert [p.get_filename() for p in digest.iter_attachments()] == ["flagged-groups-2026-W47.csv"]


def test_hostile_names_are_escaped_and_never_reach_a_header(cfg):
    evil_group = "<script>alert(1)</script>\r\nBcc: victim@evil.example"
    evil_name = "Eve\r\nBcc: victim@evil.example =?utf-8?q?x?="
    formula = "=cmd|' /C calc'!A0"
    evil_team = "<img src=x onerror=alert(2)> (x@contoso.example)"
    states = [state(flag(evil_group, champion="eve@contoso.example", name=evil_name)),
              state(flag(formula, "job_function", champion="eve@contoso.example", name=evil_name), 8),
              state(flag(evil_team, "manager", eligible=40, department=evil_group, champion="eve@contoso.example",
                         name=evil_name), 9)]
    batch = build_batch(cfg, WEEK, states)
    msg = render_alert(batch.alerts[0], cfg, [])
    raw = bytes(msg)
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert parsed["Bcc"] is None and b"\nBcc:" not in raw
    for header in ("Subject", "To", "From"):
        assert "\r" not in str(parsed[header]) and "\n" not in str(parsed[header])
    assert parsed["To"].addresses[0].addr_spec == "eve@contoso.example"
    assert "=?utf-8?q?x?=" not in parsed["To"].addresses[0].display_name
    html = parsed.get_body(("html",)).get_content()
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(2)&gt;" in html  # nested under its department
    assert "group=%3Cscript%3Ealert%281%29%3C%2Fscript%3E%0D%0ABcc" in html  # the link is URL-encoded too
    text = parsed.get_body(("plain",)).get_content()
    assert "Hello Eve Bcc: victim@evil.example" in text  # one line in the body too
    assert "* <script>alert(1)</script> Bcc: victim@evil.example (department): " in text  # plain text: harmless
    assert "    - <img src=x onerror=alert(2)> (x@contoso.example) (manager team): weekly active rate " in text

    digest = build_batch(cfg, WEEK, states).digest
    csv_text = next(render_digest(digest, cfg).iter_attachments()).get_content()
    assert "'=cmd|' /C calc'!A0" in csv_text and "\n=cmd" not in csv_text and ",=cmd" not in csv_text


def test_header_safe():
    assert header_safe("a\r\nb\tc\x00d\u2028e") == "a b c d e"
    assert header_safe("=?utf-8?b?Zm9v?=") == "= ?utf-8?b?Zm9v?="
    assert header_safe("x" * 300, 50) == "x" * 49 + "…"


def test_groups_below_the_minimum_size_are_never_shown_with_numbers(cfg):
    small = state(flag("Tiny Team", "manager", eligible=None, rate=None, suppressed=True,  # type: ignore[arg-type]
                       reason="not evaluated: the group is below the minimum group size"))
    batch = build_batch(cfg, WEEK, [small])
    text, html = render_alert_bodies(batch.alerts[0], cfg, chart_groups=0)
    assert "weekly active rate n/a" in text and "below the minimum group size" in text
    assert "too few licensed people to show numbers" in text and "of n/a" not in text
    msg = render_alert(batch.alerts[0], cfg, [])
    assert not [p for p in msg.walk() if p.get_content_type() == "image/png"]  # no chart of a small group


def test_namesake_manager_teams_keep_their_own_row_in_the_mail_image():
    """Two managers called Alex Johansson: each team keeps its row and its mailbox (not the domain) in the label."""
    from alerts.chart import heatmap_chart
    from warehouse.levels import Bands

    groups = [("manager", "Alex Johansson (alex.johansson1152@contoso.example)"),
              ("manager", "Alex Johansson (alex.johansson6@contoso.example)")]
    cells = [Cell("manager", g, "any", 8, rate, None) for (_, g), rate in zip(groups, (0.25, 0.75), strict=True)]
    spec = heatmap_chart(cells, groups, "t", Bands(0.2, 0.4, 0.6)).to_dict()
    data = next(iter(spec["datasets"].values()))
    assert sorted({r["group"] for r in data}) == ["Alex Johansson (alex.johansson1152)",
                                                 "Alex Johansson (alex.johansson6)"]
    assert {r["group"]: r["text"] for r in data}["Alex Johansson (alex.johansson6)"] == "75 %"


def test_mail_image_columns_are_the_apps_the_tenant_has():
    """A v2 tenant's image has the agents, Edge, ... columns; a v1 tenant's has none of them (not empty ones)."""
    from alerts.chart import heatmap_chart
    from warehouse.apps import APPS, SHORT, V2_APPS
    from warehouse.levels import Bands

    groups = [("department", "Sales")]

    def columns(apps: list[str]) -> tuple[list[str], int]:
        cells = [Cell("department", "Sales", a, 40, 0.3, None) for a in apps]
        spec = heatmap_chart(cells, groups, "t", Bands(0.2, 0.4, 0.6)).to_dict()
        data = next(iter(spec["datasets"].values()))
        assert [r["app"] for r in data] == [SHORT[a] for a in apps]
        return spec["layer"][0]["encoding"]["x"]["sort"], spec["width"]

    v2, v2_width = columns(list(APPS))
    assert v2 == [SHORT[a] for a in APPS] and {"Agents", "Edge", "M365 app", "Chat web"} <= set(v2)
    v1, v1_width = columns([a for a in APPS if a not in V2_APPS])
    assert not set(v1) & {SHORT[a] for a in V2_APPS} and v1_width < v2_width
