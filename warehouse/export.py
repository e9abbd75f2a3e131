"""Export the marts (and optionally the raw landings) as Parquet, partitioned by date, for bigger engines.

Each table is written to `<dir>/<table>/<date column>=YYYY-MM-DD/*.parquet` (Hive partitioning, which Fabric,
Databricks, Spark and DuckDB read directly). A table is written to a temporary folder first and swapped in
whole, so a reader never sees half an export and a failed export leaves the previous one intact.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from . import db

PARTITION_COLUMNS = ("as_of", "week_start", "_report_refresh_date")


@dataclass
class Exported:
    """One exported table: where it went, its rows and the partition column (None: one file)."""

    table: str
    path: Path
    rows: int
    partitioned_by: str | None


def _tables(con, raw: bool) -> list[str]:
    prefixes = ("mart\\_%", "raw\\_%") if raw else ("mart\\_%",)
    names = []
    for prefix in prefixes:
        names += [r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_type = 'BASE TABLE' "
            "and table_name like ? escape '\\' order by 1", [prefix]).fetchall()]
    return names


def export_parquet(warehouse: str, out_dir: Path, *, raw: bool = False, wait_seconds: float = 60.0) -> list[Exported]:
    """Write every mart (and raw table when `raw`) under `out_dir`; return what was written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    done = []
    with db.reading(warehouse, wait_seconds=wait_seconds) as con:
        tables = _tables(con, raw)
        if not tables:
            raise ValueError(f"{warehouse} has no marts yet: run `copilot-usage transform` first")
        for table in tables:
            cols = [r[0] for r in con.execute("select column_name from information_schema.columns "
                                              "where table_name = ? order by ordinal_position", [table]).fetchall()]
            part = next((c for c in PARTITION_COLUMNS if c in cols), None)
            tmp, final = out_dir / f".{table}.tmp", out_dir / table
            shutil.rmtree(tmp, ignore_errors=True)
            tmp.mkdir()
            # table names come from information_schema (mart_/raw_ prefixes), never from user input
            target = (tmp if part else tmp / "data.parquet").as_posix().replace("'", "''")
            options = f"format parquet, partition_by ({part})" if part else "format parquet"
            con.execute(f"copy {table} to '{target}' ({options})")
            rows = con.execute(f"select count(*) from {table}").fetchone()[0]
            old = out_dir / f".{table}.old"
            if final.exists():
                final.rename(old)
            tmp.rename(final)
            shutil.rmtree(old, ignore_errors=True)
            done.append(Exported(table, final, rows, part))
    return done
