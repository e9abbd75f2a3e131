"""The simulator pages users the way Graph does (graph-api.md §4.2, §9), answers after its latency, and offers
users/delta's "sync from now" token; plain HTTP against the real server."""

from __future__ import annotations

import time

import httpx
import pytest

SELECT = "id,userPrincipalName,department"


@pytest.fixture
def graph(sim):
    with httpx.Client(base_url=sim.base_url, headers={"Authorization": f"Bearer {sim.state.token}"},
                      timeout=30) as c:
        yield c


def _follow(graph: httpx.Client, url: str, headers: dict | None = None) -> tuple[list[list[dict]], dict]:
    """Every page's value, and the last page."""
    pages = []
    while True:
        r = graph.get(url, headers=headers)
        assert r.status_code == 200, r.text
        body = r.json()
        pages.append(body["value"])
        url = body.get("@odata.nextLink")
        if not url:
            return pages, body


def test_users_delta_pages_hold_200_whatever_the_client_asks(graph, sim, tenant):
    present = int(tenant.present(sim.state.day).sum())
    for headers in ({}, {"Prefer": "odata.maxpagesize=999"}, {"Prefer": "odata.maxpagesize=200"}):
        pages, last = _follow(graph, f"/v1.0/users/delta?$select={SELECT}", headers)
        assert [len(p) for p in pages[:-1]] == [200] * (len(pages) - 1) and 0 < len(pages[-1]) <= 200
        assert sum(map(len, pages)) == present and "@odata.deltaLink" in last
    # a smaller Prefer is honoured
    pages, _ = _follow(graph, f"/v1.0/users/delta?$select={SELECT}", {"Prefer": "odata.maxpagesize=150"})
    assert len(pages[0]) == 150


def test_users_delta_ignores_top(graph, sim):
    # $top is not supported on users/delta: Graph ignores it (delta-query-overview; docs issues 7160, 17516)
    r = graph.get(f"/v1.0/users/delta?$select={SELECT}&$top=5")
    assert r.status_code == 200 and len(r.json()["value"]) == 200


def test_latest_delta_token_starts_tracking_from_now(graph, sim, tenant):
    sim.state.day = 30
    r = graph.get(f"/v1.0/users/delta?$select={SELECT}&$deltaToken=latest")
    body = r.json()
    assert r.status_code == 200 and body["value"] == [] and "@odata.nextLink" not in body
    latest = body["@odata.deltaLink"]
    _, full = _follow(graph, f"/v1.0/users/delta?$select={SELECT}")  # a whole first sync on the same day
    sim.state.day = 45
    since_latest, _ = _follow(graph, latest)
    since_full, _ = _follow(graph, full["@odata.deltaLink"])
    ids = [sorted(u["id"] for p in pages for u in p) for pages in (since_latest, since_full)]
    assert ids[0] and ids[0] == ids[1]  # the same changes as after a full sync that day


def test_user_listing_pages_by_top_and_by_100_when_expanding(graph, sim, tenant):
    day = sim.state.day
    present = [tenant.ids[i] for i in tenant.present(day).nonzero()[0]]
    assert len(graph.get("/v1.0/users").json()["value"]) == 100  # the default page
    pages, _ = _follow(graph, f"/v1.0/users?$select={SELECT}&$top=999")
    assert len(pages) == 1 and [u["id"] for u in pages[0]] == present
    pages, _ = _follow(graph, f"/v1.0/users?$select={SELECT}&$top=150")
    assert [len(p) for p in pages[:-1]] == [150] * (len(pages) - 1)
    assert [u["id"] for p in pages for u in p] == present
    # $expand caps a page at 100 whatever $top says; the manager comes as an object, absent when there is none
    pages, _ = _follow(graph, f"/v1.0/users?$select={SELECT}&$top=999&$expand=manager($select=id)")
    assert [len(p) for p in pages[:-1]] == [100] * (len(pages) - 1) and len(pages) == -(-len(present) // 100)
    managers = tenant.manager_on(day)
    by_id = {tenant.ids[i]: int(managers[i]) for i in range(tenant.n)}
    for u in (u for p in pages for u in p):
        m = by_id[u["id"]]
        assert u.get("manager", {}).get("id") == (tenant.ids[m] if m >= 0 else None)
    for top in ("0", "1000", "x"):
        r = graph.get(f"/v1.0/users?$top={top}")
        assert r.status_code == 400 and "between 1 and 999" in r.json()["error"]["message"]


def test_listing_pages_after_the_clock_moved_neither_repeat_nor_skip(graph, sim, tenant):
    sim.state.day = 40
    first = graph.get("/v1.0/users?$top=100").json()
    sim.state.day = 41
    rest, _ = _follow(graph, first["@odata.nextLink"])
    listed = [u["id"] for u in first["value"]] + [u["id"] for p in rest for u in p]
    assert len(set(listed)) == len(listed)
    after = [tenant.ids[i] for i in tenant.present(41).nonzero()[0]]
    last = [i for i in tenant.present(41).nonzero()[0] if i <= tenant.ids.index(first["value"][-1]["id"])]
    assert listed[100:] == after[len(last):]  # day 41's directory after the cursor, hires and leavers included
    assert sorted(tenant.present(40).nonzero()[0].tolist()) != sorted(tenant.present(41).nonzero()[0].tolist())


def test_latency_is_added_to_every_graph_and_download_request(graph, sim):
    sim.state.latency_ms = 120
    for url in ("/v1.0/subscribedSkus", "/v1.0/reports/getM365AppUserDetail(period='D7')"):
        t0 = time.perf_counter()
        r = graph.get(url, follow_redirects=False)
        assert r.status_code in (200, 302) and time.perf_counter() - t0 >= 0.120  # a lower bound only
    t0 = time.perf_counter()
    r = httpx.get(r.headers["location"], timeout=30)  # the download host, without the token
    assert r.status_code == 200 and time.perf_counter() - t0 >= 0.120
