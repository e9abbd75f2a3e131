"""One tenant size, end to end: simulate, run, floor, back-fill 180 days, transform, dashboard queries, daily run.

Every CLI measurement runs `copilot-usage` as a child process against the simulator over real HTTP, so wall
time and peak RSS are the command's own; the simulator runs in this process.
"""

from __future__ import annotations

import logging
import math
import shutil
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from connector.reports import plan
from connector.simulator.backfill import backfill
from connector.simulator.directory import MAX_PAGE_SIZE, changed_users
from connector.simulator.server import Simulator
from connector.simulator.tenant import Tenant
from warehouse.config import Config, WarehouseConfig, load_config

from . import measure

log = logging.getLogger("copilot_usage.bench")
ROOT = Path(__file__).resolve().parent.parent
QUERY_DIRS = (ROOT / "dashboards" / "sql", ROOT / "benchmarks" / "sql")


@dataclass
class Options:
    """What to run for each size."""

    days: int = 180
    seed: int = 5
    repeat: int = 20  # executions per dashboard query
    queries_dir: Path | None = None
    workdir: Path = Path("/tmp/copilot-usage-bench")
    keep: bool = False
    memory_limit: str = ""  # [warehouse] memory_limit of the measured commands ("" = the default)


def parse_size(s: str) -> int:
    """'1k' -> 1000, '300k' -> 300000, '2500' -> 2500."""
    s = s.strip().lower()
    return int(float(s[:-1]) * 1000) if s.endswith("k") else int(s)


def size_label(n: int) -> str:
    """1000 -> '1k'; 2500 -> '2500'."""
    return f"{n // 1000}k" if n % 1000 == 0 else str(n)


def dashboard_queries(directory: Path | None = None) -> tuple[Path, dict[str, str]]:
    """The dashboard's SQL files (dashboards/sql once it exists), else the representative set in benchmarks/sql."""
    dirs = [directory] if directory else [d for d in QUERY_DIRS if any(d.glob("*.sql"))]
    d = dirs[0]
    return d, {f.stem: f.read_text() for f in sorted(d.glob("*.sql"))}


def _config(d: Path, base_url: str, memory_limit: str = "") -> Config:
    d.mkdir(parents=True, exist_ok=True)
    (d / "config.toml").write_text(f'[graph]\nbase_url = "{base_url}"\n[auth]\nmethod = "token"\n'
                                   f'[warehouse]\npath = "{(d / "wh.duckdb").as_posix()}"\n'
                                   f'memory_limit = "{memory_limit}"\n')
    return load_config(d / "config.toml")


def _requests(sim: Simulator, since: int) -> dict:
    got = sim.state.requests[since:]
    repeats = sum(c - 1 for c in Counter(got).values() if c > 1)
    return {"total": len(got), "users_pages": sum("/users/delta" in r for r in got), "repeated": repeats,
            "token_sent_to_download_host": sim.state.auth_leaks}


def run_size(users: int, opts: Options, progress: Callable[[str], None] = print) -> dict:
    """Measure one tenant size; returns the JSON-ready result."""
    work = opts.workdir / size_label(users)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    res: dict = {"users": users, "history_days": opts.days, "memory_limit": opts.memory_limit,
                 "incremental_memory_limit": "" if opts.memory_limit else WarehouseConfig().incremental_memory_limit}
    live_day = opts.days  # days 0..days-1 are history, the live run collects the day after

    t0 = time.perf_counter()
    tenant = Tenant.generate(users=users, days=opts.days + 1, seed=opts.seed)
    res["simulator_generate_s"] = round(time.perf_counter() - t0, 2)
    t0 = time.perf_counter()
    tenant.state(live_day)
    res["simulator_activity_s"] = round(time.perf_counter() - t0, 2)
    progress(f"{size_label(users)}: tenant {res['simulator_generate_s']} s + {opts.days + 1} days of activity "
             f"{res['simulator_activity_s']} s")

    with Simulator(tenant, day=live_day) as sim:
        token = sim.state.token
        sim.render(("copilot", "copilot_trend", live_day, 7, "v2", False))  # one-time imports (pandas via pyarrow)
        # 1. the first run into an empty warehouse (full users sync), and its floor
        fresh = _config(work / "fresh", sim.base_url, opts.memory_limit)
        mark = len(sim.state.requests)
        res["run_fresh"] = measure.run_cli(["run"], Path(fresh.source), token, work / "fresh").as_dict()
        res["graph_requests_fresh"] = _requests(sim, mark)
        present = int(tenant.present(live_day).sum())
        res["graph_requests_fresh"]["expected"] = (len(plan(fresh)) + 2
                                                   + max(1, math.ceil(present / MAX_PAGE_SIZE)))
        replay = sim.state.requests[mark:]
        res["floor_s"] = measure.floor(sim.base_url, replay, token, fresh.graph.max_concurrency)
        res["run_over_floor"] = round(res["run_fresh"]["wall_s"] / res["floor_s"], 2)
        progress(f"{size_label(users)}: fresh run {res['run_fresh']['wall_s']} s, floor {res['floor_s']} s")

        # 2. 180 days of history, back-filled through the collector's landing code
        hist = _config(work / "history", sim.base_url, opts.memory_limit)
        t0 = time.perf_counter()
        res["backfill_rows"] = backfill(hist, tenant, range(opts.days), sim.base_url,
                                        lambda d, s: d % 30 == 29 and progress(f"  back-filled day {d + 1}"))
        res["backfill_s"] = round(time.perf_counter() - t0, 1)
        progress(f"{size_label(users)}: back-fill {res['backfill_s']} s, {res['backfill_rows']:,} rows")

        # 3. the first transform over that history: a full rebuild of the model from all days
        full = measure.run_cli(["transform"], Path(hist.source), token, work / "history")
        res["transform"] = full.as_dict()
        progress(f"{size_label(users)}: full transform {full.wall_s} s")

        # 4. the next daily run on top of it, as its two halves: `collect` (fetch, delta users sync, load) then
        #    `transform` (incremental: the new report date and its week), each a child process; `run` does
        #    exactly these two in one process, so its time is their sum
        mark = len(sim.state.requests)
        collect = measure.run_cli(["collect"], Path(hist.source), token, work / "history")
        res["graph_requests_daily"] = _requests(sim, mark)
        changed, removed, _ = changed_users(tenant, live_day - 1, live_day)
        res["graph_requests_daily"]["expected"] = (len(plan(hist)) + 2
                                                   + max(1, math.ceil((len(changed) + len(removed)) / MAX_PAGE_SIZE)))
        daily = measure.run_cli(["transform"], Path(hist.source), token, work / "history")
        res["transform_daily"] = daily.as_dict()
        res["run_daily"] = {"command": "collect + transform", "wall_s": round(collect.wall_s + daily.wall_s, 3),
                            "peak_rss_mb": max(collect.peak_rss_mb, daily.peak_rss_mb),
                            "exit_code": max(collect.exit_code, daily.exit_code), "collect": collect.as_dict()}
        progress(f"{size_label(users)}: daily collect {collect.wall_s} s, transform {daily.wall_s} s")

        # 5. the dashboard queries on the marts of days + 1 of history
        res["warehouse_mb"] = round(Path(hist.warehouse.path).stat().st_size / 2**20, 1)
        qdir, queries = dashboard_queries(opts.queries_dir)
        res["queries_from"] = str(qdir.relative_to(ROOT) if qdir.is_relative_to(ROOT) else qdir)
        res["queries"] = measure.query_latencies(hist.warehouse.path, queries, opts.repeat)
        con = duckdb.connect(hist.warehouse.path, read_only=True)
        res["mart_rows"] = {t: con.execute(f"select count(*) from {t}").fetchone()[0]  # noqa: S608
                            for (t,) in con.execute("select table_name from duckdb_tables() "
                                                    "where table_name like 'mart_%' order by 1").fetchall()}
        con.close()
    if not opts.keep:
        shutil.rmtree(work, ignore_errors=True)
    return res
