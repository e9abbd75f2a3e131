"""How people name the model's Copilot apps, for the dashboard and the alert mail. The apps themselves, in reading
order, are the contract's `app` and `v2_app` enumerations (warehouse/contract.toml; the SQL lists the same apps:
`sql/marts/mart_adoption_weekly.sql` and the `v2_app` macro; tests/test_model.py checks that they agree). Which
report column each one comes from is in docs/apps.md.

`any` is the report's own all-apps date (the headline's basis); `copilot_chat` is Copilot Chat overall (work and
web, one person counted once); the V2_APPS exist only where the v2 Copilot user-detail report was collected, so a v1
tenant has no rows for them (readers show them only when the data has them).
"""

from __future__ import annotations

from collections.abc import Iterable

from .contract import APPS, V2_APPS  # noqa: F401  (the contract's app enumerations, re-exported)

LABEL = {"any": "any app", "teams": "Teams", "word": "Word", "excel": "Excel", "powerpoint": "PowerPoint",
         "outlook": "Outlook", "onenote": "OneNote", "loop": "Loop", "copilot_chat": "Copilot Chat",
         "copilot_chat_web": "Copilot Chat (web)", "m365_copilot_app": "Microsoft 365 Copilot app", "edge": "Edge",
         "agents": "Agents"}
SHORT = {"any": "Any app", "teams": "Teams", "word": "Word", "excel": "Excel", "powerpoint": "PPT",
         "outlook": "Outlook", "onenote": "OneNote", "loop": "Loop", "copilot_chat": "Chat",
         "copilot_chat_web": "Chat web", "m365_copilot_app": "M365 app", "edge": "Edge", "agents": "Agents"}


def label(app: str) -> str:
    """An app as people name it ("any app", "Word", "Copilot Chat (web)")."""
    return LABEL.get(app, app)


def present(apps: Iterable[str]) -> list[str]:
    """The canonical apps among `apps`, in reading order (what a tenant's data has: no v2 apps in a v1 tenant)."""
    have = set(apps)
    return [a for a in APPS if a in have]
