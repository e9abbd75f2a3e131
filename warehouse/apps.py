"""The model's canonical Copilot apps, in reading order, and how people name them: one home for the dashboard and the
alert mail (the SQL lists the same apps: `sql/marts/mart_adoption_weekly.sql`, the `v2_app` macro, the
`accepted_values` check). Which report column each one comes from is in docs/apps.md.

`any` is the report's own all-apps date (the headline's basis); `copilot_chat` is Copilot Chat overall (work and
web, one person counted once); the V2_APPS exist only where the v2 Copilot user-detail report was collected, so a v1
tenant has no rows for them (readers show them only when the data has them).
"""

from __future__ import annotations

from collections.abc import Iterable

APPS = ("any", "teams", "word", "excel", "powerpoint", "outlook", "onenote", "loop", "copilot_chat",
        "copilot_chat_web", "m365_copilot_app", "edge", "agents")
V2_APPS = frozenset({"copilot_chat_web", "m365_copilot_app", "edge", "agents"})
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
