"""Secrets: the bearer token, client secret and SMTP password never appear in any output of a full cycle
(collect with faults, transform, status, doctor, alerts over SMTP and to the outbox, export), nor in the
warehouse or `_runs`, and the token never reaches the report download host."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
from conftest import write_config

from connector.simulator.server import Fault

EXE = Path(sys.executable).parent / "copilot-usage"
TOKEN = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.c2VjcmV0LXRva2Vu.QzkR7-signature"
SECRETS = {"COPILOT_USAGE_GRAPH_TOKEN": TOKEN, "COPILOT_USAGE_CLIENT_SECRET": "cs~Q8x-client-secret-5521",
           "COPILOT_USAGE_SMTP_PASSWORD": "smtp-pa55word-7731", "COPILOT_USAGE_CERTIFICATE_PASSWORD": "cert-pw-4419"}


def test_no_secret_in_any_output_or_in_the_warehouse(tmp_path, sim, smtpd):
    ctl, capture = smtpd
    sim.state.token = TOKEN
    sim.state.faults += [Fault("getEmailActivityUserDetail", 401, retry_after=None),
                         Fault("UserCountSummary", 500, retry_after=None, times=5)]
    outbox = tmp_path / "outbox"
    cfg = write_config(tmp_path, sim.base_url,
                       '\n[alerts]\nfrom_address = "adoption@contoso.example"\n'
                       f'digest_address = "lead@contoso.example"\noutbox_dir = "{outbox.as_posix()}"\n'
                       f'[alerts.smtp]\nhost = "{ctl.hostname}"\nport = {ctl.port}\nstarttls = false\n')
    env = {**os.environ, **SECRETS}
    outputs = []
    for day in (47, 54):  # two Sundays: two complete ISO weeks
        sim.state.day = day
        outputs.append(subprocess.run([str(EXE), "-v", "run", "--config", str(cfg)], capture_output=True, text=True,
                                      env=env, timeout=300))
    for args in (["status"], ["doctor"], ["alerts", "--dry-run"], ["alerts"], ["export", str(tmp_path / "lake")]):
        outputs.append(subprocess.run([str(EXE), "-v", *args, "--config", str(cfg)] if args[0] != "export" else
                                      [str(EXE), "-v", "export", "--config", str(cfg), args[1]],
                                      capture_output=True, text=True, env=env, timeout=300))
    text = "\n".join(p.stdout + p.stderr for p in outputs)
    assert "email_activity_user_detail" in text and "HTTP 401" in text  # the faults did happen and were reported

    dump = tmp_path / "dump"
    con = duckdb.connect(str(tmp_path / "wh.duckdb"), read_only=True)
    try:
        con.execute(f"export database '{dump.as_posix()}' (format csv)")
        assert con.execute("select count(*) from _runs where status = 'error'").fetchone()[0] >= 2
    finally:
        con.close()
    files = [*dump.rglob("*"), *outbox.rglob("*.eml"), *(tmp_path / "lake").rglob("*.parquet")]
    assert any(f.suffix == ".eml" for f in files), text[-3000:]
    blobs = [f.read_bytes() for f in files if f.is_file()]
    blobs += [m.as_bytes() for m in capture.messages]
    assert capture.messages  # alerts really went out over SMTP
    for name, value in SECRETS.items():
        assert value not in text, f"{name} printed"
        for fragment in {value, value[-12:]}:
            assert not any(fragment.encode() in b for b in blobs), f"{name} stored"
    assert sim.state.auth_leaks == 0  # the bearer token never went to the download host
