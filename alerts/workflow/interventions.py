"""Interventions: what the adoption programme did, when, for which groups (docs/interventions.md).

Recorded from the command line (`copilot-usage interventions add|import`), the dashboard, and follow-up actions
(kind champion_action, linked to the follow-up). Each intervention has a natural key (start date, kind, title;
a follow-up action's id), so recording the same thing twice, or re-importing a file, changes nothing: its groups
are added to the one intervention, each once. mart_intervention_effect measures the effect at the next transform.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from warehouse import db
from warehouse.config import Config
from warehouse.contract import GROUP_DIMENSIONS, values

from ..queries import query

KINDS: tuple[str, ...] = values("intervention_kind")
SOURCES = ("dashboard", "cli", "import", "followup")
COLUMNS = ("date", "kind", "dimension", "group_name", "title")
# free text as people write it -> the kind; matched on the text lower-cased with runs of non-letters as one space
_KIND_WORDS = {
    "training": ("training", "trainings", "workshop", "webinar", "course", "class", "lunch and learn", "session",
                 "onboarding", "bootcamp", "enablement"),
    "campaign": ("campaign", "newsletter", "mailing", "announcement", "communication", "comms", "email campaign",
                 "poster", "intranet post"),
    "office_hours": ("office hours", "office hour", "drop in", "clinic", "q a", "ask me anything", "ama"),
    "prompt_pack": ("prompt pack", "prompt packs", "prompts", "prompt library", "prompt guide"),
    "champion_action": ("champion action", "champion", "champions", "follow up action", "followup action",
                        "coaching", "one to one"),
    "other": ("other",),
}
_DIM_WORDS = {"department": ("department", "dept", "departments"),
              "job_function": ("job function", "job functions", "function", "job"),
              "manager": ("manager", "manager team", "team", "manager teams")}


class InterventionError(ValueError):
    """An intervention cannot be recorded as given; the message says why (and names the line of a file)."""


def _words(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def _named(text: str, words_of: dict[str, tuple[str, ...]]) -> str | None:
    """The key of `words_of` that free text names: the key itself or one of its usual words (case, punctuation
    and spacing ignored)."""
    w = _words(text)
    return next((key for key, words in words_of.items() if w == _words(key) or w in words), None)


def normalise_kind(text: str) -> str:
    """The kind a free-text kind names ("Workshop", "office-hours", "Prompt Pack"); InterventionError if none."""
    if (kind := _named(text, _KIND_WORDS)) is None:
        raise InterventionError(f"kind {text.strip()!r} is not one of {', '.join(KINDS)} (or a usual word for one)")
    return kind


def normalise_dimension(text: str) -> str:
    """The group dimension a free-text dimension names; InterventionError if none."""
    if (dim := _named(text, _DIM_WORDS)) is None:
        raise InterventionError(f"dimension {text.strip()!r} is not one of {', '.join(GROUP_DIMENSIONS)}")
    return dim


@dataclass(frozen=True)
class Groups:
    """The groups the warehouse knows (latest label per key) and the dates its data covers."""

    by_name: dict[tuple[str, str], tuple[str, str]]  # (dimension, lower-cased id, label or manager UPN) -> (id, label)
    first: date | None
    last: date | None

    @classmethod
    def read(cls, con: duckdb.DuckDBPyConnection) -> Groups:
        """From mart_adoption_weekly (empty before the first transform)."""
        if "mart_adoption_weekly" not in db.tables(con):
            return cls({}, None, None)
        by: dict[tuple[str, str], tuple[str, str]] = {}
        for dim, gid, label in con.execute(query("intervention_groups_known")).fetchall():
            upn = re.search(r"\(([^()]+@[^()]+)\)$", label) if dim == "manager" else None
            for key in (gid, label, upn.group(1) if upn else None):
                if key:
                    by.setdefault((dim, key.strip().lower()), (gid, label))
        first, last = con.execute("select min(week_start), max(week_end) from mart_adoption_weekly "
                                  "where dimension = 'tenant'").fetchone()
        return cls(by, first, last)

    def resolve(self, dimension: str, name: str) -> tuple[str, str]:
        """(group_id, label) of a group named by its label, key or (a manager team) its manager's UPN."""
        hit = self.by_name.get((dimension, name.strip().lower()))
        if hit is None:
            raise InterventionError(f"no {dimension.replace('_', ' ')} {name.strip()!r} in the data "
                                    "(`copilot-usage status` and the dashboard's Groups page list them)")
        return hit

    def check_date(self, d: date, today: date) -> None:
        """A start date must be within the data: not before its first week, not after today."""
        if self.first is None:
            raise InterventionError("the warehouse has no weekly data yet: run `copilot-usage run` first")
        if d < self.first or d > today:
            raise InterventionError(f"date {d} is outside the data ({self.first} to today, {today})")


@dataclass(frozen=True)
class Intervention:
    """A recorded intervention with its targeted groups ((dimension, group_id, group_name))."""

    id: int
    kind: str
    title: str
    start_date: date
    end_date: date | None
    notes: str | None
    source: str
    source_ref: str | None
    followup_id: int | None
    created_by: str | None
    created_at: datetime
    groups: tuple[tuple[str, str, str], ...]


@dataclass
class ImportResult:
    """What an interventions file became: lines loaded, bad lines with their number, what changed."""

    file: str
    lines: int = 0
    loaded: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    interventions_new: int = 0
    groups_new: int = 0
    already_imported: datetime | None = None


def natural_key(start: date, kind: str, title: str) -> str:
    """What makes two records the same intervention: start date, kind and title (case and spaces ignored)."""
    return f"{start.isoformat()}|{kind}|{' '.join(title.lower().split())}"


def _upsert(con: duckdb.DuckDBPyConnection, *, kind: str, title: str, start: date, end: date | None,
            notes: str | None, source: str, source_ref: str | None, author: str | None, key: str,
            followup: tuple[int, int] | None = None) -> tuple[int, bool]:
    """The intervention's id for its natural key, inserted when new: (id, inserted)."""
    row = con.execute("select id from interventions where natural_key = ?", [key]).fetchone()
    if row:
        return row[0], False
    fid, aid = followup or (None, None)
    new = con.execute(
        "insert into interventions (kind, title, notes, start_date, end_date, source, source_ref, natural_key, "
        "followup_id, followup_action_id, created_by, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "returning id", [kind, title, notes, start, end, source, source_ref, key, fid, aid, author,
                         datetime.now(UTC)]).fetchone()
    return new[0], True


def _add_group(con: duckdb.DuckDBPyConnection, iid: int, dimension: str, gid: str, label: str,
               line: str | None) -> bool:
    n = con.execute("insert into intervention_groups values (?, ?, ?, ?, ?) on conflict do nothing returning 1",
                    [iid, dimension, gid, label, line]).fetchall()
    return bool(n)


def add(cfg: Config, *, kind: str, title: str, start: date, groups: list[tuple[str, str]], end: date | None = None,
        notes: str | None = None, author: str | None = None, source: str = "cli", today: date | None = None,
        wait_seconds: float | None = None) -> Intervention:
    """Record one intervention for `groups` ((dimension, group name)); the same date, kind and title again adds
    only groups it did not have. InterventionError names what is wrong; nothing is written then."""
    today = today or datetime.now(UTC).date()
    kind, title = normalise_kind(kind), " ".join(title.split())
    if not title:
        raise InterventionError("an intervention needs a title")
    if not groups:
        raise InterventionError("an intervention needs at least one targeted group")
    if end is not None and end < start:
        raise InterventionError(f"end date {end} is before the start date {start}")
    if source not in SOURCES:
        raise InterventionError(f"source {source!r} must be one of {', '.join(SOURCES)}")
    with db.writing(cfg.warehouse, wait_seconds=wait_seconds) as con:
        known = Groups.read(con)
        known.check_date(start, today)
        resolved = [(d, *known.resolve(d, name)) for d, name in ((normalise_dimension(d), n) for d, n in groups)]
        with db.transaction(con):
            iid, _ = _upsert(con, kind=kind, title=title, start=start, end=end, notes=(notes or "").strip() or None,
                             source=source, source_ref=None, author=author, key=natural_key(start, kind, title))
            for dim, gid, label in resolved:
                _add_group(con, iid, dim, gid, label, None)
        return _read(con, iid)[0]


def import_csv(cfg: Config, path: Path, *, author: str | None = None, today: date | None = None,
               wait_seconds: float | None = None) -> ImportResult:
    """Load an interventions file (columns date,kind,dimension,group_name,title; optional end_date, notes), one line
    per targeted group; lines of the same date, kind and title are one intervention. Bad lines are reported with
    their number and the rest loaded, in one transaction; re-importing the same file changes nothing."""
    today = today or datetime.now(UTC).date()
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InterventionError(f"{path.name}: not UTF-8 text ({e})") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [(h or "").strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise InterventionError(f"{path.name}: line 1 needs the columns {','.join(COLUMNS)} "
                                f"(missing: {', '.join(missing)})")
    reader.fieldnames = header
    result = ImportResult(path.name)
    sha = hashlib.sha256(data).hexdigest()
    with db.writing(cfg.warehouse, wait_seconds=wait_seconds) as con:
        known = Groups.read(con)
        rows = []
        for rec in reader:
            line = reader.line_num
            if not any((v or "").strip() for v in rec.values() if isinstance(v, str)):
                continue
            result.lines += 1
            try:
                rows.append((line, *_parse(rec, known, today)))
            except InterventionError as e:
                result.errors.append((line, str(e)))
        before = con.execute("select timezone('UTC', imported_at) from intervention_imports where sha256 = ?",
                             [sha]).fetchone()
        result.already_imported = before[0].replace(tzinfo=UTC) if before else None
        with db.transaction(con):
            for line, start, end, kind, title, notes, dim, gid, label in rows:
                iid, new = _upsert(con, kind=kind, title=title, start=start, end=end, notes=notes, source="import",
                                   source_ref=path.name, author=author, key=natural_key(start, kind, title))
                result.interventions_new += new
                result.groups_new += _add_group(con, iid, dim, gid, label, f"{path.name}:{line}")
                result.loaded += 1
            con.execute("insert into intervention_imports values (?, ?, ?, ?, ?, ?, ?) on conflict do nothing",
                        [sha, path.name, result.lines, result.loaded, len(result.errors), author, datetime.now(UTC)])
    return result


def _parse(rec: dict, known: Groups, today: date) -> tuple:
    def cell(name: str) -> str:
        return (rec.get(name) or "").strip()

    try:
        start = date.fromisoformat(cell("date"))
    except ValueError:
        raise InterventionError(f"date {cell('date')!r} is not a date (YYYY-MM-DD)") from None
    end = None
    if cell("end_date"):
        try:
            end = date.fromisoformat(cell("end_date"))
        except ValueError:
            raise InterventionError(f"end_date {cell('end_date')!r} is not a date (YYYY-MM-DD)") from None
        if end < start:
            raise InterventionError(f"end_date {end} is before the date {start}")
    kind = normalise_kind(cell("kind"))
    dim = normalise_dimension(cell("dimension"))
    title = " ".join(cell("title").split())
    if not title:
        raise InterventionError("the title is empty")
    known.check_date(start, today)
    gid, label = known.resolve(dim, cell("group_name"))
    return start, end, kind, title, cell("notes") or None, dim, gid, label


def from_followup_action(con: duckdb.DuckDBPyConnection, *, followup_id: int, dimension: str, group_id: str | None,
                         group_name: str, action_id: int, kind: str, action_date: date, note: str | None,
                         author: str | None) -> int | None:
    """A follow-up's action as an intervention of kind champion_action for the follow-up's group (in the caller's
    transaction); None while the group's key is not known yet (the next transform resolves it, then the
    migration's rule applies on the next action)."""
    if group_id is None:
        return None
    iid, _ = _upsert(con, kind="champion_action", title=f"Follow-up action: {kind.replace('_', ' ')}",
                     start=action_date, end=None, notes=note, source="followup", source_ref=f"followup #{followup_id}",
                     author=author, key=f"followup_action:{action_id}", followup=(followup_id, action_id))
    _add_group(con, iid, dimension, group_id, group_name, None)
    return iid


def _read(con: duckdb.DuckDBPyConnection, iid: int | None = None) -> list[Intervention]:
    rows = con.execute(query("interventions"), {"id": iid}).fetchall()
    return [Intervention(*r[:10], r[10].replace(tzinfo=UTC), tuple(tuple(g) for g in r[11])) for r in rows]


def list_interventions(cfg: Config, *, wait_seconds: float | None = None) -> list[Intervention]:
    """Every intervention with its groups, newest start first."""
    with db.reading(cfg.warehouse, wait_seconds=wait_seconds) as con:
        return _read(con) if "interventions" in db.tables(con) else []
