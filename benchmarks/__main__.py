"""`python -m benchmarks --sizes 1k,10k,100k,300k`: measure each tenant size, print one table, write the JSON.

`--first-sync` measures instead the first users sync with a Graph round trip on every request (first_sync.py)."""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path

from rich.console import Console

from . import first_sync, report
from .harness import Options, dashboard_queries, parse_size, run_size, size_label


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; exit 1 when a size failed to run."""
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    p.add_argument("--sizes", default="1k,10k,100k,300k", help="licensed users per tenant, comma-separated")
    p.add_argument("--days", type=int, default=180, help="days of back-filled history")
    p.add_argument("--repeat", type=int, default=20, help="executions per dashboard query")
    p.add_argument("--queries-dir", type=Path, default=None,
                   help="folder of dashboard .sql files (default: dashboards/sql if present, else benchmarks/sql)")
    p.add_argument("--workdir", type=Path, default=Path("/tmp/copilot-usage-bench"))
    p.add_argument("--out", type=Path, default=None,
                   help="results JSON (default benchmarks/results/<date>-<host>.json)")
    p.add_argument("--keep", action="store_true", help="keep the warehouses and logs in --workdir")
    p.add_argument("--memory-limit", default="", help="[warehouse] memory_limit of the measured commands, e.g. 1GB")
    p.add_argument("--markdown", type=Path, default=None, help="print a results file as the README table; run nothing")
    p.add_argument("--first-sync", action="store_true",
                   help="measure the first users sync (and first run) with --latency-ms on every Graph request")
    p.add_argument("--latency-ms", type=int, default=150, help="the simulator's per-request latency for --first-sync")
    a = p.parse_args(argv)
    if a.markdown:
        doc = json.loads(a.markdown.read_text())
        print(first_sync.markdown(doc) if doc.get("kind") == "first_sync" else report.markdown(doc))
        return 0
    console = Console(width=None if sys.stdout.isatty() else 220)
    logging.basicConfig(level=logging.WARNING)
    if a.first_sync:
        return _first_sync(a, console)
    opts = Options(days=a.days, repeat=a.repeat, queries_dir=a.queries_dir, workdir=a.workdir, keep=a.keep,
                   memory_limit=a.memory_limit)
    qdir, queries = dashboard_queries(a.queries_dir)
    console.print(f"dashboard queries from {qdir}: {', '.join(queries)}")
    sizes: dict[str, dict] = {}
    failed = False
    for s in a.sizes.split(","):
        n = parse_size(s)
        t0 = time.perf_counter()
        try:
            sizes[size_label(n)] = run_size(n, opts, lambda m: console.print(f"[dim]{time.strftime('%X')}[/] {m}"))
        except Exception as e:  # noqa: BLE001 - report the size as failed, keep the others
            console.print(f"[red]{size_label(n)} failed[/]: {type(e).__name__}: {e}")
            failed = True
            continue
        sizes[size_label(n)]["bench_s"] = round(time.perf_counter() - t0, 1)
        path = report.write({size_label(n): sizes[size_label(n)]}, a.out)  # after each size, so nothing is lost
    if sizes:
        report.show(sizes, console)
        console.print(f"results: {path}")
    return 1 if failed else 0


def _first_sync(a: argparse.Namespace, console: Console) -> int:
    path, failed = None, False
    for s in a.sizes.split(","):
        n = parse_size(s)
        try:
            r = first_sync.run_size(n, a.latency_ms, a.workdir,
                                    progress=lambda m: console.print(f"[dim]{time.strftime('%X')}[/] {m}"))
        except Exception as e:  # noqa: BLE001 - report the size as failed, keep the others
            console.print(f"[red]{size_label(n)} failed[/]: {type(e).__name__}: {e}")
            failed = True
            continue
        path = first_sync.write({size_label(n): r}, a.out)
    if path:
        console.print(first_sync.markdown(json.loads(path.read_text())))
        console.print(f"results: {path}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
