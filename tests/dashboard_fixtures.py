"""Warehouses for the dashboard tests: the shared model warehouse copied, with follow-ups, champions and (for the
hostile set) group names that are HTML, markdown and spreadsheet formulas, landed the real way (raw_users)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
from simulated_warehouse import copy_warehouse

from alerts.workflow.champions import save_champion
from alerts.workflow.episodes import sync
from warehouse.config import Config
from warehouse.transform import transform

HOSTILE = {
    "Legal": "<script>alert(1)</script>",
    "Sales": "<img src=x onerror=alert(2)>",
    "Marketing": "**md** [link](javascript:alert(3))",
    "Finance": '=HYPERLINK("http://evil.example","x")',
}
CHAMPION = "chris.champion@contoso.example"
ADMIN = "ada.admin@contoso.example"


def dashboard_warehouse(model_cfg: Config, dest: Path, *, hostile: bool = False, auth: str = "none",
                        extra: str = "") -> Config:
    """A private copy of the model warehouse for the dashboard, follow-ups opened, one champion set."""
    dashboard = f'[dashboard]\nauth = "{auth}"\ncache_ttl_seconds = 2\nadmins = ["{ADMIN}"]\n' + extra
    cfg = copy_warehouse(model_cfg, dest, dashboard)
    if hostile:
        con = duckdb.connect(cfg.warehouse.path)
        try:
            for old, new in HOSTILE.items():
                con.execute("update raw_users set department = ? where department = ?", [new, old])
        finally:
            con.close()
        assert transform(cfg.warehouse.path, cfg.model).failed_checks == []
    sync(cfg)
    group = HOSTILE["Marketing"] if hostile else "Marketing"
    save_champion(cfg, "department", group, "Chris Champion", CHAMPION)
    save_champion(cfg, "department", "Human Resources", "Chris Champion", CHAMPION)
    return cfg


def flagged_group(cfg: Config, dimension: str = "department") -> tuple[str, dt.date, float]:
    """A flagged group of `dimension` in the latest complete week (the most people short of target):
    (group, week Monday, headline active_rate from mart_stagnation)."""
    con = duckdb.connect(cfg.warehouse.path, read_only=True)
    try:
        row = con.execute("select group_name, week_start, active_rate from mart_stagnation where dimension = ? and "
                          "flagged and week_start = (select max(week_start) from mart_stagnation) "
                          "order by impact desc, group_name limit 1", [dimension]).fetchone()
    finally:
        con.close()
    assert row is not None, f"no flagged {dimension} group"
    return row[0], row[1], row[2]


def headline_text(cfg: Config, dimension: str, group: str, week: dt.date) -> str:
    """The headline of a group and week as every reader prints it: `levels.percent(mart_stagnation.active_rate)`
    ("39 %"). The dashboard test asserts the page shows it; a mail test can assert the mail says the same."""
    from warehouse.levels import percent

    con = duckdb.connect(cfg.warehouse.path, read_only=True)
    try:
        row = con.execute("select active_rate from mart_stagnation where dimension = ? and group_name = ? and "
                          "week_start = ?", [dimension, group, week]).fetchone()
    finally:
        con.close()
    assert row is not None, (dimension, group, week)
    return percent(row[0])
