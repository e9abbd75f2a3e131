"""A Graph-compatible HTTP server on loopback that serves the simulated tenant in the documented formats.

Two listeners: the Graph host (reports, users, SKUs, report settings; bearer token required) and a
download host standing in for reports.office.com, where M365 reports are served after a 302 and which
must never receive the bearer token. `/_sim/*` endpoints (no auth) steer the clock, concealment and faults.
"""

from __future__ import annotations

import datetime as dt
import threading
from http.server import ThreadingHTTPServer

from . import reports
from .handler import make_handler
from .state import Fault, SimState
from .tenant import Tenant

__all__ = ["Fault", "SimState", "Simulator", "default_end_date"]


def default_end_date() -> dt.date:
    """The simulator's default report refresh date: three days ago in UTC (Graph's publishing delay)."""
    return dt.datetime.now(dt.UTC).date() - dt.timedelta(days=3)


class Simulator:
    """Run the tenant on two loopback ports; `base_url` is what `[graph] base_url` should point at."""

    def __init__(self, tenant: Tenant, host: str = "127.0.0.1", port: int = 0, download_port: int = 0,
                 day: int | None = None, **settings: object) -> None:
        self.tenant = tenant
        self.state = SimState(day=tenant.days - 1 if day is None else day, **settings)  # type: ignore[arg-type]
        self.lock = threading.Lock()
        self.downloads: dict[str, tuple[float, tuple]] = {}
        self.graph = ThreadingHTTPServer((host, port), make_handler(self, download=False))
        self.download = ThreadingHTTPServer((host, download_port), make_handler(self, download=True))
        self.graph.daemon_threads = self.download.daemon_threads = True
        self._threads: list[threading.Thread] = []

    @property
    def base_url(self) -> str:
        """The Graph host URL (no version segment)."""
        h, p = self.graph.server_address[:2]
        return f"http://{h}:{p}"

    @property
    def download_url(self) -> str:
        """The pre-authenticated download host URL."""
        h, p = self.download.server_address[:2]
        return f"http://{h}:{p}"

    def start(self) -> Simulator:
        """Serve in background threads."""
        for srv in (self.graph, self.download):
            th = threading.Thread(target=srv.serve_forever, daemon=True)
            th.start()
            self._threads.append(th)
        return self

    def stop(self) -> None:
        """Stop both listeners."""
        for srv in (self.graph, self.download):
            srv.shutdown()
            srv.server_close()

    def __enter__(self) -> Simulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def set_date(self, date: str) -> None:
        """Move the simulator's report refresh date."""
        import datetime as dt

        self.state.day = self.tenant.day_of(dt.date.fromisoformat(date))

    def render(self, key: tuple) -> bytes:
        """Render a report body (serialised: the tenant's day state is not thread-safe)."""
        kind, name, day, period, version, concealed = key
        with self.lock:
            t = self.tenant
            if name == "copilot_user_detail":
                return reports.copilot_user_detail(t, day, period, version, concealed)
            if name == "copilot_trend":
                return reports.copilot_trend(t, day, period, version)
            if name == "copilot_summary":
                return reports.copilot_summary(t, day, period, version)
            return reports.m365_report(t, name, day, period, concealed)
