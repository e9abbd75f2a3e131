"""[privacy]: what per-user data the warehouse keeps and who may see the per-user licence views
(docs/privacy.md)."""

from __future__ import annotations

from pydantic import Field

from .base import Section


class PrivacyConfig(Section):
    """Privacy by design: the per-user licence views can be turned off entirely."""

    licence_views: bool = Field(True, description=(
        "Show the admin-only per-user licence views (reclaim and reallocation candidates) and build their marts; "
        "false = neither is built nor shown."))
