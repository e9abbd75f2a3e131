"""The benchmark's outputs: the machine, one row per phase and size (and per dashboard page and role), the
targets of issues 8 and 18 judged on their row, the machine's load around each phase, and the JSON file."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import socket
import subprocess
from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from rich.table import Table

from . import load

RESULTS = Path(__file__).resolve().parent / "results"
GIB = 1024
BIG = ("100k", "300k")

# (row, sizes, measure, target, unit, value from a size's result); a value of None means not measured
TARGETS: list[tuple[str, tuple[str, ...], str, float, str, Callable[[dict], float | None]]] = [
    ("fresh run", ("100k",), "run / floor", 2.0, "x", lambda r: r.get("run_over_floor")),
    ("fresh run", ("100k",), "wall", 60, "s", lambda r: _get(r, "run_fresh", "wall_s")),
    ("fresh run", ("300k",), "wall", 180, "s", lambda r: _get(r, "run_fresh", "wall_s")),
    ("fresh run", ("300k",), "peak RSS", 2 * GIB, "MiB", lambda r: _get(r, "run_fresh", "peak_rss_mb")),
    ("daily run", ("100k",), "wall", 60, "s", lambda r: _get(r, "run_daily", "wall_s")),
    ("daily run", ("300k",), "wall", 180, "s", lambda r: _get(r, "run_daily", "wall_s")),
    ("daily run", ("300k",), "peak RSS", 2 * GIB, "MiB", lambda r: _get(r, "run_daily", "peak_rss_mb")),
    ("daily transform", ("100k",), "wall", 30, "s", lambda r: _get(r, "transform_daily", "wall_s")),
    ("full rebuild", ("100k",), "wall", 30, "s", lambda r: _get(r, "transform", "wall_s")),
    ("full rebuild", ("300k",), "wall", 90, "s", lambda r: _get(r, "transform", "wall_s")),
    ("full rebuild", BIG, "peak RSS", 2 * GIB, "MiB", lambda r: _get(r, "transform", "peak_rss_mb")),
    ("dashboard queries", ("300k",), "p95, slowest query", 300, "ms", lambda r: _p95_max(r)),
]
BROWSER_TARGET_SIZES = ("300k",)  # issue 18: p95 <= 1.5 s per page at 300k users x 180 days


def _get(r: dict, key: str, field: str) -> float | None:
    return r[key][field] if key in r else None


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
    """The short commit the benchmark ran at ("" outside git), with `+dirty` for uncommitted changes."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                              cwd=RESULTS.parent, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], capture_output=True,
                               text=True, cwd=RESULTS.parent, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""
    return head + ("+dirty" if dirty else "")


def _p95_max(r: dict) -> float | None:
    vals = [q["p95_ms"] for q in r.get("queries", {}).values() if "p95_ms" in q]
    return max(vals) if vals else None


def targets(sizes: dict[str, dict]) -> list[dict]:
    """Every target with its row, the measured value and whether it was met (None: not measured)."""
    out = []

    def add(row: str, size: str, measure: str, target: float, unit: str, value: float | None,
            failed: bool = False) -> None:
        out.append({"row": row, "measure": measure, "size": size, "target": target, "unit": unit, "value": value,
                    "met": None if value is None else value <= target and not failed})

    for row, at, measure, target, unit, get in TARGETS:
        for size in at:
            r = sizes.get(size)
            history_ok = r is not None and (row == "fresh run" or r.get("history_days", 0) >= 180)
            add(row, size, measure, target, unit, get(r) if r and history_ok else None)
    for label, r in sizes.items():
        for kind in ("fresh", "daily"):
            g = r.get(f"graph_requests_{kind}")
            if g:
                add(f"{kind} run", label, "Graph requests beyond plan", 0, "",
                    g["total"] - g["expected"] + g["repeated"])
        b = r.get("browser")
        if b and label in BROWSER_TARGET_SIZES:
            for role, rr in b["roles"].items():
                for key, p in rr["pages"].items():
                    # a page that failed even once is missed, whatever its other rounds took
                    add(f"browser: {key} ({role})", label, "p95", b["target_ms"], "ms",
                        p.get("p95_ms", float(b["target_ms"]) * 1000 if p["failed"] else None), bool(p["failed"]))
    return out


def rows(label: str, r: dict) -> list[dict]:
    """The table's rows for one size: {row, size, wall_s, peak_rss_mb, figures, phase}."""
    out: list[dict] = []

    def add(row: str, phase: str, wall: float | None, rss: float | None, figures: str) -> None:
        out.append({"row": row, "size": label, "wall_s": wall, "peak_rss_mb": rss, "figures": figures,
                    "phase": phase})

    if "first_sync" in r:
        f = r["first_sync"]
        c = f["collector_users_sync"]
        add(f"first run, {f['latency_ms']} ms per Graph request", "first_sync", f["run_fresh"]["wall_s"],
            f["run_fresh"]["peak_rss_mb"], f"users sync {c['fetch_s'] + c['land_s']:.1f} s (fetch {c['fetch_s']:.1f} "
            f"+ land {c['land_s']:.1f}), {c['users_pages']:,} users pages")
    if "run_fresh" in r:
        g = r["graph_requests_fresh"]
        add("fresh run", "fresh", r["run_fresh"]["wall_s"], r["run_fresh"]["peak_rss_mb"],
            f"floor {r['floor_s']:.1f} s, run / floor {r['run_over_floor']:.2f}, Graph requests {g['total']} "
            f"(plan {g['expected']})")
    if "backfill_reused" in r:
        b = r["backfill_reused"]
        add(f"back-fill, {r['history_days']} days (set-up)", "backfill", r.get("backfill_s"), None,
            f"reused: {b['report_dates']} report dates, {b['copilot_user_detail_rows']:,} Copilot user-detail raw rows "
            f"({b['from']})")
    if "backfill_rows" in r:
        add(f"back-fill, {r['history_days']} days (set-up)", "backfill", r.get("backfill_s"), None,
            f"{r['backfill_rows']:,} raw rows")
    if "transform" in r:
        t = r["transform"]
        add("full rebuild", "full", t["wall_s"], t["peak_rss_mb"], _slowest(t))
    if "run_daily" in r:
        d, g = r["run_daily"], r["graph_requests_daily"]
        add("daily run", "daily", d["wall_s"], d["peak_rss_mb"],
            f"collect {d['collect']['wall_s']:.1f} s + transform {r['transform_daily']['wall_s']:.1f} s, "
            f"Graph requests {g['total']} (plan {g['expected']})")
        add("daily transform", "daily", r["transform_daily"]["wall_s"], r["transform_daily"]["peak_rss_mb"],
            _slowest(r["transform_daily"]))
    if "queries" in r:
        timed = {n: q for n, q in r["queries"].items() if "p95_ms" in q}
        failed = [n for n, q in r["queries"].items() if "error" in q]
        worst = max(timed, key=lambda n: timed[n]["p95_ms"]) if timed else None
        add("dashboard queries", "queries", None, None,
            (f"p95 {timed[worst]['p95_ms']:.0f} ms (slowest: `{worst}`), {len(timed)} queries" if worst else "")
            + (f"; failed: {', '.join(failed)}" if failed else ""))
    if "browser" in r:
        b = r["browser"]
        if "floor" in b:
            add("browser: floor (Streamlit alone)", "browser", None, None, _page_figures(b["floor"]))
        for role, rr in b["roles"].items():
            for key, p in rr["pages"].items():
                add(f"browser: {key} ({role})", "browser", None, None, _page_figures(p))
    return out


def _slowest(t: dict) -> str:
    return "slowest: " + ", ".join(f"`{n.split('/')[-1]}` {s:.1f} s" for n, s in t.get("slowest", [])[:3])


def _page_figures(p: dict) -> str:
    if "p95_ms" not in p:
        return f"**failed** {p['failed']} of {p['n']}: {'; '.join(p.get('errors', []))[:120]}"
    fails = f", **failed {p['failed']} of {p['n']}**" if p["failed"] else ""
    return f"p50 {p['p50_ms']:.0f} ms, p95 {p['p95_ms']:.0f} ms (cold {p['cold_ms'] or 0:.0f} ms, n {p['n']}){fails}"


def write(sizes: dict[str, dict], path: Path | None = None) -> Path:
    """Merge these sizes into today's results file for this machine (earlier sizes of the day are kept)."""
    m = machine()
    today = dt.datetime.now(dt.UTC).date().isoformat()
    path = path or RESULTS / f"{today}-{m['host']}.json"
    old = json.loads(path.read_text()) if path.exists() else {}
    merged = {**old.get("sizes", {}), **sizes}
    order = sorted(merged, key=lambda k: merged[k]["users"])
    merged = {k: merged[k] for k in order}
    doc = {"date": today, "commit": commit(), "machine": m, "sizes": merged, "targets": targets(merged)}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=2, default=str) + "\n")
    return path


def _verdicts(doc_targets: list[dict], row: str, size: str) -> tuple[str, str]:
    mine = [t for t in doc_targets if t["row"] == row and t["size"] == size]
    if not mine:
        return "", ""
    target = "; ".join(f"{t['measure']} ≤ {t['target']:g} {t['unit']}".strip() for t in mine)
    verdict = "; ".join("not measured" if t["value"] is None else ("met" if t["met"] else "**missed**")
                        for t in mine)
    return target, verdict


def _load(r: dict, phase: str) -> str:
    p = r.get("phases", {}).get(phase)
    return f"{load.brief(p['load_before'])} → {load.brief(p['load_after'])}" if p else "–"


def _cells(doc: dict) -> list[list[str]]:
    out = []
    for label, r in doc["sizes"].items():
        seen = set()
        for row in rows(label, r):
            target, verdict = _verdicts(doc.get("targets", []), row["row"], label)
            # a phase's load once, on its first row (the browser phase has a row per page)
            where = "as above" if row["phase"] in seen else _load(r, row["phase"])
            seen.add(row["phase"])
            out.append([row["row"], label, "–" if row["wall_s"] is None else f"{row['wall_s']:.1f}",
                        "–" if row["peak_rss_mb"] is None else f"{row['peak_rss_mb']:.0f}", row["figures"],
                        target, verdict, where])
    return out


HEADER = ["row", "size", "wall s", "peak RSS MiB", "figures", "target", "verdict", "machine load before → after"]


def show(doc_sizes: dict[str, dict], console: Console | None = None) -> None:
    """Print the table."""
    console = console or Console()
    t = Table(title="copilot-usage benchmark")
    for col in HEADER:
        t.add_column(col, justify="right" if col in ("wall s", "peak RSS MiB") else "left")
    for cells in _cells({"sizes": doc_sizes, "targets": targets(doc_sizes)}):
        t.add_row(*[c.replace("**", "") for c in cells])
    console.print(t)


def markdown(doc: dict) -> str:
    """The Measured table of benchmarks/README.md from a results file: one row per phase and size and per dashboard page
    and role, each with its targets, then the machine's load around each phase."""
    m = doc["machine"]
    if not all("row" in t for t in doc.get("targets", [])):  # a file from before the rows: judge it again
        doc = {**doc, "targets": targets(doc["sizes"])}
    sizes = ", ".join(f"{k} ({r.get('history_days', '?')} days)" for k, r in doc["sizes"].items())
    lines = [f"Measured {doc['date']} at commit `{doc['commit']}` on {m['cpu']}, {m['cores']} cores, "
             f"{m['ram_gib']} GiB RAM ({m['os']}, Python {m['python']}); sizes {sizes}.", "",
             "| " + " | ".join(HEADER) + " |", "| " + " | ".join(["---", "---", "---:", "---:", "---", "---", "---",
                                                                   "---"]) + " |"]
    lines += ["| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |" for cells in _cells(doc)]
    unplaced = [t for t in doc.get("targets", []) if not any(t["row"] == c[0] and t["size"] == c[1]
                                                             for c in _cells(doc))]
    if unplaced:
        lines += ["", "Not measured: " + "; ".join(f"{t['row']} at {t['size']} ({t['measure']} ≤ {t['target']:g} "
                                                   f"{t['unit']})".replace(" )", ")") for t in unplaced) + "."]
    return "\n".join(lines)
