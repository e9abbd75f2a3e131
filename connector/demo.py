"""The demo: a simulated tenant collected day by day over real HTTP into a fresh warehouse, then modelled."""

from __future__ import annotations

import os
from pathlib import Path

from rich.console import Console

from warehouse.config import load_config

from .simulator.server import Simulator
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
"""


def run_demo(workdir: Path, *, users: int, history_days: int, seed: int, console: Console) -> int:
    """Collect `history_days + 1` simulated days into `workdir`; return the last run's exit code."""
    from warehouse.status import read_status

    from .cli import _transform, default_end_date, print_run, print_status
    from .collect import collect

    workdir.mkdir(parents=True, exist_ok=True)
    end = default_end_date()
    tenant = Tenant.generate(users=users, days=max(history_days + 30, 60), seed=seed, end=end)
    warehouse = (workdir / "copilot_usage.duckdb").resolve()
    with Simulator(tenant) as sim:
        cfg_path = workdir / "config.toml"
        cfg_path.write_text(DEMO_CONFIG.format(base_url=sim.base_url, warehouse=warehouse.as_posix()))
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
        transformed = _transform(cfg)
        code = 1 if 1 in (code, transformed) else code
    print_status(read_status(str(warehouse)))
    console.print(f"Warehouse: {warehouse}\nConfig for other commands: {cfg_path} "
                  "(the simulator stops with the demo; start it again with `copilot-usage simulate`)")
    return code
