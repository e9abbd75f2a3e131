"""The first users sync when every Graph request costs a round trip: `python -m benchmarks --first-sync`.

users/delta pages hold at most 200 users and each page's nextLink comes with the page before, so a first sync
is ⌈users / 200⌉ requests one after the other and its wall time is about that many round trips. The simulator
adds `latency_ms` to every request it answers. Per size this measures:

- `collector_users_sync`: the collector's own directory collection (`connector.fetch.fetch_all` for the
  directory, then `connector.collect.land_all`) as a child process into an empty warehouse: users pages,
  fetch and landing seconds;
- `run_fresh`: the whole first `copilot-usage run` (reports, directory, transform) as a child process;
- `strategies`: the same pages fetched with plain httpx, one after the other, for three ways to start:
  `delta` (what the collector does), `latest_then_listing` (users/delta `$deltatoken=latest` for a deltaLink,
  then `GET /users?$top=999&$expand=manager`, which Graph pages at 100) and `latest_then_listing_no_manager`
  (the same listing without the manager, 999 a page: faster, but it has no manager, so it is no option).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from connector.reports import USER_SELECT
from connector.simulator.directory import MAX_PAGE_SIZE
from connector.simulator.listing import EXPAND_MAX_PAGE, LIST_MAX_TOP
from connector.simulator.server import Simulator
from connector.simulator.tenant import Tenant

from . import measure, report

LIST_SELECT = ",".join(s for s in USER_SELECT.split(",") if s != "manager")


def _config(d: Path, base_url: str) -> Path:
    d.mkdir(parents=True, exist_ok=True)
    (d / "config.toml").write_text(f'[graph]\nbase_url = "{base_url}"\n[auth]\nmethod = "token"\n'
                                   f'[warehouse]\npath = "{(d / "wh.duckdb").as_posix()}"\n')
    return d / "config.toml"


def _follow(c: httpx.Client, url: str, headers: dict[str, str] | None = None) -> tuple[int, int]:
    """GET `url` and every nextLink after it; (requests, objects)."""
    requests = objects = 0
    while url:
        r = c.get(url, headers=headers)
        r.raise_for_status()
        body = r.json()
        requests, objects = requests + 1, objects + len(body["value"])
        url = body.get("@odata.nextLink")
    return requests, objects


def ways_to_start(base_url: str, token: str) -> dict[str, dict]:
    """Requests, objects and wall seconds of each way to start tracking users, plain httpx, pages in sequence."""
    out: dict[str, dict] = {}
    latest = f"{base_url}/v1.0/users/delta?$select={USER_SELECT}&$deltatoken=latest"
    ways: dict[str, list[tuple[str, dict[str, str] | None]]] = {
        "delta": [(f"{base_url}/v1.0/users/delta?$select={USER_SELECT}", {"Prefer": "odata.maxpagesize=200"})],
        "latest_then_listing": [(latest, None), (f"{base_url}/v1.0/users?$select={LIST_SELECT}&$top={LIST_MAX_TOP}"
                                                 "&$expand=manager($select=id)", None)],
        "latest_then_listing_no_manager": [(latest, None),
                                           (f"{base_url}/v1.0/users?$select={LIST_SELECT}&$top={LIST_MAX_TOP}", None)],
    }
    with httpx.Client(headers={"Authorization": f"Bearer {token}"}, timeout=600) as c:
        for name, steps in ways.items():
            t0 = time.perf_counter()
            requests = objects = 0
            for url, headers in steps:
                r, o = _follow(c, url, headers)
                requests, objects = requests + r, objects + o
            out[name] = {"requests": requests, "users": objects, "wall_s": round(time.perf_counter() - t0, 2)}
    return out


def run_size(users: int, latency_ms: int, workdir: Path, days: int = 91, seed: int = 5,
             progress: Callable[[str], None] = print, strategies: bool = True) -> dict:
    """Measure one tenant size with `latency_ms` on every request; the JSON-ready result. `strategies=False`
    (`make bench`'s first-sync phase) leaves out the plain-HTTP ways to start (3 more chains of requests)."""
    work = workdir / f"first-sync-{users}"
    shutil.rmtree(work, ignore_errors=True)
    tenant = Tenant.generate(users=users, days=days, seed=seed)
    day = days - 1
    tenant.state(day)
    present = int(tenant.present(day).sum())
    res: dict = {"users": users, "present_users": present, "latency_ms": latency_ms, "history_days": days,
                 "expected_users_pages": math.ceil(present / MAX_PAGE_SIZE),
                 "expected_listing_pages": math.ceil(present / EXPAND_MAX_PAGE)}
    with Simulator(tenant, day=day, latency_ms=latency_ms) as sim:
        token = sim.state.token
        sim.render(("copilot", "copilot_trend", day, 7, "v2", False))  # one-time imports, as harness.py does
        # 1. the collector's directory collection alone, in a child process, into an empty warehouse
        cfg = _config(work / "users", sim.base_url)
        mark = len(sim.state.requests)
        env = {**os.environ, "COPILOT_USAGE_GRAPH_TOKEN": token}
        t0 = time.perf_counter()
        out = subprocess.run([sys.executable, "-m", "benchmarks.first_sync", "--child", str(cfg)], env=env,
                             capture_output=True, text=True, check=True).stdout
        res["collector_users_sync"] = {**json.loads(out.strip().splitlines()[-1]),
                                       "child_wall_s": round(time.perf_counter() - t0, 2),
                                       "users_pages_seen": sum("/users/delta" in r for r in sim.state.requests[mark:])}
        progress(f"{users}: collector users sync {res['collector_users_sync']}")
        # 2. the whole first run
        run_cfg = _config(work / "run", sim.base_url)
        mark = len(sim.state.requests)
        res["run_fresh"] = measure.run_cli(["run"], run_cfg, token, work / "run").as_dict()
        res["run_fresh"]["graph_requests"] = len(sim.state.requests) - mark
        res["run_fresh"]["users_pages"] = sum("/users/delta" in r for r in sim.state.requests[mark:])
        progress(f"{users}: first run {res['run_fresh']['wall_s']} s")
        # 3. the ways to start, plain HTTP
        if strategies:
            res["strategies"] = ways_to_start(sim.base_url, token)
            progress(f"{users}: strategies {res['strategies']}")
    shutil.rmtree(work, ignore_errors=True)
    return res


def write(sizes: dict[str, dict], path: Path | None = None) -> Path:
    """Merge these sizes into today's first-sync results file for this machine."""
    m = report.machine()
    today = dt.datetime.now(dt.UTC).date().isoformat()
    path = path or report.RESULTS / f"{today}-{m['host']}-first-sync.json"
    old = json.loads(path.read_text()) if path.exists() else {}
    merged = {**old.get("sizes", {}), **sizes}
    merged = dict(sorted(merged.items(), key=lambda kv: kv[1]["users"]))
    doc = {"kind": "first_sync", "date": today, "commit": report.commit(), "machine": m, "sizes": merged}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=2) + "\n")
    return path


def markdown(doc: dict) -> str:
    """The first-sync table of benchmarks/README.md from a results file."""
    m = doc["machine"]
    lines = [f"Measured {doc['date']} at commit `{doc['commit']}` on {m['cpu']}, {m['cores']} cores, "
             f"{m['ram_gib']} GiB RAM.", "",
             "| users (present) | latency ms | users pages | collector users sync s (fetch + land) | first run s | "
             "plain delta s | latest + listing with manager: requests, s | listing without manager: requests, s |",
             "| " + " | ".join(["---:"] * 8) + " |"]
    for label, r in doc["sizes"].items():
        c, s = r["collector_users_sync"], r["strategies"]
        lst, bare = s["latest_then_listing"], s["latest_then_listing_no_manager"]
        lines.append(f"| {label} ({r['present_users']:,}) | {r['latency_ms']} | {c['users_pages']:,} | "
                     f"{c['fetch_s'] + c['land_s']:.1f} ({c['fetch_s']:.1f} + {c['land_s']:.1f}) | "
                     f"{r['run_fresh']['wall_s']:.1f} | {s['delta']['wall_s']:.1f} | "
                     f"{lst['requests']:,}, {lst['wall_s']:.1f} | {bare['requests']:,}, {bare['wall_s']:.1f} |")
    return "\n".join(lines)


def _child(config: Path) -> None:
    """In a child process: the collector's directory fetch and landing into the config's warehouse; prints JSON."""
    from connector.collect import land_all
    from connector.fetch import fetch_all, new_run_id
    from warehouse.config import Secrets, load_config

    cfg = load_config(config)
    with tempfile.TemporaryDirectory(prefix="copilot-usage-first-sync-") as tmp:
        t0 = time.perf_counter()
        outcomes = asyncio.run(fetch_all(cfg, Secrets.from_env(), [], None, Path(tmp), True))
        t1 = time.perf_counter()
        land_all(cfg, new_run_id(), outcomes)
        t2 = time.perf_counter()
    users = next(o for o in outcomes if o.report == "users")
    if users.status != "ok":
        raise SystemExit(f"users: {users.status}: {users.message}")
    print(json.dumps({"users_pages": users.requests, "rows": users.rows, "fetch_s": round(t1 - t0, 2),
                      "land_s": round(t2 - t1, 2)}))


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--child", type=Path, required=True)
    _child(p.parse_args().child)
