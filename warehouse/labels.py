"""Group labels: a manager team is keyed by the manager's Entra id and labelled "Name (upn)" (int_manager_labels).

A rename changes the label only. Tables rebuilt whole take it from the model (the marts join int_manager_labels);
the rows an incremental transform keeps are relabelled in place, and so are champions and follow-ups, which attach to
groups by (dimension, group_id). Nothing reaches back into history because a manager was renamed.
"""

from __future__ import annotations

import duckdb

from . import db

LABELS = "int_manager_labels"


def _sql(name: str) -> str:
    return (db.SQL_DIR / "labels" / f"{name}.sql").read_text()


def remember(con: duckdb.DuckDBPyConnection) -> None:
    """Keep the labels as they were before this transform (none before the first one)."""
    none = "(select null::varchar as manager_id, null::varchar as label limit 0)"
    source = LABELS if db.has_table(con, LABELS) else none
    con.execute(f"create or replace temp table _prev_manager_labels as select manager_id, label from {source}")


def attach(con: duckdb.DuckDBPyConnection) -> int:
    """After int_manager_labels is built: find the renamed teams, give champions and follow-ups their group_id
    and current label. Returns how many manager teams were renamed."""
    con.execute(_sql("renamed"))
    con.execute(_sql("attach"))
    return con.execute("select count(*) from _renamed_managers").fetchone()[0]


def relabel(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """Give the renamed manager teams' rows that an incremental build of `table` kept their new label."""
    cols = {r[0] for r in con.execute("select column_name from duckdb_columns() where table_name = ?",
                                      [table]).fetchall()}
    if not {"group_id", "group_name", "dimension"} <= cols:
        return
    if not con.execute("select 1 from _renamed_managers limit 1").fetchone():
        return
    # delete and insert, not update: an UPDATE of a few rows spread over every row group of a large table costs
    # DuckDB a rewrite of those row groups at commit (15 s for one team in 30 M rows, against 2 s this way)
    match = "t.dimension = 'manager' and t.group_id = r.manager_id and t.group_name <> r.label"
    con.execute(f"create or replace temp table _relabelled as select t.* replace (r.label as group_name) "  # noqa: S608
                f"from {table} t join _renamed_managers r on {match}")
    con.execute(f"delete from {table} t using _renamed_managers r where {match}")  # noqa: S608
    con.execute(f"insert into {table} select * from _relabelled")  # noqa: S608
    con.execute("drop table _relabelled")


def forget(con: duckdb.DuckDBPyConnection) -> None:
    """Drop this transform's working tables."""
    con.execute("drop table if exists _prev_manager_labels")
    con.execute("drop table if exists _renamed_managers")
