"""The browser phase's floor: the smallest Streamlit app with what a dashboard page has (a title, a table, a
chart), served and timed exactly as the dashboard's pages are. Its time is Streamlit's own cost on this machine
(page load, websocket, one script run, the front end drawing), which no change in dashboards/ can remove."""

import altair as alt
import pandas as pd
import streamlit as st

st.set_page_config(page_title="floor", layout="wide")


def _page() -> None:
    st.title("Floor")
    df = pd.DataFrame({"week": pd.date_range("2026-01-05", periods=12, freq="W-MON"), "rate": range(12)})
    st.dataframe(df, hide_index=True)
    st.altair_chart(alt.Chart(df).mark_line().encode(x="week:T", y="rate:Q"), width="stretch")


st.navigation([st.Page(_page, title="Floor", url_path="floor")]).run()
