"""Entra ID views of the simulated tenant: users (full and delta pages), subscribedSkus, reportSettings."""

from __future__ import annotations

import base64
import json

import numpy as np

from .tenant import (
    COPILOT_APPS_PLAN,
    COPILOT_CHAT_PLAN,
    COPILOT_SALES_SKU,
    COPILOT_SKU,
    DEPARTMENTS,
    E5_SKU,
    OFFICES,
    Tenant,
)

# users/delta pages as Graph serves them (graph-api.md §9): `Prefer: odata.maxpagesize=N` is capped at 200 for
# objects such as users, and 200 is also what comes without the header (Microsoft Q&A answer 2052165, 2025-05).
# `$top` is not supported on users/delta and is ignored (concepts/delta-query-overview.md, "For the user and group
# resources ... `$top` is not supported"; microsoft-graph-docs issues 7160 and 17516: "silently ignored in delta").
PAGE_SIZE = 200  # users/delta page size without a Prefer header
MAX_PAGE_SIZE = 200  # the most `Prefer: odata.maxpagesize=N` gets on users/delta

SKUS = [
    {"skuId": E5_SKU, "skuPartNumber": "SPE_E5", "plans": [
        ("EXCHANGE_S_ENTERPRISE", "efb87545-963c-4e0d-99df-69c6916d9eb0"),
        ("TEAMS1", "57ff2da0-773e-42df-b2af-ffb7a2317929"),
        ("Bing_Chat_Enterprise", "0d0c0d31-fae7-41f2-b909-eaf4d7f26dba")]},
    {"skuId": COPILOT_SKU, "skuPartNumber": "Microsoft_365_Copilot", "plans": [
        ("M365_COPILOT_APPS", COPILOT_APPS_PLAN), ("M365_COPILOT_BUSINESS_CHAT", COPILOT_CHAT_PLAN),
        ("M365_COPILOT_TEAMS", "b95945de-b3bd-46db-8437-f2beb6ea2347"),
        ("GRAPH_CONNECTORS_COPILOT", "82d30987-df9b-4486-b146-198b21d164c7")]},
    {"skuId": COPILOT_SALES_SKU, "skuPartNumber": "Microsoft_Copilot_for_Sales", "plans": [
        ("M365_COPILOT_APPS", COPILOT_APPS_PLAN),
        ("MICROSOFT_COPILOT_FOR_SALES", "a2194428-ead9-4d8b-a1c1-5a8a4bd7b4c2")]},
]


def encode_token(state: dict) -> str:
    """An opaque, URL-safe state token (skiptoken / deltatoken)."""
    return base64.urlsafe_b64encode(json.dumps(state, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_token(token: str) -> dict:
    """Inverse of encode_token; raises ValueError for anything that is not one of ours."""
    pad = "=" * (-len(token) % 4)
    try:
        return json.loads(base64.urlsafe_b64decode(token + pad))
    except Exception as e:  # noqa: BLE001 - any garbage token is a client error
        raise ValueError(f"invalid token: {e}") from None


def user_object(t: Tenant, i: int, day: int, select: set[str],
                org: tuple[np.ndarray, np.ndarray] | None = None) -> dict:
    """One user as Graph returns it for the `$select`ed properties (manager as manager@delta).

    `org` is (departments, managers) on `day` from `org_on`, passed in when rendering many users.
    """
    depts, managers = org or org_on(t, day)
    d = int(depts[i])
    sku = COPILOT_SALES_SKU if t.lic_sku[i] else COPILOT_SKU
    licences = [] if t.guest[i] else [{"disabledPlans": [], "skuId": E5_SKU}]
    if t.lic_start[i] <= day < t.lic_end[i]:
        disabled = [COPILOT_APPS_PLAN, COPILOT_CHAT_PLAN] if t.plans_disabled[i] else []
        licences.append({"disabledPlans": disabled, "skuId": sku})
    full = {
        "id": t.ids[i],
        "userPrincipalName": t.upn[i] if not t.guest[i] else t.upn[i].replace("@", "_ext#@"),
        "displayName": t.display[i],
        "department": DEPARTMENTS[d][0] if d >= 0 else None,
        "jobTitle": t.title[i] or None,
        "officeLocation": OFFICES[int(t.office[i])],
        "companyName": "Contoso Ltd",
        "accountEnabled": bool(t.enabled[i]),
        "userType": "Guest" if t.guest[i] else "Member",
        "assignedLicenses": licences,
    }
    out = {k: v for k, v in full.items() if k in select or k == "id"}
    if "manager" in select:
        m = int(managers[i])
        if m >= 0:
            out["manager@delta"] = [{"@odata.type": "#microsoft.graph.user", "id": t.ids[m]}]
    return out


def org_on(t: Tenant, day: int) -> tuple[np.ndarray, np.ndarray]:
    """(department index, manager index) of every user on `day`."""
    return t.dept_on(day), t.manager_on(day)


def changed_users(t: Tenant, since: int, day: int) -> tuple[np.ndarray, np.ndarray]:
    """(changed, removed) user indexes between two days, as a delta query reports them."""
    present = t.present(day)
    touched = np.zeros(t.n, dtype=bool)
    for col in (t.hire_day, t.move_day, t.lic_start, t.lic_end):
        touched |= (col > since) & (col <= day)
    touched |= t.manager_on(since) != t.manager_on(day)  # the manager hired, deleted or changed
    removed = (t.delete_day > since) & (t.delete_day <= day) & (t.hire_day <= since)
    return np.flatnonzero(touched & present), np.flatnonzero(removed)


def delta_page(t: Tenant, state: dict, base: str) -> dict:
    """One page of /users/delta; `state` holds since (None = initial sync), day, offset and select."""
    day, since, offset = state["day"], state.get("since"), state.get("offset", 0)
    select = set(state["select"])
    if since is None:
        changed, removed = np.flatnonzero(t.present(day)), np.array([], dtype=np.int64)
    else:
        changed, removed = changed_users(t, since, day)
    size = max(1, min(MAX_PAGE_SIZE, state.get("page_size", PAGE_SIZE)))
    org = org_on(t, day)
    value = [user_object(t, int(i), day, select, org) for i in changed[offset: offset + size]]
    value += [{"id": t.ids[int(i)], "@removed": {"reason": "changed"}}
              for i in removed[max(0, offset - len(changed)): max(0, offset + size - len(changed))]]
    body: dict = {"@odata.context": f"{base}/v1.0/$metadata#users", "value": value}
    if offset + size < len(changed) + len(removed):
        nxt = {**state, "offset": offset + size}
        body["@odata.nextLink"] = f"{base}/v1.0/users/delta?$skiptoken={encode_token(nxt)}"
    else:
        body["@odata.deltaLink"] = (f"{base}/v1.0/users/delta?$deltatoken="
                                    f"{encode_token({'since': day, 'select': sorted(select)})}")
    return body


def subscribed_skus(t: Tenant, day: int) -> dict:
    """/subscribedSkus with consumed and prepaid units per SKU."""
    present = t.present(day)
    lic = (t.lic_start <= day) & (t.lic_end > day) & present
    consumed = {E5_SKU: int((present & ~t.guest).sum()),
                COPILOT_SKU: int((lic & (t.lic_sku == 0)).sum()),
                COPILOT_SALES_SKU: int((lic & (t.lic_sku == 1)).sum())}
    value = []
    for s in SKUS:
        c = consumed[s["skuId"]]
        value.append({
            "capabilityStatus": "Enabled", "appliesTo": "User", "consumedUnits": c,
            "id": f"tenant_{s['skuId']}", "skuId": s["skuId"], "skuPartNumber": s["skuPartNumber"],
            "prepaidUnits": {"enabled": int(c * 1.1) + 5, "suspended": 0, "warning": 0, "lockedOut": 0},
            "servicePlans": [{"servicePlanId": pid, "servicePlanName": name, "provisioningStatus": "Success",
                              "appliesTo": "User"} for name, pid in s["plans"]],
        })
    return {"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#subscribedSkus", "value": value}
