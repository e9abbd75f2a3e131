"""What a champion sees: the champion and fallback mails' HTML rendered at 600 px in headless Chromium.

The inline heatmap's `cid:` reference is replaced by a data: URI of the PNG part, as a mail client would show it.
Screenshots go to tests/artifacts/mail-champion-600.png and mail-fallback-600.png for a person to look at; the test
checks what must be on the first screen: the group, its weekly active rate and the button to open the follow-up.
"""

from __future__ import annotations

import base64
import email
import email.policy
from pathlib import Path

import pytest
from simulated_warehouse import copy_warehouse

from alerts.run import run_alerts
from alerts.workflow.champions import import_champions
from warehouse import levels

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).parent / "artifacts"
FIRST_SCREEN = 800  # px of a laptop mail reading pane
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium (make test installs it)")


def html_with_inline_images(msg: email.message.EmailMessage) -> str:
    html = msg.get_body(("html",)).get_content()
    for part in msg.walk():
        if part.get_content_type() == "image/png" and part["Content-ID"]:
            data = base64.b64encode(part.get_content()).decode()
            html = html.replace(f"cid:{part['Content-ID'].strip('<>')}", f"data:image/png;base64,{data}")
    return html


def screenshot(html: str, path: Path) -> dict:
    from playwright.sync_api import sync_playwright

    path.parent.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                              args=["--headless", "--no-sandbox", "--disable-gpu"])
        try:
            page = b.new_page(viewport={"width": 600, "height": FIRST_SCREEN})
            page.set_content(html, wait_until="load")
            page.screenshot(path=str(path), full_page=True)
            button = page.get_by_role("link", name="Open the follow-up").first
            attention = page.get_by_role("link", name="Open Needs attention")
            return {"height": page.evaluate("document.documentElement.scrollHeight"),
                    "width": page.evaluate("document.documentElement.scrollWidth"),
                    "button_y": button.bounding_box()["y"] if button.count() else None,
                    "attention_y": attention.bounding_box()["y"] if attention.count() else None,
                    "img": page.evaluate("[...document.images].map(i => [i.naturalWidth, i.width])")}
        finally:
            b.close()


@pytest.fixture
def mails(model_warehouse, tmp_path):
    cfg, _, _ = model_warehouse
    cfg = copy_warehouse(cfg, tmp_path / "wh", extra_config=(
        '[alerts]\nfrom_address = "copilot@contoso.example"\ndigest_address = "lead@contoso.example"\n'
        'fallback_address = "adoption@contoso.example"\ndashboard_url = "https://dash.contoso.example"\n'
        f'outbox_dir = "{(tmp_path / "outbox").as_posix()}"\n'))
    import duckdb

    con = duckdb.connect(cfg.warehouse.path, read_only=True)
    rows = con.execute("select dimension, group_name, department, active_rate from mart_stagnation where week_start "
                       "= date '2026-11-16' and flagged and dimension <> 'tenant' order by impact desc").fetchall()
    con.close()
    dept = next(g for d, g, *_ in rows if d == "department")
    mine = [("department", dept), *[(d, g) for d, g, dep, _ in rows if d != "department" and dep == dept][:6]]
    csv = tmp_path / "champions.csv"
    csv.write_text("dimension,group_name,champion_name,champion_email,manager_email\n" + "".join(
        f'{d},"{g}",Mia Jensen,mia.jensen@contoso.example,\n' for d, g in mine))
    import_champions(cfg, csv)
    result = run_alerts(cfg, dry_run=True)
    out = {p.name.split("-")[0]: email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
           for p in result.outbox}
    return out, dept, {g: r for _, g, _, r in rows}


def test_champion_mail_first_screen_says_what_is_wrong_and_what_to_do(mails):
    out, dept, rates = mails
    msg = out["champion"]
    shot = screenshot(html_with_inline_images(msg), ARTIFACTS / "mail-champion-600.png")
    print(f"champion mail: {len(bytes(msg))} bytes, screenshot {shot}")
    assert shot["width"] <= 600  # no horizontal scrolling at 600 px
    assert shot["button_y"] is not None and shot["button_y"] < FIRST_SCREEN * 0.6
    assert shot["img"] and all(shown <= 600 for _, shown in shot["img"])
    html = msg.get_body(("html",)).get_content()
    head = html[: html.index("Open the follow-up")]
    assert dept in head and f"{levels.percent(rates[dept])}</span> {levels.HEADLINE}" in head
    assert len(bytes(msg)) < 250_000


def test_fallback_mail_is_one_screen(mails):
    out, _, _ = mails
    msg = out["fallback"]
    shot = screenshot(html_with_inline_images(msg), ARTIFACTS / "mail-fallback-600.png")
    print(f"fallback mail: {len(bytes(msg))} bytes, screenshot {shot}")
    assert shot["width"] <= 600 and shot["height"] <= FIRST_SCREEN
    assert shot["attention_y"] is not None and shot["attention_y"] < FIRST_SCREEN
    assert len(bytes(msg)) < 40_000


def test_digest_fits_600_px_and_keeps_the_full_list_in_the_csv(mails):
    out, _, _ = mails
    msg = out["digest"]
    shot = screenshot(html_with_inline_images(msg), ARTIFACTS / "mail-digest-600.png")
    print(f"digest mail: {len(bytes(msg))} bytes, screenshot {shot}")
    assert shot["width"] <= 600 and shot["attention_y"] is not None
    assert [p.get_filename() for p in msg.iter_attachments()] == ["flagged-groups-2026-W47.csv"]
