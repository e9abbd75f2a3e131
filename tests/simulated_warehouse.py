"""A warehouse filled the real way: the simulator served over HTTP, collected day by day, then transformed.

The default build (2,500 users, days 35..69 = Monday 2026-10-19 .. Sunday 2026-11-22, five complete ISO
weeks) is shared by the model, dashboard and alert tests through the session fixture `model_warehouse`;
tests that write to a warehouse take a private copy with `copy_warehouse`.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from connector.collect import collect
from connector.simulator.server import Simulator
from connector.simulator.tenant import APPS, Tenant
from warehouse.config import Config, Secrets, load_config
from warehouse.transform import transform

END = dt.date(2026, 11, 22)  # a Sunday: the last collected week is complete
DAYS, FIRST = 70, 35  # collect days 35..69: Monday 2026-10-19 .. Sunday 2026-11-22, five full weeks
# the model's canonical apps (warehouse/apps.py) as columns of the simulator's APPS: its ground truth
APP_COLS = {"any": list(range(len(APPS))), "teams": [0], "word": [1], "excel": [2], "powerpoint": [3],
            "outlook": [4], "onenote": [5], "loop": [6], "copilot_chat": [7, 8], "copilot_chat_web": [8],
            "m365_copilot_app": [9], "edge": [10], "agents": [11]}


def build_warehouse(tmp: Path, days: range, concealed: bool = False, users: int = 2500,
                    tenant: Tenant | None = None, v2_from: int = 0, delta_items: str = "full"):
    """Collect `days` of the seed-5 tenant (or `tenant`) into `tmp/wh.duckdb`; return (cfg, stopped simulator,
    truth tenant). Before day `v2_from` the simulator refuses the v2 Copilot reports, as a tenant Microsoft has not
    rolled v2 out to does, and the collector falls back to v1. `delta_items`: the users/delta items after the first
    sync, `full`, `minimal` or `mixed`."""
    tenant = tenant or Tenant.generate(users=users, days=DAYS, seed=5, end=END)
    sim = Simulator(tenant, concealed=concealed, delta_items=delta_items).start()
    cfg_path = tmp / "config.toml"
    cfg_path.write_text(f'[graph]\nbase_url = "{sim.base_url}"\n[auth]\nmethod = "token"\n'
                        f'[warehouse]\npath = "{(tmp / "wh.duckdb").as_posix()}"\n'
                        '[collect]\nm365_reports = ["m365_app_user_detail"]\n')
    cfg = load_config(cfg_path)
    secrets = Secrets(None, sim.state.token, None)
    try:
        for day in days:
            sim.state.day = day
            sim.state.v2_supported = day >= v2_from
            result = collect(cfg, secrets=secrets)
            assert result.exit_code == 0, [(o.report, o.message) for o in result.outcomes if o.status != "ok"]
    finally:
        sim.stop()
    report = transform(cfg.warehouse.path, cfg.model)
    assert report.failed_checks == []
    truth = Tenant.generate(users=users, days=DAYS, seed=5, end=END)  # an untouched twin for ground truth
    return cfg, sim, truth


def copy_warehouse(cfg: Config, dest: Path, extra_config: str = "") -> Config:
    """A private copy of a built warehouse in `dest`, with a config pointing at it (plus `extra_config` TOML)."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(cfg.warehouse.path, dest / "wh.duckdb")
    text = Path(cfg.source).read_text().replace(cfg.warehouse.path, (dest / "wh.duckdb").as_posix())
    (dest / "config.toml").write_text(text + "\n" + extra_config)
    return load_config(dest / "config.toml")
