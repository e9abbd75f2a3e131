"""Build the model: staging views, intermediate tables, marts (each `.sql` file after those it reads), then checks."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from statistics import NormalDist

import duckdb

from . import contract, db, fingerprints, labels, model_files, scope, snapshots
from .config import InterventionsConfig, LicencesConfig, ModelConfig, PrivacyConfig
from .licence_params import write_licence_params

LAYERS = model_files.LAYERS
USER_GROUPS = "int_user_groups"  # rebuilt first in an incremental transform: its changes widen the scope
CALENDAR = "int_activity_days"  # its changed dates decide the week scope
# incremental_memory_limit applies to increments of up to this many already-built report dates (daily runs,
# a re-collected day, a week of catching up); a longer one (weeks of missed runs) runs under rebuild_memory_limit
CAPPED_DATES = 14
# a full rebuild builds the objects keyed by report date (or week) in chunks of about this many user snapshots
# (weeks: this many divided by WEEK_FACTOR, as each holds a user's activity per app), so memory stays bounded
CHUNK_ROWS = 3_000_000
WEEK_FACTOR = 2
log = logging.getLogger("copilot_usage.transform")


@dataclass
class TransformReport:
    """Timings per object and the checks that returned rows."""

    timings: list[tuple[str, float]] = field(default_factory=list)
    failed_checks: list[tuple[str, int]] = field(default_factory=list)
    seconds: float = 0.0
    scope: scope.Scope | None = None
    memory_cap: str = ""  # the incremental memory limit the model was built under ("" = none)
    over_memory_cap: str = ""  # the cap an incremental build ran out of before it was built again without it


class TransformError(Exception):
    """A model file failed; the message names the SQL file."""

    def __init__(self, message: str, *, out_of_memory: bool = False) -> None:
        super().__init__(message)
        self.out_of_memory = out_of_memory


def params(model: ModelConfig, interventions: InterventionsConfig | None = None
           ) -> dict[str, tuple[str, object]]:
    """The model parameters the SQL reads, name -> (DuckDB type, value): `[model]` settings, what follows from them
    (the rule's z values), the Copilot service plans of the contract and the `[interventions]` settings."""
    s = model.stagnation
    z = NormalDist().inv_cdf(s.confidence)
    return {"min_group_size": ("integer", model.min_group_size), "target_rate": ("double", s.target_rate),
            "lookback_weeks": ("integer", s.lookback_weeks),
            "min_slope_points_per_week": ("double", s.min_slope_points_per_week),
            "decline_points_per_week": ("double", s.decline_points_per_week),
            "min_licensed_days": ("integer", s.min_licensed_days), "z": ("double", z),
            "z_decline": ("double", max(2.0, z)), "trend_weeks": ("integer", s.trend_weeks),
            "horizon_weeks": ("integer", s.horizon_weeks), "cool_from": ("double", model.levels.cool_from),
            "warm_from": ("double", model.levels.warm_from), "unassigned_label": ("varchar", model.unassigned_label),
            "copilot_service_plans": ("varchar[]", list(contract.COPILOT_SERVICE_PLANS)),
            **(interventions or InterventionsConfig()).model_params()}



def _write_params(con: duckdb.DuckDBPyConnection, model: ModelConfig,
                  interventions: InterventionsConfig | None = None) -> None:
    """Store the model parameters from config in `_model_*` tables, which the SQL reads: `_model_params` is one
    row with one typed column per parameter, read as `(select min_group_size from _model_params)`, so a
    misspelt name is an error when the model is built, not a NULL."""
    p = params(model, interventions)
    con.execute("create or replace table _model_params as select "
                + ", ".join(f"?::{t} as {name}" for name, (t, _) in p.items()), [v for _, v in p.values()])
    con.execute("create or replace table _job_function_strip as select unnest(?::varchar[]) as word",
                [[w.lower().strip(".") for w in model.job_function_strip_words]])
    con.execute("create or replace table _job_function_rules (priority integer, pattern varchar, job_function varchar)")
    for i, r in enumerate(model.job_function_rules):
        con.execute("insert into _job_function_rules values (?, ?, ?)", [i, r.pattern, r.job_function])
    con.execute("create or replace table _job_function_overrides (key varchar, job_function varchar)")
    if model.job_function_overrides_csv:
        _load_overrides(con, model.job_function_overrides_csv)


def _load_overrides(con: duckdb.DuckDBPyConnection, path: str) -> None:
    p = Path(path)
    if not p.is_file():
        raise TransformError(f"[model] job_function_overrides_csv: file not found: {p}")
    try:
        cols = [r[0].lower() for r in con.execute(
            "describe select * from read_csv(?, header = true, all_varchar = true)", [str(p)]).fetchall()]
    except duckdb.Error as e:
        raise TransformError(f"{p}: not a readable CSV: {e}") from None
    if not {"key", "job_function"} <= set(cols):
        raise TransformError(f"{p}: needs the columns key,job_function (got {','.join(cols)})")
    con.execute("insert into _job_function_overrides select lower(trim(key)), trim(job_function) "
                "from read_csv(?, header = true, all_varchar = true) where nullif(trim(key), '') is not null "
                "and nullif(trim(job_function), '') is not null", [str(p)])


def transform(path: str, model: ModelConfig | None = None, *, licences: LicencesConfig | None = None,
              privacy: PrivacyConfig | None = None, wait_seconds: float = 60.0,
              memory_limit: str = "", incremental_memory_limit: str = "", rebuild_memory_limit: str = "",
              full: bool = False, then: Callable[[duckdb.DuckDBPyConnection], None] | None = None,
              interventions: InterventionsConfig | None = None) -> TransformReport:
    """Build the model in one transaction (incrementally when it can, see `scope`), then run the checks.

    Unless `memory_limit` is set, an incremental build of up to `CAPPED_DATES` report dates runs under
    `incremental_memory_limit` and anything larger (a full rebuild, a long increment) under
    `rebuild_memory_limit`: both build history in chunks, and DuckDB would otherwise keep the history it read
    cached, up to 80 % of RAM. Should a build need more, it is rolled back and built again without the limit.
    `then` runs on the same connection after the checks (the follow-ups of a daily run).
    """
    report = TransformReport()
    t0 = time.perf_counter()
    with db.writing(path, wait_seconds=wait_seconds, memory_limit=memory_limit) as con:
        caps = ("", "") if memory_limit else (incremental_memory_limit, rebuild_memory_limit)
        while True:
            try:
                with db.transaction(con):
                    _write_params(con, model or ModelConfig(), interventions)
                    write_licence_params(con, licences, privacy)
                    _build(con, report, full, caps)
                break
            except Exception as e:
                oom = isinstance(e, duckdb.OutOfMemoryException) or getattr(e, "out_of_memory", False)
                if not (oom and report.memory_cap):
                    raise
                log.warning("the transform needed more than %s (%s); building it again without that limit",
                            report.memory_cap, "incremental_memory_limit" if report.memory_cap == caps[0]
                            else "rebuild_memory_limit")
                con.execute("reset memory_limit")
                report.over_memory_cap, report.memory_cap, caps = report.memory_cap, "", ("", "")
                report.timings.clear()
        # the checks see the same scope: the rows this transform wrote (older rows were checked when written);
        # all rows when an object was rebuilt whole
        if report.scope and report.scope.rebuilt:
            con.execute("set variable from_as_of = null::date")
            con.execute("set variable from_week = null::date")
        report.failed_checks = run_checks(con)
        if report.memory_cap:  # after the checks: without the cap they cached every mart they scanned (4 GB)
            con.execute("reset memory_limit")
        if then is not None:
            then(con)
    report.seconds = time.perf_counter() - t0
    return report


def all_checks() -> dict[str, str]:
    """Every check by name, in name order: those the contract generates and the special ones in `checks/*.sql`."""
    out = contract.checks()
    for f in sorted((db.SQL_DIR / "checks").glob("*.sql")):
        if f.stem in out:
            raise TransformError(f"checks/{f.name}: a check of that name is generated from warehouse/contract.toml")
        out[f.stem] = f.read_text().rstrip().rstrip(";")
    return dict(sorted(out.items()))


def run_checks(con: duckdb.DuckDBPyConnection) -> list[tuple[str, int]]:
    """Run every check (on the rows in the scope the session's variables set); (name, offending rows) of those
    that return rows."""
    failed = []
    for name, sql in all_checks().items():
        n = con.execute(f"select count(*) from ({sql})").fetchone()[0]
        if n:
            failed.append((name, n))
    return failed


def _cap(con: duckdb.DuckDBPyConnection, report: TransformReport, cap: str) -> None:
    if cap:
        con.execute(f"set memory_limit = '{cap}'")  # validated by the [warehouse] *_memory_limit pattern
    elif report.memory_cap:
        con.execute("reset memory_limit")
    report.memory_cap = cap


def _build(con: duckdb.DuckDBPyConnection, report: TransformReport, full: bool, caps: tuple[str, str]) -> None:
    try:
        files = {layer: [model_files.read(f) for f in model_files.layer_files(layer)] for layer in LAYERS}
        model_files.create_macros(con)
    except model_files.ModelFileError as e:
        raise TransformError(str(e)) from None
    every = [*model_files.macro_files(), *(m.path for layer in LAYERS for m in files[layer])]
    models = files["intermediate"] + files["marts"]
    for m in files["staging"]:
        _run(con, report, m, full=True)
    labels.remember(con)
    keyed = [m.name for m in models if m.increment]
    derived = snapshots.ensure_current(con)  # the typed Copilot user detail, derived again if its SQL changed
    try:
        sc = report.scope = scope.decide(con, every, [*keyed, USER_GROUPS], force_full=full or bool(derived))
    except fingerprints.CircularReference as e:
        raise TransformError(str(e)) from None
    if derived:
        sc.reason = f"copilot_user_snapshots derived again ({derived})"
    for name, why in sc.rebuilt.items():
        log.info("transform: %s rebuilt whole: %s", name, why)
    # a full rebuild, or an incremental table rebuilt whole, runs under the rebuild's limit (it builds in chunks)
    whole = sc.full or any(m.increment for m in models if m.name in sc.rebuilt)
    _cap(con, report, caps[1] if whole else caps[0])
    if not sc.full:
        scope.set_from_as_of(con, sc, None)
    if not sc.full and not sc.whole(USER_GROUPS):
        # the users' groups first: a change there moves the report-date scope back (rebuilt whole, they are
        # built in order below, and only what reads them, rebuilt whole too, would care about their changes)
        con.execute(f"alter table {USER_GROUPS} rename to _prev_user_groups")
        groups = next(m for m in models if m.name == USER_GROUPS)
        _run(con, report, groups, full=True)
        scope.set_from_as_of(con, sc, scope.user_group_changes(con))
        if report.memory_cap and scope.report_dates_in_scope(con, sc) > CAPPED_DATES:
            log.info("the increment reaches back to %s: built under rebuild_memory_limit", sc.from_as_of)
            _cap(con, report, caps[1])
        con.execute("drop table _prev_user_groups")
        models.remove(groups)
    log.debug("transform: %s", sc.describe())
    for m in models:
        inc = m.increment
        if inc and inc.variable == "from_week" and not sc.full and sc.from_week is None:
            raise TransformError(f"{m.path.name} is built by week before {CALENDAR} has set the week scope")
        # the calendar's changed activity dates widen the week scope; rebuilt whole, everything reading it is too,
        # so the weeks of the others follow from the report dates alone
        diff = m.name == CALENDAR and not sc.whole(CALENDAR)
        before = scope.changed_activity(con) if diff else None
        if sc.whole(m.name) and not sc.full:
            _run_whole(con, report, m, sc)
        else:
            _run(con, report, m, full=sc.full)
        if m.name == labels.LABELS:
            labels.attach(con)  # champions and follow-ups take their group_id and the team's current label
        elif inc and not sc.full and not sc.whole(m.name):
            labels.relabel(con, m.name)  # a renamed manager team's kept rows, before the marts that read them
        if m.name == CALENDAR and not sc.full:
            scope.set_from_week(con, sc, *((before, scope.changed_activity(con)) if diff else ()))
    labels.forget(con)
    scope.save(con, sc)


def _chunks(con: duckdb.DuckDBPyConnection, inc: model_files.Increment, start: date | None) -> list[tuple[date, date]]:
    """Consecutive report dates (or weeks) from `start` on, of at most about CHUNK_ROWS user snapshots each, as
    [first, end) (the last chunk ends at date.max)."""
    weekly = inc.variable == "from_week"
    per = con.execute(
        "select d, sum(n) from (select case when ? then date_trunc('week', as_of)::date else as_of end as d, "
        "count(*) as n from copilot_user_snapshots group by as_of) where d >= ? group by d order by d",
        [weekly, start or date.min]).fetchall()
    limit = CHUNK_ROWS // (WEEK_FACTOR if weekly else 1)
    out: list[tuple[date, date]] = []
    first, rows = start, 0
    for d, n in per:
        if first is not None and rows and rows + n > limit:
            out.append((first, d))
            first, rows = d, 0
        first, rows = first or d, rows + n
    out.append((first or date.min, date.max))
    return out


def _insert_in_chunks(con: duckdb.DuckDBPyConnection, table: str, sql: str, inc: model_files.Increment, order: str,
                      start: date | None, *, create: bool) -> int:
    """Build the rows of an object keyed by report date or week from `start` on (None: all), chunk by chunk of
    history, oldest first (the `-- unique:` key keeps a row an earlier chunk or build holds), so that its joins
    and aggregates never hold all of it at once; `create`: (re)create the table first. Returns the chunks."""
    frm, to = inc.variable, "to_" + inc.variable.removeprefix("from_")
    keep = " and ".join(f"t.{c} = b.{c}" for c in inc.unique)
    anti = f" where not exists (select 1 from {table} t where {keep})" if keep else ""
    chunks = _chunks(con, inc, start)
    try:
        for first, end in chunks:
            con.execute(f"set variable {frm} = ?::date", [None if first == date.min else first])
            con.execute(f"set variable {to} = ?::date", [None if end == date.max else end])
            if create:
                # created from the first chunk with rows: in DuckDB 2.0.0 a table created empty in a transaction
                # and then appended to returns no rows to a filtered scan in that transaction (its zone maps)
                con.execute(f"create or replace table {table} as select * from (\n{sql}\n){order}")
                create = not con.execute(f"select exists (select 1 from {table})").fetchone()[0]
                continue
            con.execute(f"insert into {table} by name select * from (\n{sql}\n) b{anti}{order}")
    finally:
        # back to the transform's scope (an incremental one keeps it for the objects after this one)
        con.execute(f"set variable {frm} = ?::date", [start])
        con.execute(f"reset variable {to}")
    return len(chunks)


def _run_whole(con: duckdb.DuckDBPyConnection, report: TransformReport, m: model_files.ModelFile,
               sc: scope.Scope) -> None:
    """An object rebuilt whole within an incremental transform: its SQL (and the staging views it reads) sees
    every report date and week, as in a full rebuild; the others' scope is set again afterwards."""
    con.execute("set variable from_as_of = null::date")
    con.execute("set variable from_week = null::date")
    _run(con, report, m, full=True)
    con.execute("set variable from_as_of = ?::date", [sc.from_as_of])
    con.execute("set variable from_week = ?::date", [sc.from_week])


def _run(con: duckdb.DuckDBPyConnection, report: TransformReport, m: model_files.ModelFile, *, full: bool) -> None:
    """One model file: a view or table created whole, or an incremental table built whole in chunks of history
    (`full`) or its changed rows replaced."""
    log.debug("building %s/%s", m.layer, m.name)
    t = time.perf_counter()
    inc = m.increment
    try:
        if inc is None:
            model_files.materialize(con, m)
        else:
            for statement in m.setup:
                con.execute(statement)
            order = f" order by {', '.join(inc.order)}" if inc.order else ""
            start = None if full else con.execute(f"select getvariable('{inc.variable}')").fetchone()[0]
            if not full:
                con.execute(f"delete from {m.name} where {inc.column} >= getvariable('{inc.variable}')")
            n = _insert_in_chunks(con, m.name, m.select, inc, order, start, create=full)
            if n > 1:
                log.debug("%s built in %d chunks of history", m.name, n)
    except duckdb.Error as e:
        raise TransformError(f"{m.layer}/{m.path.name}: {e}",
                             out_of_memory=isinstance(e, duckdb.OutOfMemoryException)) from None
    report.timings.append((f"{m.layer}/{m.name}", time.perf_counter() - t))
