"""The dashboard entrypoint (`copilot-usage dashboard` runs `streamlit run` on this file): who is looking, then
the pages they get and where they land.

The viewer is resolved before `st.navigation`, so the landing page follows the role: a champion lands on
*My groups*, an admin on *Needs attention*, anyone else on *Overview*. `/` is a hidden page that forwards to the
landing page with the URL's parameters, so every page, the landing one included, keeps its own path (the mails
link to `/my-groups?dimension=…&group=…&week=…`)."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboards import draw, links, session  # noqa: F401 - draw: Altair loads with the server's first run
from dashboards.access import Viewer
from dashboards.queries import Refreshing

PAGES = Path(__file__).with_name("views")  # not "pages": Streamlit would also auto-register that folder


def _page(name: str, title: str, url_path: str, icon: str) -> st.Page:
    return st.Page(str(PAGES / f"{name}.py"), title=title, url_path=url_path, icon=icon)


def pages(viewer: Viewer, licence_views: bool = True) -> tuple[list[st.Page], st.Page]:
    """The pages this viewer gets, and the one they land on (the licence reclaim page: admins, if turned on)."""
    my = _page("my_groups", "My groups", links.MY_GROUPS, ":material/group_work:")
    attention = _page("needs_attention", "Needs attention", links.NEEDS_ATTENTION, ":material/priority_high:")
    overview = _page("overview", "Overview", "overview", ":material/dashboard:")
    rest = [_page("groups", "Groups", "groups", ":material/groups:"),
            _page("heatmap", "Heatmap", "heatmap", ":material/grid_on:"),
            _page("agents", "Agents", "agents", ":material/smart_toy:"),
            _page("stagnation", "Follow-ups", "stagnation", ":material/task_alt:"),
            _page("interventions", "Interventions", "interventions", ":material/campaign:"),
            _page("licences", "Licences", "licences", ":material/badge:"),
            _page("four_dimensions", "Four dimensions", "four-dimensions", ":material/view_quilt:")]
    data = _page("data", "Data", "data", ":material/database:")
    if viewer.is_admin:
        champions = _page("champions", "Champions", "champions", ":material/manage_accounts:")
        reclaim = [_page("reclaim", "Licence reclaim", "reclaim", ":material/recycling:")] if licence_views else []
        return [attention, my, overview, *rest, *reclaim, champions, data], attention
    return [my, overview, *rest, data], (my if viewer.groups else overview)


def _home(landing: st.Page) -> None:
    st.switch_page(landing, query_params={k: st.query_params.get_all(k) for k in st.query_params})


st.set_page_config(page_title="Copilot adoption", page_icon=":material/insights:", layout="wide")
try:
    ctx = session.start()
    listed, landing = pages(ctx.viewer, ctx.cfg.privacy.licence_views)
    home = st.Page(lambda: _home(landing), title="Home", url_path="home", default=True, visibility="hidden")
    page = st.navigation([home, *listed], expanded=True)  # every page listed: an admin has 13, past the default 10
    page.run()
except Refreshing:
    st.info(session.REFRESHING, icon=":material/sync:")
