"""Entra ID views of the simulated tenant: users (full and delta pages), subscribedSkus, reportSettings."""

from __future__ import annotations

import base64
import datetime as dt
import json
import uuid

import numpy as np

from . import changes
from .catalog import COPILOT_APPS_PLAN, COPILOT_CHAT_PLAN, COPILOT_SALES_SKU, COPILOT_SKU, DEPARTMENTS, E5_SKU, OFFICES
from .licence_cases import account_enabled
from .tenant import Tenant

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
    disabled = [COPILOT_APPS_PLAN, COPILOT_CHAT_PLAN] if t.plans_disabled[i] else []
    if t.lic_start[i] <= day < t.lic_end[i]:
        licences.append({"disabledPlans": disabled, "skuId": sku})
    full = {
        "id": t.ids[i],
        "userPrincipalName": t.upn_on(i, day) if not t.guest[i] else t.upn_on(i, day).replace("@", "_ext#@"),
        "displayName": t.display_on(i, day),
        "department": DEPARTMENTS[d][0] if d >= 0 else None,
        "jobTitle": t.title_on(i, day) or None,
        "officeLocation": OFFICES[int(t.office[i])],
        "companyName": "Contoso Ltd",
        "accountEnabled": account_enabled(t, i, day),
        "userType": "Guest" if t.guest[i] else "Member",
        "assignedLicenses": licences,
        "assignedPlans": assigned_plans(t, i, day, sku, disabled),
    }
    out = {k: v for k, v in full.items() if k in select or k == "id"}
    if "manager" in select:
        m = int(managers[i])
        if m >= 0:
            out["manager@delta"] = [{"@odata.type": "#microsoft.graph.user", "id": t.ids[m]}]
    return out


def _stamp(t: Tenant, day: int, i: int) -> str:
    """An assignment time on `day` (before the simulated period for day < 0), UTC as Graph writes it."""
    at = dt.datetime.combine(t.date(0), dt.time(8)) + dt.timedelta(days=day, minutes=(i * 37) % 600)
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


def assigned_plans(t: Tenant, i: int, day: int, sku: str, disabled: list[str]) -> list[dict]:
    """The user's `assignedPlans` on `day`: one entry per service plan of each SKU ever assigned, with the time it
    was assigned. A removed licence leaves its plans `Deleted` (assignedPlan resource: Enabled, Warning,
    Suspended, LockedOut, Deleted); a plan switched off with disabledPlans is not `Enabled` either. The
    `service` names are illustrative (the model does not read them)."""
    plans: list[dict] = []
    if not t.guest[i]:
        since = int(t.hire_day[i]) if t.hire_day[i] > 0 else -400
        plans += [{"assignedDateTime": _stamp(t, since, i), "capabilityStatus": "Enabled", "service": name,
                   "servicePlanId": pid} for name, pid in SKUS[0]["plans"]]
    if t.lic_start[i] <= day:
        status = "Enabled" if day < t.lic_end[i] else "Deleted"
        entry = next(s for s in SKUS if s["skuId"] == sku)
        plans += [{"assignedDateTime": _stamp(t, int(t.lic_start[i]), i),
                   "capabilityStatus": "Deleted" if pid in disabled else status, "service": name,
                   "servicePlanId": pid} for name, pid in entry["plans"]]
    return plans


def org_on(t: Tenant, day: int) -> tuple[np.ndarray, np.ndarray]:
    """(department index, manager index) of every user on `day`."""
    return t.dept_on(day), t.manager_on(day)


def changed_users(t: Tenant, since: int, day: int, props: dict[str, np.ndarray] | None = None
                  ) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """(changed, removed, removal reasons) between two days, as a delta query reports them; `props` is
    `changes.changed_properties(t, since, day)` when the caller has it already."""
    present = t.present(day)
    touched = (t.hire_day > since) & (t.hire_day <= day)
    for mask in (props or changes.changed_properties(t, since, day)).values():
        touched |= mask
    removed, reasons = changes.removals(t, since, day)
    return np.flatnonzero(touched & present), removed, reasons


def delta_page(t: Tenant, state: dict, base: str) -> dict:
    """One page of /users/delta; `state` holds since (None = initial sync), day, offset and select."""
    day, since, offset = state["day"], state.get("since"), state.get("offset", 0)
    select = set(state["select"])
    if since is None:
        changed, removed, reasons = np.flatnonzero(t.present(day)), np.array([], dtype=np.int64), []
    else:
        props = changes.changed_properties(t, since, day)
        changed, removed, reasons = changed_users(t, since, day, props)
    size = max(1, min(MAX_PAGE_SIZE, state.get("page_size", PAGE_SIZE)))
    org = org_on(t, day)
    users = changed[offset: offset + size]
    minimal = changes.minimal_mask(t, state.get("items", "full"), since, day, users)
    value = [user_object(t, int(i), day, select, org) for i in users]
    if since is not None:
        before = t.manager_on(since)
        for k, i in enumerate(users.tolist()):
            m = int(before[i])
            if minimal[k]:
                old = t.ids[m] if m >= 0 and "manager" in select else None
                value[k] = changes.minimal_item(value[k], props, i, old)
            elif "manager" in select and props["manager"][i] and m >= 0 and "manager@delta" not in value[k]:
                value[k]["manager@delta"] = changes.removed_manager(t.ids[m])
    lo, hi = max(0, offset - len(changed)), max(0, offset + size - len(changed))
    value += [{"id": t.ids[int(i)], "@removed": {"reason": reasons[k]}}
              for k, i in enumerate(removed[lo:hi].tolist(), start=lo)]
    # the context names the selected properties, as in user-delta.md's example ("$metadata#users(displayName,...)")
    body: dict = {"@odata.context": f"{base}/v1.0/$metadata#users({','.join(state['select'])})", "value": value}
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
    # Graph's subscribedSku id is "<tenant id>_<sku id>" (subscribedsku-list.md; tests/fixtures/graph/)
    tenant_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"copilot-usage-simulator/{t.seed}"))
    value = []
    for s in SKUS:
        c = consumed[s["skuId"]]
        value.append({
            "capabilityStatus": "Enabled", "appliesTo": "User", "consumedUnits": c,
            "id": f"{tenant_id}_{s['skuId']}", "skuId": s["skuId"], "skuPartNumber": s["skuPartNumber"],
            "prepaidUnits": {"enabled": int(c * 1.1) + 5, "suspended": 0, "warning": 0, "lockedOut": 0},
            "servicePlans": [{"servicePlanId": pid, "servicePlanName": name, "provisioningStatus": "Success",
                              "appliesTo": "User"} for name, pid in s["plans"]],
        })
    return {"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#subscribedSkus", "value": value}
