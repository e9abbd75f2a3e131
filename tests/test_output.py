"""Logs: logfmt lines off a terminal, secrets and tokens never in any output, even at debug level."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

from conftest import write_config

from connector.output import LogfmtFormatter, RedactSecrets

EXE = Path(sys.executable).parent / "copilot-usage"


def test_redaction_covers_messages_arguments_and_tracebacks(monkeypatch):
    monkeypatch.setenv("COPILOT_USAGE_CLIENT_SECRET", "s3cr3t-value-xyz")
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "auth %s with %s", ("Bearer eyJhbGciOi.abc.def",
                               "s3cr3t-value-xyz"), None)
    try:
        raise RuntimeError("token request failed: client_secret=s3cr3t-value-xyz&scope=x")
    except RuntimeError:
        record.exc_info = sys.exc_info()
    RedactSecrets().filter(record)
    line = LogfmtFormatter().format(record)
    assert "s3cr3t" not in line and "eyJhbGciOi" not in line
    assert "Bearer <redacted>" in line and "client_secret=<redacted>" in line and "RuntimeError" in line
    assert line.startswith("ts=") and " level=error logger=x " in line and "\n" not in line


def test_a_verbose_run_logs_structured_lines_without_the_token(tmp_path, sim):
    cfg = write_config(tmp_path, sim.base_url)
    env = {**os.environ, "COPILOT_USAGE_GRAPH_TOKEN": sim.state.token}
    p = subprocess.run([str(EXE), "-v", "run", "--config", str(cfg)], capture_output=True, text=True, env=env,
                       timeout=300)
    assert p.returncode == 0, p.stderr
    lines = p.stderr.strip().splitlines()
    assert lines and all(ln.startswith("ts=") for ln in lines), lines[:3]
    assert any("fetched copilot_usage_user_detail D7: ok" in ln for ln in lines)
    assert any("level=debug" in ln for ln in lines)
    assert sim.state.token not in p.stdout + p.stderr
    quiet = subprocess.run([str(EXE), "-q", "run", "--config", str(cfg)], capture_output=True, text=True, env=env,
                           timeout=300)
    assert quiet.returncode == 0 and "level=info" not in quiet.stderr
