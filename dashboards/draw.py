"""Charts on the page: a builder of `charts`/`heat` turned into its Vega-Lite spec once per input, then drawn.

`st.altair_chart` converts the Altair chart on every script run: `Chart.to_dict()` deep-copies the chart and
validates the whole spec (inline data included) against the Vega-Lite JSON schema. At 100k users that was most of
a page's Python time (a champion's *My groups*: 60 % of the run, 0.2-0.3 s per chart on this machine). Here the spec
is built from the same builder with the same arguments, cached with `st.cache_data` (keyed by the builder's name
and its arguments, DataFrames by content), and handed to `st.vega_lite_chart`, the element `st.altair_chart`
itself produces. It is not validated at run time: the builders' specs are validated by their tests
(tests/test_dashboard_parts.py calls `to_dict()`, which validates).

What `st.altair_chart` does besides, done the same way here: Altair's "none" theme (Streamlit turns the default
theme's 300 px view off), and the chart's data as top-level datasets, which Streamlit ships as Arrow beside the
spec. Every builder passes its data as `charts.values` (inline data), never a DataFrame, so no Altair data
transformer (a process-wide setting Streamlit switches while it converts) is involved.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import altair as alt
import streamlit as st

from . import charts, heat

# the builders a page may draw, by name (the cache key names the builder, not a function object)
BUILDERS: dict[str, Callable[..., alt.TopLevelMixin]] = {
    "trend_by_app": charts.trend_by_app, "group_trend": charts.group_trend, "licences": charts.licences,
    "weekly_metric": charts.weekly_metric, "weekly_series": charts.weekly_series, "apps_chart": heat.apps_chart,
    "weeks_chart": heat.weeks_chart, "idle_cost": charts.idle_cost,
}
_theme_lock = threading.Lock()  # alt.theme is process-wide: one conversion at a time switches it


def spec(chart: alt.TopLevelMixin) -> dict:
    """The Vega-Lite spec of `chart` as `st.altair_chart` sends it (theme "none"), without schema validation."""
    with _theme_lock, alt.theme.enable("none"):
        return chart.to_dict(validate=False)


@st.cache_data(show_spinner=False, max_entries=512, ttl=86400)
def _spec(builder: str, args: tuple, kwargs: dict[str, Any], height: int | None) -> dict:
    chart = BUILDERS[builder](*args, **kwargs)
    return spec(chart.properties(height=height) if height is not None else chart)


def chart(builder: str, *args: Any, height: int | None = None, **kwargs: Any) -> None:
    """Draw `BUILDERS[builder](*args, **kwargs)` (with `height` in px if given) across the page's width."""
    st.vega_lite_chart(_spec(builder, args, kwargs, height), width="stretch")
