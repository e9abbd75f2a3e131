"""The alerts' SQL: `alerts/sql/<name>.sql`, read by the alert run, the follow-up workflow and the mail chart.

They read marts and the application tables (champions, followups, alert_log), never the model's staging or
intermediate objects (tests/test_alerts_layers.py). The files ship in the wheel with the `alerts` package.
"""

from __future__ import annotations

from pathlib import Path

SQL_DIR = Path(__file__).with_name("sql")


def query(name: str) -> str:
    """The text of `alerts/sql/<name>.sql`."""
    return (SQL_DIR / f"{name}.sql").read_text()
