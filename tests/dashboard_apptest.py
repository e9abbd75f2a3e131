"""Streamlit AppTest helpers for the dashboard tests: the app with a config and a user, its texts, charts and tables."""

from __future__ import annotations

import json
from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "dashboards" / "app.py")
PAGES = ("views/needs_attention.py", "views/my_groups.py", "views/overview.py", "views/groups.py", "views/heatmap.py",
         "views/agents.py", "views/stagnation.py", "views/licences.py", "views/champions.py", "views/data.py",
         "views/four_dimensions.py")
CHAMPION_PAGES = ("views/my_groups.py", "views/overview.py", "views/groups.py", "views/heatmap.py",
                  "views/agents.py", "views/stagnation.py", "views/licences.py", "views/data.py",
                  "views/four_dimensions.py")
AUTH = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "test-cookie-secret-0123456789",
        "microsoft": {"client_id": "x", "client_secret": "y",
                      "server_metadata_url": "https://login.microsoftonline.com/t/v2.0/.well-known/openid-configuration"}}



def app(cfg, monkeypatch, user: dict | None = None, secrets: bool = False, view_as: str | None = None,
        **params: str | list[str]) -> AppTest:
    monkeypatch.setenv("COPILOT_CONFIG", cfg.source)
    if view_as:
        monkeypatch.setenv("COPILOT_VIEW_AS", view_as)
    else:
        monkeypatch.delenv("COPILOT_VIEW_AS", raising=False)
    at = AppTest.from_file(APP, default_timeout=60)
    if secrets:
        at.secrets["auth"] = AUTH
    if user is not None:
        at.user = user
    for k, v in params.items():
        at.query_params[k] = v
    return at


def texts(at: AppTest) -> str:
    parts = [e.value for kind in ("markdown", "text", "caption", "title", "subheader", "header", "warning", "info",
                                   "error", "success") for e in getattr(at, kind)]
    return "\n".join(str(p) for p in parts)


def chart_rows(at: AppTest, i: int = 0) -> list[dict]:
    """The data rows of the i-th Vega-Lite chart (Streamlit ships named datasets as Arrow beside the spec)."""
    import pyarrow as pa

    proto = at.get("vega_lite_chart")[i].proto
    rows = []
    for ds in proto.datasets:
        rows += pa.ipc.open_stream(ds.data.data).read_all().to_pylist()
    spec = json.loads(proto.spec)
    return rows + spec.get("data", {}).get("values", [])


def frames(at: AppTest):
    return [d.value for d in at.dataframe]


def run_pages(at: AppTest, pages: tuple[str, ...] = PAGES) -> dict[str, str]:
    """Run the entrypoint (its banners are in the first run's tree; AppTest drops them after switch_page),
    then every page; returns the text of each, the entrypoint's run under "app"."""
    at.run()
    assert not at.exception, at.exception
    out = {"app": texts(at)}
    for page in pages:
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)
        out[page] = texts(at)
    return out


def by_label(elements, label: str):  # noqa: ANN001, ANN201 - AppTest element lists
    """The element of that label."""
    return next(e for e in elements if e.label == label)
