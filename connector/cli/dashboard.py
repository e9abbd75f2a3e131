"""`copilot-usage dashboard`: validate the config, then replace this process with `streamlit run dashboards/app.py`."""

from __future__ import annotations

import os
import sys
from importlib import resources
from pathlib import Path

import click

from warehouse.config import load_config

from ..output import console
from .errors import clean_errors
from .options import config_option

VIEW_AS_ENV = "COPILOT_VIEW_AS"  # read by dashboards.session (the same name)


def streamlit_argv(host: str, port: int) -> list[str]:
    """The command line that serves the dashboard (headless, no file watcher, no usage statistics).

    `runner.postScriptGC` off: Streamlit otherwise runs a full `gc.collect(2)` after every script run, holding the
    GIL while the page's last messages wait to be sent: 0.2-0.4 s of every page load at 100k users (the cached
    query results and chart specs make a large heap). Python's own generational collector still runs; Streamlit
    describes the hidden option as trading memory use for rerun delay (streamlit/config.py, `runner.postScriptGC`)."""
    app = Path(str(resources.files("dashboards") / "app.py"))
    return [sys.executable, "-m", "streamlit", "run", str(app), "--server.address", host, "--server.port", str(port),
            "--server.headless", "true", "--server.fileWatcherType", "none", "--server.runOnSave", "false",
            "--runner.postScriptGC", "false",
            "--browser.gatherUsageStats", "false", "--client.toolbarMode", "viewer"]


def start_dashboard(config_path: str, host: str, port: int, view_as: str | None = None) -> None:
    """Serve the dashboard for `config_path` in this process (never returns); `view_as` (auth "none" only): open
    it as that champion sees it. Raises ConfigError for a bad config (callers run under `clean_errors`)."""
    cfg = load_config(config_path)  # fail here, on the command line, rather than in the browser
    if view_as and cfg.dashboard.auth != "none":
        raise click.UsageError(f"--as needs [dashboard] auth = \"none\" (the local demo); with auth = "
                               f"\"{cfg.dashboard.auth}\" people see what their own sign-in allows")
    env = {**os.environ, "COPILOT_CONFIG": str(Path(config_path).resolve())}
    env.pop(VIEW_AS_ENV, None)
    if view_as:
        env[VIEW_AS_ENV] = view_as.strip().lower()
    shown = "localhost" if host in ("127.0.0.1", "0.0.0.0", "::") else host
    who = f"; viewing as {view_as}" if view_as else ""
    console.print(f"Dashboard: http://{shown}:{port}  (sign-in: {cfg.dashboard.auth}{who}; Ctrl-C to stop)")
    sys.stdout.flush()
    argv = streamlit_argv(host, port)
    os.execve(argv[0], argv, env)


@click.command()
@config_option
@click.option("--port", default=8501, show_default=True, help="Port to serve on.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (0.0.0.0 for every interface; put a TLS reverse proxy in front).")
@click.option("--as", "view_as", metavar="EMAIL", default=None,
              help="Open the dashboard as this champion sees it (only with [dashboard] auth = \"none\").")
@clean_errors
def dashboard(config_path: str, port: int, host: str, view_as: str | None) -> None:
    """Serve the Streamlit dashboard (read-only on the warehouse, except follow-up and champion edits)."""
    start_dashboard(config_path, host, port, view_as)
