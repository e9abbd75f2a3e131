"""Per-object fingerprints of the model: what a changed SQL file or `[model]` parameter makes a transform rebuild.

Every model object (a macro file, a staging view, an intermediate table, a mart) has a fingerprint: a hash of
its SQL text, the parameters it reads and the fingerprints of the objects it reads, all found from its SQL (with
comments removed):

- an object reads another when it names it (a table or view by its file's name, a macro file by the name of a
  macro it defines followed by `(`);
- it reads a `[model]` parameter when it selects that column of `_model_params` (one row, one typed column per
  parameter): `(select min_group_size from _model_params)`, `select target_rate, z from _model_params`; naming
  `_model_params` in any other way (`select *`, a join) counts as reading them all;
- it reads a whole parameter table (`_job_function_strip`, `_job_function_rules`, `_job_function_overrides`)
  when it names it.

A changed object therefore changes the fingerprint of everything downstream of it. `_transform_objects` keeps
each object's fingerprint and its inputs, so the transform can say why an object is rebuilt: "its SQL changed",
"parameter min_group_size changed", "reads int_user_week, rebuilt".
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from . import db

PARAMS = "_model_params"
MACROS = "macros"  # the layer of macro files: read by the name of a macro they define, not their own
PARAM_TABLES = ("_job_function_strip", "_job_function_rules", "_job_function_overrides")
MACRO = re.compile(r"\bcreate\s+(?:or\s+replace\s+)?macro\s+(\w+)", re.IGNORECASE)
# the select list of `select ... from _model_params` (no select or from within it: the innermost select)
SELECTS = re.compile(rf"\bselect\s+((?:(?!\bselect\b|\bfrom\b).)*?)\s+from\s+{PARAMS}\b", re.IGNORECASE | re.DOTALL)
WRITES = re.compile(r"\b(?:create\s+(?:or\s+replace\s+)?table(?:\s+if\s+not\s+exists)?|alter\s+table|insert\s+into|"
                    r"update|delete\s+from|drop\s+table(?:\s+if\s+exists)?)\s+(\w+)", re.IGNORECASE)


class CircularReference(Exception):
    """Model files that read each other."""


@dataclass(frozen=True)
class Print:
    """One object's fingerprint and what went into it."""

    name: str
    layer: str
    fingerprint: str
    sql: str  # hash of the file's text
    params: dict[str, str]  # parameter (or parameter table) -> its value, or a hash of the table's rows
    reads: dict[str, str]  # object read -> its fingerprint


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _param_values(con: duckdb.DuckDBPyConnection) -> tuple[dict[str, str], dict[str, str]]:
    cur = con.execute(f"select * from {PARAMS}")  # noqa: S608
    row = cur.fetchone()
    names = dict(sorted((d[0], repr(v)) for d, v in zip(cur.description, row or (), strict=True)))
    tables = {t: "rows " + _sha(repr(con.execute(f"select * from {t} order by all").fetchall()))  # noqa: S608
              for t in PARAM_TABLES}
    return names, tables


def _params_read(code: str, names: dict[str, str]) -> set[str]:
    """The parameters SQL that names `_model_params` reads: the columns its `select ... from _model_params` name;
    all of them when it names the table any other way or selects `*`."""
    lists = SELECTS.findall(code)
    if len(lists) != len(re.findall(rf"\b{PARAMS}\b", code)) or any("*" in x for x in lists):
        return set(names)
    return {w for x in lists for w in re.findall(r"\w+", x)} & set(names)


def compute(con: duckdb.DuckDBPyConnection, files: list[Path]) -> dict[str, Print]:
    """The fingerprint of every object in `files`, keyed by object name (the file's stem), in `files` order."""
    texts = {f.stem: f.read_text() for f in files}
    code = {n: re.sub(r"--[^\n]*", "", t) for n, t in texts.items()}
    layer = {f.stem: f.parent.name for f in files}
    macros = {n: MACRO.findall(code[n]) for n in code}
    names, tables = _param_values(con)
    deps: dict[str, list[str]] = {}
    for n, c in code.items():
        deps[n] = [d for d in code if d != n and (
            (layer[d] != MACROS and re.search(rf"\b{re.escape(d)}\b", c))
            or any(re.search(rf"\b{re.escape(m)}\s*\(", c) for m in macros[d] if m not in macros[n]))]
    done: dict[str, Print] = {}

    def visit(n: str, path: tuple[str, ...] = ()) -> Print:
        if n in done:
            return done[n]
        if n in path:
            raise CircularReference(f"circular reference between {', '.join(path[path.index(n):])}")
        reads = {d: visit(d, (*path, n)).fingerprint for d in deps[n]}
        params: dict[str, str] = {}
        if re.search(rf"\b{PARAMS}\b", code[n]):
            params |= {p: names[p] for p in sorted(_params_read(code[n], names))}
        params |= {t: v for t, v in tables.items() if re.search(rf"\b{t}\b", code[n])}
        sql = _sha(texts[n])
        fp = _sha(json.dumps({"sql": sql, "params": params, "reads": reads}, sort_keys=True))
        done[n] = Print(n, layer[n], fp, sql, params, reads)
        return done[n]

    for n in code:
        visit(n)
    return {n: done[n] for n in code}


def saved(con: duckdb.DuckDBPyConnection) -> dict[str, Print]:
    """The fingerprints the last transform saved (empty before the first transform of this release)."""
    if not db.has_table(con, "_transform_objects"):
        return {}
    rows = con.execute("select object, layer, fingerprint, inputs from _transform_objects").fetchall()
    out = {}
    for name, layer, fp, inputs in rows:
        i = json.loads(inputs)
        out[name] = Print(name, layer, fp, i["sql"], i["params"], i["reads"])
    return out


def touched(migrations: dict[str, str], now: dict[str, Print], files: list[Path]) -> dict[str, str]:
    """The objects that read a table one of the just applied `migrations` (name -> SQL) writes or alters: its
    rows may have changed, not the SQL reading them. Object -> reason."""
    code = {f.stem: re.sub(r"--[^\n]*", "", f.read_text()) for f in files}
    out: dict[str, str] = {}
    for name, sql in migrations.items():
        for table in set(WRITES.findall(re.sub(r"--[^\n]*", "", sql))):
            for n in now:
                if n != table and n not in out and re.search(rf"\b{re.escape(table)}\b", code[n]):
                    out[n] = f"migration {name} changed {table}"
    return out


def changes(now: dict[str, Print], before: dict[str, Print], forced: dict[str, str] | None = None) -> dict[str, str]:
    """Each object whose fingerprint changed, or that is `forced` (object -> reason), or that reads one of
    those, with the first reason why, in `now` order."""
    out: dict[str, str] = {}
    forced = forced or {}
    for n, p in now.items():
        old = before.get(n)
        if old is not None and old.fingerprint == p.fingerprint and n not in forced \
                and not any(d in out for d in p.reads):
            continue
        if n in forced:
            out[n] = forced[n]
        elif old is None:
            out[n] = "new in the model"
        elif old.sql != p.sql:
            out[n] = "its SQL changed"
        elif old.params != p.params:
            changed = sorted(k for k in {*old.params, *p.params} if old.params.get(k) != p.params.get(k))
            out[n] = f"parameter {', '.join(changed)} changed"
        else:
            upstream = sorted(d for d in p.reads if d in out)
            # staging views and macros are created anew by every transform
            tables = [d for d in upstream if now[d].layer not in ("staging", MACROS)]
            views = [d for d in upstream if now[d].layer in ("staging", MACROS)]
            out[n] = "; ".join([*([f"reads {', '.join(tables)}, rebuilt"] if tables else []),
                                *([f"reads {', '.join(views)}, changed"] if views else [])]) \
                or "what it reads changed"
    return out


def model_fingerprint(prints: dict[str, Print]) -> str:
    """One hash over all objects (kept in `_transform_state`)."""
    return _sha(json.dumps({n: p.fingerprint for n, p in sorted(prints.items())}))


def save(con: duckdb.DuckDBPyConnection, prints: dict[str, Print]) -> None:
    """Store the fingerprints this transform built with; `built_at` is when each was first built."""
    con.execute("create or replace temp table _objects_now (object varchar, layer varchar, fingerprint varchar, "
                "inputs varchar)")
    con.executemany("insert into _objects_now values (?, ?, ?, ?)", [
        (n, p.layer, p.fingerprint, json.dumps({"sql": p.sql, "params": p.params, "reads": p.reads}))
        for n, p in prints.items()])
    # a row whose fingerprint is the same keeps its built_at (the same fingerprint means the same inputs)
    con.execute("delete from _transform_objects t where not exists (select 1 from _objects_now n "
                "where n.object = t.object and n.fingerprint = t.fingerprint and n.layer = t.layer)")
    con.execute("insert into _transform_objects select n.*, now() from _objects_now n "
                "where n.object not in (select object from _transform_objects)")
    con.execute("drop table _objects_now")
