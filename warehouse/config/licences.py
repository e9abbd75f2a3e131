"""[licences]: the reclaim and reallocation rules and the price of a licence (docs/licences.md)."""

from __future__ import annotations

from pydantic import Field, field_validator

from .base import Section

DEFAULT_PRICE = 30.0  # USD per user per month: Microsoft 365 Copilot's list price (docs/licences.md)


class LicencesConfig(Section):
    """Who is a reclaim candidate, who should get a freed licence, and what an idle licence costs."""

    grace_days: int = Field(30, ge=0, le=365, description=(
        "A licence assigned fewer days ago than this (from the Copilot plan's assignedDateTime) is never a "
        "reclaim candidate: the person is still onboarding."))
    inactive_days: int = Field(30, ge=7, le=180, description=(
        "No Copilot activity for this many days makes a licence idle (tiers never_used and lapsed)."))
    low_use_days: int = Field(3, ge=1, le=28, description=(
        "Tier low_use: active on at least one but fewer than this many days of the last inactive_days."))
    heavy_active_days: int = Field(16, ge=1, le=28, description=(
        "Reallocation: an unlicensed user counts as a heavy Microsoft 365 user when active on at least this many "
        "of the last 28 days (Microsoft 365 apps report)..."))
    heavy_apps: int = Field(4, ge=1, le=6, description=(
        "...and using at least this many of Word, Excel, PowerPoint, Outlook, OneNote and Teams in the latest "
        "report period."))
    min_group_rate: float = Field(0.60, gt=0, le=1, description=(
        "Reallocation: only users of departments whose weekly active rate (latest complete week) is at least this "
        "are candidates (where Copilot has caught on)."))
    currency: str = Field("USD", min_length=1, max_length=8, description="The currency of the prices (a label).")
    default_price: float = Field(DEFAULT_PRICE, ge=0, description=(
        "Monthly price of a Copilot licence whose SKU is not in `prices`."))
    prices: dict[str, float] = Field({"Microsoft_365_Copilot": DEFAULT_PRICE}, description=(
        "Monthly price per user by SKU part number (subscribedSkus skuPartNumber), e.g. "
        "{ Microsoft_365_Copilot = 30.0, Microsoft_Copilot_for_Sales = 50.0 }."))

    @field_validator("prices")
    @classmethod
    def _prices(cls, v: dict[str, float]) -> dict[str, float]:
        for sku, price in v.items():
            if not sku.strip():
                raise ValueError("a SKU part number must not be empty")
            if price < 0:
                raise ValueError(f"the price of {sku} must not be negative (got {price})")
        return v
