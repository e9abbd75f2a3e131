"""The dashboard's pure parts: chart builders through their Vega-Lite spec, CSV safety, markdown escaping, URL
week parsing and roles."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pandas as pd

from dashboards import charts
from dashboards.access import ADMIN, CHAMPION, VIEWER, resolve_viewer
from dashboards.downloads import safe_csv
from dashboards.filters import parse_week
from dashboards.text import md
from warehouse.config import DashboardConfig


def _rows(spec: dict) -> list[dict]:
    return [r for rows in spec.get("datasets", {}).values() for r in rows] + spec.get("data", {}).get("values", [])


def test_heatmap_shows_suppressed_cells_as_such_never_as_zero():
    df = pd.DataFrame({"group_name": ["Big", "Big", "Tiny"], "app": ["word", "excel", "word"],
                       "licensed_users": [40, 40, None], "active_users_28d": [10, 0, None],
                       "active_rate_28d": [0.25, 0.0, None], "suppressed": [False, False, True]})
    cells = charts.heatmap_cells(df, "app", "active_rate_28d", "active_users_28d")
    spec = charts.heatmap(cells, "app", "app").to_dict()
    rows = {(r["group_name"], r["app"]): r for r in _rows(spec)}
    assert rows[("Tiny", "word")]["rate"] is None and rows[("Tiny", "word")]["label"] == "suppressed"
    assert rows[("Tiny", "word")]["licensed_users"] is None and rows[("Tiny", "word")]["active_users"] is None
    assert rows[("Big", "excel")]["rate"] == 0.0 and rows[("Big", "excel")]["label"] == "0%"  # a real zero
    hot, grey, text = spec["layer"]
    assert hot["mark"]["type"] == "rect" and hot["encoding"]["color"]["field"] == "rate"
    assert hot["encoding"]["color"]["scale"] == {"scheme": "yelloworangered", "domain": [0, 1]}
    assert "datum.rate === null" in json.dumps(grey["transform"]) and grey["mark"]["color"] == "#d9d9d9"
    assert text["encoding"]["text"]["field"] == "label"
    tooltip = {t["field"] for t in hot["encoding"]["tooltip"]}
    assert {"active_users", "licensed_users", "label"} <= tooltip
    assert "NaN" not in charts.heatmap(cells, "app", "app").to_json()


def test_trend_charts_leave_suppressed_weeks_out():
    weeks = pd.to_datetime(["2026-11-09", "2026-11-16"])
    df = pd.DataFrame({"week_start": list(weeks) * 2, "group_name": ["A", "A", "B", "B"],
                       "active_rate": [0.2, 0.3, None, None], "active_users": [2, 3, None, None],
                       "licensed_users": [10, 10, None, None], "suppressed": [False, False, True, True]})
    spec = charts.group_trend(df).to_dict()
    rows = _rows(spec)
    assert {r["group_name"] for r in rows} == {"A"} and rows[0]["week_start"] == "2026-11-09"
    assert spec["encoding"]["x"]["type"] == "temporal" and spec["encoding"]["y"]["axis"]["format"] == ".0%"


def test_licences_chart_orders_the_funnel():
    row = pd.Series({"purchased_units": 100, "assigned_units": 90, "licensed_users": 88, "active_28d": 60,
                     "inactive_28d": 20, "never_used": 8})
    spec = charts.licences(row).to_dict()
    assert [r["count"] for r in _rows(spec)] == [100, 90, 88, 60, 20, 8]
    assert spec["encoding"]["y"]["sort"][0] == "purchased"


def test_csv_cells_cannot_run_as_formulas():
    df = pd.DataFrame({"group_name": ['=HYPERLINK("http://x","y")', "+1", "-2", "@SUM(A1)", "\tx", "\rx", "Legal"],
                       "change_points": [-5.0, 1, 2, 3, 4, 5, 6]})
    rows = list(csv.reader(io.StringIO(safe_csv(df), newline="")))[1:]
    want = ["'=HYPERLINK(\"http://x\",\"y\")", "'+1", "'-2", "'@SUM(A1)", "'\tx", "'\rx", "Legal"]
    assert [r[0] for r in rows] == want
    assert rows[0][1] == "-5.0"  # numbers stay numbers


def test_markdown_escaping_keeps_names_literal():
    assert md("<script>alert(1)</script>") == "&lt;script&gt;alert\\(1\\)&lt;/script&gt;"
    assert md("**md** [x](javascript:y)") == "\\*\\*md\\*\\* \\[x\\]\\(javascript\\:y\\)"
    assert md("a\nb") == "a b"


def test_week_parameter_accepts_a_date_or_an_iso_week():
    assert parse_week("2026-W47") == dt.date(2026, 11, 16)
    assert parse_week("2026-11-19") == dt.date(2026, 11, 16)
    assert parse_week("garbage") is None and parse_week("2026-W99") is None and parse_week(None) is None


def test_roles_from_config_and_champions():
    cfg = DashboardConfig(auth="entra", admins=["Ada@Contoso.com"], admin_groups=["g-admins"])
    champs = pd.DataFrame({"dimension": ["department", "manager"], "group_name": ["Legal", "Noor (noor@c.com)"],
                           "champion_email": ["chris@contoso.com", "chris@contoso.com"]})
    assert resolve_viewer(cfg, {"email": "ada@contoso.com"}, champs).role == ADMIN
    assert resolve_viewer(cfg, {"preferred_username": "x@c.com", "groups": ["g-admins"]}, champs).role == ADMIN
    chris = resolve_viewer(cfg, {"email": "Chris@Contoso.com"}, champs)
    assert chris.role == CHAMPION and chris.can_see("department", "Legal") and not chris.can_see("department", "IT")
    assert chris.can_see("tenant", "Tenant")
    df = pd.DataFrame({"group_name": ["Legal", "IT"], "x": [1, 2]})
    assert list(chris.visible(df, "department")["group_name"]) == ["Legal"]
    assert resolve_viewer(cfg, {"email": "someone@c.com"}, champs).role == VIEWER
    assert resolve_viewer(cfg, {}, champs).role == VIEWER
