"""[graph], [auth] and [collect]: how the collector reaches Graph, signs in and what it fetches."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from .base import Section


class GraphConfig(Section):
    """How the collector reaches Microsoft Graph."""

    base_url: str = Field("https://graph.microsoft.com", description=(
        "Graph host without version (https://, or http:// for a local simulator; no /v1.0 or /beta). National "
        "clouds: https://graph.microsoft.us, https://dod-graph.microsoft.us, https://microsoftgraph.chinacloudapi.cn; "
        "the built-in simulator prints its own URL."))
    timeout_seconds: float = Field(120.0, gt=0, description="Timeout of one Graph request, in seconds.")
    max_retries: int = Field(3, ge=0, le=10, description=(
        "Retries for 429/503/504 inside one run, honouring Retry-After below 180 s; longer waits are deferred to "
        "the next run instead of sleeping."))
    max_concurrency: int = Field(4, ge=1, le=16, description="Requests in flight at once.")

    @field_validator("base_url")
    @classmethod
    def _url(cls, v: str) -> str:
        v = v.strip().rstrip("/")
        if not v.startswith(("https://", "http://")):
            raise ValueError("must start with https:// (or http:// for a local simulator)")
        if v.endswith(("/v1.0", "/beta")):
            raise ValueError("give the host only, without /v1.0 or /beta")
        return v


class AuthConfig(Section):
    """The app registration the collector signs in as (app-only; see docs/deployment.md)."""

    method: Literal["client_secret", "certificate", "managed_identity", "token"] = Field("client_secret", description=(
        "How the collector authenticates: client_secret (COPILOT_USAGE_CLIENT_SECRET), certificate "
        "(certificate_path), managed_identity (an Azure VM, Container App or AKS pod; no secret), or token "
        "(COPILOT_USAGE_GRAPH_TOKEN sent as is, only to the [graph] base_url host)."))
    tenant_id: str = Field("", description=(
        "Directory (tenant) ID of the app registration; required for client_secret and certificate."))
    client_id: str = Field("", description=(
        "Application (client) ID of the app registration; required for client_secret and certificate; for "
        "managed_identity, the client ID of a user-assigned identity."))
    certificate_path: str = Field("", description=(
        "PEM file with certificate and private key, for method = \"certificate\" (readable only by the service "
        "user; COPILOT_USAGE_CERTIFICATE_PASSWORD if the key is encrypted)."))
    authority: str = Field("https://login.microsoftonline.com", description=(
        "Login host; change for national clouds (e.g. https://login.microsoftonline.us)."))


class CollectConfig(Section):
    """What each run fetches (docs/collection.md)."""

    copilot_version: Literal["v2", "v1"] = Field("v2", description=(
        "Copilot report version: v2 adds prompts, active days and the Copilot Chat (web), Microsoft 365 Copilot "
        "app, Edge and agent dates; a run falls back to v1 (D28 becomes D30) if Graph refuses v2."))
    copilot_user_detail_periods: list[Literal["D7", "D28", "D90", "D180"]] = Field(["D7", "D28"], description=(
        "Periods of the Copilot user-detail report, one request each."))
    copilot_trend_period: Literal["D7", "D28", "D90", "D180"] = Field("D90", description=(
        "Period of the daily Copilot trend report; longer periods back-fill tenant history on the first run."))
    m365_reports: list[
        Literal[
            "office365_active_user_detail",
            "m365_app_user_detail",
            "teams_user_activity_user_detail",
            "email_activity_user_detail",
        ]
    ] = Field([
        "office365_active_user_detail",
        "m365_app_user_detail",
        "teams_user_activity_user_detail",
        "email_activity_user_detail",
    ], description="Microsoft 365 baseline reports to collect (each through Graph's 302 to a download host).")
    m365_period: Literal["D7", "D30", "D90", "D180"] = Field("D7", description="Period of the M365 reports.")
    users: bool = Field(True, description=(
        "Collect Entra users (department, job title, manager, licences) with a delta query; without them there "
        "are no group views."))
