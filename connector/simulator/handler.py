"""The simulator's HTTP request handler: routes Graph paths, the download host and `/_sim/*` endpoints."""

from __future__ import annotations

import base64
import contextlib
import json
import re
import secrets
import socket
import time
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, unquote, urlsplit

from . import directory, listing
from .state import COPILOT_FUNCS, M365_FUNCS, M365_PERIODS, PERIODS, PERMISSION, Fault

if TYPE_CHECKING:
    from .server import Simulator


def _args(s: str) -> dict[str, str]:
    out = {}
    for part in filter(None, (p.strip() for p in s.split(","))):
        k, _, v = part.partition("=")
        out[k.strip()] = v.strip().strip("'")
    return out


def make_handler(sim: Simulator, download: bool) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # headers and body go out in two writes; with Nagle's algorithm the body of a keep-alive response waits
        # for the client's delayed ACK of the headers (about 40 ms on Linux), which no Graph response does
        disable_nagle_algorithm = True

        def log_message(self, *a: object) -> None:  # quiet
            pass

        # ------------------------------------------------------------ plumbing
        def _send(self, status: int, body: bytes = b"", ctype: str = "application/json",
                  headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def _json(self, status: int, obj: object, headers: dict[str, str] | None = None) -> None:
            self._send(status, json.dumps(obj).encode(), "application/json", headers)

        def _error(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
            self._json(status, {"error": {"code": code, "message": message,
                                          "innerError": {"request-id": secrets.token_hex(8)}}}, headers)

        # ------------------------------------------------------------ verbs
        def do_GET(self) -> None:  # noqa: N802
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self._route("GET")

        def do_PATCH(self) -> None:  # noqa: N802
            self._route("PATCH")

        def do_POST(self) -> None:  # noqa: N802
            self._route("POST")

        def _body(self) -> dict:
            n = int(self.headers.get("Content-Length") or 0)
            return json.loads(self.rfile.read(n) or b"{}") if n else {}

        def _route(self, method: str) -> None:
            parts = urlsplit(self.path)
            path = re.sub("/+", "/", unquote(parts.path))
            # OData 4.01 system query option names are case-insensitive ($deltaToken = $deltatoken)
            query = {(k.lower() if k.startswith("$") else k): v[0] for k, v in parse_qs(parts.query).items()}
            st = sim.state
            if st.latency_ms and not path.startswith("/_sim/"):
                time.sleep(st.latency_ms / 1000)  # Graph's round trip; a thread per connection, so others go on
            if download:
                return self._fault(path) or self._download(path)
            if path.startswith("/_sim/"):
                return self._admin(method, path)
            st.requests.append(f"{method} {path}" + (f"?{parts.query}" if parts.query else ""))
            if self._fault(path):
                return None
            if self.headers.get("Authorization") != f"Bearer {st.token}":
                return self._error(401, "InvalidAuthenticationToken", "Access token is empty or invalid.")
            if path.startswith("/beta/reports/getMicrosoft365Copilot"):
                seg = path.rsplit("/", 1)[-1].split("(")[0]
                return self._error(400, "BadRequest", f"Resource not found for the segment '{seg}'.")
            m = re.fullmatch(r"/v1\.0/(copilot/)?reports/(\w+)\((.*)\)", path)
            if m:
                return self._report(bool(m.group(1)), m.group(2), _args(m.group(3)))
            if path in ("/v1.0/users/delta", "/v1.0/users/delta()", "/v1.0/users/microsoft.graph.delta()"):
                return self._delta(query)
            if path == "/v1.0/users" and method == "GET":
                if PERMISSION["users"] in st.denied:
                    return self._forbidden()
                try:
                    state = (listing.state_from_token(query["$skiptoken"]) if "$skiptoken" in query
                             else listing.initial_state(query))
                except listing.BadQuery as e:
                    return self._error(400, "Request_BadRequest", str(e))
                except (ValueError, KeyError):
                    return self._error(400, "Request_BadRequest", "Invalid skip token.")
                with sim.lock:
                    page = listing.list_page(sim.tenant, st.day, state, sim.base_url)
                return self._json(200, page)
            if path == "/v1.0/subscribedSkus":
                if PERMISSION["skus"] in st.denied:
                    return self._forbidden()
                return self._json(200, directory.subscribed_skus(sim.tenant, st.day))
            if path == "/v1.0/admin/reportSettings":
                if PERMISSION["settings"] in st.denied:
                    return self._forbidden()
                if method == "PATCH":
                    st.concealed = bool(self._body().get("displayConcealedNames", st.concealed))
                    return self._send(204)
                return self._json(200, {"@odata.context": f"{sim.base_url}/v1.0/$metadata#admin/reportSettings/$entity",
                                        "displayConcealedNames": st.concealed})
            m = re.fullmatch(r"/v1\.0/users/([^/]+)/sendMail", path)
            if m and method == "POST":
                return self._send_mail(m.group(1))
            return self._error(404, "ResourceNotFound", f"Resource not found for the segment '{path}'.")

        def _send_mail(self, mailbox: str) -> None:
            """Graph sendMail: MIME (text/plain, base64) or JSON; recorded in state.sent_mail, answered 202."""
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if PERMISSION["mail"] in sim.state.denied:
                return self._error(403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.")
            ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            entry: dict = {"mailbox": mailbox, "content_type": ctype}
            if ctype == "text/plain":
                try:
                    entry["mime"] = base64.b64decode(raw, validate=True)
                except ValueError:
                    return self._error(400, "ErrorMimeContentInvalidBase64String", "Invalid base64 string for MIME "
                                       "content.")
            elif ctype == "application/json":
                try:
                    entry["json"] = json.loads(raw)["message"]
                except (ValueError, KeyError, TypeError):
                    return self._error(400, "ErrorInvalidRequest", "The request body must contain a message.")
            else:
                return self._error(415, "UnsupportedMediaType", f"Content-Type {ctype!r} is not supported.")
            with sim.lock:
                sim.state.sent_mail.append(entry)
            self._send(202)

        def _fault(self, path: str) -> bool:
            """Answer with the first injected fault matching `path` (True), or do nothing (False)."""
            st = sim.state
            for f in list(st.faults):
                if f.match not in path:
                    continue
                f.times -= 1
                if f.times <= 0:
                    st.faults.remove(f)
                if f.reset:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/octet-stream")
                    self.send_header("Content-Length", "1000000")
                    self.end_headers()
                    self.wfile.write(b"\xef\xbb\xbfReport Refresh Date,User Principal Name\r\n2026-")
                    self.wfile.flush()
                    self.close_connection = True
                    with contextlib.suppress(OSError):
                        self.connection.shutdown(socket.SHUT_RDWR)
                    return True
                hdr = {"Retry-After": str(f.retry_after)} if f.retry_after is not None else {}
                body = f.body if f.body is not None else json.dumps(
                    {"error": {"code": "TooManyRequests" if f.status == 429 else "Fault",
                               "message": f"Injected fault {f.status}"}})
                self._send(f.status, body.encode(), f.content_type, hdr)
                return True
            return False

        def _forbidden(self) -> None:
            self._error(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.")

        def _report(self, copilot: bool, func: str, args: dict[str, str]) -> None:
            st = sim.state
            if PERMISSION["reports"] in st.denied:
                return self._error(403, "UnknownError", "Caller does not have the required role or permission.")
            st.report_requests += 1
            if st.no_workloads:  # the body a real tenant without workloads gets (graph.py UNKNOWN_TENANT)
                return self._json(404, {"error": {"code": "UnknownError",
                                                  "message": json.dumps({"error": {"code": "UnknownTenantId"}})}})
            if st.throttle_every and st.report_requests % st.throttle_every == 0:
                return self._error(429, "TooManyRequests", "Too many requests.", {"Retry-After": "1"})
            if copilot:
                name = COPILOT_FUNCS.get(func)
                if name is None:
                    return self._error(400, "BadRequest", f"Resource not found for the segment '{func}'.")
                version = args.get("version", "v1")
                if version not in PERIODS or (version == "v2" and not st.v2_supported):
                    return self._error(400, "BadRequest", f"Invalid value '{version}' for parameter 'version'.")
                allowed = PERIODS[version]
                period = args.get("period", "")
                if period != "ALL" and period not in allowed:
                    return self._error(400, "BadRequest", f"Invalid period '{period}' for version {version}.")
                key_period: object = sorted(allowed.values()) if period == "ALL" else allowed[period]
                if name != "copilot_summary" and period == "ALL":
                    return self._error(400, "BadRequest", "Period ALL is not simulated for this report.")
                if name == "copilot_summary" and period != "ALL":
                    key_period = [allowed[period]]
                body = sim.render(("copilot", name, st.day, key_period, version, st.concealed))
                if st.empty_reports:  # the header only, as a tenant whose licences are too new to have rows
                    body = body.split(b"\n", 1)[0] + b"\n"
                return self._send(200, body, "application/octet-stream")
            name = M365_FUNCS.get(func)
            if name is None or args.get("period") not in M365_PERIODS:
                return self._error(400, "BadRequest", f"Invalid report or period: {func}({args}).")
            token = secrets.token_urlsafe(18)
            key = ("m365", name, st.day, M365_PERIODS[args["period"]], "v1", st.concealed)
            sim.downloads[token] = (time.monotonic() + st.download_ttl, key)
            self._send(302, b"", "text/plain", {"Location": f"{sim.download_url}/data/download/{token}"})

        def _download(self, path: str) -> None:
            if self.headers.get("Authorization"):
                sim.state.auth_leaks += 1
                return self._error(400, "BadRequest", "The bearer token must not be sent to the download host.")
            token = path.rsplit("/", 1)[-1]
            entry = sim.downloads.pop(token, None)
            if entry is None or entry[0] < time.monotonic():
                return self._send(404, b"<html><body>Download link expired</body></html>", "text/html")
            self._send(200, sim.render(entry[1]), "application/octet-stream")

        def _delta(self, query: dict[str, str]) -> None:
            st = sim.state
            if PERMISSION["users"] in st.denied:
                return self._forbidden()
            try:
                if "$skiptoken" in query:
                    state = directory.decode_token(query["$skiptoken"])
                elif query.get("$deltatoken") == "latest":
                    # "sync from now" (concepts/delta-query-overview.md): a deltaLink and no resource data, i.e.
                    # a round that starts and ends today; the request's $select is what the link tracks
                    select = [s for s in query.get("$select", "").split(",") if s]
                    state = {"since": st.day, "day": st.day, "select": select or ["displayName", "userPrincipalName"]}
                elif "$deltatoken" in query:
                    prev = directory.decode_token(query["$deltatoken"])
                    if prev["since"] > st.day:
                        return self._error(410, "SyncStateNotFound", "The delta token is no longer valid.")
                    state = {"since": prev["since"], "day": st.day, "select": prev["select"]}
                else:
                    select = [s for s in query.get("$select", "").split(",") if s]
                    state = {"since": None, "day": st.day, "select": select or ["displayName", "userPrincipalName"]}
            except (ValueError, KeyError):
                return self._error(400, "BadRequest", "Invalid skip or delta token.")
            # $top is not supported on users/delta and is ignored, as Graph does (directory.py); only Prefer counts
            prefer = re.search(r"odata\.maxpagesize=(\d+)", self.headers.get("Prefer", ""))
            if prefer:
                state["page_size"] = int(prefer.group(1))
            # Prefer: return=minimal asks for the changed properties only (user-delta.md); the delta_items setting
            # makes the simulator answer that way (or mixed) without the header
            minimal = re.search(r"return=minimal", self.headers.get("Prefer", ""))
            state["items"] = "minimal" if minimal else st.delta_items
            with sim.lock:
                page = directory.delta_page(sim.tenant, state, sim.base_url)
            self._json(200, page)

        def _admin(self, method: str, path: str) -> None:
            st = sim.state
            if path == "/_sim/stats":
                return self._json(200, {"requests": st.requests, "auth_leaks": st.auth_leaks,
                                        "date": sim.tenant.date(st.day).isoformat()})
            if path == "/_sim/mail":
                return self._json(200, {"sent": [{"mailbox": m["mailbox"], "content_type": m["content_type"],
                                                  "bytes": len(m.get("mime") or b"")} for m in st.sent_mail]})
            body = self._body() if method == "POST" else {}
            if path == "/_sim/clock" and method == "POST":
                sim.set_date(body["date"])
            elif path == "/_sim/settings" and method == "POST":
                for k in ("concealed", "v2_supported", "no_workloads", "empty_reports", "throttle_every",
                          "download_ttl", "delta_items", "latency_ms"):
                    if k in body:
                        setattr(st, k, body[k])
                if "denied" in body:
                    st.denied = set(body["denied"])
            elif path == "/_sim/faults" and method == "POST":
                st.faults.extend(Fault(**f) for f in body.get("faults", []))
            else:
                return self._error(404, "NotFound", path)
            self._json(200, {"ok": True, "date": sim.tenant.date(st.day).isoformat()})

    return Handler
