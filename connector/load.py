"""Land fetched Graph bodies in the raw_* tables, in bulk (DuckDB reads the CSV/NDJSON files itself).

Never HTTP here. Each save_* runs inside the caller's transaction, so a report lands whole or not at all.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import duckdb

from warehouse import snapshots
from warehouse.pseudonyms import Pseudonymiser, pseudonymise_report, pseudonymise_users

from .reports import Report

HASHED = re.compile(r"^[0-9A-F]{32}$")
SNAPSHOT_SOURCE = "raw_copilot_usage_user_detail"  # its typed form: warehouse/snapshots.py
NO_ROWS = "the report has no rows (recorded as empty, not as 'everyone inactive')"


class BadReport(Exception):
    """A body that is not the report we asked for; the message names the report and what is wrong."""


def normalise(name: str) -> str:
    """Header → column name: case-, whitespace- and punctuation-insensitive snake_case."""
    return re.sub(r"[^0-9a-z]+", "_", name.strip().lstrip("\ufeff").casefold()).strip("_")


def inspect_csv(label: str, report: Report, body: bytes, content_type: str) -> list[str]:
    """Check that `body` is the CSV report and return its normalised column names (duplicates suffixed)."""
    head = body[:4096].lstrip(b"\xef\xbb\xbf").lstrip()
    if not head:
        raise BadReport(f"{label}: empty body (expected a CSV with a header row)")
    if "html" in content_type.lower() or head[:1] == b"<":
        raise BadReport(f"{label}: Graph answered an HTML page instead of the CSV report "
                        f"(Content-Type {content_type or 'none'}): {head[:80]!r}")
    if head[:1] in (b"{", b"["):
        raise BadReport(f"{label}: Graph answered JSON instead of the CSV report: {head[:120]!r}")
    try:
        first = body.decode("utf-8-sig").split("\n", 1)[0]
        raw = next(csv.reader(io.StringIO(first)))
    except (UnicodeDecodeError, StopIteration, csv.Error) as e:
        raise BadReport(f"{label}: the header row is not readable UTF-8 CSV: {e}") from None
    names: list[str] = []
    for i, h in enumerate(raw):
        n = normalise(h) or f"unnamed_{i + 1}"
        k, j = n, 2
        while k in names:  # a duplicated header keeps both columns; staging takes the first non-empty
            k, j = f"{n}__{j}", j + 1
        names.append(k)
    missing = [c for c in report.required if c not in names]
    if missing:
        raise BadReport(f"{label}: the CSV lacks the column(s) {', '.join(missing)}; "
                        f"got {', '.join(raw[:8])}{'…' if len(raw) > 8 else ''}")
    return names


@dataclass
class Landed:
    """What one save_* call landed."""

    rows: int = 0
    refresh_date: date | None = None
    warnings: list[str] = field(default_factory=list)


def _ensure_columns(con: duckdb.DuckDBPyConnection, table: str, names: list[str]) -> list[str]:
    have = {r[0] for r in con.execute(
        "select column_name from information_schema.columns where table_name = ?", [table]).fetchall()}
    added = [n for n in names if n not in have]
    for n in added:
        con.execute(f'alter table {table} add column "{n}" varchar')
    return added


def _has_data_rows(path: Path) -> bool:
    with path.open("rb") as f:
        f.readline()  # the header
        return any(line.strip() for line in f)


def save_report(con: duckdb.DuckDBPyConnection, label: str, report: Report, names: list[str], path: Path,
                *, run_id: str, loaded_at: datetime, period: str, version: str,
                pseudonyms: Pseudonymiser | None = None) -> Landed:
    """Append one report CSV (all columns as text) to its raw table; rows DuckDB rejects are reported;
    `pseudonyms`: its identities replaced by pseudonyms before they land ([privacy] pseudonymise)."""
    table = report.raw_table
    added = _ensure_columns(con, table, names)
    out = Landed()
    if not _has_data_rows(path):  # header only: DuckDB's CSV reader refuses a file without data rows
        out.warnings.append(NO_ROWS)
        return out
    columns = "{" + ", ".join(f"'{n}': 'VARCHAR'" for n in names) + "}"
    con.execute("drop table if exists _rej_errors; drop table if exists _rej_scans")
    sel = ", ".join(f'"{n}"' for n in names)
    # land in a temporary table first: the checks below then read this report's rows only, never the
    # whole history (run ids share their first 8 characters, so DuckDB's zone maps cannot skip old rows)
    con.execute(
        f"create or replace temp table _landing as select ? as _run_id, ?::timestamptz as _loaded_at, "
        f"? as _period, ? as _version, coalesce(try_cast(nullif(trim(report_refresh_date), '') as date), "
        f"try_strptime(nullif(trim(report_refresh_date), ''), '%m/%d/%Y')::date) as _report_refresh_date, {sel} "
        f"from read_csv(?, header = true, auto_detect = false, columns = {columns}, delim = ',', quote = '\"', "
        f"escape = '\"', store_rejects = true, rejects_table = '_rej_errors', rejects_scan = '_rej_scans', "
        f"encoding = 'utf-8')",
        [run_id, loaded_at, period, version, str(path)],
    )
    hashed_sql = ("count(*) filter (where regexp_full_match(user_principal_name, '[0-9A-F]{32}'))"
                  if "user_principal_name" in names else "0")
    out.rows, first_date, out.refresh_date, hashed = con.execute(
        f"select count(*), min(_report_refresh_date), max(_report_refresh_date), {hashed_sql} from _landing").fetchone()
    if pseudonyms is not None:
        pseudonymise_report(con, pseudonyms, "_landing", names)
    con.execute(f"insert into {table} by name select * from _landing")
    con.execute("drop table _landing")
    if table == SNAPSHOT_SOURCE and first_date is not None:
        snapshots.refresh(con, first_date, out.refresh_date)  # the typed rows of the dates this load touched
    # one row per malformed line (DuckDB reports each surplus field of a line separately)
    rejects = con.execute("select line, any_value(error_type order by column_idx), "
                          "any_value(error_message order by column_idx) from _rej_errors "
                          "group by line order by line").fetchall()
    con.execute("drop table if exists _rej_errors; drop table if exists _rej_scans")
    if rejects:
        total_lines = path.read_bytes().rstrip(b"\r\n").count(b"\n") + 1
        # a cut-off download ends short of fields or inside quotes; a last row with surplus fields is just malformed
        if any(line >= total_lines and kind != "TOO MANY COLUMNS" for line, kind, _ in rejects):
            raise BadReport(f"{label}: the CSV ends mid-row at line {total_lines} (truncated download?)")
        lines = ", ".join(str(r[0]) for r in rejects[:10])
        out.warnings.append(f"{len(rejects)} malformed row(s) skipped at line(s) {lines}"
                            f"{'…' if len(rejects) > 10 else ''}: {rejects[0][2][:160]}")
    if out.rows and out.refresh_date is None:
        raise BadReport(f"{label}: no parseable Report Refresh Date (expected YYYY-MM-DD or MM/DD/YYYY)")
    if added and con.execute(f"select count(*) from {table} where _run_id <> ?", [run_id]).fetchone()[0]:
        out.warnings.append(f"new column(s) kept: {', '.join(added)}")
    if out.rows == 0:
        out.warnings.append(NO_ROWS)
    if hashed:
        out.warnings.append(f"{hashed} of {out.rows} identities are concealed (32-hex hashes)")
    return out


USERS_PAGE = re.compile(r"users-(\d+)\.json")
# The properties raw_users keeps of a users/delta item, read in one parse of the item (`->>` per property parsed it
# once per property). Scalars as text as `->>` gives them; licences and plans as JSON; a manager reference counts
# unless annotated `@removed`, which may be any JSON (user-delta.md: `manager@delta`)
USER_ITEM = json.dumps({
    **dict.fromkeys(["id", "userPrincipalName", "displayName", "department", "jobTitle", "officeLocation",
                     "companyName", "accountEnabled", "userType"], "VARCHAR"),
    "assignedLicenses": "JSON", "assignedPlans": "JSON", "manager@delta": [{"id": "VARCHAR", "@removed": "JSON"}],
    "manager": {"id": "VARCHAR"}, "@removed": {"reason": "VARCHAR"}})


def _land_pages(con: duckdb.DuckDBPyConnection, sql: str, params: list, pages: list[Path]) -> None:
    """Run `sql`, which reads the users pages; a page DuckDB cannot read is a BadReport naming it."""
    try:
        con.execute(sql, params)
    except duckdb.InvalidInputException as e:
        text = str(e).split("\n", 1)[0]
        m = USERS_PAGE.search(text)
        which = f"page {int(m.group(1)) + 1} of {len(pages)}" if m else "a page"
        detail = re.sub(r'^Invalid Input Error: | in file "[^"]*"', "", text).strip().rstrip(".")[:200]
        raise BadReport(f"users: a page is not a Graph collection ({which} of this round: {detail}); "
                        "nothing of this round was landed") from None


def save_users(con: duckdb.DuckDBPyConnection, pages: list[Path], *, run_id: str, loaded_at: datetime,
               sync: str, pseudonyms: Pseudonymiser | None = None) -> Landed:
    """Append the users of a delta round (its users/delta pages as Graph returned them, in order) to raw_users.

    DuckDB reads the pages' `value` arrays itself, each item as JSON (left to infer a struct, it would unify
    the items into one and add every absent key as null). Each row keeps the keys its item carried (`_props`):
    a delta item carries the changed properties and maybe more, so staging carries an absent property forward and
    clears it only on an explicit null. A manager reference annotated `@removed` clears the manager. A page that
    is not a Graph collection, an item without an id or with an `assignedPlans` that is not a list of plans with
    a servicePlanId and an ISO assignedDateTime fails the whole round, naming the page or the item's position in
    the round (the previous directory state stays). DuckDB's JSON reader accepts trailing commas, which lose
    nothing; Python's json did not. `pseudonyms`: ids, UPNs and manager references replaced by pseudonyms and
    display names dropped before they land, the names kept in the admin-only `privacy_identities`.
    """
    _land_pages(con, f"""
        create or replace temp table _landing_users as
        select ? as _run_id, ?::timestamptz as _loaded_at, ? as _sync, u.id,
               u.userPrincipalName as user_principal_name, u.displayName as display_name, u.department,
               u.jobTitle as job_title, u.officeLocation as office_location, u.companyName as company_name,
               try_cast(u.accountEnabled as boolean) as account_enabled, u.userType as user_type,
               u.assignedLicenses as assigned_licenses,
               coalesce(list_filter(u."manager@delta", lambda e: e."@removed" is null)[1].id,
                        u.manager.id) as manager_id,
               list_contains(_props, 'manager@delta') or list_contains(_props, 'manager') as manager_in_payload,
               u."@removed".reason as removed_reason, j as _raw, _props, u.assignedPlans as assigned_plans,
               row_number() over (order by page, item) as position, page, no_value
        from (select *, from_json(j, '{USER_ITEM}') as u, json_keys(j) as _props
              from (-- a page without `value` gives one null item flagged no_value
                    select filename as page, value is null as no_value, unnest(coalesce(value, [null])) as j,
                           unnest(range(coalesce(len(value), 1))) as item
                    from read_json(?, format = 'unstructured', records = true, columns = {{'value': 'JSON[]'}},
                                   filename = true)))
        """, [run_id, loaded_at, sync, [str(p) for p in pages]], pages)
    bad = con.execute(
        """
        select position, case when no_value then 'page'
                              when id is null then 'has no id'
                              else 'has a malformed assignedPlans (' || left(assigned_plans::varchar, 120) || ')' end,
               page
        from _landing_users
        where no_value or id is null
           or (assigned_plans is not null and json_type(assigned_plans) <> 'NULL' and (
               json_type(assigned_plans) <> 'ARRAY'
               or exists (select 1 from unnest(from_json(assigned_plans, '["JSON"]')) as p(e)
                          where json_type(e) <> 'OBJECT' or e->>'$.servicePlanId' is null
                             or try_cast(e->>'$.assignedDateTime' as timestamptz) is null)))
        order by no_value desc, position limit 1
        """).fetchone()
    n = con.execute("select count(*) from _landing_users").fetchone()[0]
    if bad:
        con.execute("drop table _landing_users")
        if bad[1] == "page":
            m = USERS_PAGE.search(bad[2])
            raise BadReport(f"users: a page is not a Graph collection (page {int(m.group(1)) + 1 if m else '?'} of "
                            f"{len(pages)} of this round has no value array); nothing of this round was landed")
        raise BadReport(f"users: the user object at position {bad[0]} of this round {bad[1]}; "
                        "nothing of this round was landed")
    if pseudonyms is not None:
        pseudonymise_users(con, pseudonyms, "_landing_users")
    con.execute("insert into raw_users by name select * exclude (position, page, no_value) from _landing_users")
    con.execute("drop table _landing_users")
    return Landed(rows=n)


def save_skus(con: duckdb.DuckDBPyConnection, skus: list[dict], *, run_id: str, loaded_at: datetime) -> Landed:
    """Append /subscribedSkus."""
    rows = [(run_id, loaded_at, s.get("skuId"), s.get("skuPartNumber"), s.get("capabilityStatus"),
             s.get("consumedUnits"), (s.get("prepaidUnits") or {}).get("enabled"),
             [p.get("servicePlanId") for p in s.get("servicePlans") or []], json.dumps(s)) for s in skus]
    if any(r[2] is None for r in rows):
        raise BadReport("subscribedSkus: an entry without skuId")
    if rows:
        con.executemany("insert into raw_subscribed_skus values (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    return Landed(rows=len(rows))


def save_report_settings(con: duckdb.DuckDBPyConnection, body: dict, *, run_id: str, loaded_at: datetime) -> Landed:
    """Append admin/reportSettings (accepts the bare entity and the documented `value` wrapper)."""
    entity = body.get("value", body) if isinstance(body.get("value"), dict) else body
    if "displayConcealedNames" not in entity:
        raise BadReport("admin/reportSettings: no displayConcealedNames in the response")
    con.execute("insert into raw_report_settings values (?, ?, ?, ?)",
                [run_id, loaded_at, bool(entity["displayConcealedNames"]), json.dumps(body)])
    return Landed(rows=1)
