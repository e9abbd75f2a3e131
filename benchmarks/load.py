"""How busy the machine is around each phase: load average, available memory and the busiest other processes.

A benchmark on a shared machine is only as honest as the record of what else ran. `snapshot()` reads
/proc/loadavg and /proc/meminfo and samples every process's CPU time (/proc/<pid>/stat, utime + stime) over
`sample_s` seconds, so a process that was busy *then* shows, not one that was busy once. Processes of this
benchmark (this process and its children) are marked `ours`. Linux only; elsewhere the fields are empty.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

PROC = Path("/proc")
TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _cpu_times() -> dict[int, tuple[float, str, int, int]]:
    """pid -> (cpu seconds, command name, parent pid, RSS KiB)."""
    out: dict[int, tuple[float, str, int, int]] = {}
    for d in PROC.iterdir() if PROC.exists() else ():
        if not d.name.isdigit():
            continue
        try:
            stat = (d / "stat").read_text()
        except OSError:  # gone meanwhile, or not ours to read
            continue
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        f = stat[stat.rindex(")") + 2:].split()
        # fields after the name: state ppid … utime(12) stime(13) … rss(22, pages)
        out[int(d.name)] = ((int(f[11]) + int(f[12])) / TICKS, name, int(f[1]), int(f[21]) * os.sysconf("SC_PAGESIZE")
                            // 1024)
    return out


def _ours(procs: dict[int, tuple[float, str, int, int]]) -> set[int]:
    mine, me = set(), os.getpid()
    for pid in procs:
        p, seen = pid, 0
        while p > 1 and seen < 64:
            if p == me:
                mine.add(pid)
                break
            p, seen = procs[p][2] if p in procs else 0, seen + 1
    return mine


def _label(pid: int, name: str) -> str:
    """The program and what it runs (`python -m pytest`, `python app.py`), never its other arguments (they
    may hold anything, secrets included)."""
    try:
        argv = (PROC / str(pid) / "cmdline").read_bytes().split(b"\0")
    except OSError:
        return name
    argv = [a.decode(errors="replace") for a in argv if a]
    if not argv:
        return name
    prog = Path(argv[0]).name
    rest = argv[1:]
    if rest[:1] == ["-c"]:
        return f"{prog} -c"
    if rest[:1] == ["-m"] and len(rest) > 1:
        return f"{prog} -m {rest[1]}"
    script = next((Path(a).name for a in rest if not a.startswith("-")), "")
    return f"{prog} {script}".strip()


def _meminfo() -> dict[str, float]:
    path = PROC / "meminfo"
    if not path.exists():
        return {}
    kb = {ln.split(":")[0]: int(ln.split()[1]) for ln in path.read_text().splitlines() if ln.split()[1:]}
    return {"mem_total_gib": round(kb.get("MemTotal", 0) / 2**20, 1),
            "mem_available_gib": round(kb.get("MemAvailable", 0) / 2**20, 1)}


def snapshot(sample_s: float = 1.0, top: int = 5) -> dict:
    """Load average (1, 5, 15 min), memory, and the `top` processes by CPU share during `sample_s` seconds
    (100 = one core), each with its RSS and whether it belongs to this benchmark."""
    load = [float(x) for x in (PROC / "loadavg").read_text().split()[:3]] if (PROC / "loadavg").exists() else []
    before, t0 = _cpu_times(), time.perf_counter()
    time.sleep(sample_s)
    after, wall = _cpu_times(), time.perf_counter() - t0
    ours = _ours(after)
    busy = []
    for pid, (cpu, name, _, rss) in after.items():
        used = cpu - before[pid][0] if pid in before else 0.0
        if used > 0:
            busy.append({"pid": pid, "name": _label(pid, name), "cpu_pct": round(100 * used / wall),
                         "rss_mib": round(rss / 1024), "ours": pid in ours})
    busy.sort(key=lambda b: -b["cpu_pct"])
    others = sum(b["cpu_pct"] for b in busy if not b["ours"])
    return {"at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "loadavg": load, **_meminfo(),
            "other_cpu_pct": others, "busy": busy[:top]}


def brief(s: dict | None) -> str:
    """'load 1.9, others 104 % CPU (pytest 98 %)': one snapshot in a table cell."""
    if not s:
        return "–"
    names = ", ".join(f"{b['name']} {b['cpu_pct']} %" for b in s.get("busy", []) if not b["ours"] and
                      b["cpu_pct"] >= 10)[:80]
    load = f"load {s['loadavg'][0]:.1f}" if s.get("loadavg") else "load ?"
    return f"{load}, others {s.get('other_cpu_pct', 0)} % CPU" + (f" ({names})" if names else "")
