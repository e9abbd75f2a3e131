"""True licence dates: licensed_since is the Copilot plan's assignment date, eligibility waits for it, and the
activation and cohort marts equal the simulator's ground truth (five weeks collected, days 35..69)."""

from __future__ import annotations

import numpy as np
import pytest
from simulated_warehouse import DAYS, FIRST

from connector.simulator.tenant import DEPARTMENTS
from tests.conftest import query as q


def truth(t) -> list[dict]:
    """Per person with a Copilot licence in the collected period: assignment day, department of the last collected
    day they held it, and their Copilot days (the simulator's own activity record)."""
    t.state(DAYS - 1)
    out = []
    for i in range(t.n):
        held = [d for d in range(FIRST, DAYS) if t.licensed(d)[i]]
        if not held:
            continue
        d = int(t.dept_on(held[-1])[i])
        out.append({"a": int(t.lic_start[i]), "dept": DEPARTMENTS[d][0] if d >= 0 else "Unassigned",
                    "days": np.flatnonzero(t._daily_any[:, i])})
    return out


@pytest.fixture(scope="module")
def people(model_warehouse):
    return truth(model_warehouse[2])


def observed(end: int) -> bool:
    return FIRST <= end <= DAYS - 1


def test_licensed_since_is_the_assignment_date_and_eligibility_waits_for_it(model_warehouse):
    cfg, _, t = model_warehouse
    rows = q(cfg, "select upn_key, licensed_since, licensed_since_source from int_user_snapshot where as_of = ?",
             [t.date(DAYS - 1)])
    index = {u.lower(): i for i, u in enumerate(t.upn)}
    assert rows and {src for _, _, src in rows} == {"assigned"}
    assert all(since == t.date(int(t.lic_start[index[u]])) for u, since, _ in rows)
    # someone licensed 20 days before the last week ended is not eligible yet (min_licensed_days = 30)
    week = t.date(DAYS - 7)
    eligible = q(cfg, "select sum(eligible_users) from int_group_week_eligible where dimension = 'tenant' "
                      "and week_start = ?", [week])[0][0]
    truth_eligible = int((t.licensed(DAYS - 1) & (t.lic_start <= DAYS - 1 - 30)).sum())
    assert eligible == truth_eligible


def test_activation_within_14_and_30_days_equals_ground_truth(model_warehouse, people):
    cfg, _, _ = model_warehouse
    got = {g: r for g, *r in q(cfg, "select group_name, licensed_users, measured_14d, activation_14d_rate, "
                                    "measured_30d, activation_30d_rate from mart_licence_activation "
                                    "where dimension = 'department' and not suppressed")}
    assert got
    for dept, (n, m14, r14, m30, r30) in got.items():
        mine = [p for p in people if p["dept"] == dept]
        assert n == len(mine), dept
        for m, r, days in ((m14, r14, 14), (m30, r30, 30)):
            measured = [p for p in mine if observed(p["a"] + days)]
            assert m == len(measured), (dept, days)
            if m >= 5:
                hit = sum(bool(((p["days"] >= p["a"]) & (p["days"] <= p["a"] + days)).any()) for p in measured)
                assert r == pytest.approx(hit / m), (dept, days)
            else:
                assert r is None
    assert any(r is not None for _, _, r, _, _ in got.values())


def test_cohorts_active_30_and_60_days_later_equal_ground_truth(model_warehouse, people):
    cfg, _, t = model_warehouse
    rows = q(cfg, "select cohort_month, licensed_users, measured_30d, active_30d_rate, measured_60d, active_60d_rate, "
                  "measured_90d from mart_licence_cohorts where dimension = 'tenant' order by 1")
    assert rows
    for month, n, m30, r30, m60, r60, m90 in rows:
        mine = [p for p in people if t.date(p["a"]).replace(day=1) == month]
        assert n == len(mine), month
        for m, r, k in ((m30, r30, 30), (m60, r60, 60)):
            measured = [p for p in mine if observed(p["a"] + k)]
            assert m == len(measured), (month, k)
            if m >= 5:
                hit = sum(bool(((p["days"] > p["a"] + k - 28) & (p["days"] <= p["a"] + k)).any()) for p in measured)
                assert r == pytest.approx(hit / m), (month, k)
        assert m90 == 0  # five weeks of history observe no 90-day window
    assert any(r is not None for *_, r, _, _, _ in rows)


def test_days_to_first_use_only_for_licences_assigned_after_collection_began(model_warehouse, people):
    cfg, _, _ = model_warehouse
    n, median = q(cfg, "select first_use_users, median_days_to_first_use from mart_licence_activation "
                       "where dimension = 'tenant'")[0]
    later = [p for p in people if p["a"] >= FIRST and (p["days"] >= p["a"]).any()]
    assert n == len(later)
    if n >= 5:
        assert median == pytest.approx(float(np.median([p["days"][p["days"] >= p["a"]][0] - p["a"] for p in later])))


def test_small_groups_carry_no_activation_numbers(model_warehouse):
    cfg, _, _ = model_warehouse
    leaks = q(cfg, "select count(*) from mart_licence_activation where suppressed and (activation_14d_rate "
                   "is not null or activation_30d_rate is not null or median_days_to_first_use is not null "
                   "or measured_30d is not null)")
    assert leaks == [(0,)]
    assert q(cfg, "select count(*) from mart_licence_activation where suppressed")[0][0] > 0  # manager teams
