"""One form of model file (docs/model.md, Model files): every file is a SELECT under a `-- materialized:` header;
a file in another form fails the transform naming it."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from warehouse import db, model_files
from warehouse.transform import TransformError, transform


def test_every_model_file_has_the_one_form():
    kinds = {}
    for layer in model_files.LAYERS:
        for f in model_files.layer_files(layer):
            m = model_files.read(f)
            kinds.setdefault(layer, set()).add(m.materialized)
            assert "create " not in m.select.lower().split("select", 1)[0], f"{layer}/{f.name}"
    assert kinds == {"staging": {"view"}, "intermediate": {"table", "incremental"},
                     "marts": {"table", "incremental"}}
    # macros are created first and read no model table (DuckDB binds what a macro reads when it is created)
    con = duckdb.connect()
    model_files.create_macros(con)
    assert con.execute("select count(*) from duckdb_functions() where function_type = 'macro' "
                       "and not internal").fetchone()[0] >= len(model_files.macro_files())


@pytest.mark.parametrize(("text", "message"), [
    ("select 1 as x", "needs a header line '-- materialized: view | table | incremental'"),
    ("-- materialized: table\ncreate or replace table mart_x as select 1 as x", "is one SELECT"),
    ("-- materialized: table\n-- increment: as_of >= from_as_of\nselect 1 as x", "goes with, and only with"),
    ("-- materialized: incremental\nselect 1 as x", "goes with, and only with"),
    ("-- materialized: table\ndelete from raw_x;\nselect 1 as x", "only 'set variable' statements"),
    ("-- materialized: mart\nselect 1 as x", "needs a header line"),
])
def test_a_file_in_another_form_is_refused_naming_it(tmp_path: Path, text: str, message: str):
    f = tmp_path / "marts" / "mart_x.sql"
    f.parent.mkdir()
    f.write_text(text)
    with pytest.raises(model_files.ModelFileError, match="marts/mart_x.sql") as e:
        model_files.read(f)
    assert message in str(e.value)


def test_the_transform_fails_on_such_a_file_and_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    copy = tmp_path / "sql"
    shutil.copytree(db.SQL_DIR, copy)
    monkeypatch.setattr(db, "SQL_DIR", copy)
    (copy / "marts" / "mart_x.sql").write_text("create or replace table mart_x as select 1 as x")
    wh = str(tmp_path / "wh.duckdb")
    with pytest.raises(TransformError, match="marts/mart_x.sql: needs a header line"):
        transform(wh)
    con = duckdb.connect(wh, read_only=True)
    try:
        assert con.execute("select count(*) from duckdb_tables() where table_name like 'mart%' "
                           "or table_name like 'int\\_%' escape '\\'").fetchone()[0] == 0  # not interventions
    finally:
        con.close()
