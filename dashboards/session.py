"""One page view's context: the configuration, sign-in and role, data freshness, and the banners every page shows."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

import streamlit as st

from warehouse.config import Config, ConfigError, load_config

from .access import Viewer, local_viewer, resolve_viewer, viewer_as
from .queries import Reader
from .text import md

CONFIG_ENV = "COPILOT_CONFIG"
VIEW_AS_ENV = "COPILOT_VIEW_AS"  # `copilot-usage dashboard --as EMAIL` (auth = "none" only)
ADMIN_VIEW = ""
VIEW_AS_STATE = "_copilot_usage_view_as"
REFRESHING = "A collection is writing the warehouse right now: the data is refreshing, try again in a minute."


@dataclass(frozen=True)
class Context:
    """What every page needs: config, reader, viewer and the newest report date."""

    cfg: Config
    reader: Reader
    viewer: Viewer
    as_of: dt.date
    newest_run: dt.date | None
    group_views: bool


def config_path() -> str:
    """The config file: `$COPILOT_CONFIG` (set by `copilot-usage dashboard`), else ./config.toml."""
    return os.environ.get(CONFIG_ENV) or "config.toml"


def _auth_configured() -> bool:
    try:  # without a secrets.toml, even `in st.secrets` raises
        return "auth" in st.secrets
    except Exception:
        return False


def _sign_in(cfg: Config, reader: Reader) -> Viewer:
    if cfg.dashboard.auth == "none":
        st.warning("Sign-in is off (`[dashboard] auth = \"none\"`): anyone who can open this page sees every group "
                   "and can edit follow-ups. Use this for the local demo only.", icon=":material/lock_open:")
        return _view_as(reader)
    if not _auth_configured():
        st.error("Sign-in with Microsoft Entra ID is not set up: `.streamlit/secrets.toml` needs an `[auth]` "
                 "section (docs/dashboard.md), or set `[dashboard] auth = \"none\"` for a local demo.")
        st.stop()
    if not st.user.is_logged_in:
        st.title("Copilot adoption")
        st.write("Sign in with your work account to see the adoption dashboard.")
        st.button("Sign in with Microsoft", on_click=st.login, args=("microsoft",), type="primary")
        st.stop()
    viewer = resolve_viewer(cfg.dashboard, st.user.to_dict(), reader.champions())
    with st.sidebar:
        st.text(f"{viewer.name} ({viewer.role})")
        st.button("Sign out", on_click=st.logout)
    return viewer


def _view_as(reader: Reader) -> Viewer:
    """With sign-in off: the admin, or (sidebar "View as", or `--as`) one champion with exactly their visibility."""
    champs = reader.champions()
    emails = sorted(set(champs["champion_email"].dropna())) if not champs.empty else []
    wanted = os.environ.get(VIEW_AS_ENV, "").strip().lower()
    options = [ADMIN_VIEW, *emails, *([wanted] if wanted and wanted not in emails else [])]
    current = st.session_state.get(VIEW_AS_STATE, wanted)  # kept apart: a page switch may drop widget state
    with st.sidebar:
        picked = st.selectbox("View as", options, index=options.index(current) if current in options else 0,
                              key="view_as", format_func=lambda e: e or "admin (every group)",
                              on_change=lambda: st.session_state.__setitem__(VIEW_AS_STATE,
                                                                             st.session_state["view_as"]),
                              help="See the dashboard exactly as this champion does (sign-in off only).")
    st.session_state[VIEW_AS_STATE] = picked
    if not picked:
        return local_viewer()
    viewer = viewer_as(picked, champs)
    st.info(f"Viewing as {md(viewer.name)} ({md(viewer.email)}), {viewer.role}: exactly the groups they see. "
            "Pick *admin* under *View as* in the sidebar to see everything.", icon=":material/visibility:")
    return viewer


def _banners(cfg: Config, reader: Reader, viewer: Viewer, as_of: dt.date, newest_run: dt.date | None) -> bool:
    if newest_run is not None and (newest_run - as_of).days > cfg.dashboard.stale_after_days:
        st.warning(f"Stale data: the newest report date is {as_of:%d %b %Y}, {(newest_run - as_of).days} days "
                   f"before the last collection run ({newest_run:%d %b %Y}). Microsoft's reports may be delayed, "
                   "or the collection is failing: see the Data page.", icon=":material/schedule:")
    status = reader.data_status()
    views = True
    if not status.empty and not bool(status.at[0, "group_views_available"]):
        views = False
        st.warning(f"Group views are empty for {as_of:%d %b %Y}: {md(status.at[0, 'reason'])}",
                   icon=":material/visibility_off:")
    if viewer.signed_in and not viewer.is_admin and not viewer.groups:
        st.info("You are not an admin or the champion of any group, so you see tenant totals only. "
                "Ask the adoption lead to add you as a champion.")
    return views


def start() -> Context:
    """Load config, sign in, show banners; stop the page with a clear message when that is all there is to say."""
    try:
        cfg = load_config(config_path())
    except ConfigError as e:
        st.error(f"Configuration problem: {md(e)}")
        st.stop()
    reader = Reader(cfg.warehouse.path, cfg.dashboard.cache_ttl_seconds)
    viewer = _sign_in(cfg, reader)
    as_of, newest_run = reader.freshness()
    if as_of is None:
        st.info("No data yet: run `copilot-usage run --config …` (or `copilot-usage demo`) first.")
        st.stop()
    views = _banners(cfg, reader, viewer, as_of, newest_run)
    ctx = Context(cfg, reader, viewer, as_of, newest_run, views)
    st.session_state["_copilot_usage_ctx"] = ctx
    return ctx


def current() -> Context:
    """The context `app.py` set up for this page view."""
    return st.session_state["_copilot_usage_ctx"]
