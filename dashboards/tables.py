"""Tables a person reads: labelled columns, whole percentages as the mails print them, dates as dates, and "–"
for anything missing (never None, NaN, NaT or 00:00:00)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd

from warehouse.levels import STATUS_LABEL, percent

MISSING = "–"
Column = tuple[str, str, str]  # (source column, label, kind)
KINDS = ("text", "int", "pct", "pts", "date", "month", "datetime", "status", "float", "bool")


def _missing(v: object) -> bool:
    return v is None or (not isinstance(v, str | bool | list | tuple) and pd.isna(v))


def cell(value: object, kind: str) -> str:
    """One value as text for a reader."""
    return MISSING if _missing(value) else _text(value, kind)


def _text(value: object, kind: str) -> str:
    """A value known not to be missing as text of its kind."""
    if kind == "int":
        return f"{int(value):,}"
    if kind == "float":
        return f"{float(value):.1f}"
    if kind == "pct":
        return percent(float(value))
    if kind == "pts":
        pts = float(value)
        return "no change" if round(pts) == 0 else f"{pts:+.0f} pts"
    if kind == "date":
        return f"{pd.Timestamp(value):%d %b %Y}"
    if kind == "month":
        return f"{pd.Timestamp(value):%B %Y}"
    if kind == "datetime":
        ts = pd.Timestamp(value)
        return f"{ts:%d %b %Y}" if ts.time() == dt.time() else f"{ts:%d %b %Y %H:%M}"
    if kind == "status":
        return STATUS_LABEL.get(str(value), str(value).replace("_", " "))
    if kind == "bool":
        return "yes" if bool(value) else "no"
    text = str(value).strip()
    return text or MISSING


def readable(df: pd.DataFrame, columns: Sequence[Column]) -> pd.DataFrame:
    """`df` with only `columns`, each renamed to its label and written out as text of its kind."""
    out: dict[str, list[str]] = {}
    for source, label, kind in columns:
        if kind not in KINDS:
            raise ValueError(f"unknown column kind {kind!r}")
        out[label] = _column(df[source], kind) if source in df else [MISSING] * len(df)
    return pd.DataFrame(out, columns=list(out))


def _column(values: pd.Series, kind: str) -> list[str]:
    """A column as text (the missing ones found at once, the values read as Python objects in one go: a table of
    the manager teams of a large tenant has ten thousand rows)."""
    missing = values.isna().tolist()
    return [MISSING if m else _text(v, kind) for v, m in zip(values.tolist(), missing, strict=True)]


def numeric(df: pd.DataFrame, columns: Sequence[Column]) -> pd.DataFrame:
    """`df` with only `columns` for a CSV download: numbers stay numbers (percentages as 0-100 and points rounded
    to one decimal), under the readable table's labels with the unit named ("active rate (%)")."""
    out = df[[c for c, _, _ in columns]].copy()
    for c, _, kind in columns:
        if kind == "pct":
            out[c] = (out[c] * 100).round(1)
        elif kind == "pts":
            out[c] = out[c].round(1)
    out.columns = [f"{label} (%)" if kind == "pct" else (f"{label} (pts)" if kind == "pts" else label)
                   for _, label, kind in columns]
    return out


def change(points: float | None) -> str | None:
    """A change in points for st.metric's delta: None (no arrow) when unknown, "no change" when it rounds to 0."""
    return None if _missing(points) else cell(points, "pts")
