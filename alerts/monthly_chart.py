"""The monthly report's image: the tenant's weekly active rate over a quarter beside the NPS of each survey wave.

Drawn with Altair and rendered to PNG by vl-convert, as the weekly mails' heatmap (`chart`); the dashboard's
*Four dimensions* page shows the same chart. A suppressed wave (too few respondents) has no bar and says why.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import vl_convert

from .chart import _palette
from .monthly import Month

INK, TARGET = "#0f6cbd", "#b0b0b0"
WIDTH, HEIGHT = 250, 150  # two panels side by side fit the mail's 564 px


def trend_chart(month: Month, target: float) -> alt.HConcatChart:
    """Weekly active rate per complete week (with the target) | NPS per survey wave."""
    weeks = pd.DataFrame([{"week": pd.Timestamp(w), "rate": r} for w, r in month.trend], columns=["week", "rate"])
    line = alt.Chart(weeks).mark_line(point=True, color=INK).encode(
        x=alt.X("week:T", title=None, axis=alt.Axis(format="%d %b", labelAngle=0, tickCount=4, grid=False)),
        y=alt.Y("rate:Q", title=None, axis=alt.Axis(format=".0%", tickCount=5),
                scale=alt.Scale(domain=[0, max(1.0, target)])))
    rule = alt.Chart(pd.DataFrame({"target": [target]})).mark_rule(color=TARGET, strokeDash=[4, 3]).encode(
        y="target:Q")
    left = alt.layer(line, rule).properties(
        width=WIDTH, height=HEIGHT, title=alt.TitleParams("Weekly active rate (dashed: target)", anchor="start",
                                                          fontSize=12))
    waves = pd.DataFrame([{"wave": w["wave"], "nps": w["nps"],
                           "text": (f"{w['nps']:+.0f}" if w["nps"] is not None else
                                    "too few" if w["suppressed"] else "no NPS")} for w in month.waves[-6:]],
                         columns=["wave", "nps", "text"])
    base = alt.Chart(waves).encode(x=alt.X("wave:N", sort=None, title=None, axis=alt.Axis(labelAngle=0)))
    bars = base.mark_bar(color=INK, size=26).encode(
        y=alt.Y("nps:Q", title=None, scale=alt.Scale(domain=[-100, 100]), axis=alt.Axis(tickCount=5)))
    labels = base.mark_text(dy=-8, fontSize=11).encode(y=alt.Y("label_y:Q"), text="text:N").transform_calculate(
        label_y="datum.nps === null ? 0 : max(datum.nps, 0)")
    right = alt.layer(bars, labels).properties(
        width=WIDTH, height=HEIGHT, title=alt.TitleParams("NPS per survey wave", anchor="start", fontSize=12))
    return alt.hconcat(left, right, spacing=24).configure_view(stroke=None).configure_axis(labelFontSize=10)


def trend_png(month: Month, target: float) -> bytes:
    """The chart as PNG bytes (2x for high-density screens, a 64-colour palette; deterministic)."""
    return _palette(vl_convert.vegalite_to_png(trend_chart(month, target).to_json(), scale=2))
