"""`copilot-usage survey import FILE.csv`: pulse-survey results, checked line by line, landed as answers.

Unlike an admin-center export (`imports`, all or nothing), a survey file is loaded line by line: a bad line (an
unknown respondent or group, a date outside the collected data, an answer off its scale or not a number) is
reported with its number and column and left out, the rest is loaded. Question columns are mapped to KPIs in
`[survey] questions`; a column no question maps is reported once and not loaded. The file is read with the same
machinery as the admin-center imports (decoding, delimiter, date formats, the header normalisation, the SHA-256
of the content): the same content imported again changes nothing. See docs/survey.md.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb

from warehouse import db
from warehouse.config import SurveyConfig
from warehouse.pseudonyms import Pseudonymiser

from .import_kinds import normalise
from .imports import DATE_FORMATS, BadImport, _decode, _delimiter, _parse_date


@dataclass(frozen=True)
class Rejected:
    """A line left out: its number, the column at fault (None for the whole line) and why."""

    line: int
    column: str | None
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}" + (f", column '{self.column}'" if self.column else "") + f": {self.reason}"


@dataclass(frozen=True)
class Known:
    """What the warehouse knows to check a survey file against: respondents, groups, the collected dates."""

    upns: frozenset[str]
    groups: frozenset[str]
    first: date
    last: date


@dataclass
class SurveyFile:
    """A checked survey file: the answers to land and the lines left out."""

    file: str
    sha256: str
    header: list[str]
    wave: str | None
    date_format: str | None
    lines_read: int = 0
    answers: list[tuple] = field(default_factory=list)  # (line, wave, date, upn_key, dim, group, question, kpi, value)
    rejected: list[Rejected] = field(default_factory=list)
    unmapped: list[str] = field(default_factory=list)

    @property
    def lines_loaded(self) -> int:
        return len({a[0] for a in self.answers})


def known(con: duckdb.DuckDBPyConnection, survey: SurveyConfig) -> Known:
    """The respondents, groups and report dates of the built model; BadImport when there is no model yet."""
    if not (db.has_table(con, "int_user_groups") and db.has_table(con, "int_copilot_snapshots")):
        raise BadImport("the warehouse has no model yet: run `copilot-usage run` (or `transform`) first, so that "
                        "respondents and groups can be checked against the directory (nothing imported)")
    dim = survey.group_dimension
    upns = {r[0] for r in con.execute("select distinct upn_key from int_user_groups where upn_key is not null")
            .fetchall()}
    groups = {r[0] for r in con.execute(f"select distinct {dim} from int_user_groups").fetchall()}
    first, last = con.execute("select min(as_of), max(as_of) from int_copilot_snapshots").fetchone()
    if first is None:
        raise BadImport("the warehouse has no collected report date yet: nothing to compare the survey with "
                        "(nothing imported)")
    return Known(frozenset(upns), frozenset(groups), first, last)


def _find(header: list[str], names: list[str]) -> int | None:
    keys = {normalise(n) for n in names}
    return next((i for i, h in enumerate(header) if normalise(h) in keys), None)


def _date_format(name: str, values: set[str], forced: str | None) -> str | None:
    """The one format the file's dates are in: the one reading the most of them; refused when two read as many
    and give different dates (dd/mm or mm/dd with no day above 12)."""
    if forced or not values:
        return forced
    score = {f: sum(_parse_date(v, p) is not None for v in values) for f, p in DATE_FORMATS.items()}
    best = max(score.values())
    if best == 0:
        raise BadImport(f"{name}: no response date reads as a date in any known format (nothing imported)")
    fits = [f for f, n in score.items() if n == best]
    readings = {tuple(_parse_date(v, DATE_FORMATS[f]) for v in sorted(values)) for f in fits}
    if len(readings) > 1:
        raise BadImport(f"{name}: the response dates read as {' and as '.join(fits)} alike (no day above 12); "
                        f"pass --date-format {' or '.join(fits)} (nothing imported)")
    return fits[0]


def _number(raw: str, decimal_comma: bool) -> float | None:
    text = raw.replace(",", ".") if decimal_comma else raw
    try:
        v = float(text)
    except ValueError:
        return None
    return v if v == v and abs(v) != float("inf") else None  # no NaN or infinity


def parse(path: Path, survey: SurveyConfig, ok: Known, *, wave: str | None = None,
          date_format: str | None = None, pseudo: Pseudonymiser | None = None) -> SurveyFile:
    """Read and check `path` line by line against the mapping and the warehouse; BadImport for a file that cannot
    be read at all (no header, no date column, no mapped question). With `pseudo` ([privacy] pseudonymise) a
    respondent is kept, and matched to the directory, by their pseudonym only."""
    data = path.read_bytes()
    text = _decode(path, data)
    if not text.strip():
        raise BadImport(f"{path.name}: empty file (expected a CSV with a header row)")
    delimiter = _delimiter(text.split("\n", 1)[0])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [h.strip().lstrip("\ufeff") for h in next(reader)]
    who, grp, when = (_find(header, survey.respondent_columns), _find(header, survey.group_columns),
                      _find(header, survey.date_columns))
    if who is None and grp is None:
        raise BadImport(f"{path.name}: no respondent column ({', '.join(survey.respondent_columns)}) and no group "
                        f"column ({', '.join(survey.group_columns)}); see [survey] (nothing imported)")
    if when is None:
        raise BadImport(f"{path.name}: no response date column ({', '.join(survey.date_columns)}); see [survey] "
                        "date_columns (nothing imported)")
    kpi_of = {normalise(q.column): q.kpi for q in survey.questions}
    ignored = {normalise(c) for c in survey.ignore_columns} | {normalise(header[i]) for i in (who, grp, when)
                                                               if i is not None}
    questions = {i: kpi_of[normalise(h)] for i, h in enumerate(header) if normalise(h) in kpi_of}
    out = SurveyFile(path.name, hashlib.sha256(data).hexdigest(), header, wave, None)
    out.unmapped = [h for h in header if normalise(h) and normalise(h) not in kpi_of and normalise(h) not in ignored]
    if not questions:
        raise BadImport(f"{path.name}: no column is a question mapped in [survey] questions (columns: "
                        f"{', '.join(out.unmapped[:6]) or 'none'}); nothing imported")
    try:
        records = [(reader.line_num, r) for r in reader if any(v.strip() for v in r)]
    except csv.Error as e:
        raise BadImport(f"{path.name}: line {reader.line_num}: not readable CSV: {e} (nothing imported)") from None
    out.lines_read = len(records)
    dates = {r[when].strip() for _, r in records if len(r) > when and r[when].strip()}
    out.date_format = fmt = _date_format(path.name, dates, date_format)
    latest = ok.last + timedelta(days=survey.late_days)
    first_line: dict[tuple[str, str], int] = {}
    for line, record in records:
        if len(record) != len(header):
            out.rejected.append(Rejected(line, None, f"{len(record)} fields, the header has {len(header)}"))
            continue
        bad: list[Rejected] = []
        raw_date = record[when].strip()
        day = _parse_date(raw_date, DATE_FORMATS[fmt]) if raw_date and fmt else None
        if day is None:
            bad.append(Rejected(line, header[when], f"'{raw_date}' is not a date in {fmt}" if raw_date
                                else "no response date"))
        elif not ok.first <= day <= latest:
            bad.append(Rejected(line, header[when], f"{day} is outside the collected data ({ok.first} to {ok.last}, "
                                                    f"plus {survey.late_days} days)"))
        upn = group = None
        if who is not None:
            upn = record[who].strip().lower() or None
            if upn is not None and pseudo is not None:
                upn = pseudo.upn(upn)
            if upn is None:
                bad.append(Rejected(line, header[who], "no respondent"))
            elif upn not in ok.upns:
                bad.append(Rejected(line, header[who], "respondent not in the directory"))
        else:
            assert grp is not None
            group = " ".join(record[grp].split()) or None
            if group not in ok.groups:
                bad.append(Rejected(line, header[grp], f"unknown {survey.group_dimension} '{group or ''}'"))
        values = []
        for i, kpi in questions.items():
            raw = record[i].strip()
            if not raw:
                continue  # not answered
            lo, hi = survey.scale(kpi)
            v = _number(raw, delimiter != ",")
            if v is None:
                bad.append(Rejected(line, header[i], f"'{raw}' is not a number"))
            elif not lo <= v <= hi or (kpi != "hours_saved" and v != int(v)):
                whole = "" if kpi == "hours_saved" else " (whole numbers)"
                bad.append(Rejected(line, header[i], f"{raw} is outside the {kpi} scale {lo:g}-{hi:g}{whole}"))
            else:
                values.append((header[i], kpi, v))
        if not bad and not values:
            bad.append(Rejected(line, None, "no answer to any mapped question"))
        the_wave = wave or (f"{day:%Y-%m}" if day else "")
        if not bad and upn:
            seen = first_line.setdefault((the_wave, upn), line)
            if seen != line:
                bad.append(Rejected(line, header[who] if who is not None else None,
                                    f"the respondent already answered on line {seen} (that line is kept)"))
        if bad:
            out.rejected.extend(bad)
            continue
        dim = None if upn else survey.group_dimension
        out.answers.extend((line, the_wave, day, upn, dim, group, q, kpi, v) for q, kpi, v in values)
    return out


def already_imported(con: duckdb.DuckDBPyConnection, sha256: str) -> tuple | None:
    """(file name, imported at, run id) of an earlier import of the same content, or None."""
    if not db.has_table(con, "_survey_imports"):
        return None
    return con.execute("select file_name, timezone('UTC', imported_at), run_id from _survey_imports "
                       "where sha256 = ?", [sha256]).fetchone()


def land(con: duckdb.DuckDBPyConnection, f: SurveyFile, survey: SurveyConfig, run_id: str) -> None:
    """The answers, the `_survey_imports` row and the `_runs` row, in one transaction (all or nothing)."""
    import pyarrow as pa

    now = datetime.now(UTC)
    types = {"line": pa.int64(), "wave": pa.string(), "response_date": pa.date32(), "upn_key": pa.string(),
             "group_dimension": pa.string(), "group_name": pa.string(), "question": pa.string(), "kpi": pa.string(),
             "value": pa.float64()}
    cols = {n: pa.array([a[i] for a in f.answers], t) for i, (n, t) in enumerate(types.items())}
    scales = [survey.scale(a[7]) for a in f.answers]
    table = pa.table({**cols, "scale_min": pa.array([lo for lo, _ in scales], pa.float64()),
                      "scale_max": pa.array([hi for _, hi in scales], pa.float64())})
    with db.transaction(con):
        if f.answers:
            con.register("_survey_rows", table)
            con.execute("insert into survey_answers by name select ? as run_id, ? as file_name, * from _survey_rows",
                        [run_id, f.file])
            con.unregister("_survey_rows")
        con.execute("insert into _survey_imports values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [run_id, f.file, f.sha256, f.wave, f.lines_read, f.lines_loaded, len(f.rejected), len(f.answers),
                     f.date_format, json.dumps(f.header, ensure_ascii=False),
                     json.dumps(f.unmapped, ensure_ascii=False) if f.unmapped else None,
                     json.dumps([r.__dict__ for r in f.rejected], ensure_ascii=False) if f.rejected else None, now])
        note = (f"imported {f.file}: {f.lines_loaded} of {f.lines_read} line(s) loaded, {len(f.rejected)} "
                f"problem(s)" + (f"; not mapped: {', '.join(f.unmapped[:5])}" if f.unmapped else ""))
        con.execute("insert into _runs values (?, 'import:survey', ?, ?, ?, ?, ?, 0, null, 'survey', '', ?)",
                    [run_id, now, datetime.now(UTC), "warning" if f.rejected else "ok", len(f.answers), 0, note])
