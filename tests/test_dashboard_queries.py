"""The dashboard's group reads on the shared model warehouse (2,500 users): only the picked groups come back, the
default is the largest groups, and the cheap history query counts what the per-group marts hold."""

from __future__ import annotations

import pytest
from conftest import query

from benchmarks import measure
from dashboards.queries import DEFAULT_GROUPS, Reader


@pytest.fixture(scope="module")
def reader(model_warehouse) -> Reader:
    return Reader(model_warehouse[0].warehouse.path, ttl=3600)


@pytest.fixture(scope="module")
def managers(reader) -> list[str]:
    names = reader.group_names("manager")
    assert len(names) > DEFAULT_GROUPS  # else "every group" and "the default" could not be told apart
    return names


def test_group_names_are_every_group_of_the_latest_report_date(model_warehouse, reader, managers):
    cfg = model_warehouse[0]
    expected = [g for (g,) in query(cfg, "select distinct group_name from mart_usage_by_group where dimension = "
                                         "'manager' and as_of = (select max(as_of) from mart_usage_by_group) "
                                         "order by 1")]
    assert managers == expected


def test_only_the_picked_groups_are_read(model_warehouse, reader, managers):
    cfg = model_warehouse[0]
    picked = [managers[0], managers[len(managers) // 2], managers[-1]]
    weeks = reader.group_weeks("manager", "teams", picked)
    assert set(weeks["group_name"]) == set(picked)
    expected = query(cfg, "select group_name, week_start from mart_adoption_weekly where dimension = 'manager' "
                          "and app = 'teams' and complete_week and list_contains(?, group_name) order by 1, 2",
                     [picked])
    assert [(g, w.date()) for g, w in zip(weeks["group_name"], weeks["week_start"], strict=True)] == expected

    heat = reader.heatmap_apps("manager", picked)
    assert set(heat["group_name"]) == set(picked)
    assert len(heat) == query(cfg, "select count(*) from mart_acceptance_heatmap where dimension = 'manager' "
                                   "and list_contains(?, group_name)", [picked])[0][0]
    assert reader.heatmap_apps("manager", ["No such team"]).empty


def test_with_none_picked_the_flagged_then_the_largest_groups_are_read(model_warehouse, reader, managers):
    cfg = model_warehouse[0]
    rank = {g: (bool(f), i or 0, e or -1, n or -1) for g, f, i, e, n in query(
        cfg, "select group_name, coalesce(flagged, false), impact, eligible_users, licensed_users "
             "from mart_acceptance_heatmap where dimension = 'manager' and app = 'any'")}
    for df in (reader.heatmap_apps("manager"), reader.group_weeks("manager", "any")):
        shown = set(df["group_name"])
        assert len(shown) == DEFAULT_GROUPS
        assert min(rank[g] for g in shown) >= max(rank[g] for g in set(rank) - shown)
    assert reader.heatmap_apps("department", top=3)["group_name"].nunique() == 3
    assert measure.PARAMS["top"] == f"select {DEFAULT_GROUPS}"  # the benchmark times what the page reads


def test_history_counts_what_the_per_group_marts_hold(model_warehouse, reader):
    cfg = model_warehouse[0]
    h = reader.history().iloc[0]
    first, last, dates = query(cfg, "select min(as_of), max(as_of), count(distinct as_of) from mart_usage_by_group")[0]
    weeks, complete = query(cfg, "select count(distinct week_start), count(distinct week_start) filter "
                                 "(where complete_week) from mart_adoption_weekly")[0]
    assert (h["first_as_of"].date(), h["last_as_of"].date(), h["report_dates"]) == (first, last, dates)
    assert (h["weeks"], h["complete_weeks"]) == (weeks, complete)
    assert dates > 20 and weeks >= 5 and complete >= 4
