"""Warehouses for the privacy tests: a small simulated tenant collected over HTTP day by day with a `[privacy]`
section, in clear or pseudonymised, and the helpers that compare and scan them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

from connector.collect import collect
from connector.simulator.server import Simulator
from connector.simulator.tenant import Tenant
from warehouse.config import Config, Secrets, load_config
from warehouse.transform import transform

END = dt.date(2026, 11, 22)  # a Sunday
DAYS = 70
KEY = "test-pseudonym-key-0123456789abcdef"
# the identity columns of the marts: a manager team's key and label are the manager's id and name (or pseudonyms);
# the admin-only licence lists name people and their manager's id
GROUP_IDENTITY = ("group_id", "group_name")
PERSON_IDENTITY = ("user_principal_name", "display_name", "manager_id", "manager_team")


def small_tenant(users: int = 60, leaver: tuple[int, int] | None = None) -> Tenant:
    """The seed-7 tenant with the licence cases (a disabled account, idle licences: the admin licence lists have
    rows); `leaver` = (user, day): that user is deleted from Entra on that day."""
    t = Tenant.generate(users=users, days=DAYS, seed=7, end=END, licence_cases=True)
    if leaver:
        t.delete_day[leaver[0]] = leaver[1]
    return t


def write_config(tmp: Path, base_url: str, privacy: str = "") -> Path:
    path = tmp / "config.toml"
    tmp.mkdir(parents=True, exist_ok=True)
    path.write_text(f'[graph]\nbase_url = "{base_url}"\n[auth]\nmethod = "token"\n'
                    f'[warehouse]\npath = "{(tmp / "wh.duckdb").as_posix()}"\n'
                    f'[collect]\nm365_reports = ["m365_app_user_detail"]\n[dashboard]\nauth = "none"\n'
                    f'[privacy]\n{privacy}\n')
    return path


def collect_days(tmp: Path, days: range, privacy: str = "", users: int = 60,
                 leaver: tuple[int, int] | None = None) -> Config:
    """Collect `days` of the seed-7 tenant through the real collector against the simulator; transform."""
    sim = Simulator(small_tenant(users, leaver)).start()
    try:
        cfg = load_config(write_config(tmp, sim.base_url, privacy))
        for day in days:
            sim.state.day = day
            result = collect(cfg, secrets=Secrets(None, sim.state.token, None))
            assert result.exit_code == 0, [(o.report, o.message) for o in result.outcomes if o.status != "ok"]
    finally:
        sim.stop()
    assert transform(cfg.warehouse.path, cfg.model, privacy=cfg.privacy).failed_checks == []
    return cfg


def mart_names(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every mart but mart_privacy_status, which says what the compared warehouses differ in (retention, pseudonyms)."""
    return [r[0] for r in con.execute("select table_name from information_schema.tables where table_name like "
                                      "'mart\\_%' escape '\\' and table_type = 'BASE TABLE' "
                                      "and table_catalog = current_database() and table_name <> 'mart_privacy_status' "
                                      "order by 1").fetchall()]


def mart_select(con: duckdb.DuckDBPyConnection, mart: str, *, identities: bool = True) -> str:
    """The mart's rows; without `identities`, the identity columns blanked: a manager team's key and label, and
    the admin-only lists' person and manager columns (the only ones that differ between a pseudonymised warehouse
    and one in clear)."""
    cols = {r[0] for r in con.execute("select column_name from information_schema.columns where table_name = ? "
                                      "and table_catalog = current_database()", [mart]).fetchall()}
    blank = []
    if not identities:
        if set(GROUP_IDENTITY) <= cols and "dimension" in cols:
            blank += [f"case when dimension = 'manager' then '' else {c} end as {c}" for c in GROUP_IDENTITY]
        blank += [f"null as {c}" for c in PERSON_IDENTITY if c in cols]
    return f"select * replace ({', '.join(blank)}) from {mart}" if blank else f"select * from {mart}"


def differences(a: str, b: str, *, identities: bool = True) -> dict[str, tuple[int, int]]:
    """Per mart: rows of `a` not in `b` and of `b` not in `a` (EXCEPT ALL both ways); only the marts that differ."""
    con = duckdb.connect()
    con.execute(f"attach '{a}' as a (read_only)")
    con.execute(f"attach '{b}' as b (read_only)")
    out = {}
    con.execute("use a")
    for mart in mart_names(con):
        qa = mart_select(con, mart, identities=identities).replace(f"from {mart}", f"from a.{mart}")
        qb = mart_select(con, mart, identities=identities).replace(f"from {mart}", f"from b.{mart}")
        n = (con.execute(f"select count(*) from ({qa} except all {qb})").fetchone()[0],
             con.execute(f"select count(*) from ({qb} except all {qa})").fetchone()[0])
        if n != (0, 0):
            out[mart] = n
    con.close()
    return out
