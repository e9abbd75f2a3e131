"""The dashboard entrypoint (`copilot-usage dashboard` runs `streamlit run` on this file): pages and navigation."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboards import session
from dashboards.queries import Refreshing

PAGES = Path(__file__).with_name("views")  # not "pages": Streamlit would also auto-register that folder

st.set_page_config(page_title="Copilot adoption", page_icon=":material/insights:", layout="wide")

pages = [
    st.Page(str(PAGES / "overview.py"), title="Overview", url_path="overview", default=True,
            icon=":material/dashboard:"),
    st.Page(str(PAGES / "groups.py"), title="Groups", url_path="groups", icon=":material/groups:"),
    st.Page(str(PAGES / "heatmap.py"), title="Heatmap", url_path="heatmap", icon=":material/grid_on:"),
    st.Page(str(PAGES / "stagnation.py"), title="Stagnation & follow-up", url_path="stagnation",
            icon=":material/trending_flat:"),
    st.Page(str(PAGES / "data.py"), title="Data", url_path="data", icon=":material/database:"),
]
page = st.navigation(pages)
try:
    session.start()
    page.run()
except Refreshing:
    st.info(session.REFRESHING, icon=":material/sync:")
