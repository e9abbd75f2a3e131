"""Read-only summaries of the warehouse for the command line: freshness, last runs, flagged groups."""

from __future__ import annotations

from dataclasses import dataclass, field

from alerts.workflow.champions import unmatched
from warehouse import db


@dataclass
class Status:
    """What `copilot-usage status` shows."""

    as_of: object
    tenant: list[tuple]  # (window_days, licensed, active, rate) for app 'any'
    last_runs: list[tuple]  # (report, period, status, finished_at, report_refresh_date, message)
    data_note: str | None
    flagged: list[tuple]  # (week_start, dimension, group_name, active_rate, impact, reason, live champion name)
    week: object = None  # the latest evaluated week
    unmatched_champions: list[tuple] = field(default_factory=list)  # (dimension, group, e-mail, likely group)
    flagged_total: int = 0  # all flagged groups of the week (`flagged` holds the first `limit` by impact)
    headline: tuple | None = None  # the tenant's (active_rate, status, reason) in the latest evaluated week


def read_status(path: str, wait_seconds: float = 10.0, limit: int = 15) -> Status:
    """Summarise the warehouse at `path` (opened read-only)."""
    with db.reading(path, wait_seconds=wait_seconds) as con:
        tables = db.tables(con)
        last_runs = con.execute(
            "select report, period, status, timezone('UTC', finished_at), report_refresh_date, message from _runs "
            "qualify row_number() over (partition by report, period order by finished_at desc) = 1 "
            "order by report, period").fetchall() if "_runs" in tables else []
        if "mart_usage_by_group" not in tables:
            return Status(None, [], last_runs, "no model yet: run `copilot-usage transform`", [])
        as_of = con.execute("select max(as_of) from mart_usage_by_group").fetchone()[0]
        tenant = con.execute(
            "select window_days, licensed_users, active_users, active_rate from mart_usage_by_group "
            "where as_of = ? and dimension = 'tenant' and app = 'any' order by window_days", [as_of]).fetchall()
        note = con.execute("select nullif(concat_ws(' ', reason, licence_date_note), '') from mart_data_status "
                           "where as_of = ?", [as_of]).fetchone()
        # champions from the live table: an import shows at once, without a transform
        flagged = con.execute(
            "select s.week_start, s.dimension, s.group_name, s.active_rate, s.impact, s.reason, c.champion_name "
            "from mart_stagnation s left join champions c on c.dimension = s.dimension and c.group_id = s.group_id "
            "where s.flagged and s.week_start = (select max(week_start) from mart_stagnation) "
            "order by s.impact desc, s.active_rate, s.dimension, s.group_name").fetchall()
        headline = con.execute(
            "select active_rate, status, reason from mart_stagnation where dimension = 'tenant' "
            "and week_start = (select max(week_start) from mart_stagnation)").fetchone()
        week, lost = unmatched(con)
        return Status(as_of, tenant, last_runs, note[0] if note else None, flagged[:limit], week, lost,
                      len(flagged), headline)
