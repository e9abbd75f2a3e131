"""The heatmap image in alert mails: groups x apps, weekly active rate, drawn by Altair and rendered to PNG."""

from __future__ import annotations

import altair as alt
import pandas as pd
import vl_convert

from warehouse.flags import HeatCell

APPS = {"any": "Any app", "teams": "Teams", "word": "Word", "excel": "Excel", "powerpoint": "PowerPoint",
        "outlook": "Outlook", "onenote": "OneNote", "loop": "Loop", "copilot_chat": "Copilot Chat"}
DIM_SHORT = {"department": "dept", "job_function": "function", "manager": "team"}
MAX_LABEL = 44


def _label(dimension: str, group: str, several_dims: bool) -> str:
    text = " ".join(group.split())  # no control characters or line breaks in a chart label
    if len(text) > MAX_LABEL:
        text = text[: MAX_LABEL - 1] + "…"
    return f"{text} ({DIM_SHORT.get(dimension, dimension)})" if several_dims else text


def heatmap_chart(cells: list[HeatCell], groups: list[tuple[str, str]], title: str) -> alt.LayerChart:
    """A groups x apps heatmap of the weekly active rate; suppressed cells are grey without a number."""
    several = len({d for d, _ in groups}) > 1
    order = [_label(d, g, several) for d, g in groups]
    rows = []
    for c in cells:
        if (c.dimension, c.group_name) not in groups or c.app not in APPS:
            continue
        hidden = c.suppressed or c.active_rate is None
        rows.append({"group": _label(c.dimension, c.group_name, several), "app": APPS[c.app],
                     "rate": None if hidden else round(c.active_rate, 4),
                     "text": "n/a" if hidden else f"{c.active_rate:.0%}"})
    df = pd.DataFrame(rows, columns=["group", "app", "rate", "text"])
    base = alt.Chart(df).encode(
        x=alt.X("app:N", sort=list(APPS.values()), title=None, axis=alt.Axis(orient="top", labelAngle=0)),
        y=alt.Y("group:N", sort=order, title=None, axis=alt.Axis(labelLimit=320)),
    )
    rect = base.mark_rect(stroke="white").encode(
        color=alt.condition("datum.rate === null", alt.value("#d9d9d9"), alt.Color(
            "rate:Q", title="weekly active", scale=alt.Scale(domain=[0, 0.2, 0.4, 0.6, 1],
                                                              range=["#c0392b", "#e67e22", "#f1c40f", "#27ae60",
                                                                     "#1e8449"]),
            legend=alt.Legend(format="%", orient="bottom"))))
    text = base.mark_text(fontSize=11).encode(text="text:N")
    return alt.layer(rect, text).properties(
        title=title, width=max(9 * 62, 300), height=max(24 * len(order), 24))


def heatmap_png(cells: list[HeatCell], groups: list[tuple[str, str]], title: str) -> bytes:
    """The heatmap as PNG bytes (deterministic for the same input)."""
    return vl_convert.vegalite_to_png(heatmap_chart(cells, groups, title).to_json(), scale=2)
