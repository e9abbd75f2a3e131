"""`copilot-usage dashboard` (or the floor app) as a child process, for the browser benchmark and the browser test."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from connector.cli.dashboard import streamlit_argv
from dashboards import links

CLI = str(Path(sys.executable).with_name("copilot-usage"))
DASHBOARD_APP = Path(links.__file__).with_name("app.py")
FLOOR_APP = Path(__file__).with_name("floor_app.py")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`copilot-usage dashboard` as a child process (it becomes the Streamlit server: same pid)."""

    def __init__(self, config: Path | None, log: Path, view_as: str | None = None) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        if config is None:  # the floor: the same Streamlit server options, the floor app instead of the dashboard
            args = [a.replace(str(DASHBOARD_APP), str(FLOOR_APP)) for a in streamlit_argv("127.0.0.1", self.port)]
        else:
            args = [CLI, "dashboard", "--config", str(config), "--port", str(self.port),
                    *(["--as", view_as] if view_as else [])]
        with log.open("wb") as out:
            self.proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, cwd=log.parent)
        t0, deadline = time.perf_counter(), time.monotonic() + 90
        while True:
            try:
                if urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2).read() == b"ok":
                    break
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the dashboard did not start: {log.read_text(errors='replace')[-2000:]}")
            time.sleep(0.2)
        self.start_s = round(time.perf_counter() - t0, 2)

    def peak_rss_mb(self) -> float | None:
        """The server's peak RSS so far (VmHWM)."""
        try:
            line = next(ln for ln in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines()
                        if ln.startswith("VmHWM"))
        except (OSError, StopIteration):
            return None
        return round(int(line.split()[1]) / 1024, 1)

    def stop(self) -> None:
        """Terminate the server (it stops on SIGTERM) and reap it."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
