"""The dashboard's pure parts: chart builders through their Vega-Lite spec, CSV safety, markdown escaping, URL
week parsing and roles."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pandas as pd

from dashboards import cards, charts, heat, links, tables
from dashboards.access import ADMIN, CHAMPION, VIEWER, resolve_viewer, viewer_as
from dashboards.downloads import safe_csv
from dashboards.filters import parse_week
from dashboards.text import md
from warehouse.config import DashboardConfig
from warehouse.levels import COLOURS, GREY, LEVELS, TEXT_COLOURS, Bands


def _rows(spec: dict) -> list[dict]:
    return [r for rows in spec.get("datasets", {}).values() for r in rows] + spec.get("data", {}).get("values", [])


def test_heatmap_shows_grey_cells_as_words_never_as_zero_with_the_levels_colours():
    bands = Bands(0.2, 0.4, 0.6)
    df = pd.DataFrame({"group_name": ["Big", "Big", "Tiny", "Small"], "app": ["word", "excel", "word", "word"],
                       "eligible_users": [40, 40, None, None], "active_rate": [0.65, 0.0, None, None],
                       "level": ["hot", "cold", "suppressed", "too_small"],
                       "suppressed": [False, False, True, False]})
    cells = charts.heatmap_cells(df, "app", "active_rate", None, bands)
    spec = charts.heatmap(cells, "app", "app", bands, rows=["Big", "Small", "Tiny"], highlight=["Big"]).to_dict()
    rows = {(r["group_name"], r["app"]): r for r in _rows(spec)}
    assert rows[("Tiny", "word")]["rate"] is None and rows[("Tiny", "word")]["label"] == "suppressed"
    assert rows[("Small", "word")]["rate"] is None and rows[("Small", "word")]["label"] == "too small"
    assert rows[("Tiny", "word")]["people"] is None
    assert rows[("Big", "excel")]["rate"] == 0.0 and rows[("Big", "excel")]["label"] == "0 %"  # a real zero
    assert rows[("Big", "word")]["label"] == "65 %" and rows[("Big", "word")]["text_colour"] == TEXT_COLOURS["hot"]
    assert rows[("Big", "excel")]["text_colour"] == TEXT_COLOURS["cold"]
    assert rows[("Big", "word")]["band"] == bands.legend()[3]
    hot, grey, text = spec["layer"]
    assert hot["mark"]["type"] == "rect" and hot["encoding"]["color"]["field"] == "band"
    assert hot["encoding"]["color"]["scale"] == {"domain": bands.legend(), "range": [COLOURS[lv] for lv in LEVELS]}
    assert "datum.rate === null" in json.dumps(grey["transform"]) and grey["mark"]["color"] == GREY
    assert text["encoding"]["text"]["field"] == "label" and text["encoding"]["color"]["field"] == "text_colour"
    y = hot["encoding"]["y"]
    assert y["sort"] == ["Big", "Small", "Tiny"]  # the order given, not alphabetical
    assert y["axis"]["labelLimit"] >= 500  # full manager team names
    assert '"Big"' in y["axis"]["labelColor"]["expr"]
    assert "NaN" not in charts.heatmap(cells, "app", "app", bands).to_json()


def test_heatmap_rows_follow_the_headline():
    heat_df = pd.DataFrame({"group_name": ["A", "B", "C", "A"], "app": ["any", "any", "any", "word"],
                            "active_rate": [0.3, None, 0.5, 0.9], "flagged": [True, False, False, None]})
    assert heat.row_order(heat_df) == ["C", "A", "B"]
    assert heat.flagged_names(heat_df) == {"A"}


def test_trend_charts_leave_suppressed_and_incomplete_weeks_out_with_weekly_ticks():
    weeks = pd.to_datetime(["2026-11-09", "2026-11-16", "2026-11-23"])
    df = pd.DataFrame({"week_start": list(weeks) * 2, "group_name": ["A"] * 3 + ["B"] * 3,
                       "weekly_active_rate": [0.2, 0.3, 0.1, None, None, None],
                       "complete_week": [True, True, False] * 2,
                       "suppressed": [False, False, False, True, True, True]})
    spec = charts.group_trend(df).to_dict()
    rows = _rows(spec)
    assert {r["group_name"] for r in rows} == {"A"} and [r["week_start"] for r in rows] == ["2026-11-09", "2026-11-16"]
    assert spec["encoding"]["x"]["type"] == "temporal" and spec["encoding"]["y"]["axis"]["format"] == ".0%"
    ticks = spec["encoding"]["x"]["axis"]["values"]
    assert [(t["month"], t["date"]) for t in ticks] == [(11, 9), (11, 16)]


def test_weekly_series_labels_each_week_and_draws_the_target():
    df = pd.DataFrame({"week_start": pd.to_datetime(["2026-11-09", "2026-11-16"]),
                       "weekly_active_rate": [0.43, 0.57], "flagged": [False, True]})
    spec = charts.weekly_series(df, 0.6).to_dict()
    assert [r["label"] for r in _rows(spec) if "label" in r and "week_start" in r] == ["43 %", "57 %"]
    assert any(layer["mark"].get("strokeDash") for layer in spec["layer"] if isinstance(layer["mark"], dict))


def test_readable_tables_and_changes():
    df = pd.DataFrame({"d": [pd.Timestamp("2026-11-16"), None], "r": [0.394, None], "s": ["on_track", None],
                       "p": [0.3, -2.6], "t": [pd.Timestamp("2026-11-16 09:30"), pd.NaT]})
    out = tables.readable(df, [("d", "week", "date"), ("r", "rate", "pct"), ("s", "status", "status"),
                               ("p", "change", "pts"), ("t", "when", "datetime")])
    assert out.to_dict("list") == {"week": ["16 Nov 2026", "–"], "rate": ["39 %", "–"], "status": ["on track", "–"],
                                   "change": ["no change", "-3 pts"], "when": ["16 Nov 2026 09:30", "–"]}
    assert tables.change(0.2) == "no change" and tables.change(-0.4) == "no change" and tables.change(1.6) == "+2 pts"
    assert tables.change(None) is None


def test_summary_and_links_speak_the_mails_language():
    assert cards.summary(["on_track", "flagged", "flagged"]) == "Your 3 groups: 2 flagged, 1 on track"
    assert cards.summary(["flagged"], "") == "1 group: 1 flagged"
    assert cards.headline_caption(4, dt.date(2026, 11, 16)) == (
        "weekly active rate, average of the 4 complete weeks to 22 Nov 2026")
    link = links.group_link("manager", ["Noor (noor@c.com)", "R&D"], dt.date(2026, 11, 16), base="https://d.example/")
    assert link == ("https://d.example/my-groups?dimension=manager&group=Noor%20%28noor%40c.com%29&group=R%26D"
                    "&week=2026-11-16")


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
    champs = champs.assign(champion_name=["Chris", "Chris"])
    seen = viewer_as("CHRIS@contoso.com", champs)
    assert seen.role == CHAMPION and seen.groups == chris.groups and seen.viewed_as and seen.name == "Chris"
    assert viewer_as("ada@contoso.com", champs).role == VIEWER  # never an admin: exactly a champion's view


def test_a_picker_with_thousands_of_groups_lists_the_picked_and_the_matches_of_a_search():
    from streamlit.testing.v1 import AppTest

    def page() -> None:
        import streamlit as st

        from dashboards import filters

        names = [f"Team {i:05d} (lead{i}@contoso.example)" for i in range(3000)]
        st.session_state["picked"] = filters.groups(names, default=[names[2999]])

    at = AppTest.from_function(page).run()
    assert not at.exception
    from dashboards.filters import PICK_LIMIT
    listed = at.multiselect[0].options
    assert len(listed) == PICK_LIMIT + 1 and listed[0] == "Team 02999 (lead2999@contoso.example)"  # the pick first
    assert at.session_state["picked"] == ["Team 02999 (lead2999@contoso.example)"]
    assert "3,000 groups; the list shows the first 250" in at.caption[0].value
    at.text_input(key="group_search").input("lead1234@").run()
    assert at.multiselect[0].options == ["Team 02999 (lead2999@contoso.example)",
                                         "Team 01234 (lead1234@contoso.example)"]
    at.multiselect[0].select("Team 01234 (lead1234@contoso.example)").run()
    assert at.session_state["picked"] == ["Team 02999 (lead2999@contoso.example)",
                                          "Team 01234 (lead1234@contoso.example)"]
    assert at.query_params["group"] == at.session_state["picked"]
    assert at.caption[0].value == "1 group matches 'lead1234@'."
