"""`GET /users` as Graph pages it: the simulator's directory listing (users/delta is in directory.py).

What Graph documents or is known to do (graph-api.md §4.2):

- 100 users a page by default ("the `GET /users` endpoint returns a default of 100 results in a single page",
  learn.microsoft.com/graph/paging); `$top` takes 1-999 and anything else is a 400 ("Must be between 1 and 999
  inclusive"); `$skip` isn't supported; pages follow `@odata.nextLink` (a `$skiptoken`) until it is absent.
- `$expand` on directory objects returns at most 100 objects a page, so `$top=999&$expand=manager` pages at 100
  (Graph known issue 13635). The manager comes back as a `manager` object; a user without one has none.

The skiptoken holds the last user listed (Graph's is key-based, not an offset), so a page asked for after the
clock moved shows that day's directory and neither repeats nor skips the users already listed.
"""

from __future__ import annotations

import numpy as np

from .directory import decode_token, encode_token, org_on, user_object
from .tenant import Tenant

LIST_PAGE_SIZE = 100  # GET /users without $top
LIST_MAX_TOP = 999  # the largest $top GET /users accepts
EXPAND_MAX_PAGE = 100  # what a page holds when it $expands a relationship of directory objects


class BadQuery(ValueError):
    """A query Graph answers with 400 Bad Request; the message is Graph's."""


def initial_state(query: dict[str, str]) -> dict:
    """The listing's state from the first request's `$top`, `$select` and `$expand` (BadQuery when Graph refuses)."""
    top = LIST_PAGE_SIZE
    if "$top" in query:
        raw = query["$top"]
        try:
            top = int(raw)
        except ValueError:
            top = 0
        if not 1 <= top <= LIST_MAX_TOP:
            raise BadQuery(f"Invalid page size specified: '{raw}'. Must be between 1 and {LIST_MAX_TOP} inclusive.")
    expand = query.get("$expand", "")
    if expand and expand.split("(")[0].strip() != "manager":
        raise BadQuery(f"Expanding '{expand}' is not simulated; only manager is.")
    select = [s for s in query.get("$select", "").split(",") if s and s != "manager"]
    return {"after": -1, "top": top, "select": select or ["id", "displayName"], "expand": bool(expand)}


def state_from_token(token: str) -> dict:
    """The listing's state from a `$skiptoken` (ValueError for anything that is not one of ours)."""
    state = decode_token(token)
    if not {"after", "top", "select", "expand"} <= state.keys():
        raise ValueError("not a listing token")
    return state


def list_page(t: Tenant, day: int, state: dict, base: str) -> dict:
    """One page of `GET /users` on `day`, with `@odata.nextLink` while users are left."""
    size = min(state["top"], EXPAND_MAX_PAGE) if state["expand"] else state["top"]
    present = np.flatnonzero(t.present(day))
    rest = present[present > state["after"]]
    page = rest[:size]
    org = org_on(t, day)
    select = set(state["select"])
    value = []
    for i in page.tolist():
        u = user_object(t, i, day, select, org)
        if state["expand"]:
            m = int(org[1][i])
            if m >= 0:
                u["manager"] = {"@odata.type": "#microsoft.graph.user", "id": t.ids[m]}
        value.append(u)
    body: dict = {"@odata.context": f"{base}/v1.0/$metadata#users", "value": value}
    if len(rest) > size:
        nxt = {**state, "after": int(page[-1])}
        body["@odata.nextLink"] = f"{base}/v1.0/users?$skiptoken={encode_token(nxt)}"
    return body
