"""People counted by group from a list of UPNs, for files that name people (attendance lists): the warehouse owns
the directory and identities, so the matching happens here and only counts per group leave it."""

from __future__ import annotations

import duckdb

from . import db
from .pseudonyms import Pseudonymiser

SQL = db.SQL_DIR / "people" / "group_counts.sql"


def group_counts(con: duckdb.DuckDBPyConnection, upns: list[str], pseudo: Pseudonymiser | None = None
                 ) -> list[tuple[str, str, str, int]]:
    """(dimension, group_id, group_name, people) for the people of `upns` found in the current directory, with a
    'tenant' row counting everyone found; needs a transformed warehouse (int_user_groups). In a pseudonymised
    warehouse (`pseudo`) the UPNs are matched by their pseudonyms, as the directory holds them."""
    keys = [u.strip().lower() for u in upns]
    return con.execute(SQL.read_text(), {"upns": [pseudo.upn(k) for k in keys] if pseudo else keys}).fetchall()
