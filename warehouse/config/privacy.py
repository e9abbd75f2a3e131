"""[privacy]: what per-user data the warehouse keeps, for how long, under which identities, and who may see the
per-user licence views (docs/privacy.md)."""

from __future__ import annotations

from pydantic import Field

from .base import Section
from .model import ModelConfig

PSEUDONYM_KEY_ENV = "COPILOT_USAGE_PSEUDONYM_KEY"
# the longest window any model object reads per-user rows over, in days, beyond the configured ones: the licence
# cohorts' use in the 28 days ending 90 days after an assignment (int_licence_assignments), with Microsoft's
# restatement of the last two days
COHORT_WINDOW_DAYS = 92
ACTIVITY_WINDOW_DAYS = 35  # the 28-day windows of mart_adoption_weekly (habit) and int_user_week, plus one week


class PrivacyConfig(Section):
    """Privacy by design: how long per-user rows are kept, pseudonymised identities, and whether the per-user
    licence views exist at all."""

    licence_views: bool = Field(True, description=(
        "Show the admin-only per-user licence views (reclaim and reallocation candidates) and build their marts; "
        "false = neither is built nor shown."))
    retention_days: int = Field(0, ge=0, description=(
        "Keep per-user rows (raw report rows, copilot_user_snapshots, the per-user intermediates, removed users' "
        "directory rows) for this many days before the latest report date; older ones are deleted at the end of "
        "each transform, after the aggregates that need them are built, and the marts keep their rows for those "
        "dates. 0 = keep everything. At least the longest window a configured metric reads (refused otherwise)."))
    pseudonymise: bool = Field(False, description=(
        "Store a keyed hash (HMAC-SHA256 with the key in COPILOT_USAGE_PSEUDONYM_KEY) instead of user principal "
        "names, display names and Entra object ids in every per-user table, from the moment data lands; names are "
        "resolvable only in the admin-only identity table privacy_identities. Only for a new warehouse (an "
        "existing one in clear is refused)."))
    resolve_names: bool = Field(True, description=(
        "With pseudonymise: keep the admin-only table privacy_identities (pseudonym -> name) so the admin licence "
        "view can show names; false = no name is kept anywhere, the admin view shows pseudonyms."))

    def retention_needs(self, model: ModelConfig) -> dict[str, int]:
        """What each metric needs per-user rows for, in days: setting (or window) -> days."""
        s = model.stagnation
        return {"[model.stagnation] lookback_weeks": s.lookback_weeks * 7 + 7,
                "the 28-day activity windows": ACTIVITY_WINDOW_DAYS,
                "the licence cohorts' 90-day window": COHORT_WINDOW_DAYS}

    def retention_refusal(self, model: ModelConfig) -> str | None:
        """Why `retention_days` is too short for a configured metric (naming both settings), or None."""
        if not self.retention_days:
            return None
        name, days = max(self.retention_needs(model).items(), key=lambda kv: kv[1])
        if self.retention_days >= days:
            return None
        return (f"[privacy] retention_days = {self.retention_days} is shorter than {name} needs ({days} days of "
                f"per-user rows); raise [privacy] retention_days to at least {days}")
