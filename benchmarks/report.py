"""The benchmark's outputs: the machine, the targets of issue 8 judged per size, one rich table, the JSON file."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import socket
import subprocess
from pathlib import Path

from rich.console import Console
from rich.table import Table

RESULTS = Path(__file__).resolve().parent / "results"
GIB = 1024


def machine() -> dict:
    """CPU model, cores usable, RAM (from /proc), OS and Python."""
    cpu = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        cpu = next((ln.split(":", 1)[1].strip() for ln in cpuinfo.read_text().splitlines()
                    if ln.startswith("model name")), "")
    mem = 0.0
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kb = next(int(ln.split()[1]) for ln in meminfo.read_text().splitlines() if ln.startswith("MemTotal"))
        mem = round(kb / 2**20, 1)
    return {"host": socket.gethostname(), "cpu": cpu or platform.processor(), "cores": len(os.sched_getaffinity(0)),
            "ram_gib": mem, "os": platform.platform(), "python": platform.python_version()}


def commit() -> str:
    """The short commit the benchmark ran at ("" outside git)."""
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                              cwd=RESULTS.parent, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def _p95_max(r: dict) -> float | None:
    vals = [q["p95_ms"] for q in r.get("queries", {}).values() if "p95_ms" in q]
    return max(vals) if vals else None


def targets(sizes: dict[str, dict]) -> list[dict]:
    """Issue 8's targets, each with the measured value and whether it was met (None: size not measured)."""
    out = []

    def add(measure: str, size: str, target: float, unit: str, get, history: bool = False) -> None:  # noqa: ANN001
        r = sizes.get(size)
        value = get(r) if r and (not history or r["history_days"] >= 180) else None
        out.append({"measure": measure, "size": size, "target": target, "unit": unit, "value": value,
                    "met": None if value is None else value <= target})

    add("run / floor", "100k", 2.0, "x", lambda r: r["run_over_floor"])
    add("full run (fresh)", "100k", 60, "s", lambda r: r["run_fresh"]["wall_s"])
    add("full run (daily, 180 d history)", "100k", 60, "s", lambda r: r["run_daily"]["wall_s"], True)
    add("full run (fresh)", "300k", 180, "s", lambda r: r["run_fresh"]["wall_s"])
    add("full run (daily, 180 d history)", "300k", 180, "s", lambda r: r["run_daily"]["wall_s"], True)
    add("peak RSS of a run (fresh)", "300k", 2 * GIB, "MiB", lambda r: r["run_fresh"]["peak_rss_mb"])
    add("peak RSS of a run (daily, 180 d history)", "300k", 2 * GIB, "MiB", lambda r: r["run_daily"]["peak_rss_mb"],
        True)
    add("transform, daily (incremental), 180 d history", "100k", 30, "s",
        lambda r: r.get("transform_daily", r["transform"])["wall_s"], True)
    add("transform, full rebuild, 180 d history", "100k", 30, "s", lambda r: r["transform"]["wall_s"], True)
    add("dashboard queries p95 (slowest), 180 d history", "300k", 300, "ms", _p95_max, True)
    for label, r in sizes.items():
        for kind in ("fresh", "daily"):
            g = r[f"graph_requests_{kind}"]
            value = g["total"] - g["expected"] + g["repeated"]
            out.append({"measure": f"Graph requests beyond plan ({kind})", "size": label, "target": 0, "unit": "",
                        "value": value, "met": value <= 0})
    return out


def write(sizes: dict[str, dict], path: Path | None = None) -> Path:
    """Merge these sizes into today's results file for this machine (earlier sizes of the day are kept)."""
    m = machine()
    today = dt.datetime.now(dt.UTC).date().isoformat()
    path = path or RESULTS / f"{today}-{m['host']}.json"
    old = json.loads(path.read_text()) if path.exists() else {}
    merged = {**old.get("sizes", {}), **sizes}
    order = sorted(merged, key=lambda k: merged[k]["users"])
    merged = {k: merged[k] for k in order}
    doc = {"date": today, "commit": commit(), "machine": m, "sizes": merged,
           "targets": targets(merged)}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=2, default=str) + "\n")
    return path


def table(sizes: dict[str, dict]) -> Table:
    """One row per size."""
    t = Table(title="copilot-usage benchmark (wall seconds; RSS MiB; queries ms)")
    for col in ("size", "history d", "sim gen + activity", "fresh run", "RSS", "floor", "run/floor", "back-fill",
                "full transform", "RSS", "daily run", "RSS", "query p95 max", "Graph req fresh/daily (plan)"):
        t.add_column(col, justify="right")
    for label, r in sizes.items():
        gf, gd = r["graph_requests_fresh"], r["graph_requests_daily"]
        t.add_row(label, str(r["history_days"]), f"{r['simulator_generate_s'] + r['simulator_activity_s']:.1f}",
                  f"{r['run_fresh']['wall_s']:.1f}", f"{r['run_fresh']['peak_rss_mb']:.0f}", f"{r['floor_s']:.1f}",
                  f"{r['run_over_floor']:.2f}", f"{r['backfill_s']:.0f}", f"{r['transform']['wall_s']:.1f}",
                  f"{r['transform']['peak_rss_mb']:.0f}", f"{r['run_daily']['wall_s']:.1f}",
                  f"{r['run_daily']['peak_rss_mb']:.0f}", f"{_p95_max(r) or float('nan'):.0f}",
                  f"{gf['total']}/{gd['total']} ({gf['expected']}/{gd['expected']})")
    return t


def show(doc_sizes: dict[str, dict], console: Console | None = None) -> None:
    """Print the table and the targets."""
    console = console or Console()
    console.print(table(doc_sizes))
    for tg in targets(doc_sizes):
        if tg["value"] is None:
            continue
        mark = "[green]met[/]" if tg["met"] else "[red]missed[/]"
        console.print(f"  {tg['measure']} at {tg['size']}: {tg['value']} {tg['unit']} (target ≤ {tg['target']}) {mark}")


def markdown(doc: dict) -> str:
    """The README's Performance table and targets from a results file."""
    m = doc["machine"]
    lines = [f"Measured {doc['date']} at commit `{doc['commit']}` on {m['cpu']}, {m['cores']} cores, "
             f"{m['ram_gib']} GiB RAM ({m['os']}, Python {m['python']}).", "",
             "| users | history days | fresh run s | fresh RSS MiB | floor s | run / floor | back-fill s | "
             "daily run s | daily RSS MiB | daily transform s | full transform s | full transform RSS MiB | "
             "query p95 max ms | "
             "Graph requests fresh / daily (plan) | warehouse MiB |",
             "| " + " | ".join(["---:"] * 15) + " |"]
    for label, r in doc["sizes"].items():
        gf, gd = r["graph_requests_fresh"], r["graph_requests_daily"]
        fresh, daily, tr = r["run_fresh"], r["run_daily"], r["transform"]
        cells = [label, r["history_days"], f"{fresh['wall_s']:.1f}", f"{fresh['peak_rss_mb']:.0f}",
                 f"{r['floor_s']:.1f}", f"{r['run_over_floor']:.2f}", f"{r['backfill_s']:.0f}",
                 f"{daily['wall_s']:.1f}",
                 f"{daily['peak_rss_mb']:.0f}", f"{r.get('transform_daily', {}).get('wall_s', float('nan')):.1f}",
                 f"{tr['wall_s']:.1f}", f"{tr['peak_rss_mb']:.0f}",
                 f"{_p95_max(r) or float('nan'):.0f}",
                 f"{gf['total']} / {gd['total']} ({gf['expected']} / {gd['expected']})", f"{r['warehouse_mb']:.0f}"]
        lines.append("| " + " | ".join(str(c) for c in cells) + " |")
    lines += ["", "| target | size | measured | target | |", "| --- | --- | ---: | ---: | --- |"]
    for t in doc["targets"]:
        verdict = "not measured" if t["value"] is None else ("met" if t["met"] else "**missed**")
        value = "–" if t["value"] is None else f"{t['value']} {t['unit']}".strip()
        lines.append(f"| {t['measure']} | {t['size']} | {value} | ≤ {t['target']} {t['unit']} | {verdict} |".replace(
            "  |", " |"))
    return "\n".join(lines)
