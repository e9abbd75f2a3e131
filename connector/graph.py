"""Talk to Microsoft Graph through msgraph-sdk's request adapter (auth, retry and redirect middleware).

The only module that does HTTP. Report functions return streams, so requests are built as raw URLs
(the SDK's Copilot builders target a removed path and drop commas; graph-api.md §1.6) and the native
httpx response is returned, so status, Content-Type and Retry-After can be inspected here, in one place.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx
from kiota_abstractions.authentication import (
    AccessTokenProvider,
    AllowedHostsValidator,
    BaseBearerTokenAuthenticationProvider,
)
from kiota_abstractions.method import Method
from kiota_abstractions.native_response_handler import NativeResponseHandler
from kiota_abstractions.request_information import RequestInformation
from kiota_authentication_azure.azure_identity_authentication_provider import (
    AzureIdentityAuthenticationProvider,
)
from kiota_http.middleware.options import ResponseHandlerOption, RetryHandlerOption
from msgraph import GraphRequestAdapter
from msgraph_core import GraphClientFactory

from warehouse.config import Config, Secrets

ACCEPT_REPORT = "application/octet-stream, text/csv, application/json"
MAX_IN_PROCESS_RETRY_AFTER = 180  # kiota's RetryHandler gives up at >= 180 s; so do we
# A tenant without Microsoft 365 workloads: the reports service answers 404 with the code UnknownTenantId nested in
# the message, {"error":{"code":"UnknownError","message":"{\"error\":{\"code\":\"UnknownTenantId\"}}"}} (seen by a
# third-party FinOps tool, `IsTenantWithoutUsageReports`; graph-api.md §9)
UNKNOWN_TENANT = ("the Microsoft 365 reports service does not know this tenant (HTTP 404 UnknownTenantId): it has no "
                  "Microsoft 365 workloads (Exchange Online, SharePoint, Teams) to report on, so there is no usage "
                  "report to collect")


def no_workloads(resp: Response) -> bool:
    """True when a report request was answered 404 UnknownTenantId (a tenant without M365 workloads)."""
    return resp.status == 404 and b"UnknownTenantId" in resp.body


class GraphError(Exception):
    """A Graph call failed; the message names the report and, for 401/403, the permission needed."""

    def __init__(self, message: str, *, report: str = "", status: int | None = None,
                 retry_after: int | None = None) -> None:
        super().__init__(message)
        self.report, self.status, self.retry_after = report, status, retry_after

    @property
    def throttled(self) -> bool:
        """True when Graph asked us to come back later (429 with a Retry-After we will not sleep)."""
        return self.status == 429


class _StaticToken(AccessTokenProvider):
    """Method `token`: send a pre-obtained bearer token as is, only to the Graph host."""

    def __init__(self, token: str, hosts: list[str]) -> None:
        self._token, self._hosts = token, AllowedHostsValidator(hosts)

    async def get_authorization_token(self, uri: str, additional_authentication_context: dict | None = None) -> str:
        return self._token if self._hosts.is_url_host_valid(uri) else ""

    def get_allowed_hosts_validator(self) -> AllowedHostsValidator:
        return self._hosts


def _credential(cfg: Config, secrets: Secrets) -> Any:
    from azure.identity.aio import CertificateCredential, ClientSecretCredential, ManagedIdentityCredential

    a = cfg.auth
    if a.method == "client_secret":
        if not secrets.client_secret:
            raise GraphError("[auth] method = 'client_secret' needs the COPILOT_USAGE_CLIENT_SECRET "
                             "environment variable")
        return ClientSecretCredential(a.tenant_id, a.client_id, secrets.client_secret, authority=a.authority)
    if a.method == "certificate":
        return CertificateCredential(a.tenant_id, a.client_id, certificate_path=a.certificate_path,
                                     password=secrets.certificate_password, authority=a.authority)
    return ManagedIdentityCredential(client_id=a.client_id or None)


@dataclass
class Response:
    """What a Graph call returned, after redirects and retries."""

    status: int
    content_type: str
    body: bytes
    headers: httpx.Headers
    url: str

    def json(self) -> Any:
        """The body as JSON (raises ValueError when it is not)."""
        return json.loads(self.body)


class GraphSession:
    """One collection's Graph connection; use as `async with GraphSession(cfg) as g:` inside one event loop."""

    def __init__(self, cfg: Config, secrets: Secrets | None = None) -> None:
        self.cfg = cfg
        self.secrets = secrets or Secrets.from_env()
        self.base = cfg.graph.base_url
        self.requests = 0
        self._credential: Any = None
        self._http: httpx.AsyncClient | None = None
        self._adapter: GraphRequestAdapter | None = None

    async def __aenter__(self) -> GraphSession:
        host = urlsplit(self.base).hostname or ""
        if self.cfg.auth.method == "token":
            if not self.secrets.graph_token:
                raise GraphError("[auth] method = 'token' needs the COPILOT_USAGE_GRAPH_TOKEN environment variable")
            auth: Any = BaseBearerTokenAuthenticationProvider(_StaticToken(self.secrets.graph_token, [host]))
        else:
            self._credential = _credential(self.cfg, self.secrets)
            auth = AzureIdentityAuthenticationProvider(self._credential, scopes=[f"{self.base}/.default"],
                                                       allowed_hosts=[host])
        options = {RetryHandlerOption.get_key(): RetryHandlerOption(delay=1.0, max_retries=self.cfg.graph.max_retries)}
        self._http = GraphClientFactory.create_with_default_middleware(
            client=httpx.AsyncClient(timeout=self.cfg.graph.timeout_seconds), options=options)
        self._adapter = GraphRequestAdapter(auth, client=self._http)
        self._adapter.base_url = f"{self.base}/v1.0"
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._http is not None:
            await self._http.aclose()
        if self._credential is not None:
            await self._credential.close()

    async def get(self, url: str, *, accept: str = "application/json",
                  headers: dict[str, str] | None = None) -> Response:
        """GET an absolute Graph URL through the SDK pipeline and return the native response."""
        assert self._adapter is not None, "use GraphSession as an async context manager"
        ri = RequestInformation(Method.GET)
        ri.url = url
        ri.headers.try_add("Accept", accept)
        for k, v in (headers or {}).items():
            ri.headers.try_add(k, v)
        return await self._send(ri)

    async def _send(self, ri: RequestInformation) -> Response:
        """Send through the SDK pipeline (auth, retries, redirects) and return the native response."""
        assert self._adapter is not None, "use GraphSession as an async context manager"
        ri.add_request_options([ResponseHandlerOption(NativeResponseHandler())])
        self.requests += 1
        try:
            r: httpx.Response = await self._adapter.send_primitive_async(ri, "bytes", None)
        except httpx.HTTPError as e:
            raise GraphError(f"network error: {type(e).__name__}: {e}") from None
        return Response(r.status_code, r.headers.get("content-type", ""), r.content, r.headers, str(r.url))

    async def post(self, url: str, body: bytes, *, content_type: str = "application/json") -> Response:
        """POST a body to an absolute Graph URL through the SDK pipeline and return the native response."""
        assert self._adapter is not None, "use GraphSession as an async context manager"
        ri = RequestInformation(Method.POST)
        ri.url = url
        ri.headers.try_add("Accept", "application/json")
        ri.set_stream_content(body, content_type)
        return await self._send(ri)

    async def download(self, url: str) -> Response:
        """Fetch a pre-authenticated download URL that Graph returned in a body, never with the token."""
        self.requests += 1
        async with httpx.AsyncClient(timeout=self.cfg.graph.timeout_seconds, follow_redirects=True) as c:
            try:
                r = await c.get(url)
            except httpx.HTTPError as e:
                raise GraphError(f"network error: {type(e).__name__}: {e}") from None
        return Response(r.status_code, r.headers.get("content-type", ""), r.content, r.headers, str(r.url))


def error_message(resp: Response) -> str:
    """The most useful text of a Graph error body (unwrapping JSON nested in `message`)."""
    try:
        err = resp.json().get("error", {})
        msg = err.get("message") or ""
        try:
            inner = json.loads(msg)
            msg = inner.get("Message") or inner.get("message") or msg
        except (ValueError, AttributeError):
            pass
        return f"{err.get('code', '')}: {msg}".strip(": ")
    except (ValueError, AttributeError):
        text = resp.body[:200].decode("utf-8", "replace").strip()
        return text or "(empty body)"


def check(resp: Response, *, report: str, permission: str) -> None:
    """Raise a GraphError naming the report (and permission) unless the response is a success."""
    if resp.status < 300:
        return
    detail = error_message(resp)
    if resp.status in (401, 403):
        raise GraphError(f"{report}: HTTP {resp.status} — the app registration lacks the application permission "
                         f"{permission} (with admin consent), or the token is invalid. Graph said: {detail}",
                         report=report, status=resp.status)
    if resp.status == 429:
        ra = resp.headers.get("retry-after")
        wait = int(ra) if ra and ra.isdigit() else None
        why = ("a long wait is not slept in-process" if wait is None or wait >= MAX_IN_PROCESS_RETRY_AFTER
               else "still throttled after [graph] max_retries retries")
        raise GraphError(f"{report}: throttled by Graph (HTTP 429, Retry-After {ra or '?'} s); {why}, "
                         f"the next run picks it up", report=report, status=429, retry_after=wait)
    if no_workloads(resp):
        raise GraphError(f"{report}: {UNKNOWN_TENANT}", report=report, status=404)
    raise GraphError(f"{report}: HTTP {resp.status} from Graph: {detail}", report=report, status=resp.status)
