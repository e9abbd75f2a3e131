"""Replay recorded Graph responses (tests/fixtures/graph/) over real HTTP on loopback.

The network edge only: the real collector talks to this server exactly as it talks to Graph. It answers
each request with a recorded body, byte for byte, and behaves as the recordings' sources document:

- Copilot reports (`/v1.0/copilot/reports/<function>(...)`): 200 with the CSV inline,
  `Content-Type: application/octet-stream` (m365copilot-docs, v1.0 pivot).
- M365 reports (`/v1.0/reports/<function>(...)`): `302 Found`, `Content-Type: text/plain` and a `Location`
  on a second listener standing in for reports.office.com, which serves the CSV and must never see the bearer
  token (graph-api.md §2.1).
- `users/delta`: a session of recorded pages; the initial request gets the first page, and each page's
  `@odata.nextLink` / `@odata.deltaLink` token leads to the next recorded page.
- `subscribedSkus`, `admin/reportSettings`: one recorded body each.

Recorded JSON names `https://graph.microsoft.com`; the only change made while serving is that host being
replaced by this server's address (as a recording proxy would), so the collector follows the recorded links here.
Anything not recorded is answered 404 in Graph's error shape, so a request the recordings do not cover fails
loudly instead of being invented.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

FIXTURES = Path(__file__).parent / "fixtures" / "graph"
GRAPH_HOST = "https://graph.microsoft.com"
TOKEN = "recorded-replay-token"
BOM = b"\xef\xbb\xbf"  # what report downloads start with (microsoftgraph/microsoft-graph-docs#7522)


@dataclass
class Recording:
    """Which recorded file answers which request (file names relative to tests/fixtures/graph)."""

    copilot: dict[str, str] = field(default_factory=dict)  # report function name -> CSV
    m365: dict[str, str] = field(default_factory=dict)  # report function name -> CSV (served after a 302)
    users: list[str] = field(default_factory=list)  # users/delta pages in the order Graph links them
    skus: str | None = None
    report_settings: str | None = None
    bom: bool = False  # prefix M365 downloads with the UTF-8 BOM Graph sends


def _link_token(body: bytes) -> str | None:
    """The $skiptoken / $deltatoken of a recorded page's next or delta link (None for unparseable bodies)."""
    try:
        page = json.loads(body)
    except ValueError:
        return None
    link = page.get("@odata.nextLink") or page.get("@odata.deltaLink") or ""
    m = re.search(r"\$(?:skip|delta)token=([^&]+)", link)
    return m.group(1) if m else None


class Replay:
    """Two loopback listeners serving a Recording; use as a context manager. `requests` logs what was asked."""

    def __init__(self, recording: Recording) -> None:
        self.recording = recording
        self.requests: list[str] = []
        self.downloads: list[str] = []
        self.auth_leaks = 0
        self.graph = ThreadingHTTPServer(("127.0.0.1", 0), self._handler(download=False))
        self.download = ThreadingHTTPServer(("127.0.0.1", 0), self._handler(download=True))
        self._threads: list[threading.Thread] = []
        # users/delta: the first page answers the initial request; each page's link token names the next page
        self.pages = [(FIXTURES / f).read_bytes() for f in recording.users]
        self.by_token = {}
        for body, nxt in zip(self.pages, self.pages[1:], strict=False):
            token = _link_token(body)
            assert token, "a users/delta page that is followed by another must carry a next or delta link"
            self.by_token[token] = nxt

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.graph.server_address[1]}"

    @property
    def download_url(self) -> str:
        return f"http://127.0.0.1:{self.download.server_address[1]}"

    def __enter__(self) -> Replay:
        for srv in (self.graph, self.download):
            th = threading.Thread(target=srv.serve_forever, daemon=True)
            th.start()
            self._threads.append(th)
        return self

    def __exit__(self, *exc: object) -> None:
        for srv in (self.graph, self.download):
            srv.shutdown()
            srv.server_close()

    def _json_body(self, name: str) -> bytes:
        return (FIXTURES / name).read_bytes().replace(GRAPH_HOST.encode(), self.base_url.encode())

    def _handler(self, download: bool) -> type[BaseHTTPRequestHandler]:
        replay = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a: object) -> None:
                pass

            def _send(self, status: int, body: bytes, ctype: str, headers: dict[str, str] | None = None) -> None:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(body)

            def _error(self, status: int, code: str, message: str) -> None:
                body = json.dumps({"error": {"code": code, "message": message}}).encode()
                self._send(status, body, "application/json")

            def do_GET(self) -> None:  # noqa: N802
                parts = urlsplit(self.path)
                path = unquote(parts.path)
                if download:
                    return self._download(path)
                replay.requests.append(unquote(self.path))
                if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                    return self._error(401, "InvalidAuthenticationToken", "Access token is empty or invalid.")
                rec = replay.recording
                m = re.fullmatch(r"/v1\.0/(copilot/)?reports/(\w+)\(.*\)", path)
                if m and m.group(1) and m.group(2) in rec.copilot:
                    return self._send(200, (FIXTURES / rec.copilot[m.group(2)]).read_bytes(),
                                      "application/octet-stream")
                if m and not m.group(1) and m.group(2) in rec.m365:
                    return self._send(302, b"", "text/plain",
                                      {"Location": f"{replay.download_url}/data/download/{m.group(2)}"})
                if path == "/v1.0/users/delta" and replay.pages:
                    return self._delta(parse_qs(parts.query))
                if path == "/v1.0/subscribedSkus" and rec.skus:
                    return self._send(200, replay._json_body(rec.skus), "application/json")
                if path == "/v1.0/admin/reportSettings" and rec.report_settings:
                    return self._send(200, replay._json_body(rec.report_settings), "application/json")
                return self._error(404, "ResourceNotFound", f"no recording for {path}")

            def _delta(self, query: dict[str, list[str]]) -> None:
                token = (query.get("$skiptoken") or query.get("$deltatoken") or [None])[0]
                if token is None:
                    body = replay.pages[0]
                elif token in replay.by_token:
                    body = replay.by_token[token]
                else:
                    return self._error(410, "SyncStateNotFound", "no recorded page for this token")
                self._send(200, body.replace(GRAPH_HOST.encode(), replay.base_url.encode()), "application/json")

            def _download(self, path: str) -> None:
                if self.headers.get("Authorization"):
                    replay.auth_leaks += 1
                    return self._error(400, "BadRequest", "The bearer token must not be sent to the download host.")
                func = path.rsplit("/", 1)[-1]
                name = replay.recording.m365.get(func)
                if name is None:
                    return self._send(404, b"<html><body>Download link expired</body></html>", "text/html")
                replay.downloads.append(func)
                body = (FIXTURES / name).read_bytes()
                self._send(200, (BOM if replay.recording.bom else b"") + body, "application/octet-stream")

        return Handler
