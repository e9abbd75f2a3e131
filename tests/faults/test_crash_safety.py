"""Crash safety: a collector killed with SIGKILL during load or transform, then run again, gives the marts of a
run that was never interrupted."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from conftest import marts, write_config

EXE = Path(sys.executable).parent / "copilot-usage"
# debug log lines the collector writes just before each step; the kill lands at or just after that step
KILL_POINTS = [
    "landing copilot_usage_user_detail D28",
    "landing users",
    "building staging/stg_copilot_user_detail",
    "building intermediate/int_user_groups",
    "building marts/mart_stagnation",
]



def run(cfg: Path, env: dict[str, str]) -> None:
    p = subprocess.run([str(EXE), "run", "--config", str(cfg)], capture_output=True, text=True, env=env, timeout=300)
    assert p.returncode == 0, p.stdout + p.stderr


def test_sigkill_at_any_step_then_rerun_converges(tmp_path, sim):
    env = {**os.environ, "COPILOT_USAGE_GRAPH_TOKEN": sim.state.token}
    base = tmp_path / "base"
    base.mkdir()
    sim.state.day = 50
    run(write_config(base, sim.base_url), env)  # the state before the day that gets interrupted
    sim.state.day = 51

    def fresh(name: str) -> Path:
        d = tmp_path / name
        d.mkdir()
        shutil.copy(base / "wh.duckdb", d / "wh.duckdb")
        return write_config(d, sim.base_url)

    ref_cfg = fresh("reference")
    run(ref_cfg, env)
    reference = marts(ref_cfg.parent / "wh.duckdb")
    assert reference["mart_usage_by_group"], "the reference run built nothing"

    for i, point in enumerate(KILL_POINTS):
        cfg = fresh(f"kill{i}")
        p = subprocess.Popen([str(EXE), "-v", "run", "--config", str(cfg)], stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True, env=env)
        seen = []
        for line in p.stderr:
            seen.append(line)
            if point in line:
                p.send_signal(signal.SIGKILL)
                break
        p.wait(timeout=60)
        assert p.returncode == -signal.SIGKILL, f"{point!r} never logged:\n{''.join(seen[-5:])}"
        run(cfg, env)  # the next clean run, under the lock the killed process no longer holds
        got = marts(cfg.parent / "wh.duckdb")
        assert got.keys() == reference.keys()
        for table, rows in reference.items():
            assert got[table] == rows, f"{table} differs after a kill at {point!r}"
