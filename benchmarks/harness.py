"""One tenant size, end to end, in phases (`PHASES`; `--phases` runs a subset): the first sync with Graph's round
trip, the fresh run and its floor, the back-fill of the history (set-up), the full rebuild, the daily run (collect,
then the incremental transform), the dashboard queries and every dashboard page in headless Chromium.

Every CLI measurement runs `copilot-usage` as a child process against the simulator over real HTTP, so wall
time and peak RSS are the command's own; the simulator runs in this process. Around every phase the machine's
load is recorded (`load.snapshot`: load average, memory, the busiest other processes), so a figure taken while
something else ran says so. With `Options.warehouse` only the phases that read a warehouse (queries, browser)
run, on that file (the browser phase on a copy: it adds a champion).
"""

from __future__ import annotations

import logging
import math
import shutil
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from connector.reports import plan
from connector.simulator.directory import MAX_PAGE_SIZE, changed_users
from connector.simulator.server import Simulator
from connector.simulator.tenant import Tenant
from warehouse.config import Config, WarehouseConfig, load_config

from . import browser, first_sync, load, measure
from .backfill import backfill

log = logging.getLogger("copilot_usage.bench")
ROOT = Path(__file__).resolve().parent.parent
QUERY_DIRS = (ROOT / "dashboards" / "sql", ROOT / "benchmarks" / "sql")
PHASES = ("first_sync", "fresh", "full", "daily", "queries", "browser")
NEED_HISTORY = {"full", "daily", "queries", "browser"}  # these need the back-filled history, modelled
ON_WAREHOUSE = {"queries", "browser"}  # these can run on an existing warehouse (--warehouse)


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
    phases: tuple[str, ...] = PHASES
    warehouse: Path | None = None  # an existing warehouse: run only ON_WAREHOUSE phases on it
    latency_ms: int = 150  # the first sync's round trip per Graph request
    browser_repeat: int = 5  # rounds over every dashboard page per role
    # a size's history back-filled earlier (its label -> the warehouse file, never transformed or transformed by
    # any release): copied instead of back-filling again (20-60 minutes at 300k); the rebuild is `transform --full`
    backfilled: dict[str, Path] = field(default_factory=dict)

    def __post_init__(self) -> None:
        unknown = set(self.phases) - set(PHASES)
        if unknown:
            raise ValueError(f"unknown phase(s) {', '.join(sorted(unknown))}; the phases are {', '.join(PHASES)}")
        if self.warehouse is not None and set(self.phases) - ON_WAREHOUSE:
            raise ValueError(f"on an existing warehouse only {', '.join(sorted(ON_WAREHOUSE))} can run, not "
                             f"{', '.join(sorted(set(self.phases) - ON_WAREHOUSE))}")


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


class Phases:
    """Runs the selected phases, each between two load snapshots, into `res["phases"]`."""

    def __init__(self, res: dict, wanted: tuple[str, ...], progress: Callable[[str], None]) -> None:
        self.res, self.wanted, self.progress = res, wanted, progress
        res["phases"] = {}

    def run(self, name: str, fn: Callable[[], object], setup: bool = False) -> None:
        """Run `fn` as phase `name` (if selected, or always when `setup`: a step other phases need)."""
        if name not in self.wanted and not setup:
            return
        before = load.snapshot()
        t0 = time.perf_counter()
        fn()
        self.res["phases"][name] = {"wall_s": round(time.perf_counter() - t0, 1), "setup": name not in self.wanted,
                                    "load_before": before, "load_after": load.snapshot()}
        self.progress(f"  {name}: {load.brief(before)} before, {load.brief(self.res['phases'][name]['load_after'])} "
                      "after")


def run_size(users: int, opts: Options, progress: Callable[[str], None] = print) -> dict:
    """Measure one tenant size; returns the JSON-ready result."""
    if opts.warehouse is not None:
        return on_warehouse(users, opts, progress)
    work = opts.workdir / size_label(users)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    res: dict = {"users": users, "history_days": opts.days, "memory_limit": opts.memory_limit,
                 "incremental_memory_limit": "" if opts.memory_limit else WarehouseConfig().incremental_memory_limit}
    ph = Phases(res, opts.phases, progress)
    live_day = opts.days  # days 0..days-1 are history, the live run collects the day after

    # 0. the first users sync and the first run with a round trip per request (its own simulator and tenant)
    ph.run("first_sync", lambda: res.__setitem__("first_sync", first_sync.run_size(
        users, opts.latency_ms, work, days=opts.days + 1, seed=opts.seed, progress=progress, strategies=False)))

    t0 = time.perf_counter()
    tenant = Tenant.generate(users=users, days=opts.days + 1, seed=opts.seed)
    res["simulator_generate_s"] = round(time.perf_counter() - t0, 2)
    t0 = time.perf_counter()
    tenant.state(live_day)
    res["simulator_activity_s"] = round(time.perf_counter() - t0, 2)
    progress(f"{size_label(users)}: tenant {res['simulator_generate_s']} s + {opts.days + 1} days of activity "
             f"{res['simulator_activity_s']} s")
    history = NEED_HISTORY & set(opts.phases)

    with Simulator(tenant, day=live_day) as sim:
        token = sim.state.token
        sim.render(("copilot", "copilot_trend", live_day, 7, "v2", False))  # one-time imports (pandas via pyarrow)

        def fresh() -> None:  # 1. the first run into an empty warehouse (full users sync), and its floor
            cfg = _config(work / "fresh", sim.base_url, opts.memory_limit)
            mark = len(sim.state.requests)
            res["run_fresh"] = measure.run_cli(["run"], Path(cfg.source), token, work / "fresh").as_dict()
            res["graph_requests_fresh"] = _requests(sim, mark)
            present = int(tenant.present(live_day).sum())
            res["graph_requests_fresh"]["expected"] = (len(plan(cfg)) + 2
                                                       + max(1, math.ceil(present / MAX_PAGE_SIZE)))
            replay = sim.state.requests[mark:]
            res["floor_s"] = measure.floor(sim.base_url, replay, token, cfg.graph.max_concurrency)
            res["run_over_floor"] = round(res["run_fresh"]["wall_s"] / res["floor_s"], 2)
            progress(f"{size_label(users)}: fresh run {res['run_fresh']['wall_s']} s, floor {res['floor_s']} s")

        ph.run("fresh", fresh)
        hist = _config(work / "history", sim.base_url, opts.memory_limit)

        def backfilled() -> None:  # 2. the history, back-filled through the collector's landing code
            if size_label(users) in opts.backfilled:
                res["backfill_reused"] = reuse_backfill(opts.backfilled[size_label(users)], Path(hist.warehouse.path),
                                                        sim.base_url)
                progress(f"{size_label(users)}: history copied from {res['backfill_reused']['from']}")
                return
            res["backfill_rows"] = backfill(hist, tenant, range(opts.days), sim.base_url,
                                            lambda d, s: d % 30 == 29 and progress(f"  back-filled day {d + 1}"))
            progress(f"{size_label(users)}: back-fill {res['backfill_rows']:,} rows")

        def full() -> None:  # 3. a full rebuild of the model from all days (what an upgrade or a [model] change runs)
            res["transform"] = measure.run_cli(["transform", "--full"], Path(hist.source), token,
                                               work / "history").as_dict()
            progress(f"{size_label(users)}: full transform {res['transform']['wall_s']} s")

        def daily() -> None:
            # 4. the next daily run on top of it, as its two halves: `collect` (fetch, delta users sync, load) then
            #    `transform` (incremental: the new report date and its week), each a child process; `run` does
            #    exactly these two in one process, so its time is their sum
            mark = len(sim.state.requests)
            collect = measure.run_cli(["collect"], Path(hist.source), token, work / "history")
            res["graph_requests_daily"] = _requests(sim, mark)
            changed, removed, _ = changed_users(tenant, live_day - 1, live_day)
            res["graph_requests_daily"]["expected"] = (
                len(plan(hist)) + 2 + max(1, math.ceil((len(changed) + len(removed)) / MAX_PAGE_SIZE)))
            tr = measure.run_cli(["transform"], Path(hist.source), token, work / "history")
            res["transform_daily"] = tr.as_dict()
            res["run_daily"] = {"command": "collect + transform", "wall_s": round(collect.wall_s + tr.wall_s, 3),
                                "peak_rss_mb": max(collect.peak_rss_mb, tr.peak_rss_mb),
                                "exit_code": max(collect.exit_code, tr.exit_code), "collect": collect.as_dict()}
            progress(f"{size_label(users)}: daily collect {collect.wall_s} s, transform {tr.wall_s} s")

        if history:
            ph.run("backfill", backfilled, setup=True)
            res["backfill_s"] = res["phases"]["backfill"]["wall_s"]
            ph.run("full", full, setup=True)
            ph.run("daily", daily)
            _warehouse_facts(res, Path(hist.warehouse.path))
    # 5. the dashboard on the marts of days + 1 of history: its queries, then its pages in Chromium
    _dashboard_phases(ph, res, Path(hist.warehouse.path), opts, work, progress, copy=False)
    if not opts.keep:
        shutil.rmtree(work, ignore_errors=True)
    return res


def reuse_backfill(source: Path, target: Path, base_url: str) -> dict:
    """Copy a back-filled warehouse (same seed and days) to `target`; its saved users delta link is pointed at this
    run's simulator (the link's token, not its host, says where the directory's history stands)."""
    if not source.exists():
        raise FileNotFoundError(f"--backfilled {source}: no such warehouse")
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    wal = source.with_name(source.name + ".wal")
    if wal.exists():  # a back-fill stopped before its last checkpoint: the WAL holds the rest
        shutil.copyfile(wal, target.with_name(target.name + ".wal"))
    con = duckdb.connect(str(target))
    try:
        con.execute("update _delta_links set delta_link = regexp_replace(delta_link, '^https?://[^/]+', ?)",
                    [base_url.rstrip("/")])
        rows = con.execute("select count(*) from raw_copilot_usage_user_detail").fetchone()[0]
        days = con.execute("select count(distinct as_of) from copilot_user_snapshots").fetchone()[0]
    finally:
        con.close()
    return {"from": str(source), "mb": round(target.stat().st_size / 2**20), "copilot_user_detail_rows": rows,
            "report_dates": days}


def on_warehouse(users: int, opts: Options, progress: Callable[[str], None] = print) -> dict:
    """The dashboard phases on an existing warehouse (`opts.warehouse`, read-only; the browser phase copies it);
    `users` is only the label of the size it holds."""
    assert opts.warehouse is not None
    path = opts.warehouse.resolve()
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such warehouse")
    work = opts.workdir / f"{size_label(users)}-warehouse"
    work.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path), read_only=True)
    try:
        days = con.execute("select count(distinct as_of) from mart_usage_by_group").fetchone()[0]
    finally:
        con.close()
    res: dict = {"users": users, "history_days": days, "warehouse": str(path)}
    ph = Phases(res, opts.phases, progress)
    _warehouse_facts(res, path)
    _dashboard_phases(ph, res, path, opts, work, progress, copy=True)
    return res


def _warehouse_facts(res: dict, path: Path) -> None:
    res["warehouse_mb"] = round(path.stat().st_size / 2**20, 1)
    con = duckdb.connect(str(path), read_only=True)
    try:
        res["mart_rows"] = {t: con.execute(f"select count(*) from {t}").fetchone()[0]  # noqa: S608
                            for (t,) in con.execute("select table_name from duckdb_tables() "
                                                    "where table_name like 'mart_%' order by 1").fetchall()}
    finally:
        con.close()


def _dashboard_phases(ph: Phases, res: dict, path: Path, opts: Options, work: Path,
                      progress: Callable[[str], None], copy: bool) -> None:
    def queries() -> None:
        qdir, found = dashboard_queries(opts.queries_dir)
        res["queries_from"] = str(qdir.relative_to(ROOT) if qdir.is_relative_to(ROOT) else qdir)
        res["queries"] = measure.query_latencies(str(path), found, opts.repeat)

    def pages() -> None:
        res["browser"] = browser.run(path, work / "browser", opts.browser_repeat, copy=copy, progress=progress)

    ph.run("queries", queries)
    ph.run("browser", pages)
