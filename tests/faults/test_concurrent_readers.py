"""Concurrency (issue 9.3): several dashboard reader processes query continuously while collections run. No
reader sees an error beyond the handled "refreshing" state, no collection fails or times out waiting for the
file, and the readers end up seeing the newest data."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from connector.jobs import run_job
from connector.simulator.server import Simulator
from warehouse.config import Secrets

READERS = 3
HERE = Path(__file__).resolve().parent


def test_readers_in_three_processes_never_break_and_never_block_collections(cfg, sim: Simulator, tmp_path: Path):
    secrets = Secrets(None, sim.state.token, None)
    first = sim.state.day - 3
    sim.state.day = first
    assert run_job(cfg, secrets=secrets).exit_code == 0  # something to read from the start
    stop = tmp_path / "stop"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE.parent.parent), os.environ.get("PYTHONPATH", "")])}
    readers = [subprocess.Popen([sys.executable, str(HERE / "dashboard_reader.py"), cfg.warehouse.path, str(stop)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
               for _ in range(READERS)]
    windows = []
    try:
        for r in readers:  # every reader has read all pages once
            assert r.stdout.readline().strip() == "ready", r.stderr.read()[-2000:]
        for day in range(first + 1, first + 4):
            sim.state.day = day
            t0 = time.time()
            result = run_job(cfg, secrets=secrets)
            windows.append((t0, time.time()))
            assert result.exit_code == 0, [(o.report, o.message) for o in result.run.outcomes if o.status != "ok"]
        time.sleep(3)  # past the readers' 1 s cache: they must see the last collection
    finally:
        stop.touch()
        outs = [r.communicate(timeout=60) for r in readers]
    newest = sim.tenant.date(first + 3).isoformat()
    during = 0
    for (stdout, stderr), r in zip(outs, readers, strict=True):
        assert r.returncode == 0, stderr[-2000:]
        report = json.loads(stdout.strip().splitlines()[-1])
        assert report["errors"] == [], report["errors"][:2]
        assert report["as_of"][-1] == newest, report["as_of"]
        during += sum(1 for a, b in report["passes"] for c, d in windows if a < d and b > c)
    assert during >= READERS, "the readers hardly read while collections ran"
