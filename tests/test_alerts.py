"""Weekly alerts end to end: simulator history -> champions -> mails through a real SMTP server on localhost."""

from __future__ import annotations

import struct
from datetime import date

import duckdb
from click.testing import CliRunner
from mail_parsing import headline_in_mail
from simulated_warehouse import copy_warehouse

from alerts.run import run_alerts
from alerts.workflow.champions import import_champions
from alerts.workflow.followups import list_followups, set_followup
from connector.cli import cli
from connector.simulator.tenant import DEPARTMENTS
from warehouse import levels

KIND = dict(DEPARTMENTS)
TRUTH_FLAGGED = {d for d, k in DEPARTMENTS if k in ("stagnate", "decline")}  # the simulator's stuck or falling
QUIET = {d for d, k in DEPARTMENTS if k not in ("stagnate", "decline")}
W47 = "2026-W47"


def champion(dept: str) -> str:
    return "champ." + dept.lower().replace(" & ", "-").replace(" ", "-") + "@contoso.example"


def alert_config(model, tmp_path, port: int, extra: str = "", dims: str = '["department"]'):
    cfg, _, _ = model
    return copy_warehouse(cfg, tmp_path / "wh", extra_config=(
        f'[alerts]\nfrom_address = "copilot@contoso.example"\ndigest_address = "lead@contoso.example"\n'
        f'dashboard_url = "https://dash.contoso.example"\noutbox_dir = "{(tmp_path / "outbox").as_posix()}"\n'
        f"dimensions = {dims}\n{extra}\n"
        f'[alerts.smtp]\nhost = "127.0.0.1"\nport = {port}\nstarttls = false\n'))


def champions_csv(tmp_path, depts) -> str:
    p = tmp_path / "champions.csv"
    p.write_text("dimension,group_name,champion_name,champion_email,manager_email\n" + "".join(
        f'department,"{d}",Champion of {d},{champion(d)},\n' for d in depts))
    return str(p)


def departments(cfg, flagged_only: bool = False, week: str = "2026-11-16") -> set[str]:
    """The departments of a week (W47 unless told) in the model (flagged ones only, if asked): the truth's plus e.g.
    'Unassigned'."""
    return {g for (g,) in q(cfg, "select group_name from mart_stagnation where dimension = 'department' and "
                                  f"week_start = date '{week}'" + (" and flagged" if flagged_only else ""))}


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", data[16:24])


def q(cfg, sql, params=None):
    con = duckdb.connect(cfg.warehouse.path, read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def test_champions_of_flagged_departments_get_one_mail_each_and_a_second_run_sends_nothing(
        model_warehouse, tmp_path, smtpd):
    ctl, box = smtpd
    cfg = alert_config(model_warehouse, tmp_path, ctl.port)
    import_champions(cfg, champions_csv(tmp_path, sorted(departments(cfg))))
    flagged = departments(cfg, flagged_only=True)
    assert flagged >= TRUTH_FLAGGED and not flagged & QUIET  # growing and high departments are not flagged

    result = run_alerts(cfg)
    assert result.exit_code == 0 and result.week_label == W47
    by_to = {str(m["To"].addresses[0].addr_spec): m for m in box.messages}
    assert set(by_to) == {champion(d) for d in flagged} | {"lead@contoso.example"}
    for d in QUIET:  # growing and high departments' champions get nothing
        assert champion(d) not in by_to, d
    assert box.envelopes[0][0] == "copilot@contoso.example"

    mart = {g: (reason, active, eligible, rate, kind) for g, reason, active, eligible, rate, kind in q(
        cfg, "select group_name, reason, active_users, eligible_users, active_rate, flag_kind from mart_stagnation "
             "where dimension = 'department' and flagged and week_start = date '2026-11-16'")}
    for dept in flagged:
        msg = by_to[champion(dept)]
        reason, active, eligible, rate, kind = mart[dept]
        assert msg["Subject"] == (f"[Copilot adoption] {dept} needs a Copilot follow-up: weekly active rate "
                                  f"{levels.percent(rate)} ({W47})")
        assert msg["From"].addresses[0].addr_spec == "copilot@contoso.example"
        text = msg.get_body(("plain",)).get_content()
        html = msg.get_body(("html",)).get_content()
        assert headline_in_mail(text, dept) == levels.percent(rate)  # the mart's headline, as the dashboard shows it
        assert reason[0].upper() + reason[1:] in text
        assert f"This week {active} of {eligible} licensed people used Copilot" in text
        assert f"{active} of {eligible} licensed people" in html and f"Hello Champion of {dept}" in text
        link = ("https://dash.contoso.example/my-groups?dimension=department&group="
                + dept.replace(" ", "%20").replace("&", "%26") + "&week=2026-11-16")
        assert link in text and link.replace("&", "&amp;") in html
        assert "copilot-usage followups" not in text and "copilot-usage followups" not in html
        assert (f"Where use is falling ({dept})" in text) == (kind == "declining")
        images = [p for p in msg.walk() if p.get_content_type() == "image/png"]
        assert len(images) == 1 and images[0]["Content-Disposition"].startswith("inline")
        cid = images[0]["Content-ID"].strip("<>")
        assert f'src="cid:{cid}"' in html
        width, height = png_size(images[0].get_content())
        assert 600 <= width <= 3000 and 60 <= height <= 800, (width, height)

    digest = by_to["lead@contoso.example"]
    assert digest["Subject"] == f"[Copilot adoption] Weekly digest {W47}: {len(flagged)} flagged groups"
    dtext = digest.get_body(("plain",)).get_content()
    for dept in flagged:
        assert f"* {dept} (department): weekly active rate " in dtext and champion(dept) in dtext
    csv_part = next(p for p in digest.iter_attachments() if p.get_filename() == f"flagged-groups-{W47}.csv")
    assert len(csv_part.get_content().strip().splitlines()) == len(flagged) + 1

    logged = q(cfg, "select recipient, kind, status, attempts from alert_log order by all")
    assert {(r, k) for r, k, s, n in logged} == {(champion(d), "champion") for d in flagged} | {
        ("lead@contoso.example", "digest")}
    assert {(s, n) for _, _, s, n in logged} == {("sent", 1)}
    assert len(list_followups(cfg)) == len(flagged)

    n = len(box.messages)
    again = run_alerts(cfg)
    assert again.exit_code == 0 and len(box.messages) == n
    assert {d.status for d in again.deliveries} == {"skipped"}

    resent = run_alerts(cfg, resend=True)
    assert len(box.messages) == 2 * n and {d.status for d in resent.deliveries} == {"sent"}
    assert {a for *_, a in q(cfg, "select recipient, attempts from alert_log")} == {2}


def test_groups_without_champion_go_to_the_fallback_never_dropped(model_warehouse, tmp_path, smtpd):
    ctl, box = smtpd
    cfg = alert_config(model_warehouse, tmp_path, ctl.port, extra='fallback_address = "adoption@contoso.example"')
    flagged = departments(cfg, flagged_only=True)
    import_champions(cfg, champions_csv(tmp_path, ["Marketing"]))
    result = run_alerts(cfg)
    assert result.exit_code == 0
    by_to = {str(m["To"].addresses[0].addr_spec): m for m in box.messages}
    assert set(by_to) == {champion("Marketing"), "adoption@contoso.example", "lead@contoso.example"}
    fallback = by_to["adoption@contoso.example"]
    text = fallback.get_body(("plain",)).get_content()
    assert f"{len(flagged) - 1} flagged groups in week {W47}" in text and "have no champion" in text
    by_impact = [g for (g,) in q(cfg, "select group_name from mart_stagnation where dimension = 'department' and "
                                      "flagged and week_start = date '2026-11-16' order by impact desc, group_name")]
    no_champion = [g for g in by_impact if g != "Marketing"]
    for dept in no_champion[:5]:  # the top five by impact, one line each
        assert f"* {dept} (department): weekly active rate " in text
    if len(no_champion) > 5:
        assert f"And {len(no_champion) - 5} more on the Needs attention page" in text
    assert "* Marketing" not in text and "https://dash.contoso.example/attention?week=2026-11-16" in text
    assert fallback["Subject"] == f"[Copilot adoption] {len(flagged) - 1} flagged groups have no champion ({W47})"


def test_smtp_down_fails_named_recipients_and_the_next_run_retries_only_them(model_warehouse, tmp_path, smtpd):
    ctl, box = smtpd
    port = ctl.port
    ctl.stop()  # the relay is down
    cfg = alert_config(model_warehouse, tmp_path, port)
    flagged = departments(cfg, flagged_only=True)
    import_champions(cfg, champions_csv(tmp_path, sorted(departments(cfg))))
    down = run_alerts(cfg)
    assert down.exit_code == 1
    assert {d.recipient for d in down.failed} == {champion(d) for d in flagged} | {"lead@contoso.example"}
    assert all("cannot connect" in d.detail for d in down.failed)
    assert {s for (s,) in q(cfg, "select distinct status from alert_log")} == {"failed"}

    from aiosmtpd.controller import Controller

    up = Controller(box, hostname="127.0.0.1", port=port)  # back up, but refusing one mailbox
    up.start()
    box.refuse = {champion("Legal")}
    partial = run_alerts(cfg)
    assert partial.exit_code == 1
    assert [d.recipient for d in partial.failed] == [champion("Legal")]
    assert "550" in partial.failed[0].detail
    assert len(box.messages) == len(flagged)  # everyone else, and the digest

    box.refuse = set()
    retry = run_alerts(cfg)
    assert retry.exit_code == 0 and len(box.messages) == len(flagged) + 1
    assert [d.recipient for d in retry.deliveries if d.status == "sent"] == [champion("Legal")]
    assert q(cfg, "select attempts, status from alert_log where recipient = ?", [champion("Legal")]) == [(3, "sent")]
    assert run_alerts(cfg).exit_code == 0 and len(box.messages) == len(flagged) + 1
    up.stop()


def test_dry_run_writes_eml_files_and_changes_nothing(model_warehouse, tmp_path, smtpd):
    ctl, box = smtpd
    cfg = alert_config(model_warehouse, tmp_path, ctl.port)
    import_champions(cfg, champions_csv(tmp_path, ["Legal"]))
    result = run_alerts(cfg, dry_run=True)
    assert result.exit_code == 0 and box.messages == []
    names = sorted(p.name for p in result.outbox)
    assert names == ["champion-champ.legal@contoso.example.eml", "digest-lead@contoso.example.eml",
                     "fallback-lead@contoso.example.eml"]
    assert all(p.parent == tmp_path / "outbox" / W47 for p in result.outbox)
    assert b"Subject: [Copilot adoption] Legal needs a Copilot follow-up: weekly active rate " in \
        result.outbox[0].read_bytes()
    assert q(cfg, "select count(*) from alert_log") == [(0,)]
    assert q(cfg, "select count(*) from followups") == [(0,)]


def test_snoozed_and_resolved_follow_ups_are_not_re_alerted(model_warehouse, tmp_path, smtpd):
    ctl, box = smtpd
    cfg = alert_config(model_warehouse, tmp_path, ctl.port)
    flagged = departments(cfg, flagged_only=True, week="2026-11-09")  # W46: departments evaluated for 4 weeks
    assert {"Marketing", "Legal"} <= flagged
    import_champions(cfg, champions_csv(tmp_path, sorted(departments(cfg))))
    assert run_alerts(cfg, week="2026-W46").exit_code == 0
    first = {str(m["To"].addresses[0].addr_spec) for m in box.messages}
    assert {champion(d) for d in flagged} <= first
    items = {f.group_name: f for f in list_followups(cfg)}
    ids = {g: items[g].id for g in flagged}
    set_followup(cfg, items["Marketing"].id, snooze_until=date(2026, 12, 1), today=date(2026, 11, 23))
    set_followup(cfg, items["Legal"].id, status="resolved", note="training done", today=date(2026, 11, 23))
    box.messages.clear()

    result = run_alerts(cfg, week=W47)
    got = {str(m["To"].addresses[0].addr_spec) for m in box.messages}
    assert champion("Marketing") not in got and champion("Legal") not in got
    assert {champion(d) for d in departments(cfg, flagged_only=True) - {"Marketing", "Legal"}} <= got
    assert {s.flag.group_name for s in result.not_alerted} == {"Marketing", "Legal"}
    digest = next(m for m in box.messages if m["X-Copilot-Usage-Alert"].startswith("digest"))
    text = digest.get_body(("plain",)).get_content()
    assert "not alerted: snoozed until 2026-12-01" in text and "not alerted: resolved" in text
    after = {f.group_name: f.id for f in list_followups(cfg)}
    assert {g: after[g] for g in flagged} == ids  # the same items: the episode continued


def test_cli_alerts_and_bad_week(model_warehouse, tmp_path, smtpd):
    ctl, box = smtpd
    cfg = alert_config(model_warehouse, tmp_path, ctl.port)
    runner = CliRunner()
    bad = runner.invoke(cli, ["alerts", "--config", cfg.source, "--week", "2026-W30"])
    assert bad.exit_code == 1 and "2026-W30" in bad.output and "2026-W43 to 2026-W47" in bad.output
    ok = runner.invoke(cli, ["alerts", "--config", cfg.source])
    assert ok.exit_code == 0, ok.output
    assert "alerts 2026-W47 via smtp" in ok.output and "lead@contoso.example" in ok.output
    assert len(box.messages) == 2  # everything to the fallback (= digest address), plus the digest
    again = runner.invoke(cli, ["alerts", "--config", cfg.source])
    assert again.exit_code == 0 and "skipped" in again.output and len(box.messages) == 2
