"""`python -m benchmarks --sizes 1k,10k,100k,300k`: measure each tenant size in phases, print one table, write
the JSON. `--phases browser --warehouse PATH` times only the dashboard's pages on an existing warehouse.

`--first-sync` runs instead the first-sync study (first_sync.py: also the plain-HTTP ways to start)."""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path

from rich.console import Console

from . import first_sync, report
from .harness import PHASES, Options, dashboard_queries, parse_size, run_size, size_label


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; exit 1 when a size failed to run."""
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    p.add_argument("--sizes", default="1k,10k,100k,300k", help="licensed users per tenant, comma-separated")
    p.add_argument("--days", type=int, default=180, help="days of back-filled history")
    p.add_argument("--phases", default=",".join(PHASES),
                   help=f"comma-separated subset of {','.join(PHASES)} (the history is back-filled and modelled "
                        "whenever a phase needs it)")
    p.add_argument("--warehouse", type=Path, default=None,
                   help="run the queries/browser phases on this existing warehouse (one size: its label)")
    p.add_argument("--repeat", type=int, default=20, help="executions per dashboard query")
    p.add_argument("--browser-repeat", type=int, default=5, help="rounds over every dashboard page per role")
    p.add_argument("--queries-dir", type=Path, default=None,
                   help="folder of dashboard .sql files (default: dashboards/sql if present, else benchmarks/sql)")
    p.add_argument("--workdir", type=Path, default=Path("/tmp/copilot-usage-bench"))
    p.add_argument("--out", type=Path, default=None,
                   help="results JSON (default benchmarks/results/<date>-<host>.json)")
    p.add_argument("--keep", action="store_true", help="keep the warehouses and logs in --workdir")
    p.add_argument("--memory-limit", default="", help="[warehouse] memory_limit of the measured commands, e.g. 1GB")
    p.add_argument("--markdown", type=Path, default=None, help="print a results file as the README table; run nothing")
    p.add_argument("--first-sync", action="store_true",
                   help="the first-sync study: first users sync, first run and the ways to start, with --latency-ms")
    p.add_argument("--backfilled", default="",
                   help="reuse back-filled history: LABEL=WAREHOUSE[,LABEL=WAREHOUSE] (e.g. 300k=/tmp/h/wh.duckdb)")
    p.add_argument("--latency-ms", type=int, default=150,
                   help="the simulator's per-request latency in the first_sync phase and in --first-sync")
    a = p.parse_args(argv)
    if a.markdown:
        doc = json.loads(a.markdown.read_text())
        print(first_sync.markdown(doc) if doc.get("kind") == "first_sync" else report.markdown(doc))
        return 0
    console = Console(width=None if sys.stdout.isatty() else 220)
    logging.basicConfig(level=logging.WARNING)
    if a.first_sync:
        return _first_sync(a, console)
    try:
        opts = Options(days=a.days, repeat=a.repeat, queries_dir=a.queries_dir, workdir=a.workdir, keep=a.keep,
                       memory_limit=a.memory_limit, phases=tuple(x.strip() for x in a.phases.split(",") if x.strip()),
                       warehouse=a.warehouse, latency_ms=a.latency_ms, browser_repeat=a.browser_repeat,
                       backfilled={k.strip(): Path(v.strip()) for k, v in
                                   (x.split("=", 1) for x in a.backfilled.split(",") if x.strip())})
    except ValueError as e:
        p.error(str(e))
    if a.warehouse and len(a.sizes.split(",")) != 1:
        p.error("--warehouse holds one size: give its label with --sizes (e.g. --sizes 100k)")
    if "queries" in opts.phases:
        qdir, queries = dashboard_queries(a.queries_dir)
        console.print(f"dashboard queries from {qdir}: {', '.join(queries)}")
    console.print(f"phases: {', '.join(opts.phases)}" + (f" on {a.warehouse}" if a.warehouse else ""))
    sizes: dict[str, dict] = {}
    failed = False
    path = None
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
