"""Pseudonymised identities ([privacy] pseudonymise, docs/privacy.md): a keyed hash instead of names, at landing.

A user principal name becomes `u-` and the first 20 hex digits (80 bits) of HMAC-SHA256(key, "upn:" + the UPN
lower-cased and trimmed), an Entra object id (a user's and a manager reference) `i-` and those of
HMAC-SHA256(key, "id:" + id); display names are not kept (NULL). The same key always gives the same pseudonym,
so a report row still joins its Entra user (the model joins on `lower(trim(upn))`, which leaves a pseudonym as
it is) and a manager reference its manager. Microsoft's concealed identities (32 hex digits) stay as delivered:
they are hashes already, and the model recognises them by their form.

The key comes from the environment (COPILOT_USAGE_PSEUDONYM_KEY) and is never stored or printed: the warehouse
keeps a verifier (an HMAC of a fixed text under the key) in `_privacy`, and every writer compares it before it
lands anything, so a missing or changed key is refused instead of silently starting a second set of pseudonyms.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

import duckdb

from . import db
from .config import SECRET_ENV, ConfigError, PrivacyConfig

ENV = SECRET_ENV["pseudonym_key"]
DIGITS = 20
CONCEALED = re.compile(r"^[0-9A-F]{32}$")
VERIFIER_TEXT = b"copilot-usage pseudonym key verifier v1"
MIN_KEY_CHARS = 16
# the identity keys of a users/delta item that are not kept in raw_users._raw of a pseudonymised warehouse (the
# ids and the UPN are kept as pseudonyms, the manager reference in manager_id)
DROPPED_KEYS = ("displayName", "mail", "givenName", "surname", "otherMails", "proxyAddresses", "mailNickname",
                "imAddresses", "onPremisesSamAccountName", "onPremisesUserPrincipalName", "manager@delta", "manager")


class PrivacyError(ConfigError):
    """A pseudonymisation key that is missing, too short or not the warehouse's; a warehouse that cannot be
    switched silently. Raised before anything is written."""


@dataclass(frozen=True)
class Pseudonymiser:
    """The keyed hash of one key. Its repr never shows the key."""

    key: bytes = field(repr=False)
    resolve_names: bool = True

    def _digest(self, kind: str, value: str) -> str:
        return hmac.new(self.key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()[:DIGITS]

    def upn(self, value: str | None) -> str | None:
        """The pseudonym of a user principal name (None, empty and concealed identities as they are)."""
        if value is None or not value.strip() or CONCEALED.match(value.strip()):
            return value
        return "u-" + self._digest("upn", value.strip().lower())

    def object_id(self, value: str | None) -> str | None:
        """The pseudonym of an Entra object id."""
        if value is None or not value.strip():
            return value
        return "i-" + self._digest("id", value.strip().lower())

    @property
    def verifier(self) -> str:
        """What the warehouse keeps to recognise the key: an HMAC of a fixed text (it reveals nothing of the key)."""
        return hmac.new(self.key, VERIFIER_TEXT, hashlib.sha256).hexdigest()

    def register(self, con: duckdb.DuckDBPyConnection) -> None:
        """Make `pseudonym_upn(varchar)` and `pseudonym_id(varchar)` callable in SQL on `con` (the landing's
        connection: `verify` registers them), outside a transaction with no result pending."""
        for name, fn in (("pseudonym_upn", self.upn), ("pseudonym_id", self.object_id)):
            with contextlib.suppress(duckdb.InvalidInputException):  # not registered on this connection yet
                con.remove_function(name)
            con.create_function(name, fn, [duckdb.sqltype("VARCHAR")], duckdb.sqltype("VARCHAR"))


def for_config(privacy: PrivacyConfig) -> Pseudonymiser | None:
    """The pseudonymiser `[privacy]` asks for (None: identities are kept in clear); PrivacyError when the key is
    missing or too short."""
    if not privacy.pseudonymise:
        return None
    key = os.environ.get(ENV) or ""
    if not key:
        raise PrivacyError(f"[privacy] pseudonymise = true needs the key in the environment variable {ENV}; "
                           "nothing was written (keep the key where the service's other secrets are kept: without "
                           "it no new data can join the existing pseudonyms)")
    if len(key) < MIN_KEY_CHARS:
        raise PrivacyError(f"{ENV} is too short: at least {MIN_KEY_CHARS} characters (e.g. "
                           "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`); nothing was written")
    return Pseudonymiser(key.encode(), privacy.resolve_names)


def _holds_clear_identities(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(con.execute(
        "select exists (select 1 from raw_users) or exists (select 1 from raw_copilot_usage_user_detail) "
        "or exists (select 1 from raw_import_copilot_usage) or exists (select 1 from raw_import_copilot_chat) "
        "or exists (select 1 from raw_import_agent_users)").fetchall()[0][0])


def verify(con: duckdb.DuckDBPyConnection, p: Pseudonymiser | None) -> None:
    """Before a writer lands anything: the warehouse and `[privacy]` agree, and the key is the warehouse's.

    A new warehouse that is to be pseudonymised records the key's verifier now. Refused (PrivacyError, nothing
    written): a pseudonymised warehouse without pseudonymise (its new rows would be in clear), or with another key
    (a second set of pseudonyms would break every user's history); a warehouse that holds identities in clear with
    pseudonymise on (the old rows would keep the names: start a new warehouse, docs/privacy.md)."""
    rows = con.execute("select pseudonymised, key_verifier from _privacy").fetchall()
    row = rows[0] if rows else None
    if p is not None:
        p.register(con)
    if row is None:
        if p is None:
            return
        if _holds_clear_identities(con):
            raise PrivacyError("[privacy] pseudonymise = true, but this warehouse already holds user names in clear; "
                               "it is not switched over silently (its history would keep the names): start a new "
                               "warehouse ([warehouse] path) for pseudonymised data, docs/privacy.md#switching-on")
        con.execute("insert into _privacy values (true, ?, ?)", [p.verifier, datetime.now(UTC)])
        return
    if p is None:
        raise PrivacyError("this warehouse is pseudonymised, but [privacy] pseudonymise is false: new data would land "
                           f"with names in clear; set [privacy] pseudonymise = true and {ENV}")
    if not hmac.compare_digest(row[1] or "", p.verifier):
        raise PrivacyError(f"{ENV} is not the key this warehouse was pseudonymised with: its pseudonyms would not "
                           "match the existing ones (a silent re-keying breaks every user's history); nothing was "
                           "written. Restore the original key")


def check_key(con: duckdb.DuckDBPyConnection, p: Pseudonymiser) -> None:
    """Read-only: PrivacyError unless the warehouse (if pseudonymised yet) was pseudonymised with this key."""
    rows = con.execute("select key_verifier from _privacy").fetchall() if db.has_table(con, "_privacy") else []
    if rows and not hmac.compare_digest(rows[0][0] or "", p.verifier):
        raise PrivacyError(f"{ENV} is not the key this warehouse was pseudonymised with")


def pseudonymise_users(con: duckdb.DuckDBPyConnection, p: Pseudonymiser, table: str) -> None:
    """Replace the identities of a users/delta landing table (`raw_users`' columns) by pseudonyms, and remember
    the names in the admin-only `privacy_identities` unless `resolve_names` is off."""
    if p.resolve_names:
        con.execute(f"""
            insert or replace into privacy_identities
            select pseudonym_upn(user_principal_name), pseudonym_id(id), user_principal_name, display_name, _loaded_at
            from {table}
            where nullif(trim(user_principal_name), '') is not null
            qualify row_number() over (partition by lower(trim(user_principal_name)) order by position desc) = 1""")
    # one merge patch (RFC 7396): a null removes the key, the ids and the UPN are replaced where the item has them
    dropped = "".join(f"'{k}', null, " for k in DROPPED_KEYS)
    con.execute(f"""
        update {table} set id = pseudonym_id(id), manager_id = pseudonym_id(manager_id),
            user_principal_name = pseudonym_upn(user_principal_name), display_name = null,
            _raw = json_merge_patch(_raw, json_object({dropped}'id', pseudonym_id(id),
                'userPrincipalName', pseudonym_upn(user_principal_name)))""")


def pseudonymise_report(con: duckdb.DuckDBPyConnection, p: Pseudonymiser, table: str, columns: list[str]) -> None:
    """Replace the identities in a report's landing table: the UPN by its pseudonym, display names by NULL (and a
    user id column, the Teams report's, by the object id's pseudonym)."""
    sets = []
    if "user_principal_name" in columns:
        sets.append("user_principal_name = pseudonym_upn(user_principal_name)")
    if "display_name" in columns:
        sets.append("display_name = null")
    if "user_id" in columns:
        sets.append("user_id = pseudonym_id(user_id)")
    if sets:
        con.execute(f"update {table} set {', '.join(sets)}")


def pseudonymise_rows(p: Pseudonymiser, rows: dict[str, list]) -> None:
    """The same for an admin-center import's parsed columns (in place); unmapped columns (`_extra`) are dropped,
    as nothing says what they hold."""
    if "user_principal_name" in rows:
        rows["user_principal_name"] = [p.upn(v) for v in rows["user_principal_name"]]
    if "display_name" in rows:
        rows["display_name"] = [None] * len(rows["display_name"])
    if "_extra" in rows:
        rows["_extra"] = [None] * len(rows["_extra"])


def resolve_names(con: duckdb.DuckDBPyConnection, pseudonyms: list[str]) -> dict[str, tuple[str | None, str | None]]:
    """Admin-only: pseudonym -> (user principal name, display name) from `privacy_identities` (a pseudonym it does
    not know is left out). The one function that turns pseudonyms back into names."""
    if not pseudonyms:
        return {}
    rows = con.execute("select pseudonym, user_principal_name, display_name from privacy_identities "
                       "where pseudonym in (select unnest(?::varchar[]))", [list(pseudonyms)]).fetchall()
    return {r[0]: (r[1], r[2]) for r in rows}
