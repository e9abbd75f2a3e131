"""Priority and volume on the simulated tenant: impact order, the per-mail cap, the short fallback, manager teams
nested under their flagged department, and links that open one group's week on the dashboard."""

from __future__ import annotations

from urllib.parse import urlsplit

from mail_parsing import group_link_params, headline_in_mail, links
from simulated_warehouse import copy_warehouse

from alerts.run import run_alerts
from alerts.workflow.champions import import_champions
from warehouse import levels

W47, MONDAY = "2026-W47", "2026-11-16"
DASH = "https://dash.contoso.example"


def config(model, tmp_path, port: int, cap: int = 8):
    cfg, _, _ = model
    return copy_warehouse(cfg, tmp_path / "wh", extra_config=(
        f'[alerts]\nfrom_address = "copilot@contoso.example"\ndigest_address = "lead@contoso.example"\n'
        f'fallback_address = "adoption@contoso.example"\ndashboard_url = "{DASH}"\nmax_groups_per_mail = {cap}\n'
        f'[alerts.smtp]\nhost = "127.0.0.1"\nport = {port}\nstarttls = false\n'))


def flagged(cfg) -> list[tuple]:
    import duckdb

    con = duckdb.connect(cfg.warehouse.path, read_only=True)
    try:
        return con.execute("select dimension, group_name, department, impact, active_rate from mart_stagnation "
                           "where week_start = ? and flagged and dimension <> 'tenant' order by impact desc, "
                           "group_name", [MONDAY]).fetchall()
    finally:
        con.close()


def champions(tmp_path, rows: list[tuple[str, str, str]]) -> str:
    p = tmp_path / "champions.csv"
    p.write_text("dimension,group_name,champion_name,champion_email,manager_email\n" + "".join(
        f'{d},"{g.replace(chr(34), chr(34) * 2)}",Mia,{e},\n' for d, g, e in rows))
    return str(p)


def mails(box) -> dict:
    return {str(m["To"].addresses[0].addr_spec): m for m in box.messages}


def text_of(msg) -> str:
    return msg.get_body(("plain",)).get_content().replace("\r\n", "\n")


def test_one_champion_many_groups_by_impact_capped_with_teams_under_their_department(
        model_warehouse, tmp_path, smtpd):
    ctl, box = smtpd
    cfg = config(model_warehouse, tmp_path, ctl.port, cap=4)
    rows = flagged(cfg)
    dept = next(g for d, g, *_ in rows if d == "department")
    teams = [g for d, g, dep, *_ in rows if d == "manager" and dep == dept]
    assert len(teams) >= 2, "the simulated tenant has flagged manager teams in a flagged department"
    others = [(d, g) for d, g, *_ in rows if d != "department" and g not in teams][:10]
    mine = [("department", dept), *(("manager", t) for t in teams), *others]
    import_champions(cfg, champions(tmp_path, [(d, g, "mia@contoso.example") for d, g in mine]))
    assert run_alerts(cfg).exit_code == 0

    msg = mails(box)["mia@contoso.example"]
    text = text_of(msg)
    top = [line[2:].split(" (")[0] for line in text.splitlines() if line.startswith("* ")]
    impact = {g: i for _, g, _, i, _ in rows}
    assert len(top) == 4 and top == sorted(top, key=lambda g: (-impact[g], g))  # by impact, capped
    assert dept in top
    nested = [line.strip()[2:] for line in text.splitlines() if line.startswith("    - ") and "(manager team)" in line]
    assert all(t not in top for t in teams)  # never a separate top-level item
    shown_teams = [t for t in teams if any(n.startswith(f"{t} (manager team)") for n in nested)]
    assert shown_teams == teams[:5] and text.count(f"{teams[0]} (manager team)") == 1
    if len(teams) > 5:
        assert f"- and {len(teams) - 5} more manager teams in {dept} on the dashboard" in text
    more = len(mine) - len(top) - len(teams)  # the department's teams are under it, shown or counted there
    assert more > 0
    assert f"And {more} more groups: see all your groups on the dashboard: {DASH}/my-groups?week={MONDAY}" in text
    html = msg.get_body(("html",)).get_content()
    assert f"And {more} more groups" in html and f'href="{DASH}/my-groups?week={MONDAY}"' in html
    for d, g, _, _, rate in rows:
        if (g in top and d != "manager") or (g in shown_teams and d == "manager"):
            assert headline_in_mail(text, g, d) == levels.percent(rate), (d, g)


def test_links_open_one_group_and_week_on_my_groups(model_warehouse, tmp_path, smtpd):
    ctl, box = smtpd
    cfg = config(model_warehouse, tmp_path, ctl.port)
    rows = flagged(cfg)
    hostile = [g for d, g, *_ in rows if d == "manager" and any(c in g for c in "'( ")][:3]
    pick = [("department", rows[0][1] if rows[0][0] == "department" else next(
        g for d, g, *_ in rows if d == "department")), *(("manager", g) for g in hostile)]
    import_champions(cfg, champions(tmp_path, [(d, g, "mia@contoso.example") for d, g in pick]))
    assert run_alerts(cfg).exit_code == 0
    text = text_of(mails(box)["mia@contoso.example"])
    seen = {}
    for url in links(text):
        path, params = group_link_params(url)
        assert urlsplit(url).netloc == "dash.contoso.example"
        if path == "/my-groups" and "group" in params:
            assert set(params) == {"dimension", "group", "week"} and params["week"] == [MONDAY]
            seen[(params["dimension"][0], params["group"][0])] = url
    assert set(pick) <= set(seen)  # every group of the mail, its name round-trips through the URL


def test_fallback_is_a_short_summary_pointing_to_needs_attention(model_warehouse, tmp_path, smtpd):
    ctl, box = smtpd
    cfg = config(model_warehouse, tmp_path, ctl.port)
    rows = flagged(cfg)
    assert len(rows) > 60
    assert run_alerts(cfg).exit_code == 0
    msg = mails(box)["adoption@contoso.example"]
    text = text_of(msg)
    assert f"{len(rows)} flagged groups in week {W47}" in text and "have no champion" in text
    items = [line for line in text.splitlines() if line.startswith("* ")]
    assert len(items) == 5 and len(text.splitlines()) < 40
    top_level = [g for d, g, dep, *_ in rows
                 if not (d == "manager" and dep in {x for dd, x, *_ in rows if dd == "department"})]
    assert [line[2:].split(" (")[0] for line in items] == top_level[:5]
    assert f"{DASH}/attention?week={MONDAY}" in text and "champions import" in text
    assert not [p for p in msg.walk() if p.get_content_type() == "image/png"]
    assert len(bytes(msg)) < 40_000

    digest = mails(box)["lead@contoso.example"]
    dtext = text_of(digest)
    assert "in the attached CSV" in dtext and len(dtext.splitlines()) < 120
    csv_text = next(digest.iter_attachments()).get_payload(decode=True).decode("utf-8-sig")
    lines = csv_text.strip().splitlines()
    assert len(lines) == len(rows) + 1
    assert lines[0].startswith("week,dimension,group,department,weekly active rate (%),target (%)")
    plain = [line.split(",") for line in lines[1:] if line.count(",") >= 15 and '"' not in line]
    impacts = [float(cells[8]) for cells in plain]
    assert impacts == sorted(impacts, reverse=True)
    # numbers a spreadsheet can sum: the mail's whole percent, to one decimal
    for cells in plain:
        assert float(cells[5]) == 60.0 and 0 <= float(cells[4]) <= 100


def test_heatmap_any_app_is_the_headline_for_the_latest_and_an_earlier_week(model_warehouse):
    import duckdb

    from alerts.chart import read_cells
    from alerts.workflow.weeks import parse_week

    cfg, _, _ = model_warehouse
    con = duckdb.connect(cfg.warehouse.path, read_only=True)
    try:
        for week in ("2026-W47", "2026-W46"):  # the latest complete week (mart_acceptance_heatmap), then pooled
            start = parse_week(week)
            marts = {(d, g): r for d, g, r in con.execute(
                "select dimension, group_name, active_rate from mart_stagnation where week_start = ? and "
                "dimension in ('department', 'manager') and active_rate is not null", [start]).fetchall()}
            groups = sorted(marts)[:40]
            cells = read_cells(con, start, groups, lookback=cfg.model.stagnation.lookback_weeks,
                               min_size=cfg.model.min_group_size)
            anyapp = {(c.dimension, c.group_name): c for c in cells if c.app == "any"}
            assert set(anyapp) == set(groups), week
            for key in groups:
                assert anyapp[key].hidden is None and abs(anyapp[key].active_rate - marts[key]) < 1e-9, (week, key)
            assert {c.app for c in cells} > {"any", "teams", "word"}
            assert all((c.active_rate is None) == (c.hidden is not None) for c in cells)
    finally:
        con.close()
