"""What a transform rebuilds: everything (a full rebuild) or only the report dates and weeks that changed.

The model's large objects are keyed by report date (`as_of`) or ISO week (`week_start`); their SQL files say
so in a header line (`-- increment: as_of >= from_as_of`). An incremental transform rebuilds their rows from
the earliest changed report date and week on, and keeps the rest:

- report dates from the earliest one with a Copilot user-detail load newer than the last transform
  (`scope/new_loads.sql`), or whose users' groups or licences changed (`scope/user_group_changes.sql`);
- weeks from the earliest week that holds such a date, or whose 28-day window holds an activity date the
  calendar gained or lost (`scope/changed_activity.sql`).

Anything else (the first transform, a model SQL file or a `[model]` parameter changed, a model table missing,
`transform --full`) rebuilds everything. `_transform_state` remembers the fingerprint of the model and the
newest load the last transform saw.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb

from . import db

INCREMENT = re.compile(r"^-- increment: (\w+) >= (\w+)\s*$", re.MULTILINE)
UNIQUE = re.compile(r"^-- unique: ([\w, ]+)$", re.MULTILINE)
ORDER = re.compile(r"^-- order: ([\w, ]+)$", re.MULTILINE)
PARAM_TABLES = ("_model_params", "_job_function_strip", "_job_function_rules", "_job_function_overrides")
NOTHING = date.max  # a scope that selects no report date or week


@dataclass(frozen=True)
class Increment:
    """How a model file is rebuilt incrementally: rows with `column >= variable` are replaced; `unique` rows
    already kept are not inserted again; `order` is the order rows are stored in, so that the dashboard's
    filtered reads skip most row groups (DuckDB's zone maps)."""

    column: str
    variable: str
    unique: tuple[str, ...] = ()
    order: tuple[str, ...] = ()


def increment_of(sql: str) -> Increment | None:
    """The `-- increment:` header of a model file, or None for a file that is rebuilt whole every time."""
    m = INCREMENT.search(sql)
    if not m:
        return None
    def columns(found: re.Match | None) -> tuple[str, ...]:
        return tuple(c.strip() for c in found[1].split(",")) if found else ()

    return Increment(m[1], m[2], columns(UNIQUE.search(sql)), columns(ORDER.search(sql)))


@dataclass
class Scope:
    """The decision, for the report and the CLI."""

    full: bool
    reason: str
    fingerprint: str = ""  # of the model files and parameters this transform builds with (saved at the end)
    from_as_of: date | None = None
    from_week: date | None = None

    def describe(self) -> str:
        if self.full:
            return f"full rebuild: {self.reason}"
        if self.from_as_of in (None, NOTHING):
            return "incremental: no report date changed"
        return f"incremental from report date {self.from_as_of} and week {self.from_week}"


def fingerprint(con: duckdb.DuckDBPyConnection, files: list[Path]) -> str:
    """A hash of the model's SQL and its parameters: when it changes, history must be rebuilt."""
    h = hashlib.sha256()
    for f in files:
        h.update(f"{f.parent.name}/{f.name}\0{f.read_text()}\0".encode())
    for t in PARAM_TABLES:
        h.update(repr(con.execute(f"select * from {t} order by all").fetchall()).encode())  # noqa: S608
    return h.hexdigest()


def _fingerprint_saved(con: duckdb.DuckDBPyConnection) -> str | None:
    if not con.execute("select 1 from duckdb_tables() where table_name = '_transform_state'").fetchone():
        return None
    return con.execute("select fingerprint from _transform_state").fetchone()[0]


def _query(name: str) -> str:
    return (db.SQL_DIR / "scope" / f"{name}.sql").read_text()


def decide(con: duckdb.DuckDBPyConnection, files: list[Path], tables: list[str], *, force_full: bool) -> Scope:
    """Full or incremental, and for incremental the report dates with new loads (user changes come later)."""
    saved, now = _fingerprint_saved(con), fingerprint(con, files)
    missing = [t for t in tables if not con.execute(
        "select 1 from duckdb_tables() where table_name = ?", [t]).fetchone()]
    if force_full:
        return Scope(True, "asked for", now)
    if saved is None:
        return Scope(True, "first transform", now)
    if saved != now:
        return Scope(True, "the model or its [model] parameters changed", now)
    if missing:
        return Scope(True, f"{', '.join(missing)} missing", now)
    new = con.execute(_query("new_loads")).fetchone()[0]
    return Scope(False, "", now, from_as_of=new or NOTHING)


def set_from_as_of(con: duckdb.DuckDBPyConnection, scope: Scope, candidate: date | None) -> None:
    """Move the report-date scope back to `candidate` (if earlier) and hand it to the SQL."""
    if candidate is not None and candidate < (scope.from_as_of or NOTHING):
        scope.from_as_of = candidate
    con.execute("set variable from_as_of = ?::date", [scope.from_as_of])


def user_group_changes(con: duckdb.DuckDBPyConnection) -> date | None:
    """The earliest snapshot touched by a change in int_user_groups (compared with _prev_user_groups)."""
    return con.execute(_query("user_group_changes")).fetchone()[0]


def report_dates_in_scope(con: duckdb.DuckDBPyConnection, scope: Scope) -> int:
    """How many report dates already built the increment rebuilds."""
    if scope.full or scope.from_as_of in (None, NOTHING):
        return 0
    return con.execute("select count(distinct as_of) from int_copilot_snapshots where as_of >= ?",
                       [scope.from_as_of]).fetchone()[0]


def changed_activity(con: duckdb.DuckDBPyConnection) -> date | None:
    """The earliest activity date among calendar rows first reported in the scope."""
    return con.execute(_query("changed_activity")).fetchone()[0]


def set_from_week(con: duckdb.DuckDBPyConnection, scope: Scope, *activity: date | None) -> None:
    """Weeks from the one holding the earliest changed report date or the earliest changed activity date."""
    dates = [d for d in (scope.from_as_of, *activity) if d is not None and d != NOTHING]
    first = min(dates) if dates else NOTHING
    scope.from_week = first if first == NOTHING else first - timedelta(days=first.weekday())
    con.execute("set variable from_week = ?::date", [scope.from_week])


def save(con: duckdb.DuckDBPyConnection, scope: Scope) -> None:
    """Remember the model fingerprint and the newest Copilot user-detail load (or import) this transform covered."""
    newest = ("greatest((select max(_loaded_at) from raw_copilot_usage_user_detail), "
              "(select max(_loaded_at) from raw_import_copilot_usage))")
    con.execute(f"create or replace table _transform_state as select ? as fingerprint, "
                f"coalesce({newest}, '-infinity'::timestamptz) as loaded_at, now() as transformed_at",
                [scope.fingerprint])
