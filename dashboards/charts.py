"""Pure chart builders: DataFrame in, Altair chart out (tested through their Vega-Lite spec).

Rates are 0..1 and shown as percentages. A suppressed cell (a group below the minimum size) never carries a
number: it is drawn grey and labelled "suppressed" (or "too small"), never as zero. Colours and level names come
from `warehouse.levels`, the vocabulary the mails share.
"""

from __future__ import annotations

import json

import altair as alt
import pandas as pd

from warehouse import apps
from warehouse.levels import COLOURS, GREY, GREY_TEXT, HEADLINE, LEVELS, TEXT_COLOURS, Bands, percent

SUPPRESSED = "suppressed"
TOO_SMALL = "too small"
NO_DATA = "no data"
PCT = ".0%"
WEEK_TOOLTIP = {"title": "week starting", "format": "%a %d %b %Y", "formatType": "utc"}
FLAGGED_RED = "#c62828"
LABEL_LIMIT = 520  # px: full group names, manager teams with their "(upn)" part


def week_x(data: pd.DataFrame, column: str = "week_start") -> alt.X:
    """The time axis of a weekly series: one tick per week, on its Monday ("09 Nov"), never between weeks."""
    weeks = sorted({pd.Timestamp(w) for w in data[column].dropna()}) if column in data else []
    ticks = [alt.DateTime(year=w.year, month=w.month, date=w.day, utc=True) for w in weeks]
    return alt.X(f"{column}:T", title="week starting", scale=alt.Scale(type="utc"),
                 axis=alt.Axis(labelExpr="utcFormat(datum.value, '%d %b')", labelAngle=0,
                               values=ticks or alt.Undefined, grid=False))


def level_scale(bands: Bands) -> alt.Scale:
    """The one colour scale of the headline: a cell's level (named by `bands.legend()`: cold < 20 %, …, hot ≥ 60 %
    (target)) to its colour in `levels.COLOURS`; the level itself comes from `Bands.level` (thresholds `edges`)."""
    return alt.Scale(domain=bands.legend(), range=[COLOURS[lv] for lv in LEVELS])


def level_legend(title: str = HEADLINE) -> alt.Legend:
    """The legend: one square per level, labelled as `Bands.legend()`."""
    return alt.Legend(title=title, orient="top", direction="horizontal", symbolType="square", symbolSize=220,
                      symbolStrokeColor="#999999", symbolStrokeWidth=0.5, labelLimit=220, titleLimit=400)


def _rate_label(rate: object, why_grey: str | None) -> str:
    if why_grey:
        return why_grey
    if rate is None or pd.isna(rate):
        return NO_DATA
    return percent(float(rate))


def values(df: pd.DataFrame) -> alt.InlineData:
    """Inline chart data with missing values as JSON null (never NaN, which is not JSON) and dates as ISO text."""
    rows = []
    for rec in df.to_dict("records"):
        rows.append({k: _plain(v) for k, v in rec.items()})
    return alt.InlineData(values=rows)


def _plain(v: object) -> object:
    if isinstance(v, list | tuple):
        return [_plain(x) for x in v]
    if v is None or (not isinstance(v, str | bool) and pd.isna(v)):
        return None
    if isinstance(v, pd.Timestamp):
        return v.date().isoformat()
    if hasattr(v, "item"):  # numpy scalars
        return v.item()
    return v


def _grey_reason(suppressed: object, level: object, rate: object) -> str | None:
    if bool(suppressed) or level == "suppressed":
        return SUPPRESSED
    if level == "too_small" or rate is None or pd.isna(rate):
        return TOO_SMALL if level == "too_small" else None
    return None


def heatmap_cells(df: pd.DataFrame, x: str, rate: str, active: str | None = None, bands: Bands | None = None,
                  people: str = "eligible_users") -> pd.DataFrame:
    """The cells of a heatmap: group, x, rate (None when grey), label ("39 %", "suppressed", "too small"), the
    text colour that reads on the cell's colour, and the counts (none for a grey cell)."""
    supp = df["suppressed"].fillna(False).astype(bool) if "suppressed" in df else pd.Series(False, index=df.index)
    lvl = df["level"] if "level" in df else pd.Series(None, index=df.index, dtype=object)
    out = pd.DataFrame({"group_name": df["group_name"].astype(str), x: df[x]})
    why = [_grey_reason(s, lv, r) for s, lv, r in zip(supp, lvl, df[rate], strict=True)]
    out["rate"] = [None if w or pd.isna(r) else float(r) for r, w in zip(df[rate], why, strict=True)]
    out["label"] = [_rate_label(r, w) for r, w in zip(out["rate"], why, strict=True)]
    b = bands or Bands(0.2, 0.4, 0.6)
    out["text_colour"] = [GREY_TEXT if r is None else TEXT_COLOURS[b.level(r)] for r in out["rate"]]
    names = dict(zip(LEVELS, b.legend(), strict=True))
    out["band"] = [None if r is None else names[b.level(r)] for r in out["rate"]]
    out["people"] = df[people].astype("Int64") if people in df else pd.NA
    out["active_users"] = df[active].astype("Int64") if active and active in df else pd.NA
    grey = out["rate"].isna()
    out.loc[grey, ["people", "active_users"]] = pd.NA  # a grey cell shows no counts either
    return out


def two_lines(labels: list[str], longer_than: int = 6) -> str:
    """A Vega label expression that writes each of `labels` on two lines ("Microsoft 365" over "Copilot app",
    "any" over "app"; a short one on the second), so a dozen narrow columns keep every name apart. Vega draws
    extra lines downwards: the axis needs `labelPadding` of one line to stay clear of the cells."""
    lines = {}
    for text in labels:
        words = text.split(" ")
        if len(text) <= longer_than or len(words) < 2:
            lines[text] = ["", text]
            continue
        cut = min(range(1, len(words)), key=lambda i: abs(len(" ".join(words[:i])) - len(text) / 2))
        lines[text] = [" ".join(words[:cut]), " ".join(words[cut:])]
    return f"{json.dumps(lines)}[datum.label] || datum.label"


def heatmap(cells: pd.DataFrame, x: str, x_title: str, bands: Bands, rows: list[str] | None = None,
            x_sort: list[str] | None = None, metric: str = HEADLINE, people_title: str = "eligible people",
            temporal: bool = False, highlight: list[str] | None = None, wrap_x: bool = False) -> alt.Chart:
    """Group × `x` heatmap from `heatmap_cells`: one threshold colour scale (the levels), grey worded cells for
    suppressed or too-small groups, text that reads on its cell, rows in `rows` order, full group names; the
    labels of the `highlight` groups (flagged) red and bold; `wrap_x`: column names on two lines (`two_lines`)."""
    data = cells.assign(**{x: cells[x].astype(str)})
    wrap = {"labelExpr": two_lines(x_sort or sorted(set(data[x]))), "labelPadding": 16, "labelLineHeight": 13,
            "labelOverlap": False} if wrap_x else {}
    x_enc = alt.X(f"{x}:O" if temporal else f"{x}:N", title=None, sort=x_sort or "ascending",
                  axis=alt.Axis(labelAngle=0, orient="top", labelLimit=160, **wrap))
    marked = f"indexof({json.dumps(highlight or [])}, datum.value) >= 0"
    y_enc = alt.Y("group_name:N", title=None, sort=rows or "ascending",
                  axis=alt.Axis(labelLimit=LABEL_LIMIT, labelFontSize=12,
                                labelColor=alt.expr(f"{marked} ? '{FLAGGED_RED}' : '#1b1b1b'"),
                                labelFontWeight=alt.expr(f"{marked} ? 'bold' : 'normal'")))
    base = alt.Chart(values(data)).encode(
        x=x_enc, y=y_enc,
        tooltip=[alt.Tooltip("group_name:N", title="group"), alt.Tooltip(f"{x}:N", title=x_title),
                 alt.Tooltip("label:N", title=metric), alt.Tooltip("active_users:Q", title="active people"),
                 alt.Tooltip("people:Q", title=people_title)],
    )
    hot = base.transform_filter("datum.rate !== null").mark_rect(stroke="white", strokeWidth=1).encode(
        color=alt.Color("band:N", scale=level_scale(bands), legend=level_legend(metric)))
    grey = base.transform_filter("datum.rate === null").mark_rect(color=GREY, stroke="white", strokeWidth=1)
    text = base.mark_text(fontSize=11).encode(text="label:N", color=alt.Color("text_colour:N", scale=None))
    return alt.layer(hot, grey, text).resolve_scale(color="independent").properties(
        height=alt.Step(24), width=alt.Step(78))


def _complete(df: pd.DataFrame) -> pd.DataFrame:
    keep = ~df["suppressed"].fillna(False).astype(bool) if "suppressed" in df else pd.Series(True, index=df.index)
    if "complete_week" in df:
        keep &= df["complete_week"].fillna(False).astype(bool)
    return df[keep]


def _rate_y(column: str, title: str | None, top: float = 1.0) -> alt.Y:
    return alt.Y(f"{column}:Q", title=title, axis=alt.Axis(format=PCT, titleLimit=400),
                 scale=alt.Scale(domain=[0, top]))


def trend_by_app(weekly: pd.DataFrame, column: str = "weekly_active_rate") -> alt.Chart:
    """Each complete week's raw weekly active rate per app (lines), from `Reader.weekly`."""
    data = _complete(weekly)[["week_start", "app", column, "eligible_users"]].dropna(subset=[column])
    data = data.assign(app=[apps.label(a) for a in data["app"]])
    return alt.Chart(values(data)).mark_line(point=True).encode(
        x=week_x(data), y=_rate_y(column, None),  # the section heading names it (a long axis title is clipped)
        color=alt.Color("app:N", title="app", sort=[apps.label(a) for a in apps.APPS]),
        tooltip=["app:N", alt.Tooltip("week_start:T", **WEEK_TOOLTIP),
                 alt.Tooltip(f"{column}:Q", title="active that week", format=PCT),
                 alt.Tooltip("eligible_users:Q", title="eligible people")],
    )


def group_trend(group_weeks: pd.DataFrame, column: str = "weekly_active_rate",
                title: str = "weekly active rate (each week)", top: float = 1.0,
                reference: str | None = None) -> alt.Chart:
    """A rate per group and complete week (lines); suppressed or too-small weeks are left out, not drawn as zero.
    The rate axis runs from 0 to `top` (100 %; less for a rate that stays low, such as agent use); the `reference`
    group (the whole tenant, say) is drawn dashed and thicker, to compare the others with."""
    data = _complete(group_weeks)[["week_start", "group_name", column]].dropna(subset=[column])
    marked = alt.datum.group_name == (reference or "")
    return alt.Chart(values(data)).mark_line(point=True).encode(
        x=week_x(data), y=_rate_y(column, None, top),  # the section heading names it (a long title is clipped)
        color=alt.Color("group_name:N", title="group", legend=alt.Legend(labelLimit=LABEL_LIMIT, orient="bottom",
                                                                         columns=2)),
        strokeDash=alt.condition(marked, alt.value([6, 3]), alt.value([1, 0])),
        strokeWidth=alt.condition(marked, alt.value(3), alt.value(2)),
        tooltip=[alt.Tooltip("group_name:N", title="group"), alt.Tooltip("week_start:T", **WEEK_TOOLTIP),
                 alt.Tooltip(f"{column}:Q", title=title, format=PCT)],
    )


def licences(row: pd.Series) -> alt.Chart:
    """Licences on one report date: purchased, assigned, licensed users, active (28 d), inactive, never used."""
    order = [("purchased", "purchased_units"), ("assigned", "assigned_units"), ("licensed users", "licensed_users"),
             ("active (28 days)", "active_28d"), ("inactive (28 days)", "inactive_28d"),
             ("never used", "never_used")]
    data = pd.DataFrame([{"what": label, "count": None if pd.isna(row.get(col)) else int(row[col])}
                         for label, col in order])
    return alt.Chart(values(data)).mark_bar().encode(
        x=alt.X("count:Q", title="licences / users"),
        y=alt.Y("what:N", title=None, sort=[label for label, _ in order]),
        color=alt.Color("what:N", legend=None, sort=[label for label, _ in order]),
        tooltip=["what:N", "count:Q"],
    )


def weekly_metric(weekly: pd.DataFrame, column: str, title: str, fmt: str = ".1f") -> alt.Chart:
    """One weekly metric of the `any` app over complete weeks (active days, prompts, breadth, habit rate)."""
    data = _complete(weekly[weekly["app"] == "any"])[["week_start", column]].dropna(subset=[column])
    return alt.Chart(values(data)).mark_line(point=True).encode(
        x=week_x(data),
        y=alt.Y(f"{column}:Q", title=title, axis=alt.Axis(format=fmt, titleLimit=400)),
        tooltip=[alt.Tooltip("week_start:T", **WEEK_TOOLTIP), alt.Tooltip(f"{column}:Q", title=title, format=fmt)],
    ).properties(height=170)


def weekly_series(series: pd.DataFrame, target: float | None = None, height: int = 200) -> alt.Chart:
    """One group's weekly series: each complete week's raw weekly active rate (labelled "43 %"), flagged weeks in
    red, the target as a dashed rule. `series` has week_start, weekly_active_rate and flagged."""
    data = series[["week_start", "weekly_active_rate", "flagged"]].copy()
    data["flagged"] = data["flagged"].fillna(False).astype(bool)
    data["label"] = [percent(None if pd.isna(r) else float(r)) for r in data["weekly_active_rate"]]
    data = data.dropna(subset=["weekly_active_rate"])
    base = alt.Chart(values(data)).encode(
        x=week_x(data), y=_rate_y("weekly_active_rate", None),
        tooltip=[alt.Tooltip("week_start:T", **WEEK_TOOLTIP), alt.Tooltip("label:N", title="active that week"),
                 alt.Tooltip("flagged:N", title="flagged")])
    line = base.mark_line(color="#4c78a8")
    dots = base.mark_point(size=70, filled=True, opacity=1).encode(
        color=alt.Color("flagged:N", scale=alt.Scale(domain=[False, True], range=["#4c78a8", "#d62728"]),
                        legend=None))
    text = base.mark_text(dy=-11, fontSize=11, color="#333333").encode(text="label:N")
    layers: list[alt.Chart] = [line, dots, text]
    if target is not None:
        rule = alt.Chart(values(pd.DataFrame({"target": [target], "label": [f"target {percent(target)}"]})))
        layers.append(rule.mark_rule(strokeDash=[5, 4], color="#555555").encode(y="target:Q"))
        layers.append(rule.mark_text(align="left", dx=4, dy=-6, fontSize=10, color="#555555").encode(
            y="target:Q", x=alt.value(0), text="label:N"))
    return alt.layer(*layers).properties(height=height)


def idle_cost(cost: pd.DataFrame) -> alt.Chart:
    """The tenant's monthly cost of idle licences on each week's last report date (mart_idle_cost)."""
    data = cost[["week_start", "idle_monthly_cost", "idle_licences"]].dropna(subset=["idle_monthly_cost"])
    currency = str(cost["currency"].iloc[0]) if len(cost) else ""
    return alt.Chart(values(data)).mark_line(point=True).encode(
        x=week_x(data),
        # the metric above the chart names it; the axis says only the unit (a longer title is clipped at this height)
        y=alt.Y("idle_monthly_cost:Q", title=f"{currency} a month", axis=alt.Axis(format=",.0f", titleLimit=400)),
        tooltip=[alt.Tooltip("week_start:T", **WEEK_TOOLTIP),
                 alt.Tooltip("idle_monthly_cost:Q", title=f"{currency} a month", format=",.0f"),
                 alt.Tooltip("idle_licences:Q", title="idle licences")],
    ).properties(height=200)
