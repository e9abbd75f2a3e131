"""`copilot-usage demo --no-dashboard`: the README's first command without the interactive dashboard at the end."""

from __future__ import annotations

import duckdb
from click.testing import CliRunner

from connector.cli import cli
from connector.cli.dashboard import streamlit_argv
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
    assert argv[argv.index("--runner.postScriptGC") + 1] == "false"  # no full collection after every page run


def test_dashboard_command_rejects_a_bad_config_before_starting(tmp_path):
    bad = tmp_path / "c.toml"
    bad.write_text('[auth]\nmethod = "token"\n[dashboard]\nauth = "maybe"\n')
    result = CliRunner().invoke(cli, ["dashboard", "--config", str(bad)])
    assert result.exit_code == 1 and "[dashboard.auth]" in result.output


def test_demo_writes_champions_and_the_weekly_mails_to_its_outbox(tmp_path, monkeypatch):
    import email
    import email.policy

    from mail_parsing import group_link_params, links

    monkeypatch.delenv("COPILOT_USAGE_GRAPH_TOKEN", raising=False)
    demo = tmp_path / "demo"
    result = CliRunner().invoke(cli, ["demo", "--dir", str(demo), "--users", "300", "--no-dashboard"])
    assert "Alerts 20" in result.output, result.output
    cfg = load_config(demo / "config.toml")
    assert cfg.alerts.transport == "outbox" and cfg.alerts.dashboard_url == "http://localhost:8501"
    assert cfg.alerts.from_address.endswith("@contoso.example") and cfg.alerts.digest_address
    lines = (demo / "champions.csv").read_text().splitlines()
    assert lines[0] == "dimension,group_name,champion_name,champion_email,manager_email" and len(lines) > 2
    emls = sorted((demo / "outbox").glob("*/*.eml"))
    kinds = {p.name.split("-")[0] for p in emls}
    assert {"champion", "digest"} <= kinds, emls
    first = lines[1].split(",")[-2]  # the first flagged department's champion, named in the summary
    summary = " ".join(result.output.split())
    assert f"--as {first}" in summary and "any mail client" in summary, result.output[-1500:]
    msg = email.message_from_bytes(next(p for p in emls if first in p.name).read_bytes(), policy=email.policy.default)
    urls = [u for u in links(msg.get_body(("plain",)).get_content()) if "group=" in u]
    path, params = group_link_params(urls[0])
    assert urls[0].startswith("http://localhost:8501/my-groups?") and path == "/my-groups"
    assert set(params) == {"dimension", "group", "week"}
