"""Rebuild the model: staging views, then marts, then data checks, each `.sql` file in name order."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from . import db

LAYERS = ("staging", "marts")


@dataclass
class TransformReport:
    """Timings per object and the checks that returned rows."""

    timings: list[tuple[str, float]] = field(default_factory=list)
    failed_checks: list[tuple[str, int]] = field(default_factory=list)
    seconds: float = 0.0


def transform(path: str, *, wait_seconds: float = 60.0) -> TransformReport:
    """Run every staging and mart SQL file in one transaction, then the checks; return timings and failures."""
    report = TransformReport()
    t0 = time.perf_counter()
    con = db.connect(path, wait_seconds=wait_seconds)
    try:
        db.migrate(con)
        con.execute("begin")
        try:
            for layer in LAYERS:
                for f in sorted((db.SQL_DIR / layer).glob("*.sql")):
                    t = time.perf_counter()
                    con.execute(f.read_text())
                    report.timings.append((f"{layer}/{f.stem}", time.perf_counter() - t))
            con.execute("commit")
        except Exception:
            con.execute("rollback")
            raise
        for f in sorted((db.SQL_DIR / "checks").glob("*.sql")):
            n = con.execute(f"select count(*) from ({f.read_text().rstrip().rstrip(';')})").fetchone()[0]
            if n:
                report.failed_checks.append((f.stem, n))
    finally:
        con.close()
    report.seconds = time.perf_counter() - t0
    return report
