"""The demo: a simulated tenant collected day by day over real HTTP into a fresh warehouse, then modelled."""

from __future__ import annotations

import os
from pathlib import Path

from rich.console import Console
from rich.markup import escape

from warehouse import db
from warehouse.config import Config, load_config

from .output import print_run, print_status, print_transform
from .simulator.server import Simulator, default_end_date
from .simulator.tenant import Tenant

DEMO_CONFIG = """# Written by `copilot-usage demo`: the built-in simulated tenant on loopback.
[graph]
base_url = "{base_url}"

[auth]
method = "token"   # the token comes from COPILOT_USAGE_GRAPH_TOKEN

[warehouse]
path = "{warehouse}"

[dashboard]
auth = "none"   # no sign-in: for this local demo only
cache_ttl_seconds = 60

[alerts]
transport = "outbox"   # the weekly mails are written as .eml files, nothing is sent
outbox_dir = "{outbox}"
from_address = "copilot-adoption@contoso.example"
digest_address = "adoption.lead@contoso.example"
dashboard_url = "{dashboard_url}"
"""
# made-up champions (the simulator's users live in contoso.example too, but none of them is named here)
CHAMPION_NAMES = ["Mia Jensen", "Leo Novak", "Ava Rossi", "Noah Kim", "Zoe Park", "Omar Haddad", "Ines Silva",
                  "Kai Berg", "Lea Moreau", "Sam Okoro", "Ida Lund", "Tom Reyes"]
CHAMPIONS_HEADER = "dimension,group_name,champion_name,champion_email,manager_email\n"


def run_demo(workdir: Path, *, users: int, history_days: int, seed: int, console: Console, port: int = 8501) -> int:
    """Collect `history_days + 1` simulated days into `workdir`, transform, then write the week's alert mails to
    `workdir/outbox` for a few made-up champions; return the last run's exit code."""
    from connector.status import read_status

    from .collect import collect
    from .jobs import transform_job_or_busy

    workdir.mkdir(parents=True, exist_ok=True)
    end = default_end_date()
    tenant = Tenant.generate(users=users, days=max(history_days + 30, 60), seed=seed, end=end)
    warehouse = (workdir / "copilot_usage.duckdb").resolve()
    with Simulator(tenant) as sim:
        cfg_path = workdir / "config.toml"
        cfg_path.write_text(DEMO_CONFIG.format(base_url=sim.base_url, warehouse=warehouse.as_posix(),
                                               outbox=(workdir / "outbox").resolve().as_posix(),
                                               dashboard_url=f"http://localhost:{port}"))
        cfg = load_config(cfg_path)
        os.environ["COPILOT_USAGE_GRAPH_TOKEN"] = sim.state.token
        console.print(f"Simulated tenant: {users} users, seed {seed}, served at {sim.base_url}")
        code = 0
        first = tenant.days - 1 - history_days
        for day in range(first, tenant.days):
            sim.state.day = day
            result = collect(cfg)
            code = result.exit_code
            if day < tenant.days - 1:
                bad = [o for o in result.outcomes if o.status not in ("ok", "warning")]
                console.print(f"  collected {tenant.date(day)}: {sum(o.rows for o in result.outcomes)} rows"
                              + (f", {len(bad)} problem(s)" if bad else ""))
        print_run(result)
        transformed = transform_job_or_busy(cfg)
        print_transform(transformed)
        code = 1 if 1 in (code, transformed.exit_code) else code
    champions = demo_champions(cfg, workdir, console)  # before the status, which names each group's champion
    print_status(read_status(str(warehouse)))
    demo_alerts(cfg, workdir, console, champions)  # an outbox only: also after a warning, so the loop can be seen
    console.print(f"Warehouse: {warehouse}\nConfig for other commands: {cfg_path} "
                  "(the simulator stops with the demo; start it again with `copilot-usage simulate`)")
    return code


def pick_champions(cfg: Config) -> list[tuple[str, str, str, str]]:
    """(dimension, group, name, e-mail) for the demo: every flagged department, two flagged manager teams of the
    first one (with the same champion, so the mail nests them) and one group on track (which gets no mail)."""
    with db.reading(cfg.warehouse) as con:
        rows = con.execute(
            "select dimension, group_name, status, department, impact from mart_stagnation "
            "where week_start = (select max(week_start) from mart_stagnation) and dimension <> 'tenant' "
            "order by impact desc nulls last, group_name").fetchall()
    skip = cfg.model.unassigned_label  # people without a department are nobody's to champion
    flagged = [g for d, g, st, *_ in rows if d == "department" and st == "flagged" and g != skip]
    teams = [g for d, g, st, dep, _ in rows if d == "manager" and st == "flagged" and flagged and dep == flagged[0]]
    on_track = [g for d, g, st, *_ in rows if d == "department" and st == "on_track" and g != skip][:1]
    names = iter(CHAMPION_NAMES * 3)
    out = []
    for dept in flagged + on_track:
        name = next(names)
        out.append(("department", dept, name, name.lower().replace(" ", ".") + "@contoso.example"))
    if flagged:
        first = out[0]
        out += [("manager", t, first[2], first[3]) for t in teams[:2]]
    return out


def write_champions(path: Path, champions: list[tuple[str, str, str, str]]) -> Path:
    """The demo's champions CSV (the format `copilot-usage champions import` reads)."""
    def cell(v: str) -> str:
        return '"' + v.replace('"', '""') + '"'

    path.write_text(CHAMPIONS_HEADER + "".join(f"{d},{cell(g)},{cell(n)},{e},\n" for d, g, n, e in champions))
    return path


def demo_champions(cfg: Config, workdir: Path, console: Console) -> list[tuple[str, str, str, str]]:
    """Made-up champions for the week's flagged groups, written to a CSV and imported as an admin would."""
    import duckdb

    from alerts.workflow.champions import ChampionError, import_champions

    try:
        champions = pick_champions(cfg)
        csv = write_champions(workdir / "champions.csv", champions)
        imported = import_champions(cfg, csv)
    except (ChampionError, duckdb.Error) as e:
        console.print(f"[yellow]Champions skipped:[/] {escape(str(e))}")
        return []
    console.print(f"Champions: {imported.saved} imported from {csv}")
    return champions


def demo_alerts(cfg: Config, workdir: Path, console: Console, champions: list[tuple[str, str, str, str]]) -> None:
    """The weekly alerts into the outbox, and where to look: mail -> link -> follow-up."""
    import duckdb

    from alerts.run import run_alerts
    from alerts.send import AlertError
    from alerts.workflow.weeks import WeekError

    try:
        result = run_alerts(cfg, resend=True)
    except (AlertError, WeekError, duckdb.Error) as e:
        console.print(f"[yellow]Alerts skipped:[/] {escape(str(e))}")
        return
    if not result.outbox:
        console.print(f"Alerts {result.week_label}: nothing to write")
        return
    console.print(f"Alerts {result.week_label}: {len(result.outbox)} mail(s) written to "
                  f"{result.outbox[0].parent}/ (.eml files: open them in any mail client)")
    for d in result.deliveries:
        console.print(f"  {d.kind:<9} {escape(d.recipient)}: {escape(d.subject)}")
    mailed = [d.recipient for d in result.deliveries if d.kind == "champion"]
    champion = champions[0][3] if champions and champions[0][3] in mailed else next(iter(mailed), None)
    if champion:
        config = workdir / "config.toml"
        console.print(f"Follow a link in {champion}'s mail as that champion:\n"
                      f"  copilot-usage dashboard --config {config} --as {champion}\n"
                      "then open the follow-up and log what you did; the digest went to adoption.lead@contoso.example.")
