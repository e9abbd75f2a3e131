"""What a transform rebuilds: everything (a full rebuild) or only the report dates and weeks that changed.

The model's large objects are keyed by report date (`as_of`) or ISO week (`week_start`); their SQL files say
so in a header line (`-- increment: as_of >= from_as_of`, see `model_files`). An incremental transform rebuilds
their rows from the earliest changed report date and week on, and keeps the rest:

- report dates from the earliest one with a Copilot user-detail load newer than the last transform
  (`scope/new_loads.sql`), or whose users' groups or licences changed (`scope/user_group_changes.sql`);
- weeks from the earliest week that holds such a date, or whose 28-day window holds an activity date the
  calendar gained or lost (`scope/changed_activity.sql`).

An object whose fingerprint changed (its SQL, a `[model]` parameter it reads, or an object it reads: see
`fingerprints`) is rebuilt whole, and so is everything downstream of it; the others keep the incremental path.
The first transform (of this release too: an upgrade), a model table missing and `transform --full` rebuild
everything. `_transform_objects` keeps each object's fingerprint, `_transform_state` the newest load the last
transform saw.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import duckdb

from . import db, fingerprints

NOTHING = date.max  # a scope that selects no report date or week


@dataclass
class Scope:
    """The decision, for the report and the CLI."""

    full: bool
    reason: str
    prints: dict[str, fingerprints.Print] = field(default_factory=dict)  # this transform's (saved at the end)
    from_as_of: date | None = None
    from_week: date | None = None
    rebuilt: dict[str, str] = field(default_factory=dict)  # incremental: model tables rebuilt whole -> why

    def whole(self, name: str) -> bool:
        """Whether this transform rebuilds the object `name` whole rather than its changed rows."""
        return self.full or name in self.rebuilt

    def describe(self, objects: bool = True) -> str:
        """One line; `objects`: with the objects rebuilt whole and why."""
        if self.full:
            return f"full rebuild: {self.reason}"
        how = (f"from report date {self.from_as_of} and week {self.from_week}"
               if self.from_as_of not in (None, NOTHING) else "no report date changed")
        if self.rebuilt:
            how += f"; {len(self.rebuilt)} object(s) rebuilt whole"
            if objects:
                how += f" ({'; '.join(f'{n}: {r}' for n, r in self.rebuilt.items())})"
        return f"incremental: {how}"


def _query(name: str) -> str:
    return (db.SQL_DIR / "scope" / f"{name}.sql").read_text()


def _migrated(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """The migrations applied since the last transform (by it, or by a collection before it): name -> SQL."""
    names = con.execute("select name from _migrations where applied_at > (select transformed_at from "
                        "_transform_state) order by name").fetchall()
    return {n: (db.SQL_DIR / "migrations" / n).read_text() for (n,) in names}


def decide(con: duckdb.DuckDBPyConnection, files: list[Path], tables: list[str], *, force_full: bool) -> Scope:
    """Full or incremental; for incremental the model tables to rebuild whole (their fingerprint changed, or
    they read a table that a migration applied since the last transform changed; in build order) and the
    report dates with new loads (user changes come later)."""
    now = fingerprints.compute(con, files)
    missing = [t for t in tables if not db.has_table(con, t)]
    if force_full:
        return Scope(True, "asked for", now)
    if not db.has_table(con, "_transform_state"):
        return Scope(True, "first transform", now)
    before = fingerprints.saved(con)
    if not before:
        return Scope(True, "no object fingerprints saved yet (a warehouse built by an earlier release)", now)
    if missing:
        return Scope(True, f"{', '.join(missing)} missing", now)
    changed = fingerprints.changes(now, before, fingerprints.touched(_migrated(con), now, files))
    rebuilt = {n: why for n, why in changed.items() if now[n].layer != "staging"}  # views are recreated anyway
    new = con.execute(_query("new_loads")).fetchone()[0]
    return Scope(False, "", now, from_as_of=new or NOTHING, rebuilt=rebuilt)


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
    """Remember the objects' fingerprints and the newest Copilot user-detail load (or import) this transform
    covered."""
    newest = ("greatest((select max(_loaded_at) from raw_copilot_usage_user_detail), "
              "(select max(_loaded_at) from raw_import_copilot_usage))")
    con.execute(f"create or replace table _transform_state as select ? as fingerprint, "
                f"coalesce({newest}, '-infinity'::timestamptz) as loaded_at, now() as transformed_at",
                [fingerprints.model_fingerprint(scope.prints)])
    fingerprints.save(con, scope.prints)
