"""Tenants off the happy path, over real HTTP: `run` and `doctor` say what is going on in a sentence, never a
traceback, and nothing misleading lands. The simulator acts as each tenant (connector/simulator/state.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import write_config

from connector.reports import plan
from warehouse.config import load_config

EXE = Path(sys.executable).parent / "copilot-usage"
REPORT_TABLES = ("raw_copilot_usage_user_detail", "raw_copilot_user_count_trend", "raw_copilot_user_count_summary",
                 "raw_office365_active_user_detail", "raw_m365_app_user_detail")


def cli(command: str, cfg_path: Path, token: str) -> tuple[int, str, str]:
    env = {**os.environ, "COPILOT_USAGE_GRAPH_TOKEN": token, "COLUMNS": "200"}
    p = subprocess.run([str(EXE), command, "--config", str(cfg_path)], capture_output=True, text=True, env=env,
                       timeout=180)
    return p.returncode, " ".join(p.stdout.split()), p.stderr


def rows(cfg_path: Path, sql: str) -> list[tuple]:
    import duckdb

    con = duckdb.connect(load_config(cfg_path).warehouse.path, read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture
def cfg_path(tmp_path, sim) -> Path:
    return write_config(tmp_path, sim.base_url)


def test_a_tenant_without_workloads_is_said_plainly_and_lands_only_the_directory(cfg_path, sim):
    sim.state.no_workloads = True
    code, out, err = cli("doctor", cfg_path, sim.state.token)
    assert "Traceback" not in err and code == 1
    assert "This tenant has no Microsoft 365 usage reports: the Microsoft 365 reports service does not know this " \
           "tenant (HTTP 404 UnknownTenantId)" in out
    assert "no workloads" in out and "not ready" not in out  # not a permission to grant
    code, out, err = cli("run", cfg_path, sim.state.token)
    assert "Traceback" not in err and code == 1
    assert "This tenant has no Microsoft 365 usage reports" in out and "Exchange Online, SharePoint or Teams" in out
    assert "the directory (" in out and "users" in out
    for t in REPORT_TABLES:
        assert rows(cfg_path, f"select count(*) from {t}") == [(0,)]
    assert rows(cfg_path, "select count(*) from raw_users")[0][0] > 0
    assert rows(cfg_path, "select count(*) from _runs where status = 'error' and message like "
                          "'%UnknownTenantId%'")[0][0] == len(plan(load_config(cfg_path)))  # every report
    assert "transform:" in out and "transform failed" not in out


def test_licences_without_report_rows_yet_are_not_everyone_inactive(cfg_path, sim):
    sim.state.empty_reports = True
    code, out, err = cli("doctor", cfg_path, sim.state.token)
    assert "Traceback" not in err and code == 0
    assert "Microsoft's Copilot reports have no rows yet although" in out and "Copilot licence(s) are assigned" in out
    code, out, err = cli("run", cfg_path, sim.state.token)
    assert "Traceback" not in err and code == 0, out
    assert "Microsoft's Copilot reports have no rows yet although" in out and "never as 'everyone inactive'" in out
    assert rows(cfg_path, "select count(*) from raw_copilot_usage_user_detail") == [(0,)]
    assert rows(cfg_path, "select count(*) from raw_m365_app_user_detail")[0][0] > 0  # M365 reports still land
    assert rows(cfg_path, "select count(*) from mart_usage_by_group") == [(0,)]  # no 0 % adoption invented


def test_a_v1_only_tenant_is_collected_as_v1_and_said_so(cfg_path, sim):
    sim.state.v2_supported = False
    code, out, err = cli("doctor", cfg_path, sim.state.token)
    assert "Traceback" not in err and code == 0, out
    assert "This tenant serves only version 1 of the Copilot reports" in out
    assert "Reports.Read.All │ ok" in out
    code, out, err = cli("run", cfg_path, sim.state.token)
    assert "Traceback" not in err and code == 0
    assert "This tenant serves only version 1 of the Copilot reports (Graph refused version='v2')" in out
    assert rows(cfg_path, "select distinct _version from raw_copilot_usage_user_detail") == [("v1",)]
    assert rows(cfg_path, "select count(*) from mart_usage_by_group")[0][0] > 0


def test_the_happy_tenant_gets_none_of_these_sentences(cfg_path, sim):
    code, out, _ = cli("run", cfg_path, sim.state.token)
    assert code == 0
    for sentence in ("no Microsoft 365 usage reports", "have no rows yet", "only version 1"):
        assert sentence not in out
