"""Property-based: any header order, casing and surrounding whitespace, and any mix of empty values, land
through the real CSV landing and staging as the same facts."""

from __future__ import annotations

import csv
import datetime as dt
import io
from datetime import UTC, datetime

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connector import load
from connector.reports import REPORTS
from connector.simulator import reports as sim_reports
from connector.simulator.tenant import Tenant
from warehouse import db, model_files
from warehouse.config import ModelConfig
from warehouse.transform import _write_params

REPORT = REPORTS["copilot_usage_user_detail"]
KEYS = {"Report Refresh Date", "User Principal Name", "Report Period"}


@pytest.fixture(scope="module")
def canonical():
    t = Tenant.generate(users=60, days=40, seed=3, end=dt.date(2026, 11, 20))
    body = sim_reports.copilot_user_detail(t, 39, 28, "v2", False).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    return rows[0], rows[1:]


def facts(header: list[str], rows: list[list[str]], tmp) -> list[tuple]:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([header, *rows])
    body = b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")
    path = tmp / "body.csv"
    path.write_bytes(body)
    con = duckdb.connect(":memory:")
    try:
        db.migrate(con)
        names = load.inspect_csv("test", REPORT, body, "application/octet-stream")
        load.save_report(con, "test", REPORT, names, path, run_id="r", loaded_at=datetime(2026, 11, 23, tzinfo=UTC),
                         period="D28", version="v2")
        _write_params(con, ModelConfig())  # as the transform does: some staging views read parameters
        model_files.create_macros(con)
        for f in model_files.layer_files("staging"):
            model_files.materialize(con, model_files.read(f))
        return con.execute("select * exclude (run_id, loaded_at) from stg_copilot_user_detail order by all").fetchall()
    finally:
        con.close()


def restyle(name: str, style: int) -> str:
    variants = [name, name.upper(), name.lower(), f"  {name} ", name.replace(" ", "  "), f"\t{name.title()}"]
    return variants[style % len(variants)]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_header_order_casing_whitespace_and_blanks_do_not_change_the_facts(canonical, tmp_path, data):
    header, rows = canonical
    blankable = [i for i, h in enumerate(header) if h not in KEYS]
    blanks = data.draw(st.sets(st.tuples(st.integers(0, len(rows) - 1), st.sampled_from(blankable)), max_size=40))
    blanked = [[("" if (r, c) in blanks else v) for c, v in enumerate(row)] for r, row in enumerate(rows)]
    order = data.draw(st.permutations(range(len(header))))
    styles = data.draw(st.lists(st.integers(0, 5), min_size=len(header), max_size=len(header)))

    expected = facts(header, blanked, tmp_path)
    shuffled_header = [restyle(header[i], styles[i]) for i in order]
    shuffled_rows = [[row[i] for i in order] for row in blanked]
    assert facts(shuffled_header, shuffled_rows, tmp_path) == expected
    assert len(expected) == len(rows)
