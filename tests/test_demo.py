"""`copilot-usage demo --no-dashboard`: the README's first command without the interactive dashboard at the end."""

from __future__ import annotations

import duckdb
from click.testing import CliRunner

from connector.cli import cli
from connector.cli_dashboard import streamlit_argv
from warehouse.config import load_config


def test_demo_without_dashboard_collects_models_and_configures_the_dashboard(tmp_path, monkeypatch):
    monkeypatch.delenv("COPILOT_USAGE_GRAPH_TOKEN", raising=False)
    result = CliRunner().invoke(cli, ["demo", "--dir", str(tmp_path / "demo"), "--users", "150", "--history-days", "3",
                                      "--no-dashboard"])
    assert result.exit_code == 0, result.output
    assert "Dashboard:" not in result.output  # nothing started
    cfg = load_config(tmp_path / "demo" / "config.toml")
    assert cfg.dashboard.auth == "none"
    con = duckdb.connect(cfg.warehouse.path, read_only=True)
    try:
        licensed, never = con.execute("select licensed_users, never_used from mart_licences order by as_of desc "
                                      "limit 1").fetchone()
    finally:
        con.close()
    assert 0 < licensed <= 150 and 0 <= never <= licensed


def test_dashboard_command_serves_the_app_headless():
    argv = streamlit_argv("127.0.0.1", 8599)
    assert argv[1:4] == ["-m", "streamlit", "run"] and argv[4].endswith("dashboards/app.py")
    assert argv[argv.index("--server.port") + 1] == "8599" and argv[argv.index("--server.headless") + 1] == "true"


def test_dashboard_command_rejects_a_bad_config_before_starting(tmp_path):
    bad = tmp_path / "c.toml"
    bad.write_text('[auth]\nmethod = "token"\n[dashboard]\nauth = "maybe"\n')
    result = CliRunner().invoke(cli, ["dashboard", "--config", str(bad)])
    assert result.exit_code == 1 and "[dashboard.auth]" in result.output
