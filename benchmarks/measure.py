"""How each figure is taken: CLI commands as child processes (wall time, peak RSS), the plain-HTTP floor,
and dashboard query latencies on short-lived read-only connections."""

from __future__ import annotations

import asyncio
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb
import httpx

CLI = str(Path(sys.executable).with_name("copilot-usage"))
TIMING = re.compile(r'msg="(\w+/\w+) ([0-9.]+)s"')


@dataclass
class Child:
    """One `copilot-usage` command run as a child process."""

    command: str
    wall_s: float
    peak_rss_mb: float
    exit_code: int
    slowest: list[tuple[str, float]] = field(default_factory=list)  # model objects by build time (transform)

    def as_dict(self) -> dict:
        """JSON-ready."""
        return asdict(self)


# Linux keeps a process's peak RSS across fork + exec, so a child forked straight from this (large) process
# would report at least our own RSS. A small launcher forks the command instead and reports its peak (wait4).
LAUNCHER = """import os, sys
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[2], sys.argv[2:])
_, status, usage = os.wait4(pid, 0)
open(sys.argv[1], "w").write(str(usage.ru_maxrss))
sys.exit(os.waitstatus_to_exitcode(status))
"""


def run_cli(args: list[str], config: Path, token: str, log_dir: Path) -> Child:
    """Run `copilot-usage -v <args> --config <config>`; wall time and the command's own peak RSS."""
    env = {**os.environ, "COPILOT_USAGE_GRAPH_TOKEN": token, "NO_COLOR": "1", "COLUMNS": "200"}
    name = "-".join(args)
    out, err, rss = log_dir / f"{name}.out", log_dir / f"{name}.log", log_dir / f"{name}.maxrss"
    with out.open("wb") as o, err.open("wb") as e:
        t0 = time.perf_counter()
        code = subprocess.call([sys.executable, "-c", LAUNCHER, str(rss), CLI, "-v", *args, "--config", str(config)],
                               stdout=o, stderr=e, env=env)
        wall = time.perf_counter() - t0
    return Child(" ".join(args), round(wall, 3), round(int(rss.read_text()) / 1024, 1), code,
                 _slowest(err.read_text(errors="replace")))


def _slowest(log: str, top: int = 5) -> list[tuple[str, float]]:
    """The slowest model objects, from the transform's debug log lines `msg="layer/object 1.23s"`."""
    found = [(m.group(1), float(m.group(2))) for m in TIMING.finditer(log)]
    return sorted(found, key=lambda x: -x[1])[:top]


async def _download(urls: list[str], token: str, concurrency: int, tmp: Path) -> list[tuple[Path, str]]:
    sem = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient(headers={"Authorization": f"Bearer {token}"}, follow_redirects=True,
                                 timeout=600) as c:
        async def one(i: int, url: str) -> tuple[Path, str]:
            async with sem:
                r = await c.get(url)
            r.raise_for_status()
            kind = "json" if r.headers.get("content-type", "").startswith("application/json") else "csv"
            path = tmp / f"{i}.{kind}"
            path.write_bytes(r.content)
            return path, kind

        return list(await asyncio.gather(*(one(i, u) for i, u in enumerate(urls))))


def floor(base_url: str, requests: list[str], token: str, concurrency: int) -> float:
    """Seconds to GET the same URLs with plain httpx (302s followed; httpx drops the token on the other host)
    and load each body into a new DuckDB file with read_csv / read_json: the same work without Python rows."""
    urls = [base_url + r.split(" ", 1)[1] for r in requests if r.startswith("GET ")]
    with tempfile.TemporaryDirectory(prefix="copilot-usage-floor-") as d:
        tmp = Path(d)
        t0 = time.perf_counter()
        bodies = asyncio.run(_download(urls, token, concurrency, tmp))
        con = duckdb.connect(str(tmp / "floor.duckdb"))
        for i, (path, kind) in enumerate(bodies):
            reader = "read_json(?)" if kind == "json" else "read_csv(?, header = true, all_varchar = true)"
            con.execute(f"create table t{i} as select * from {reader}", [str(path)])
        con.close()
        return round(time.perf_counter() - t0, 3)


# Values for the dashboard's `$name` parameters: a representative choice read from the warehouse itself (the
# largest dimension, its biggest groups, the latest date and week), so the dashboard's own SQL files can be timed
# as is.
PARAMS = {
    "dimension": "select 'manager'",
    "group_name": "select group_name from mart_adoption_weekly where dimension = 'manager' "
                  "group by 1 order by max(licensed_users) desc limit 1",
    "as_of": "select max(as_of) from mart_usage_by_group",
    "week_start": "select max(week_start) from mart_stagnation",
    "app": "select 'any'",
    "window_days": "select 28",
    # the groups picked on a page: the 6 with the most licensed users in the largest dimension
    "groups": "select (list(group_name order by licensed_users desc nulls last, group_name))[1:6] "
              "from mart_acceptance_heatmap where dimension = 'manager' and app = 'any'",
    "top": "select 40",  # groups a heatmap shows when none are picked: dashboards.queries.DEFAULT_GROUPS
    "min_size": "select min_group_size from _model_params",
    "wave": "select max(wave) from mart_survey_kpis",  # NULL without an imported survey: an empty result
    # the names a page of the admin licence list resolves (a clear warehouse: none found, an empty result)
    "pseudonyms": "select coalesce((list(user_principal_name order by rank))[1:50], []::varchar[]) "
                  "from mart_reallocation_candidates",
}
PARAM = re.compile(r"\$([a-z_]+)")


def _params(con: duckdb.DuckDBPyConnection, sql: str) -> dict:
    names = set(PARAM.findall(re.sub(r"--[^\n]*", "", sql)))
    missing = names - PARAMS.keys()
    if missing:
        raise KeyError(f"no benchmark value for ${', $'.join(sorted(missing))} (add it to measure.PARAMS)")
    return {n: con.execute(PARAMS[n]).fetchone()[0] for n in names}


def query_latencies(db_path: str, queries: dict[str, str], repeat: int) -> dict[str, dict]:
    """p50/p95 (ms) of each query, each execution on a fresh read-only connection as the dashboard opens them."""
    out: dict[str, dict] = {}
    for name, sql in queries.items():
        times: list[float] = []
        rows, error = 0, None
        try:
            con = duckdb.connect(db_path, read_only=True)
            try:
                params = _params(con, sql)
            finally:
                con.close()
        except (KeyError, duckdb.Error) as e:
            out[name] = {"error": str(e).splitlines()[0]}
            continue
        for _ in range(repeat):
            t0 = time.perf_counter()
            try:
                con = duckdb.connect(db_path, read_only=True)
                try:
                    rows = len(con.execute(sql, params).fetchall())
                finally:
                    con.close()
            except duckdb.Error as e:
                error = str(e).splitlines()[0]
                break
            times.append((time.perf_counter() - t0) * 1000)
        if error:
            out[name] = {"error": error}
            continue
        times.sort()
        out[name] = {"p50_ms": round(statistics.median(times), 2),
                     "p95_ms": round(times[max(0, int(round(0.95 * len(times))) - 1)], 2), "rows": rows,
                     "params": {k: str(v) for k, v in params.items()}}
    return out
