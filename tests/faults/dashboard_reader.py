"""A dashboard reader process for the concurrency test: runs every page's queries through the dashboard's own
read layer (cache TTL 1 s) in a loop until `stop` exists. Prints "ready" after its first pass, and at the end
what happened as JSON (each pass's start and end time, refreshing states, errors, report dates seen).

Usage: python dashboard_reader.py WAREHOUSE STOPFILE
"""

from __future__ import annotations

import json
import logging
import sys
import time
import traceback
from pathlib import Path

logging.disable(logging.WARNING)  # streamlit's "no runtime" notices

from dashboards.queries import Reader, Refreshing  # noqa: E402


def pages(r: Reader) -> str | None:
    """One pass over what the five pages read; returns the newest report date seen."""
    as_of, _ = r.freshness()
    if as_of is None:
        return None
    r.tenant_kpis(as_of)
    r.weekly("tenant", "Tenant")
    r.licences()
    for dim in ("department", "job_function", "manager"):
        r.groups(as_of, dim, "any", 28)
        r.heatmap_apps(dim, r.group_names(dim)[:3])
        r.heatmap_apps(dim)
    r.group_weeks("department", "any")
    weeks = r.stagnation_weeks()
    if weeks:
        r.stagnation(weeks[0])
    r.last_runs()
    r.data_status()
    r.history()
    r.champions()
    return as_of.isoformat()


def main(path: str, stop: str) -> None:
    reader = Reader(path, ttl=1)
    out = {"passes": [], "refreshing": 0, "errors": [], "as_of": []}
    while not Path(stop).exists():
        try:
            t0 = time.time()
            seen = pages(reader)
            out["passes"].append((t0, time.time()))
            if len(out["passes"]) == 1:
                print("ready", flush=True)
            if seen and seen not in out["as_of"]:
                out["as_of"].append(seen)
        except Refreshing:
            out["refreshing"] += 1
        except Exception:  # anything else is what the test is looking for
            out["errors"].append(traceback.format_exc()[-600:])
        time.sleep(0.02)
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
