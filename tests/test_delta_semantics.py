"""users/delta as Graph sends it: items with only the changed properties, full items, and a mix.

Graph: a delta item for an updated user carries "at least the updated properties" and, with
`Prefer: return=minimal`, only those (learn.microsoft.com/graph/delta-query-overview); a property absent from an
item is unchanged and an explicit null clears it; `@removed` says `changed` (soft-deleted) or `deleted`
(permanent). Ten daily delta runs after the first sync, collected over HTTP in each form, must give the same
marts, and the department marts must equal the simulator's ground truth.
"""

from __future__ import annotations

import json
import urllib.request

import duckdb
import numpy as np
import pytest
from simulated_warehouse import DAYS, END, build_warehouse

from connector.simulator.server import Simulator
from connector.simulator.tenant import DEPARTMENTS, Tenant
from tests.conftest import IMPORTED_ONLY, marts
from tests.conftest import query as q

FIRST_DAY, RUNS = 55, 10  # a first sync on day 55, then ten daily delta runs (days 56..65)
DAYS_RUN = range(FIRST_DAY, FIRST_DAY + RUNS + 1)


def tenant() -> Tenant:
    """A tenant in which some people who change department leave it empty (Graph sends `department: null`)."""
    t = Tenant.generate(users=1500, days=DAYS, seed=11, end=END)
    movers = np.flatnonzero((t.move_day > FIRST_DAY) & (t.move_day <= DAYS_RUN[-1]))
    t.dept_moved[movers[::3]] = -1
    return t


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = {}
    for kind in ("full", "minimal", "mixed"):
        cfg, _, _ = build_warehouse(tmp_path_factory.mktemp(kind), DAYS_RUN, tenant=tenant(), delta_items=kind)
        out[kind] = cfg
    return out



def test_minimal_items_really_were_minimal(built):
    # the delta rounds of the minimal build carried items without department and licences (e.g. only jobTitle)
    rows = q(built["minimal"], "select _props from raw_users where _sync = 'delta' and removed_reason is null")
    assert rows and any("userPrincipalName" not in p for (p,) in rows)
    assert any(sorted(p) == ["id", "jobTitle"] for (p,) in rows)
    assert any("assignedLicenses" in p and "department" not in p for (p,) in rows)
    nulls = q(built["minimal"], "select count(*) from raw_users where _sync = 'delta' "
                                "and list_contains(_props, 'department') and department is null")[0][0]
    assert nulls >= 1  # an explicit null that must clear the department
    mixed = q(built["mixed"], "select count(*) filter (where len(_props) <= 3), "
                              "count(*) filter (where len(_props) > 3) from raw_users "
                              "where _sync = 'delta' and removed_reason is null")[0]
    assert mixed[0] > 0 and mixed[1] > 0


@pytest.mark.parametrize("kind", ["minimal", "mixed"])
def test_every_mart_is_the_same_whatever_form_the_items_take(built, kind):
    full, other = marts(built["full"].warehouse.path), marts(built[kind].warehouse.path)
    assert [name for name, rows in full.items() if not rows and name not in IMPORTED_ONLY] == []
    for name in full:
        assert other[name] == full[name], f"{name} differs between full and {kind} delta items"


@pytest.mark.parametrize("kind", ["full", "minimal", "mixed"])
def test_department_marts_equal_ground_truth_after_ten_delta_runs(built, kind):
    t = tenant()
    for day in DAYS_RUN[1:]:
        lic, dept = t.licensed(day), t.dept_on(day)
        names = np.array([DEPARTMENTS[d][0] if d >= 0 else "Unassigned" for d in dept])
        truth = {g: int((lic & (names == g)).sum()) for g in set(names[lic].tolist())}
        got = dict(q(built[kind], "select group_name, licensed_users from mart_usage_by_group where "
                                  "dimension = 'department' and app = 'any' and window_days = 7 and as_of = ?",
                     [t.date(day)]))
        assert got == truth, (kind, day)


def test_job_titles_and_managers_follow_the_delta(built):
    t, cfg = tenant(), built["minimal"]
    day = DAYS_RUN[-1]
    promoted = [i for i in np.flatnonzero((t.title_day > FIRST_DAY) & (t.title_day <= day)) if t.present(day)[i]]
    assert promoted
    got = dict(q(cfg, "select id, job_title from int_user_groups where valid_to = 'infinity'"))
    assert all(got[t.ids[i]] == t.title_after[i] for i in promoted)
    managers = t.manager_on(day)
    have = dict(q(cfg, "select id, manager_id from stg_user_versions where valid_to = 'infinity' and not is_removed"))
    wrong = [i for i in np.flatnonzero(t.present(day))
             if have[t.ids[i]] != (t.ids[managers[i]] if managers[i] >= 0 else None)]
    assert wrong == []


def test_removed_reasons_changed_then_deleted(built):
    cfg = built["minimal"]
    rows = q(cfg, "select removed_reason, count(*) from raw_users where removed_reason is not null group by 1")
    assert {r for r, _ in rows} <= {"changed", "deleted"} and dict(rows).get("changed", 0) > 0
    # a removed user is in no later snapshot
    gone = q(cfg, "select count(*) from stg_user_versions v where is_removed and exists (select 1 from "
                  "int_user_groups g where g.id = v.id and g.valid_from > v.valid_from)")[0][0]
    assert gone == 0


def test_licensed_since_is_the_plan_assignment_date(built):
    t, cfg = tenant(), built["minimal"]
    rows = q(cfg, "select id, licensed_since, licensed_since_source from int_user_groups "
                  "where valid_to = 'infinity' and is_licensed")
    assert rows
    index = {u: i for i, u in enumerate(t.ids)}
    assert all(src == "assigned" and since == t.date(int(t.lic_start[index[u]])) for u, since, src in rows)


def test_prefer_return_minimal_is_honoured():
    t = tenant()
    with Simulator(t, day=FIRST_DAY) as sim:
        def get(url, prefer=""):
            req = urllib.request.Request(url, headers={"Authorization": f"Bearer {sim.state.token}",
                                                       "Prefer": prefer})
            with urllib.request.urlopen(req) as r:  # noqa: S310 - loopback simulator
                return json.load(r)

        page = get(f"{sim.base_url}/v1.0/users/delta?$select=id,department,jobTitle,assignedLicenses,manager")
        while "@odata.nextLink" in page:
            page = get(page["@odata.nextLink"])
        sim.state.day = DAYS_RUN[-1]
        link = page["@odata.deltaLink"]
        full, minimal = get(link)["value"], get(link, "return=minimal")["value"]
    assert {u["id"] for u in full} == {u["id"] for u in minimal}
    assert all("department" in u or "@removed" in u for u in full)
    assert any("department" not in u and "@removed" not in u for u in minimal)


def _users_state(cfg) -> tuple:
    return (q(cfg, "select count(*), max(_loaded_at)::varchar from raw_users")[0],
            q(cfg, "select delta_link, user_select from _delta_links"))


@pytest.mark.parametrize(("item", "says"), [
    ({"displayName": "No Id"}, "the user object at position 2 of this round has no id"),
    ({"id": "4f1c0d8e-0000-4000-8000-000000000001", "assignedPlans": "Enabled"},
     "the user object at position 2 of this round has a malformed assignedPlans"),
    ({"id": "4f1c0d8e-0000-4000-8000-000000000002",
      "assignedPlans": [{"servicePlanId": "a62f8878-de10-42f3-b68f-6149a25ceb97", "assignedDateTime": "yesterday"}]},
     "has a malformed assignedPlans"),
])
def test_a_bad_delta_item_fails_the_users_landing_and_keeps_the_directory(cfg, sim, item, says):
    from connector.collect import collect
    from connector.simulator.state import Fault

    assert collect(cfg).exit_code == 0
    before = _users_state(cfg)
    link = before[1][0][0]
    good = {"id": "4f1c0d8e-0000-4000-8000-00000000000a", "department": "Finance"}
    body = json.dumps({"value": [good, item], "@odata.deltaLink": link})
    sim.state.faults.append(Fault("users/delta", status=200, retry_after=None, body=body))
    result = collect(cfg)
    users = next(o for o in result.outcomes if o.report == "users")
    assert users.status == "error" and says in users.message, users.message
    assert result.exit_code != 0
    assert _users_state(cfg) == before  # nothing of the round landed, the delta link is the old one


def test_a_delta_link_started_with_another_select_is_replaced_by_a_full_sync(cfg, sim):
    from connector.collect import collect

    assert collect(cfg).exit_code == 0
    con = duckdb.connect(cfg.warehouse.path)
    con.execute("update _delta_links set user_select = 'id,department'")  # a link started by an older version
    con.close()
    assert collect(cfg).exit_code == 0
    syncs = q(cfg, "select _sync, count(distinct _run_id) from raw_users group by 1 order by 1")
    assert syncs == [("full", 2)]
    assert q(cfg, "select user_select from _delta_links")[0][0].endswith("assignedPlans,manager")
