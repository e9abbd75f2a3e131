"""Send alert mails through Microsoft Graph `sendMail` (application permission Mail.Send), in MIME format.

The rendered message (text + HTML + inline heatmap) is posted as base64 MIME, so Graph sends exactly what
SMTP would. Importing this module registers `[alerts] transport = "graph"` with alerts.send.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Sequence
from email.message import EmailMessage
from urllib.parse import quote

from alerts.send import register_transport
from warehouse.config import Config, Secrets

from .graph import GraphError, GraphSession, error_message

PERMISSION = "Mail.Send"


class GraphSendMail:
    """POST /v1.0/users/{from_address}/sendMail for each message, through the collector's Graph session."""

    name = "graph"

    def __init__(self, cfg: Config, secrets: Secrets | None = None) -> None:
        self.cfg, self.secrets = cfg, secrets
        self.mailbox = cfg.alerts.from_address

    def send_all(self, messages: Sequence[EmailMessage]) -> list[str | None]:
        """Send each message; returns None per accepted message (HTTP 202), else the error text."""
        return asyncio.run(self._send_all(messages))

    async def _send_all(self, messages: Sequence[EmailMessage]) -> list[str | None]:
        url = f"{self.cfg.graph.base_url}/v1.0/users/{quote(self.mailbox, safe='@')}/sendMail"
        out: list[str | None] = []
        try:
            async with GraphSession(self.cfg, self.secrets) as g:
                for msg in messages:
                    out.append(await self._send_one(g, url, msg))
        except GraphError as e:
            out.extend([f"Graph sendMail: {e}"] * (len(messages) - len(out)))
        return out

    async def _send_one(self, g: GraphSession, url: str, msg: EmailMessage) -> str | None:
        try:
            mime = msg.as_bytes(policy=msg.policy.clone(linesep="\r\n"))  # MIME wants CRLF line ends
            resp = await g.post(url, base64.b64encode(mime), content_type="text/plain")
        except GraphError as e:
            return f"Graph sendMail: {e}"
        if resp.status in (200, 202):
            return None
        detail = error_message(resp)
        if resp.status in (401, 403):
            return (f"Graph sendMail as {self.mailbox}: HTTP {resp.status}: the app registration lacks the application "
                    f"permission {PERMISSION} (with admin consent) or an Exchange application access policy / RBAC "
                    f"scope excludes this mailbox. Graph said: {detail}")
        return f"Graph sendMail as {self.mailbox}: HTTP {resp.status}: {detail}"


def transport(cfg: Config) -> GraphSendMail:
    """The Graph transport for a configuration."""
    return GraphSendMail(cfg)


register_transport("graph", transport)
