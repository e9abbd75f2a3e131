"""`copilot-usage import FILE.csv`: read an admin-center export, check every row, land it whole or not at all.

The file is read with the csv module (its line numbers name a bad row), its kind is detected from the header
(`import_kinds`), its date format is decided once per file (regional exports write dd/mm/yyyy, dd.mm.yyyy …),
and only when every row is good does it land: the rows in the kind's raw table, a row in `_imports` (file
name, SHA-256 of the content, report date, format) and one in `_runs`, in one transaction. The same content
imported again changes nothing. See docs/imports.md.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from warehouse import db, snapshots
from warehouse.pseudonyms import Pseudonymiser, pseudonymise_rows

from .import_kinds import Column, Kind, detect, normalise

DATE_FORMATS = {"yyyy-mm-dd": "%Y-%m-%d", "mm/dd/yyyy": "%m/%d/%Y", "dd/mm/yyyy": "%d/%m/%Y",
                "dd.mm.yyyy": "%d.%m.%Y", "yyyy/mm/dd": "%Y/%m/%d", "dd-mm-yyyy": "%d-%m-%Y"}
TIME_PART = re.compile(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2}| ?[AP]M)?$", re.IGNORECASE)
INT = re.compile(r"^\d+$")


class BadImport(Exception):
    """The file cannot be imported as it is; the message names the file and, for a bad row, the line and column."""


@dataclass
class Parsed:
    """A checked file, ready to land."""

    file: str
    sha256: str
    size: int
    kind: Kind
    header: list[str]
    rows: dict[str, list]  # column → values (ISO dates, digit strings, text, None)
    as_of: date
    period_days: int | None
    date_format: str | None
    extra: list[str] = field(default_factory=list)  # headers no column of the kind means (kept in _extra)

    @property
    def n(self) -> int:
        """Data rows."""
        return len(self.rows["_line"])


def _decode(path: Path, data: bytes) -> str:
    for enc in ("utf-8-sig", "utf-16"):
        if enc == "utf-16" and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            continue
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            pass
    raise BadImport(f"{path.name}: not UTF-8 text (save the export as CSV UTF-8)")


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def _parse_date(value: str, fmt: str) -> date | None:
    try:
        return datetime.strptime(TIME_PART.sub("", value), fmt).date()  # noqa: DTZ007 (a calendar date)
    except ValueError:
        return None


def _choose_format(name: str, dates: list[tuple[int, str, str]], as_of: date | None, forced: str | None) -> str | None:
    """One date format for the whole file: the only one every date parses in (and none after the report date)."""
    if not dates:
        return forced
    first: dict[str, tuple[int, str]] = {}  # each distinct value with where it first occurs (a file repeats dates)
    for line, col, value in dates:
        first.setdefault(value, (line, col))
    candidates = [forced] if forced else list(DATE_FORMATS)
    fits = []
    for f in candidates:
        parsed = [_parse_date(v, DATE_FORMATS[f]) for v in first]
        if all(parsed) and (as_of is None or max(parsed) <= as_of):  # type: ignore[type-var]
            fits.append(f)
    if len(fits) == 1:
        return fits[0]
    if len(fits) > 1:
        line, col, value = dates[0]
        raise BadImport(f"{name}: the dates are ambiguous: line {line}, '{col}' = '{value}' reads as "
                        f"{' and as '.join(fits)} (no day above 12 in the file); pass --date-format "
                        f"{' or '.join(fits)} (nothing imported)")
    # no format fits: name the first date the likeliest format cannot read
    def score(f: str) -> int:
        return sum(_parse_date(v, DATE_FORMATS[f]) is not None for v in first)

    f = max(candidates, key=score)
    for line, col, value in sorted((lc[0], lc[1], v) for v, lc in first.items()):
        d = _parse_date(value, DATE_FORMATS[f])
        if d is None:
            raise BadImport(f"{name}: line {line}, column '{col}': '{value}' is not a date in {f}, the format of "
                            "the file's other dates (nothing imported)")
        if as_of is not None and d > as_of:
            raise BadImport(f"{name}: line {line}, column '{col}': {d} is after the report date {as_of} "
                            "(--as-of, or the file's Report Refresh Date); nothing imported")
    raise BadImport(f"{name}: no single date format reads every date (nothing imported)")


def _single(name: str, values: list, what: str) -> str | None:
    found = {v for v in values if v}
    if len(found) > 1:
        raise BadImport(f"{name}: the column {what} holds several values ({', '.join(sorted(found)[:3])}); "
                        "one export is one report date and period (nothing imported)")
    return found.pop() if found else None


def parse(path: Path, *, as_of: date | None = None, period_days: int | None = None,
          date_format: str | None = None) -> Parsed:
    """Read and check `path` completely; raise BadImport or UnknownShape (from detect) without landing anything."""
    data = path.read_bytes()
    text = _decode(path, data)
    if not text.strip():
        raise BadImport(f"{path.name}: empty file (expected a CSV with a header row)")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text.split("\n", 1)[0]))
    try:
        header = [h.strip().lstrip("\ufeff") for h in next(reader)]
    except csv.Error as e:
        raise BadImport(f"{path.name}: the header row is not readable CSV: {e}") from None
    kind = detect(header, path.name)
    mapped: list[Column | None] = [kind.column(h) for h in header]
    seen: set[str] = set()
    for i, c in enumerate(mapped):  # a duplicated header: the first one counts
        if c is not None and c.name in seen:
            mapped[i] = None
        elif c is not None:
            seen.add(c.name)
    extra = [h for h, c in zip(header, mapped, strict=True) if c is None and normalise(h)]
    rows: dict[str, list] = {c.name: [] for c in kind.columns if c.name in seen}
    rows["_line"], rows["_extra"] = [], []
    dates: dict[str, list[tuple[int, str, str]]] = {}
    try:
        for record in reader:
            line = reader.line_num
            if not any(v.strip() for v in record):
                continue
            if len(record) > len(header) and any(v.strip() for v in record[len(header):]):
                raise BadImport(f"{path.name}: line {line} has {len(record)} fields, the header {len(header)} "
                                "(nothing imported)")
            if len(record) < len(header):
                raise BadImport(f"{path.name}: line {line} has {len(record)} fields, the header {len(header)} "
                                "(a truncated or hand-edited file?); nothing imported")
            more = {}
            for h, c, raw in zip(header, mapped, record, strict=False):
                v = raw.strip()
                if c is None:
                    if v and normalise(h):
                        more[h] = v
                    continue
                if c.type == "int" and v and not INT.fullmatch(v):
                    raise BadImport(f"{path.name}: line {line}, column '{h}': '{v}' is not a whole number "
                                    "(nothing imported)")
                if c.type == "date" and v:
                    dates.setdefault(c.name, []).append((line, h, v))
                rows[c.name].append(v or None)
            for key in kind.key:
                if not rows[key][-1]:
                    col = header[next(i for i, c in enumerate(mapped) if c and c.name == key)]
                    raise BadImport(f"{path.name}: line {line}: '{col}' is empty (nothing imported)")
            rows["_line"].append(line)
            rows["_extra"].append(json.dumps(more, ensure_ascii=False) if more else None)
    except csv.Error as e:
        raise BadImport(f"{path.name}: line {reader.line_num}: not readable CSV: {e} (nothing imported)") from None
    if not rows["_line"]:
        raise BadImport(f"{path.name}: {kind.title} with a header but no rows (nothing imported)")
    refresh = None
    if "report_refresh_date" in rows:
        refresh_values = rows.pop("report_refresh_date")
        refresh_dates = dates.pop("report_refresh_date", [])
        value = _single(path.name, refresh_values, "'Report Refresh Date'")
        if value:
            fmt = _choose_format(path.name, refresh_dates[:1], None, date_format)
            refresh = _parse_date(value, DATE_FORMATS[fmt]) if fmt else None
    if as_of is None:
        as_of = refresh
    if as_of is None:
        raise BadImport(f"{path.name}: a {kind.title} has no report date column: pass --as-of YYYY-MM-DD, the "
                        "last day the export covers (nothing imported)")
    if "report_period" in rows:
        p = _single(path.name, rows["report_period"], "'Report Period'")
        period_days = period_days or (int(p) if p else None)
    all_dates = [d for ds in dates.values() for d in ds]
    fmt = _choose_format(path.name, sorted(all_dates), as_of, date_format)  # sorted: the first line is named
    iso = {v: _parse_date(v, DATE_FORMATS[fmt]).isoformat()  # type: ignore[union-attr,index]
           for v in {v for _, _, v in all_dates}}  # a file repeats its dates: parse each distinct one once
    for name in dates:
        rows[name] = [iso[v] if v else None for v in rows[name]]
    return Parsed(path.name, hashlib.sha256(data).hexdigest(), len(data), kind, header, rows, as_of, period_days,
                  fmt, extra)


def already_imported(con: duckdb.DuckDBPyConnection, sha256: str) -> tuple | None:
    """(file name, imported at, run id) of an earlier import of the same content, or None."""
    return con.execute("select file_name, timezone('UTC', imported_at), run_id from _imports where sha256 = ?",
                       [sha256]).fetchone()


def land(con: duckdb.DuckDBPyConnection, p: Parsed, run_id: str, pseudo: Pseudonymiser | None = None) -> None:
    """Append the rows, the `_imports` row and the `_runs` row, in one transaction (all or nothing); `pseudo`:
    the identities replaced by pseudonyms first ([privacy] pseudonymise)."""
    import pyarrow as pa

    if pseudo is not None:
        pseudonymise_rows(pseudo, p.rows)
    now = datetime.now(UTC)
    period = f"D{p.period_days}" if p.period_days else ""
    table = pa.table({k: pa.array(v, pa.int64() if k == "_line" else pa.string()) for k, v in p.rows.items()})
    with db.transaction(con):
        con.register("_import_rows", table)
        con.execute(f"insert into {p.kind.raw_table} by name select ? as _run_id, ?::timestamptz as _loaded_at, "
                    "? as _file_name, ? as _sha256, ?::date as _as_of, ? as _period, * from _import_rows",
                    [run_id, now, p.file, p.sha256, p.as_of, period])
        con.unregister("_import_rows")
        if p.kind.raw_table == "raw_import_copilot_usage" and p.as_of is not None:
            snapshots.refresh(con, p.as_of, p.as_of)  # the typed rows of that report date (Graph's win there)
        con.execute("insert into _imports values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [run_id, p.kind.name, p.file, p.sha256, p.n, p.size, p.as_of, p.period_days, p.date_format,
                     json.dumps(p.header, ensure_ascii=False), now])
        note = f"imported {p.file} ({p.kind.title}{', dates ' + p.date_format if p.date_format else ''})"
        if p.extra:
            note += f"; column(s) kept unmapped: {', '.join(p.extra[:5])}"
        con.execute("insert into _runs values (?, ?, ?, ?, 'ok', ?, ?, 0, ?, 'admin-center export', ?, ?)",
                    [run_id, f"import:{p.kind.name}", now, datetime.now(UTC), p.n, p.size, p.as_of, period, note])
