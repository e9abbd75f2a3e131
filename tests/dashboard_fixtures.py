"""Warehouses for the dashboard tests: the shared model warehouse copied, with follow-ups, champions and (for the
hostile set) group names that are HTML, markdown and spreadsheet formulas, landed the real way (raw_users)."""

from __future__ import annotations

from pathlib import Path

import duckdb
from simulated_warehouse import copy_warehouse

from warehouse.champions import save_champion
from warehouse.config import Config
from warehouse.episodes import sync
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
