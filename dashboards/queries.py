"""Every read of the dashboard: cached, parameterised SQL from `dashboards/sql/*.sql` over short read-only connections.

No connection is ever held between queries (an open reader would block the collector's single writer). When a
collection holds the file, a query retries briefly, then falls back to the last good result of the same query;
with none, it raises `Refreshing` and the page says so instead of crashing.
"""

from __future__ import annotations

import datetime as dt
import functools
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import streamlit as st

from warehouse import db

SQL_DIR = Path(__file__).with_name("sql")
DEFAULT_GROUPS = 40  # groups a heatmap shows when none are picked: flagged first, then the largest (readable rows)
RETRY_SECONDS = 2.0
_last_good: dict[tuple, pd.DataFrame] = {}
_last_good_lock = threading.Lock()


class Refreshing(Exception):
    """The warehouse is being written right now and no earlier result of this query is at hand."""


@functools.cache
def sql(name: str) -> str:
    """The text of `dashboards/sql/<name>.sql`."""
    return (SQL_DIR / f"{name}.sql").read_text()


def read(path: str, name: str, params: dict[str, Any] | None = None) -> pd.DataFrame:
    """Run one named query read-only; retry briefly while the file is locked; missing tables give no rows."""
    try:  # warehouse.db waits while a writer holds the file or announced it wants it (no reader starves it)
        with db.reading(path, wait_seconds=RETRY_SECONDS) as con:
            try:  # list parameters travel as tuples (hashable cache keys); DuckDB binds lists
                return con.execute(sql(name), {k: list(v) if isinstance(v, tuple) else v
                                               for k, v in (params or {}).items()}).df()
            except duckdb.CatalogException:  # a warehouse not transformed yet (or by an older version)
                return pd.DataFrame()
    except db.NOT_OPENED as e:
        raise Refreshing(str(e)) from None


@st.cache_data(ttl=86400, show_spinner=False, max_entries=512)
def _cached(path: str, name: str, params: tuple, bucket: int) -> pd.DataFrame:
    return read(path, name, dict(params))


def query(path: str, name: str, ttl: int, **params: Any) -> pd.DataFrame:
    """A cached query result (at most `ttl` seconds old); the last good one while the warehouse is locked."""
    key = (path, name, tuple(sorted((k, tuple(v) if isinstance(v, (list, tuple)) else v)
                                    for k, v in params.items())))
    try:
        # the time bucket is part of the key, so the configured TTL applies without a decorator-time constant
        df = _cached(path, name, key[2], int(time.time() // ttl))
    except Refreshing:
        with _last_good_lock:
            if key in _last_good:
                return _last_good[key]
        raise
    with _last_good_lock:
        _last_good[key] = df
    return df


def clear() -> None:
    """Forget cached results (after an edit, so the page shows it at once)."""
    _cached.clear()


class Reader:
    """The named queries of the dashboard against one warehouse with one cache TTL."""

    def __init__(self, path: str, ttl: int) -> None:
        self.path, self.ttl = path, ttl

    def _q(self, name: str, **params: Any) -> pd.DataFrame:
        return query(self.path, name, self.ttl, **params)

    def freshness(self) -> tuple[dt.date | None, dt.date | None]:
        """(newest report date in the model, date of the newest collection run)."""
        df = self._q("as_of")
        if df.empty:
            return None, None
        return _date(df.at[0, "as_of"]), _date(df.at[0, "newest_run"])

    def tenant_kpis(self, as_of: dt.date) -> pd.DataFrame:
        """Tenant licensed/active users for 7 and 28 days on `as_of`."""
        return self._q("tenant_kpis", as_of=as_of)

    def weekly(self, dimension: str, group_name: str) -> pd.DataFrame:
        """Weekly adoption per app of one group (dimension 'tenant', group 'Tenant' for the tenant)."""
        return self._q("weekly", dimension=dimension, group_name=group_name)

    def licences(self) -> pd.DataFrame:
        """Purchased, assigned, licensed, active and never-used licences per report date."""
        return self._q("licences")

    def licence_activation(self, dimension: str) -> pd.DataFrame:
        """Activation within 14 / 30 days of the licence assignment per group of a dimension, and the tenant."""
        return self._q("licence_activation", dimension=dimension)

    def licence_cohorts(self, dimension: str, group_name: str) -> pd.DataFrame:
        """One group's licence cohorts by month of assignment: active 30 / 60 / 90 days later."""
        return self._q("licence_cohorts", dimension=dimension, group_name=group_name)

    def groups(self, as_of: dt.date, dimension: str, app: str, window_days: int) -> pd.DataFrame:
        """Groups of a dimension with their rate now and one window earlier."""
        return self._q("groups", as_of=as_of, dimension=dimension, app=app, window_days=window_days)

    def group_names(self, dimension: str) -> list[str]:
        """Every group of a dimension on the latest report date, by name (the group picker's choices)."""
        df = self._q("group_names", dimension=dimension)
        return list(df["group_name"]) if not df.empty else []

    def group_weeks(self, dimension: str, app: str, groups: Sequence[str] = (),
                    top: int = DEFAULT_GROUPS) -> pd.DataFrame:
        """Group × complete week rates for one app of `groups`, or with none given, of the `top` that matter."""
        return self._q("group_weeks", dimension=dimension, app=app, groups=tuple(groups), top=top)

    def heatmap_apps(self, dimension: str, groups: Sequence[str] = (), top: int = DEFAULT_GROUPS) -> pd.DataFrame:
        """Group × app headline and levels (latest complete week) of `groups`, or of the `top` that matter."""
        return self._q("heatmap_apps", dimension=dimension, groups=tuple(groups), top=top)

    def apps(self) -> list[str]:
        """The apps the latest report date has (a v1 tenant has no v2 apps), in no particular order."""
        df = self._q("apps")
        return list(df["app"]) if not df.empty else []

    def groups_headline(self, dimension: str, app: str = "any") -> pd.DataFrame:
        """Groups of a dimension with the headline of the latest complete week and of the lookback before it."""
        return self._q("groups_headline", dimension=dimension, app=app)

    def group_status(self, week_start: dt.date, dimension: str, groups: Sequence[str]) -> pd.DataFrame:
        """The stagnation rule's result in one week for some groups of a dimension, with their live champion."""
        return self._q("group_status", week_start=week_start, dimension=dimension, groups=tuple(groups))

    def group_series(self, week_start: dt.date, dimension: str, groups: Sequence[str]) -> pd.DataFrame:
        """Each complete week's raw weekly active rate (and the rolling headline) of some groups, up to a week."""
        return self._q("group_series", week_start=week_start, dimension=dimension, groups=tuple(groups))

    def attention(self, week_start: dt.date) -> pd.DataFrame:
        """The week's flagged groups, unowned first, then by people short of target."""
        return self._q("attention", week_start=week_start)

    def stagnation_weeks(self) -> list[dt.date]:
        """Weeks with stagnation results, newest first."""
        df = self._q("stagnation_weeks")
        return [_date(v) for v in df["week_start"]] if not df.empty else []

    def stagnation(self, week_start: dt.date) -> pd.DataFrame:
        """The rule's result for every group in one week, flagged first."""
        return self._q("stagnation", week_start=week_start)

    def last_runs(self) -> pd.DataFrame:
        """The last run of each report."""
        return self._q("last_runs")

    def data_status(self) -> pd.DataFrame:
        """Concealment and group-view availability per report date, newest first."""
        return self._q("data_status")

    def imports(self) -> pd.DataFrame:
        """Imported admin-center files, newest first."""
        return self._q("imports")

    def retention(self) -> pd.DataFrame:
        """Since when per-user rows and aggregates are kept, and whether identities are pseudonymised."""
        return self._q("retention")

    def history(self) -> pd.DataFrame:
        """Report dates and weeks collected."""
        return self._q("history")

    def licence_candidates(self) -> pd.DataFrame:
        """Reclaim candidates, one row per person (admin-only page)."""
        return self._q("licence_candidates")

    def reallocation_candidates(self) -> pd.DataFrame:
        """Reallocation candidates, ranked (admin-only page)."""
        return self._q("reallocation_candidates")

    def idle_cost(self, dimension: str = "tenant") -> pd.DataFrame:
        """The monthly cost of idle licences per week of each group of a dimension."""
        return self._q("idle_cost", dimension=dimension)

    def licence_exports(self) -> pd.DataFrame:
        """The recorded CSV downloads of the licence lists, newest first."""
        return self._q("licence_exports")

    def champions(self) -> pd.DataFrame:
        """Champions and their groups."""
        return self._q("champions")


def _date(v: Any) -> dt.date | None:
    if v is None or pd.isna(v):
        return None
    return pd.Timestamp(v).date()
