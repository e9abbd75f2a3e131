"""Pure chart builders: DataFrame in, Altair chart out (tested through their Vega-Lite spec).

Rates are 0..1 and shown as percentages. A suppressed cell (a group below the minimum size) never carries a
number: it is drawn grey and labelled "suppressed", never as zero.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

SUPPRESSED = "suppressed"
NO_DATA = "no data"
HEAT_SCHEME = "yelloworangered"  # cold (pale) to hot (red)
PCT = ".0%"
WEEK_TOOLTIP = {"title": "week starting", "format": "%a %d %b %Y", "formatType": "utc"}


def week_x(data: pd.DataFrame) -> alt.X:
    """The time axis of a weekly series, labelled as dates ("09 Nov"); tooltips name the week's Monday."""
    return alt.X("week_start:T", title="week starting", axis=alt.Axis(format="%d %b", labelAngle=0))


def _rate_label(rate: object, suppressed: object) -> str:
    if bool(suppressed):
        return SUPPRESSED
    if rate is None or pd.isna(rate):
        return NO_DATA
    return f"{float(rate):.0%}"


def values(df: pd.DataFrame) -> alt.InlineData:
    """Inline chart data with missing values as JSON null (never NaN, which is not JSON) and dates as ISO text."""
    rows = []
    for rec in df.to_dict("records"):
        rows.append({k: _plain(v) for k, v in rec.items()})
    return alt.InlineData(values=rows)


def _plain(v: object) -> object:
    if v is None or (not isinstance(v, str | bool) and pd.isna(v)):
        return None
    if isinstance(v, pd.Timestamp):
        return v.date().isoformat()
    if hasattr(v, "item"):  # numpy scalars
        return v.item()
    return v


def heatmap_cells(df: pd.DataFrame, x: str, rate: str, active: str) -> pd.DataFrame:
    """The cells of a heatmap: group, x, rate (None when suppressed), label, licensed and active counts."""
    out = pd.DataFrame({
        "group_name": df["group_name"].astype(str),
        x: df[x],
        "licensed_users": df["licensed_users"].astype("Int64"),
        "active_users": df[active].astype("Int64"),
        "suppressed": df["suppressed"].fillna(False).astype(bool),
    })
    out["rate"] = [None if s or pd.isna(r) else float(r) for r, s in zip(df[rate], out["suppressed"], strict=True)]
    out["label"] = [_rate_label(r, s) for r, s in zip(out["rate"], out["suppressed"], strict=True)]
    # suppressed groups show no counts either (the mart has none, make sure nothing slips through)
    out.loc[out["suppressed"], ["licensed_users", "active_users"]] = pd.NA
    return out


def heatmap(cells: pd.DataFrame, x: str, x_title: str, x_sort: list[str] | None = None) -> alt.Chart:
    """Group × `x` heatmap from `heatmap_cells`: colour by rate, grey 'suppressed' cells, counts in tooltips."""
    data = cells.assign(**{x: cells[x].astype(str)})
    x_enc = alt.X(f"{x}:N", title=x_title, sort=x_sort or "ascending", axis=alt.Axis(labelAngle=-40))
    base = alt.Chart(values(data)).encode(
        x=x_enc,
        y=alt.Y("group_name:N", title=None, sort="ascending"),
        tooltip=[alt.Tooltip("group_name:N", title="group"), alt.Tooltip(f"{x}:N", title=x_title),
                 alt.Tooltip("label:N", title="active rate"),
                 alt.Tooltip("active_users:Q", title="active users"),
                 alt.Tooltip("licensed_users:Q", title="licensed users")],
    )
    hot = base.transform_filter("datum.rate !== null").mark_rect().encode(
        color=alt.Color("rate:Q", title="active rate", scale=alt.Scale(scheme=HEAT_SCHEME, domain=[0, 1]),
                        legend=alt.Legend(format=PCT)))
    grey = base.transform_filter("datum.rate === null").mark_rect(color="#d9d9d9")
    text = base.mark_text(fontSize=10).encode(text="label:N")
    return alt.layer(hot, grey, text).properties(height=alt.Step(22))


def trend_by_app(weekly: pd.DataFrame) -> alt.Chart:
    """Weekly active rate per app (lines), from `Reader.weekly`."""
    data = weekly[~weekly["suppressed"].fillna(False).astype(bool)][["week_start", "app", "active_rate",
                                                                      "active_users", "licensed_users"]]
    return alt.Chart(values(data)).mark_line(point=True).encode(
        x=week_x(data),
        y=alt.Y("active_rate:Q", title="weekly active rate", axis=alt.Axis(format=PCT), scale=alt.Scale(domain=[0, 1])),
        color=alt.Color("app:N", title="app"),
        tooltip=["app:N", alt.Tooltip("week_start:T", **WEEK_TOOLTIP), alt.Tooltip("active_rate:Q", format=PCT),
                 "active_users:Q", "licensed_users:Q"],
    )


def group_trend(group_weeks: pd.DataFrame) -> alt.Chart:
    """Weekly active rate per group (lines); suppressed weeks are left out, not drawn as zero."""
    data = group_weeks[~group_weeks["suppressed"].fillna(False).astype(bool)][
        ["week_start", "group_name", "active_rate", "active_users", "licensed_users"]]
    return alt.Chart(values(data)).mark_line(point=True).encode(
        x=week_x(data),
        y=alt.Y("active_rate:Q", title="weekly active rate", axis=alt.Axis(format=PCT), scale=alt.Scale(domain=[0, 1])),
        color=alt.Color("group_name:N", title="group"),
        tooltip=[alt.Tooltip("group_name:N", title="group"), alt.Tooltip("week_start:T", **WEEK_TOOLTIP),
                 alt.Tooltip("active_rate:Q", format=PCT), "active_users:Q", "licensed_users:Q"],
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
    """One weekly metric of the `any` app (active days per user, prompts per user, breadth, habit rate)."""
    data = weekly[(weekly["app"] == "any") & ~weekly["suppressed"].fillna(False).astype(bool)][["week_start", column]]
    return alt.Chart(values(data)).mark_line(point=True).encode(
        x=week_x(data),
        y=alt.Y(f"{column}:Q", title=title, axis=alt.Axis(format=fmt)),
        tooltip=[alt.Tooltip("week_start:T", **WEEK_TOOLTIP), alt.Tooltip(f"{column}:Q", title=title, format=fmt)],
    ).properties(height=160)


def group_weekly_rate(weekly: pd.DataFrame, target: float | None = None) -> alt.Chart:
    """One group's weekly active rate (the stagnation rule's input), flagged weeks marked, target as a rule."""
    data = weekly[["week_start", "active_rate", "flagged"]].copy()
    data["flagged"] = data["flagged"].fillna(False).astype(bool)
    line = alt.Chart(values(data)).mark_line(point=True).encode(
        x=week_x(data),
        y=alt.Y("active_rate:Q", title="weekly active rate", axis=alt.Axis(format=PCT), scale=alt.Scale(domain=[0, 1])),
        tooltip=[alt.Tooltip("week_start:T", **WEEK_TOOLTIP), alt.Tooltip("active_rate:Q", format=PCT), "flagged:N"],
    )
    marks = line.mark_point(size=80, filled=True).encode(
        color=alt.Color("flagged:N", scale=alt.Scale(domain=[False, True], range=["#4c78a8", "#d62728"])))
    layers = [line, marks]
    if target is not None:
        layers.append(alt.Chart(pd.DataFrame({"target": [target]})).mark_rule(strokeDash=[4, 4]).encode(y="target:Q"))
    return alt.layer(*layers).properties(height=200)
