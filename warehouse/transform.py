"""Build the model: staging views, intermediate tables, marts (each `.sql` file after those it reads), then checks."""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from statistics import NormalDist

import duckdb

from . import db, labels, scope
from .config import ModelConfig

LAYERS = ("staging", "intermediate", "marts")
USER_GROUPS = "int_user_groups"  # rebuilt first in an incremental transform: its changes widen the scope
CALENDAR = "int_activity_days"  # its changed dates decide the week scope
# incremental_memory_limit applies to increments of up to this many already-built report dates (daily runs,
# a re-collected day, a week of catching up); a longer one (a relabelled manager team) is as big as a full rebuild
CAPPED_DATES = 14
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


def ordered(files: list[Path]) -> list[Path]:
    """Files in name order, except that a file comes after the files whose objects it references."""
    texts = {f: re.sub(r"--[^\n]*", "", f.read_text()) for f in files}
    done: list[Path] = []

    def visit(f: Path, path: tuple[Path, ...] = ()) -> None:
        if f in done:
            return
        if f in path:
            raise TransformError(f"circular reference between {', '.join(p.name for p in path)}")
        for dep in files:
            if dep is not f and re.search(rf"\b{re.escape(dep.stem)}\b", texts[f]):
                visit(dep, (*path, f))
        done.append(f)

    for f in files:
        visit(f)
    return done


class TransformError(Exception):
    """A model file failed; the message names the SQL file."""

    def __init__(self, message: str, *, out_of_memory: bool = False) -> None:
        super().__init__(message)
        self.out_of_memory = out_of_memory


def _write_params(con: duckdb.DuckDBPyConnection, model: ModelConfig) -> None:
    """Store the model parameters from config in `_model_*` tables, which the SQL reads."""
    s = model.stagnation
    z = NormalDist().inv_cdf(s.confidence)
    nums = {"min_group_size": model.min_group_size, "target_rate": s.target_rate, "lookback_weeks": s.lookback_weeks,
            "min_slope_points_per_week": s.min_slope_points_per_week,
            "decline_points_per_week": s.decline_points_per_week, "min_licensed_days": s.min_licensed_days,
            "z": z, "z_decline": max(2.0, z), "trend_weeks": s.trend_weeks, "horizon_weeks": s.horizon_weeks,
            "cool_from": model.levels.cool_from, "warm_from": model.levels.warm_from}
    con.execute("create or replace table _model_params (name varchar primary key, num double, txt varchar)")
    con.executemany("insert into _model_params values (?, ?, null)", list(nums.items()))
    con.execute("insert into _model_params values ('unassigned_label', null, ?)", [model.unassigned_label])
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


def transform(path: str, model: ModelConfig | None = None, *, wait_seconds: float = 60.0,
              memory_limit: str = "", incremental_memory_limit: str = "", full: bool = False) -> TransformReport:
    """Build the model in one transaction (incrementally when it can, see `scope`), then run the checks.

    An incremental build of up to `CAPPED_DATES` report dates runs under `incremental_memory_limit` unless
    `memory_limit` is set: it touches a few days, and DuckDB would otherwise keep the history it read cached, up
    to 80 % of RAM. Should it need more, it is rolled back and built again without that limit.
    """
    report = TransformReport()
    t0 = time.perf_counter()
    con = db.connect(path, wait_seconds=wait_seconds, memory_limit=memory_limit)
    try:
        db.migrate(con)
        cap = "" if memory_limit else incremental_memory_limit
        while True:
            con.execute("begin")
            try:
                _write_params(con, model or ModelConfig())
                _build(con, report, full, cap)
                con.execute("commit")
                break
            except Exception as e:
                con.execute("rollback")
                oom = isinstance(e, duckdb.OutOfMemoryException) or getattr(e, "out_of_memory", False)
                if not (oom and report.memory_cap):
                    raise
                log.warning("the incremental transform needed more than %s (incremental_memory_limit); "
                            "building it again without that limit", report.memory_cap)
                con.execute("reset memory_limit")
                report.over_memory_cap, report.memory_cap, cap = report.memory_cap, "", ""
                report.timings.clear()
        if report.memory_cap:
            con.execute("reset memory_limit")
        # the checks see the same scope: the rows this transform wrote (older rows were checked when written)
        for f in sorted((db.SQL_DIR / "checks").glob("*.sql")):
            n = con.execute(f"select count(*) from ({f.read_text().rstrip().rstrip(';')})").fetchone()[0]
            if n:
                report.failed_checks.append((f.stem, n))
    finally:
        con.close()
    report.seconds = time.perf_counter() - t0
    return report


def _build(con: duckdb.DuckDBPyConnection, report: TransformReport, full: bool, cap: str) -> None:
    files = {layer: ordered(sorted((db.SQL_DIR / layer).glob("*.sql"))) for layer in LAYERS}
    every = [f for layer in LAYERS for f in files[layer]]
    model_files = files["intermediate"] + files["marts"]
    for f in files["staging"]:
        _run(con, report, f, None, full=True)
    labels.remember(con)
    increments = {f: scope.increment_of(f.read_text()) for f in model_files}
    keyed = [f.stem for f, inc in increments.items() if inc]
    sc = report.scope = scope.decide(con, every, [*keyed, USER_GROUPS], force_full=full)
    if not sc.full and cap:
        con.execute(f"set memory_limit = '{cap}'")  # validated by [warehouse] incremental_memory_limit's pattern
        report.memory_cap = cap
    if not sc.full:
        # the users' groups first: a change there moves the report-date scope back
        scope.set_from_as_of(con, sc, None)
        con.execute(f"alter table {USER_GROUPS} rename to _prev_user_groups")
        groups = next(f for f in model_files if f.stem == USER_GROUPS)
        _run(con, report, groups, None, full=True)
        scope.set_from_as_of(con, sc, scope.user_group_changes(con))
        if report.memory_cap and scope.report_dates_in_scope(con, sc) > CAPPED_DATES:
            log.info("the increment reaches back to %s: built without incremental_memory_limit", sc.from_as_of)
            con.execute("reset memory_limit")
            report.memory_cap = ""
        con.execute("drop table _prev_user_groups")
        model_files.remove(groups)
    log.debug("transform: %s", sc.describe())
    for f in model_files:
        inc = increments[f]
        if inc and inc.variable == "from_week" and not sc.full and sc.from_week is None:
            raise TransformError(f"{f.name} is built by week before {CALENDAR} has set the week scope")
        before = scope.changed_activity(con) if f.stem == CALENDAR and not sc.full else None
        _run(con, report, f, inc, full=sc.full)
        if f.stem == labels.LABELS:
            labels.attach(con)  # before the marts: mart_stagnation takes the champions by group_id
        elif inc and not sc.full:
            labels.relabel(con, f.stem)  # a renamed manager team's kept rows, before the marts that read them
        if f.stem == CALENDAR and not sc.full:
            scope.set_from_week(con, sc, before, scope.changed_activity(con))
    labels.forget(con)
    scope.save(con, sc)


def _run(con: duckdb.DuckDBPyConnection, report: TransformReport, f: Path, inc: scope.Increment | None, *,
         full: bool) -> None:
    """One model file: as written (no increment header), as a whole table, or its changed rows replaced."""
    sql = f.read_text()
    log.debug("building %s/%s", f.parent.name, f.stem)
    t = time.perf_counter()
    try:
        if inc is None:
            con.execute(sql)
        else:
            order = f" order by {', '.join(inc.order)}" if inc.order else ""
            if full:
                con.execute(f"create or replace table {f.stem} as select * from (\n{sql}\n){order}")
            else:
                con.execute(f"delete from {f.stem} where {inc.column} >= getvariable('{inc.variable}')")
                keep = " and ".join(f"t.{c} = b.{c}" for c in inc.unique)
                anti = f" where not exists (select 1 from {f.stem} t where {keep})" if keep else ""
                con.execute(f"insert into {f.stem} by name select * from (\n{sql}\n) b{anti}{order}")
    except duckdb.Error as e:
        raise TransformError(f"{f.parent.name}/{f.name}: {e}",
                             out_of_memory=isinstance(e, duckdb.OutOfMemoryException)) from None
    report.timings.append((f"{f.parent.name}/{f.stem}", time.perf_counter() - t))
