"""Attendance of an intervention's sessions, kept only as counts per group (docs/interventions.md#attendance).

An attendance file (a Teams meeting attendance report, an LMS export: one UPN or e-mail per line, a header
optional) is read, each attendee is matched to their current groups in the directory, and only the number of
attendees per session, dimension and group is stored: no UPN is written anywhere. Readers see a count below
[model] min_group_size as "fewer than N" (`shown`), so a small group's attendance does not name people.
Importing a session again replaces its counts.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from warehouse import db, people, pseudonyms
from warehouse.config import Config

from .interventions import InterventionError

_UPN = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$")
UPN_HEADERS = ("upn", "user principal name", "userprincipalname", "email", "e-mail", "mail",
               "participant id (upn)", "email address")


@dataclass(frozen=True)
class Count:
    """Attendees of one session in one group."""

    session: str
    dimension: str
    group_id: str
    group_name: str
    attendees: int


@dataclass(frozen=True)
class AttendanceResult:
    """What an attendance file became: people read, matched to the directory, counts stored."""

    intervention_id: int
    session: str
    attendees: int
    matched: int
    not_in_directory: int
    counts: list[Count]


def shown(attendees: int, min_size: int) -> str:
    """A count as readers see it: the number, or "fewer than N" below the minimum group size."""
    return str(attendees) if attendees >= min_size else f"fewer than {min_size}"


def read_upns(path: Path) -> list[str]:
    """The distinct lower-cased UPNs of an attendance file: the column a header names (UPN, Email, Participant ID
    (UPN), ...), else the first field holding an address on each line; InterventionError for a file without any."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        text = path.read_bytes().decode("utf-16")  # Teams writes its attendance report as UTF-16
    sample = text[:4096]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = list(csv.reader(io.StringIO(text, newline=""), dialect))
    col = None
    for i, row in enumerate(rows[:20]):  # Teams puts a summary block above the participants' header
        names = [c.strip().lower() for c in row]
        hit = next((names.index(h) for h in UPN_HEADERS if h in names), None)
        if hit is not None:
            col, rows = hit, rows[i + 1:]
            break
    out: dict[str, None] = {}
    for row in rows:
        cells = [row[col]] if col is not None and col < len(row) else row
        for c in cells:
            c = c.strip().lower()
            if _UPN.match(c):
                out.setdefault(c)
                break
    if not out:
        raise InterventionError(f"{path.name}: no UPN or e-mail address found (one per line, or a column named "
                                "UPN or Email)")
    return list(out)


def import_attendance(cfg: Config, intervention_id: int, path: Path, *, session: str | None = None,
                      wait_seconds: float | None = None) -> AttendanceResult:
    """Store the attendance of one session of an intervention as counts per group; the session is the file's
    name unless given. The file's UPNs are matched in memory and not kept."""
    session = (session or path.stem).strip()
    upns = read_upns(path)
    now = datetime.now(UTC)
    pseudo = pseudonyms.for_config(cfg.privacy)
    with db.writing(cfg.warehouse, wait_seconds=wait_seconds) as con:
        pseudonyms.verify(con, pseudo)  # a missing or changed key would match nobody: refused instead
        if not con.execute("select 1 from interventions where id = ?", [intervention_id]).fetchone():
            raise InterventionError(f"no intervention #{intervention_id}; `copilot-usage interventions list` "
                                    "shows them")
        if "int_user_groups" not in db.tables(con):
            raise InterventionError("the warehouse has no directory model yet: run `copilot-usage run` first")
        rows = people.group_counts(con, upns, pseudo)
        counts = [Count(session, *r) for r in rows]
        matched = next((c.attendees for c in counts if c.dimension == "tenant"), 0)
        with db.transaction(con):
            con.execute("delete from intervention_attendance where intervention_id = ? and session = ?",
                        [intervention_id, session])
            for c in counts:
                con.execute("insert into intervention_attendance values (?, ?, ?, ?, ?, ?, ?)",
                            [intervention_id, session, c.dimension, c.group_id, c.group_name, c.attendees, now])
    return AttendanceResult(intervention_id, session, len(upns), matched, len(upns) - matched, counts)


def read_attendance(cfg: Config, intervention_id: int | None = None, *,
                    wait_seconds: float | None = None) -> list[tuple[int, Count]]:
    """The stored counts ((intervention id, count)), by intervention, session, dimension, group."""
    with db.reading(cfg.warehouse, wait_seconds=wait_seconds) as con:
        if "intervention_attendance" not in db.tables(con):
            return []
        rows = con.execute("select intervention_id, session, dimension, group_id, group_name, attendees "
                           "from intervention_attendance where $id is null or intervention_id = $id "
                           "order by all", {"id": intervention_id}).fetchall()
    return [(r[0], Count(*r[1:])) for r in rows]
