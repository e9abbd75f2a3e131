"""`copilot-usage doctor` against the simulator: all ok, a denied permission, concealment, SKUs, freshness."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import write_config

EXE = Path(sys.executable).parent / "copilot-usage"


def doctor(cfg_path: Path, token: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "COPILOT_USAGE_GRAPH_TOKEN": token, "COLUMNS": "200"}
    return subprocess.run([str(EXE), "doctor", "--config", str(cfg_path)], capture_output=True, text=True,
                          env=env, timeout=120)


def test_all_permissions_ok_and_skus_listed(tmp_path, sim):
    p = doctor(write_config(tmp_path, sim.base_url), sim.state.token)
    assert p.returncode == 0, p.stdout + p.stderr
    for perm in ("Reports.Read.All", "User.Read.All", "ReportSettings.Read.All", "LicenseAssignment.Read.All"):
        line = next(ln for ln in p.stdout.splitlines() if perm + " " in ln)
        assert "│ ok" in line, line
    assert "not needed" in next(ln for ln in p.stdout.splitlines() if "ReportSettings.ReadWrite.All" in ln)
    assert "Concealed names are off" in p.stdout
    assert "Microsoft_365_Copilot" in p.stdout and "Microsoft_Copilot_for_Sales" in p.stdout
    assert "no warehouse yet" in p.stdout
    assert sim.state.token not in p.stdout + p.stderr
    assert not [r for r in sim.state.requests if r.startswith(("POST", "PATCH"))]  # doctor changes nothing
    assert "not needed" in next(ln for ln in p.stdout.splitlines() if "Mail.Send " in ln)  # SMTP by default


def test_a_denied_permission_is_named_and_fails(tmp_path, sim):
    sim.state.denied = {"User.Read.All"}
    sim.state.concealed = True
    p = doctor(write_config(tmp_path, sim.base_url), sim.state.token)
    assert p.returncode == 1
    line = next(ln for ln in p.stdout.splitlines() if "User.Read.All " in ln)
    assert "missing" in line and "no department, job title" in line
    assert "not ready: User.Read.All is needed" in p.stdout
    assert "Concealed names are ON" in p.stdout


def test_users_off_means_user_read_all_is_not_needed(tmp_path, sim):
    sim.state.denied = {"User.Read.All"}
    p = doctor(write_config(tmp_path, sim.base_url, "\n[collect]\nusers = false\n"), sim.state.token)
    assert p.returncode == 0, p.stdout
    assert "not needed" in next(ln for ln in p.stdout.splitlines() if "User.Read.All " in ln)


def test_freshness_of_a_collected_warehouse(tmp_path, sim):
    cfg = write_config(tmp_path, sim.base_url)
    env = {**os.environ, "COPILOT_USAGE_GRAPH_TOKEN": sim.state.token}
    assert subprocess.run([str(EXE), "run", "--config", str(cfg)], capture_output=True, env=env).returncode == 0
    p = doctor(cfg, sim.state.token)
    as_of = sim.tenant.date(sim.state.day)
    assert f"data as of {as_of}" in p.stdout and "history: 1 week(s)" in p.stdout


def test_a_bad_token_is_missing_everything_not_a_crash(tmp_path, sim):
    p = doctor(write_config(tmp_path, sim.base_url), "wrong-token")
    assert p.returncode == 1 and "Traceback" not in p.stderr
    assert "InvalidAuthenticationToken" in p.stdout


def test_mail_send_is_probed_only_for_the_graph_transport_and_sends_nothing(tmp_path, sim):
    extra = '\n[alerts]\ntransport = "graph"\nfrom_address = "adoption@contoso.example"\n'
    p = doctor(write_config(tmp_path, sim.base_url, extra), sim.state.token)
    assert p.returncode == 0, p.stdout
    assert "│ ok" in next(ln for ln in p.stdout.splitlines() if "Mail.Send " in ln)
    assert sim.state.sent_mail == []
    sim.state.denied = {"Mail.Send"}
    p = doctor(write_config(tmp_path, sim.base_url, extra), sim.state.token)
    assert p.returncode == 1 and "missing" in next(ln for ln in p.stdout.splitlines() if "Mail.Send " in ln)
    assert sim.state.sent_mail == []
