"""Retention ([privacy] retention_days, docs/privacy.md): per-user rows older than a cut-off are deleted once the
aggregates that need them are built, and every later build keeps the aggregates of those dates.

The cut-off is a report date: the latest report date minus `retention_days` (never the wall clock, like the rest
of the model). `purge` deletes, below it, the per-user rows: every raw table with a `user_principal_name` column
(report rows by `_report_refresh_date`, admin-center imports by `_as_of`), `copilot_user_snapshots`, the per-user
intermediates keyed by date, and the directory rows of users removed from Entra before it. `_retention` remembers
the cut-off (`purged_before`).

From then on the transform keeps the rows of the aggregates in `RETAINED` that the deleted rows made (`keep` before
an object is built, `restore` after): rows dated before `purged_before` (a week: before the first Monday whose
28-day windows start on or after it), so a full rebuild recomputes only what the kept per-user rows can still
give exactly and starts from the aggregates it kept for the rest. An incremental build whose scope reaches back
before that date (Microsoft reporting a day late, a changed directory) is clamped to it the same way.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import duckdb

from . import db, model_files

log = logging.getLogger("copilot_usage.retention")
WEEK_WINDOW_DAYS = 21  # a week's 28-day window starts 21 days before its Monday (int_user_week)


@dataclass(frozen=True)
class Retained:
    """An aggregate (or the one per-user table) whose rows before the cut-off a build keeps instead of recomputing:
    its date column, whether it is keyed by ISO week, and the key a recomputed row wins on (the same key kept
    twice is kept once)."""

    column: str
    weekly: bool = False
    unique: tuple[str, ...] = ()


RETAINED = {
    "int_copilot_snapshots": Retained("as_of"),
    "int_group_week_eligible": Retained("week_start", weekly=True),
    "mart_usage_by_group": Retained("as_of"),
    "mart_data_status": Retained("as_of"),
    "mart_licences": Retained("as_of"),
    "mart_adoption_weekly": Retained("week_start", weekly=True),
    "mart_unlicensed_chat": Retained("as_of"),
    "mart_agent_users": Retained("as_of"),
    "mart_idle_cost": Retained("as_of"),
    # the one per-user table kept beyond the cut-off (docs/privacy.md): a licence assigned before it keeps its
    # activation and cohort windows, which the activation and cohort marts count; a newer assignment replaces it
    "int_licence_assignments": Retained("assigned_on", unique=("upn_key",)),
}
# the per-user objects the model derives, keyed by date: deleted below the cut-off
PER_USER = {"copilot_user_snapshots": "as_of", "int_user_snapshot": "as_of", "int_activity_days": "activity_date",
            "int_user_week": "week_start"}
KEPT = "_retention_kept"
STATUS = "mart_privacy_status"


def purged_before(con: duckdb.DuckDBPyConnection) -> date | None:
    """The cut-off of the last purge (rows before it are gone), or None: nothing was ever deleted."""
    if not db.has_table(con, "_retention"):
        return None
    return con.execute("select max(purged_before) from _retention").fetchone()[0]


def boundary(con: duckdb.DuckDBPyConnection, name: str) -> date | None:
    """Rows of `name` dated before this are kept from earlier builds (None: it is built as usual)."""
    r = RETAINED.get(name)
    cut = purged_before(con) if r else None
    if cut is None:
        return None
    if r.weekly:
        first = cut + timedelta(days=WEEK_WINDOW_DAYS)
        return first + timedelta(days=(7 - first.weekday()) % 7)
    return cut


def keep(con: duckdb.DuckDBPyConnection, name: str) -> date | None:
    """Before `name` is built whole: copy its rows dated before its boundary aside; returns the boundary."""
    b = boundary(con, name)
    if b is None or not db.has_table(con, name):
        return None
    con.execute(f"create or replace temp table {KEPT} as select * from {name} where {RETAINED[name].column} < ?", [b])
    return b


def restore(con: duckdb.DuckDBPyConnection, name: str, b: date) -> None:
    """After `name` was built whole: its rows before the boundary are the kept ones (the columns both have)."""
    r = RETAINED[name]
    new = {c for (c,) in con.execute("select column_name from information_schema.columns where table_name = ? "
                                     "and table_catalog <> 'temp'", [name]).fetchall()}
    old = [c for (c,) in con.execute("select column_name from information_schema.columns where table_name = ? "
                                     "and table_catalog = 'temp' order by ordinal_position", [KEPT]).fetchall()]
    cols = ", ".join(f'"{c}"' for c in old if c in new)
    con.execute(f"delete from {name} where {r.column} < ?", [b])
    clash = (" where not exists (select 1 from " + name + " t where "
             + " and ".join(f"t.{c} = k.{c}" for c in r.unique) + ")") if r.unique else ""
    con.execute(f"insert into {name} ({cols}) select {cols} from {KEPT} k{clash}")
    con.execute(f"drop table {KEPT}")


def per_user_tables(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Every table holding per-user rows by date -> its date column (raw landings found by their columns)."""
    rows = con.execute(
        "select table_name, list(column_name) from information_schema.columns where table_schema = 'main' "
        "and table_name like 'raw\\_%' escape '\\' group by table_name").fetchall()
    out = {}
    for table, cols in sorted(rows):
        date_col = next((c for c in ("_report_refresh_date", "_as_of") if c in cols), None)
        if "user_principal_name" in cols and date_col:  # raw_users: the directory, see _purge_removed_users
            out[table] = date_col
    return out | {t: c for t, c in PER_USER.items() if db.has_table(con, t)}


def cutoff(con: duckdb.DuckDBPyConnection, retention_days: int) -> date | None:
    """The report date per-user rows are kept from: the latest Copilot report date minus `retention_days`."""
    if not retention_days:
        return None
    latest = con.execute("select max(as_of) from copilot_user_snapshots").fetchone()[0]
    return latest - timedelta(days=retention_days) if latest else None


def purge(con: duckdb.DuckDBPyConnection, before: date, retention_days: int) -> dict[str, int]:
    """Delete the per-user rows dated before `before` (call it after a transform built the aggregates that need
    them); record the cut-off. Returns the rows deleted per table. The caller holds the transaction."""
    deleted = {}
    for table, col in per_user_tables(con).items():
        n = con.execute(f"delete from {table} where {col} < ?", [before]).fetchone()[0]
        if n:
            deleted[table] = n
    deleted |= _purge_removed_users(con, before)
    prev = purged_before(con)
    con.execute("delete from _retention")
    con.execute("insert into _retention values (?, ?, ?)",
                [max(before, prev) if prev else before, retention_days, datetime.now(UTC)])
    # the mart that says since when rows are kept was built before the deletion: build it again
    model_files.materialize(con, model_files.read(db.SQL_DIR / "marts" / f"{STATUS}.sql"))
    if deleted:
        log.info("retention: per-user rows before %s deleted: %s", before,
                 ", ".join(f"{t} {n}" for t, n in deleted.items()))
    return deleted


def _purge_removed_users(con: duckdb.DuckDBPyConnection, before: date) -> dict[str, int]:
    """The directory rows of users removed from Entra (and not restored since) in a collection of a report date
    before `before` (a current user's rows stay: users/delta sends changed properties only, so each version builds
    on the ones before it), and their names in privacy_identities."""
    n = con.execute("""
        delete from raw_users where id in (
            with rows as (
                select u.id, u._loaded_at, u.removed_reason, r.as_of
                from raw_users u
                left join (select run_id, max(report_refresh_date) as as_of from _runs group by run_id) r
                       on r.run_id = u._run_id
            ),
            last_present as (select id, max(_loaded_at) as at from rows where removed_reason is null group by id)
            -- removed (soft, then maybe permanently) since a collection before the cut-off, and not back since
            select r.id from rows r left join last_present p using (id)
            where r.removed_reason is not null and r._loaded_at > coalesce(p.at, '-infinity'::timestamptz)
            group by r.id
            having min(r.as_of) < ?)
        """, [before]).fetchone()[0]
    out = {"raw_users": n} if n else {}
    gone = con.execute("delete from privacy_identities where object_pseudonym not in (select id from raw_users)"
                       ).fetchone()[0]
    if gone:
        out["privacy_identities"] = gone
    return out


def kept_since(con: duckdb.DuckDBPyConnection) -> dict[str, object]:
    """For the Data page and `privacy status`: since when per-user rows are kept, and the aggregates' first dates."""
    cut = purged_before(con)
    first = {t: con.execute(f"select min({c}) from {t}").fetchone()[0] for t, c in
             (("copilot_user_snapshots", "as_of"), ("mart_usage_by_group", "as_of"))
             if db.has_table(con, t)}
    row = con.execute("select retention_days, timezone('UTC', applied_at) from _retention").fetchone() \
        if db.has_table(con, "_retention") else None
    return {"purged_before": cut, "per_user_from": first.get("copilot_user_snapshots"),
            "aggregates_from": first.get("mart_usage_by_group"), "retention_days": row[0] if row else 0,
            "applied_at": row[1] if row else None}
