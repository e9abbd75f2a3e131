"""Champions per group: import a CSV (every line validated, bad lines reported by number), upsert, list, edit.

A champion attaches to a group by (dimension, group_id). A manager team's group_id is the manager's Entra id: the
file names the team by its label "Name (upn)" or by the manager's UPN, and the import resolves it to the id
(int_manager_labels), so the champion stays with the team when the manager is renamed. group_name keeps the
team's current label (each transform refreshes it).
"""

from __future__ import annotations

import csv
import difflib
import re
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import duckdb
from email_validator import EmailNotValidError, validate_email

from warehouse import db
from warehouse.config import Config
from warehouse.contract import GROUP_DIMENSIONS

DIMENSIONS = GROUP_DIMENSIONS
COLUMNS = ("dimension", "group_name", "champion_name", "champion_email", "manager_email")
REQUIRED = COLUMNS[:4]
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")


class ChampionError(ValueError):
    """A champion record or file is invalid; the message names the file, line and field."""


@dataclass(frozen=True)
class Champion:
    """One group's champion."""

    dimension: str
    group_name: str
    champion_name: str
    champion_email: str
    manager_email: str | None = None
    updated_at: datetime | None = None
    group_id: str | None = None  # None: a manager team not resolved yet (saved before the first transform)


@dataclass
class ImportResult:
    """What an import did: rows saved, lines rejected (line, message) and warnings (line, message)."""

    saved: int = 0
    removed: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    warnings: list[tuple[int, str]] = field(default_factory=list)


def _email(value: str, what: str) -> str:
    try:
        return validate_email(value.strip(), check_deliverability=False).normalized
    except EmailNotValidError as e:
        raise ChampionError(f"{what} {value.strip()!r} is not a valid e-mail address: {e}") from None


def validate_champion(dimension: str, group_name: str, champion_name: str, champion_email: str,
                      manager_email: str | None = None) -> Champion:
    """Check and normalise one champion record (the dashboard form calls this too); raise ChampionError."""
    dim = (dimension or "").strip().lower()
    if dim not in DIMENSIONS:
        raise ChampionError(f"dimension {dimension!r} must be one of {', '.join(DIMENSIONS)}")
    group = (group_name or "").strip()
    if not group:
        raise ChampionError("group_name is empty")
    name = _CONTROL.sub(" ", champion_name or "").strip()
    if not name:
        raise ChampionError("champion_name is empty")
    if not (champion_email or "").strip():
        raise ChampionError("champion_email is empty")
    email = _email(champion_email, "champion_email")
    mgr = _email(manager_email, "manager_email") if (manager_email or "").strip() else None
    return Champion(dim, group, name, email, mgr)


def read_csv(path: str | Path) -> tuple[list[tuple[int, Champion]], ImportResult]:
    """Parse and validate a champions CSV; returns the good rows with their line numbers and the problems."""
    p = Path(path)
    result = ImportResult()
    try:
        text = p.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ChampionError(f"{p}: file not found") from None
    except UnicodeDecodeError as e:
        raise ChampionError(f"{p}: not UTF-8 text ({e.reason} at byte {e.start}); save the CSV as UTF-8") from None
    reader = csv.reader(text.splitlines(keepends=True))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise ChampionError(f"{p}: the file is empty; expected the header {','.join(COLUMNS)}") from None
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ChampionError(f"{p}: line 1: missing column(s) {', '.join(missing)}; expected {','.join(COLUMNS)}")
    unknown = [h for h in header if h not in COLUMNS]
    if unknown:
        result.warnings.append((1, f"ignored unknown column(s): {', '.join(unknown)}"))
    rows: list[tuple[int, Champion]] = []
    seen: dict[tuple[str, str], int] = {}
    line = 1
    for record in reader:
        start, line = line + 1, reader.line_num
        if not any(v.strip() for v in record):
            continue
        if len(record) != len(header):
            result.errors.append((start, f"{len(record)} field(s), the header has {len(header)}"))
            continue
        values = dict(zip(header, record, strict=True))
        try:
            ch = validate_champion(*(values.get(c, "") for c in COLUMNS))
        except ChampionError as e:
            result.errors.append((start, str(e)))
            continue
        key = (ch.dimension, ch.group_name)
        if key in seen:
            result.warnings.append((start, f"same dimension and group as line {seen[key]}; this line wins"))
            rows = [(n, c) for n, c in rows if (c.dimension, c.group_name) != key]
        seen[key] = start
        rows.append((start, ch))
    return rows, result


def known_groups(con: duckdb.DuckDBPyConnection, week: object = None) -> dict[str, list[str]] | None:
    """The groups per dimension in `mart_stagnation` of `week` (default: the latest evaluated week) and, for the
    latest data, also those of the latest report date (a department licensed last week is not evaluated yet but
    can have a champion); None before the first transform."""
    tables = db.tables(con)
    if "mart_stagnation" not in tables:
        return None
    latest = "" if week is not None or "mart_acceptance_heatmap" not in tables else (
        " union select distinct dimension, group_name from mart_acceptance_heatmap where app = 'any'")
    known: dict[str, list[str]] = {d: [] for d in DIMENSIONS}
    for dim, group in con.execute(
            "select distinct dimension, group_name from mart_stagnation where week_start = "
            f"coalesce(?, (select max(week_start) from mart_stagnation)){latest} order by all", [week]).fetchall():
        known.setdefault(dim, []).append(group)
    return known


def _closest(group: str, names: list[str]) -> str | None:
    """The likeliest meant (or renamed) group: a manager team keeps its "(upn)", a department most of its name."""
    close = difflib.get_close_matches(group, names, n=1)
    return close[0] if close else None


def unmatched(con: duckdb.DuckDBPyConnection) -> tuple[object, list[tuple[str, str, str, str | None]]]:
    """Champions whose group is not in the latest evaluated week (renamed in Entra, or gone), so no alert reaches
    them: (week, [(dimension, group, champion e-mail, the likeliest current group or None)])."""
    try:
        week = con.execute("select max(week_start) from mart_stagnation").fetchone()[0]
    except duckdb.CatalogException:  # no model yet
        return None, []
    current = known_groups(con) or {}  # the latest week, and groups not evaluated yet
    rows = con.execute("select dimension, group_name, champion_email from champions order by all").fetchall()
    return week, [(d, g, e, _closest(g, current.get(d, []))) for d, g, e in rows if g not in current.get(d, [])]


def resolve(con: duckdb.DuckDBPyConnection, ch: Champion) -> Champion:
    """The champion with its group's id: a department's or job function's is its name; a manager team named by
    its label, the manager's UPN or Entra id gets the manager's id and the team's current label; any other name
    is its own key, as the team without a manager's ("Unassigned") is (unknown_group says when there is no such
    group). Before the first transform a manager team keeps group_id None: that transform resolves it."""
    if ch.dimension != "manager":
        return replace(ch, group_id=ch.group_name)
    if not db.has_table(con, "int_manager_labels"):
        return ch
    row = con.execute("select manager_id, label from int_manager_labels where label = ? or upn_key = lower(trim(?)) "
                      "or manager_id = ? order by label = ? desc limit 1",
                      [ch.group_name, ch.group_name, ch.group_name, ch.group_name]).fetchone()
    return replace(ch, group_id=row[0], group_name=row[1]) if row else replace(ch, group_id=ch.group_name)


def unknown_group(known: dict[str, list[str]], dimension: str, group_name: str) -> str | None:
    """Why a group cannot take a champion (it is not in that dimension of the data), with the closest match;
    None when it exists."""
    names = known.get(dimension, [])
    if group_name in names:
        return None
    close = _closest(group_name, names)
    hint = f" (did you mean {close!r}?)" if close else ""
    return f"no {dimension} group {group_name!r} in the data{hint}; not saved"


def import_champions(cfg: Config, path: str | Path, *, replace: bool = False) -> ImportResult:
    """Load a champions CSV: valid lines are upserted by (dimension, group); bad lines are reported and skipped.

    With `replace`, champions not in the file are removed (only when the file had no bad lines).
    """
    rows, result = read_csv(path)
    with db.writing(cfg.warehouse) as con:
        known = known_groups(con)
        if known is None and rows:
            result.warnings.append((0, "no model yet, so group names could not be checked; run `copilot-usage "
                                       "transform` and import again to check them"))
        elif known is not None:
            kept = []
            for line, ch in ((n, resolve(con, c)) for n, c in rows):
                problem = unknown_group(known, ch.dimension, ch.group_name)
                if problem:
                    result.errors.append((line, problem))
                else:
                    kept.append((line, ch))
            rows = kept
        now = datetime.now(UTC)
        with db.transaction(con):
            for _, ch in rows:
                _upsert(con, ch, now)
            if replace and not result.errors:
                keep = {(c.dimension, c.group_name) for _, c in rows}
                for dim, group in con.execute("select dimension, group_name from champions").fetchall():
                    if (dim, group) not in keep:
                        con.execute("delete from champions where dimension = ? and group_name = ?", [dim, group])
                        result.removed += 1
            elif replace:
                result.warnings.append((0, "--replace ignored because some lines were rejected; nothing removed"))
    result.saved = len(rows)
    result.warnings.sort()
    return result


def _upsert(con: duckdb.DuckDBPyConnection, ch: Champion, now: datetime) -> None:
    if ch.dimension != "manager" and ch.group_id is None:
        ch = replace(ch, group_id=ch.group_name)
    if ch.group_id is not None:  # the group's champion under an older label (or named by UPN) is replaced too
        con.execute("delete from champions where dimension = ? and group_id = ?", [ch.dimension, ch.group_id])
    con.execute(
        "insert or replace into champions (dimension, group_name, champion_name, champion_email, manager_email, "
        "updated_at, group_id) values (?, ?, ?, ?, ?, ?, ?)",
        [ch.dimension, ch.group_name, ch.champion_name, ch.champion_email, ch.manager_email, now, ch.group_id])


def save_champion(cfg: Config, dimension: str, group_name: str, champion_name: str, champion_email: str,
                  manager_email: str | None = None, *, wait_seconds: float | None = None) -> Champion:
    """Validate and upsert one champion (for the dashboard's admin form); raise ChampionError on bad input,
    including a group that is not in that dimension of the data (with the closest match)."""
    ch = validate_champion(dimension, group_name, champion_name, champion_email, manager_email)
    with db.writing(cfg.warehouse, wait_seconds=wait_seconds) as con:
        known = known_groups(con)
        ch = resolve(con, ch)
        problem = unknown_group(known, ch.dimension, ch.group_name) if known is not None else None
        if problem:
            raise ChampionError(problem)
        _upsert(con, ch, datetime.now(UTC))
    return ch


def delete_champion(cfg: Config, dimension: str, group_name: str, *, wait_seconds: float | None = None) -> bool:
    """Remove a group's champion; True when there was one."""
    with db.writing(cfg.warehouse, wait_seconds=wait_seconds) as con:
        n = con.execute("delete from champions where dimension = ? and group_name = ? returning 1",
                        [dimension, group_name]).fetchall()
    return bool(n)


def list_champions(cfg: Config, dimension: str | None = None) -> list[Champion]:
    """All champions (optionally of one dimension), ordered by dimension and group."""
    with db.reading(cfg.warehouse) as con:
        tables = db.tables(con)
        if "champions" not in tables:
            return []
        rows = con.execute(
            "select dimension, group_name, champion_name, champion_email, manager_email, timezone('UTC', updated_at), "
            "group_id from champions where ? is null or dimension = ? order by dimension, group_name",
            [dimension, dimension]).fetchall()
    return [Champion(*r[:5], r[5].replace(tzinfo=UTC) if r[5] else None, r[6]) for r in rows]
