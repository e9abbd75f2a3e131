"""The one form of a model file (docs/model-files.md): a SELECT under a header that says how it is materialised.

Every file in `sql/staging`, `sql/intermediate` and `sql/marts` is one SELECT (after, where a file needs them,
`set variable` statements that fix constants the SELECT filters on), and its header says what the transform
makes of it:

    -- materialized: view | table | incremental
    -- increment: as_of >= from_as_of        (incremental only: the key column and the scope variable)
    -- unique: upn_key, app, activity_date   (incremental, optional: rows an earlier chunk or build holds)
    -- order: dimension, group_name          (optional: the order rows are stored in)

The object is named after the file. Macros (`create or replace macro`, no table) live in `sql/macros` and are
created first, before any model file; they may not read a model table (DuckDB binds a macro when it is created).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import duckdb

from . import db

LAYERS = ("staging", "intermediate", "marts")
MACROS = "macros"
KINDS = ("view", "table", "incremental")
MATERIALIZED = re.compile(r"^-- materialized: *(\w+) *$", re.MULTILINE)
INCREMENT = re.compile(r"^-- increment: (\w+) >= (\w+)\s*$", re.MULTILINE)
UNIQUE = re.compile(r"^-- unique: ([\w, ]+)$", re.MULTILINE)
ORDER = re.compile(r"^-- order: ([\w, ]+)$", re.MULTILINE)


class ModelFileError(Exception):
    """A model file that does not have the one form; the message names the file."""


@dataclass(frozen=True)
class Increment:
    """How a model file is rebuilt incrementally: rows with `column >= variable` are replaced; `unique` rows
    already kept are not inserted again; `order` is the order rows are stored in, so that the dashboard's
    filtered reads skip most row groups (DuckDB's zone maps)."""

    column: str
    variable: str
    unique: tuple[str, ...] = ()
    order: tuple[str, ...] = ()


@dataclass(frozen=True)
class ModelFile:
    """One parsed model file."""

    path: Path
    materialized: Literal["view", "table", "incremental"]
    setup: tuple[str, ...]  # the `set variable` statements, run in order before the SELECT
    select: str
    increment: Increment | None = None
    order: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return self.path.stem

    @property
    def layer(self) -> str:
        return self.path.parent.name


def _columns(found: re.Match | None) -> tuple[str, ...]:
    return tuple(c.strip() for c in found[1].split(",")) if found else ()


def increment_of(sql: str) -> Increment | None:
    """The `-- increment:` header of a model file's text, or None for a file that is built whole every time."""
    m = INCREMENT.search(sql)
    return Increment(m[1], m[2], _columns(UNIQUE.search(sql)), _columns(ORDER.search(sql))) if m else None


def read(path: Path) -> ModelFile:
    """Parse a model file; a file without the one form is a ModelFileError naming it and what is wrong."""
    text = path.read_text()
    where = f"{path.parent.name}/{path.name}"
    kind = MATERIALIZED.search(text)
    if not kind or kind[1] not in KINDS:
        raise ModelFileError(f"{where}: needs a header line '-- materialized: {' | '.join(KINDS)}'")
    inc = increment_of(text)
    if (kind[1] == "incremental") != (inc is not None):
        raise ModelFileError(f"{where}: '-- increment: <column> >= <variable>' goes with, and only with, "
                             "'-- materialized: incremental'")
    try:
        statements = duckdb.extract_statements(text)
    except duckdb.Error as e:
        raise ModelFileError(f"{where}: {e}") from None
    *setup, last = statements or [None]
    if last is None or last.type != duckdb.StatementType.SELECT:
        raise ModelFileError(f"{where}: a model file is one SELECT (the transform creates the {kind[1]})")
    if any(s.type != duckdb.StatementType.SET for s in setup):
        raise ModelFileError(f"{where}: only 'set variable' statements may come before its SELECT")
    return ModelFile(path, kind[1], tuple(s.query for s in setup), last.query, inc, _columns(ORDER.search(text)))


def ordered(files: list[Path]) -> list[Path]:
    """Files in name order, except that a file comes after the files whose objects it references."""
    texts = {f: re.sub(r"--[^\n]*", "", f.read_text()) for f in files}
    done: list[Path] = []

    def visit(f: Path, path: tuple[Path, ...] = ()) -> None:
        if f in done:
            return
        if f in path:
            raise ModelFileError(f"circular reference between {', '.join(p.name for p in path)}")
        for dep in files:
            if dep is not f and re.search(rf"\b{re.escape(dep.stem)}\b", texts[f]):
                visit(dep, (*path, f))
        done.append(f)

    for f in files:
        visit(f)
    return done


def macro_files(sql_dir: Path | None = None) -> list[Path]:
    """The macro files, in name order."""
    return sorted(((sql_dir or db.SQL_DIR) / MACROS).glob("*.sql"))


def layer_files(layer: str, sql_dir: Path | None = None) -> list[Path]:
    """One layer's model files in build order."""
    return ordered(sorted(((sql_dir or db.SQL_DIR) / layer).glob("*.sql")))


def all_files(sql_dir: Path | None = None) -> list[Path]:
    """The macros, then every layer's model files in build order: everything the fingerprints cover."""
    return [*macro_files(sql_dir), *(f for layer in LAYERS for f in layer_files(layer, sql_dir))]


def create_macros(con: duckdb.DuckDBPyConnection, sql_dir: Path | None = None) -> None:
    """Create (or replace) every macro."""
    for f in macro_files(sql_dir):
        try:
            con.execute(f.read_text())
        except duckdb.Error as e:
            raise ModelFileError(f"{MACROS}/{f.name}: {e}") from None


def materialize(con: duckdb.DuckDBPyConnection, model: ModelFile) -> None:
    """Create (or replace) a view or table from its file, as a whole; an incremental file as a whole table."""
    for statement in model.setup:
        con.execute(statement)
    order = f" order by {', '.join(model.order)}" if model.order and model.materialized != "view" else ""
    kind = "view" if model.materialized == "view" else "table"
    con.execute(f"create or replace {kind} {model.name} as select * from (\n{model.select}\n){order}")
