"""The heatmap image in alert mails: groups x apps, the weekly active rate per app, drawn by Altair to PNG.

Same threshold scale, colours and legend as the dashboard (`warehouse.levels`); suppressed or too-small cells are
grey with a word, never a number. The columns are the apps the marts have for these groups (`warehouse.apps`): a v1
tenant has no v2 apps (Edge, agents, ...), so its image has no such columns rather than empty ones.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

import altair as alt
import duckdb
import pandas as pd
import vl_convert

from warehouse import apps, levels

from .queries import query

APPS = apps.SHORT
DIM_SHORT = {"department": "dept", "job_function": "function", "manager": "team"}
HIDDEN_WORD = {"suppressed": "hidden", "too_small": "too few"}
MAX_LABEL = 38
CELL_W, CELL_H = 39, 22  # 13 app columns and a group label fit the mail's 564 px at 11 px text


@dataclass(frozen=True)
class Cell:
    """One group x app cell: the headline for that app, or why it has none (`hidden`)."""

    dimension: str
    group_name: str
    app: str
    eligible_users: int | None
    active_rate: float | None
    hidden: str | None  # suppressed | too_small | None


def read_cells(con: duckdb.DuckDBPyConnection, week: date, groups: list[tuple[str, str]], *, lookback: int,
               min_size: int) -> list[Cell]:
    """The headline per app of `groups` at `week` (marts only: `alerts/sql/alert_heatmap.sql`)."""
    if not groups:
        return []
    rows = con.execute(query("alert_heatmap"), {"week": week, "groups": [list(g) for g in groups],
                                                "lookback": lookback, "min_size": min_size}).fetchall()
    return [Cell(*r) for r in rows]


def _label(dimension: str, group: str, several_dims: bool) -> str:
    text = " ".join(group.split())  # no control characters or line breaks in a chart label
    if dimension == "manager" and text.endswith(")") and "@" in text.rpartition(" (")[2]:
        name, _, upn = text[:-1].rpartition(" (")  # keep the mailbox that tells namesakes apart, not the domain
        text = f"{name} ({upn.partition('@')[0]})"
    if len(text) > MAX_LABEL:
        text = text[: MAX_LABEL - 1] + "…"
    return f"{text} ({DIM_SHORT.get(dimension, dimension)})" if several_dims else text


def _unique(texts: list[str]) -> dict[int, str]:
    """Row labels by position, made unique (two shortened names alike would share one row of the chart)."""
    seen: dict[str, int] = {}
    out = {}
    for i, t in enumerate(texts):
        seen[t] = seen.get(t, 0) + 1
        out[i] = t if seen[t] == 1 else f"{t} #{seen[t]}"
    return out


def heatmap_chart(cells: list[Cell], groups: list[tuple[str, str]], title: str, bands: levels.Bands
                  ) -> alt.LayerChart:
    """A groups x apps heatmap of the weekly active rate on the dashboard's threshold scale."""
    several = len({d for d, _ in groups}) > 1
    labels = _unique([_label(d, g, several) for d, g in groups])
    order = list(labels.values())
    columns = [APPS[a] for a in apps.present(c.app for c in cells if (c.dimension, c.group_name) in groups)]
    rows = []
    for c in cells:
        if (c.dimension, c.group_name) not in groups or c.app not in APPS:
            continue
        hidden = c.hidden or ("too_small" if c.active_rate is None else None)
        level = hidden or bands.level(c.active_rate) or "too_small"
        rows.append({"group": labels[groups.index((c.dimension, c.group_name))], "app": APPS[c.app],
                     "rate": None if hidden else round(c.active_rate or 0.0, 4), "level": level,
                     "text": HIDDEN_WORD.get(hidden or "", "") if hidden else levels.percent(c.active_rate)})
    df = pd.DataFrame(rows, columns=["group", "app", "rate", "level", "text"])
    legend = dict(zip(levels.LEVELS, bands.legend(), strict=True)) | {"suppressed": "hidden (privacy)",
                                                                       "too_small": "too few people"}
    shown = [lv for lv in legend if lv in levels.LEVELS or lv in set(df["level"])]
    label_expr = " : ".join(f"datum.value === '{lv}' ? '{legend[lv]}'" for lv in shown) + " : ''"
    fill = {**levels.COLOURS, "suppressed": levels.GREY, "too_small": levels.GREY}
    ink = {**levels.TEXT_COLOURS, "suppressed": levels.GREY_TEXT, "too_small": levels.GREY_TEXT}
    base = alt.Chart(df).encode(
        x=alt.X("app:N", sort=columns, title=None,
                axis=alt.Axis(orient="top", labelAngle=0, labelFontSize=10, domain=False, ticks=False,
                              # two lines each ("Chat" over "web", one-word names on the second): Vega draws
                              # extra lines downwards, so the padding lifts both above the cells
                              labelExpr="indexof(datum.label, ' ') > 0 ? split(datum.label, ' ') : ['', datum.label]",
                              labelLineHeight=11, labelPadding=14)),
        y=alt.Y("group:N", sort=order, title=None,
                axis=alt.Axis(labelLimit=250, labelFontSize=11, domain=False, ticks=False)),
    )
    rect = base.mark_rect(stroke="white", strokeWidth=1.5).encode(color=alt.Color(
        "level:N", title=levels.HEADLINE, scale=alt.Scale(domain=shown, range=[fill[lv] for lv in shown]),
        legend=alt.Legend(orient="bottom", direction="horizontal", labelExpr=label_expr, symbolType="square",
                          symbolSize=150, symbolStrokeWidth=0, columns=3, labelFontSize=10, titleFontSize=10)))
    text = base.mark_text(fontSize=11).encode(text="text:N", color=alt.Color("level:N", scale=alt.Scale(
        domain=list(ink), range=list(ink.values())), legend=None))
    return alt.layer(rect, text).properties(
        title=alt.TitleParams(title, anchor="start", fontSize=12), width=CELL_W * max(len(columns), 1),
        height=max(CELL_H * len(order), CELL_H)).resolve_scale(color="independent")


def heatmap_png(cells: list[Cell], groups: list[tuple[str, str]], title: str, bands: levels.Bands) -> bytes:
    """The heatmap as PNG bytes, sharp on high-density screens and small (a 64-colour palette; deterministic)."""
    png = vl_convert.vegalite_to_png(heatmap_chart(cells, groups, title, bands).to_json(), scale=2)
    return _palette(png)


def _palette(png: bytes) -> bytes:
    """The same image with a 64-colour palette: flat colours and text survive, the mail gets 4-5x smaller."""
    from PIL import Image

    img = Image.open(io.BytesIO(png)).convert("RGBA")
    flat = Image.new("RGB", img.size, "white")
    flat.paste(img, mask=img.getchannel("A"))
    out = io.BytesIO()
    flat.quantize(colors=64, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(out, "PNG", optimize=True)
    return out.getvalue()
