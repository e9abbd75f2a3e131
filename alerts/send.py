"""Transports that deliver rendered mails: SMTP, an outbox folder of .eml files, and (registered by
connector.sendmail, the only Graph code) Graph sendMail. Each returns one error (or None) per message."""

from __future__ import annotations

import os
import re
import smtplib
import ssl
from collections.abc import Callable, Sequence
from email.message import EmailMessage
from email.utils import getaddresses
from pathlib import Path
from typing import Protocol

from warehouse.config import SECRET_ENV, Config, SmtpConfig


class AlertError(Exception):
    """Alerts cannot run (configuration, transport); the message says what to fix."""


class Transport(Protocol):
    """Delivers messages; `send_all` returns None for each delivered message, else the error text."""

    name: str

    def send_all(self, messages: Sequence[EmailMessage]) -> list[str | None]: ...


def recipients(msg: EmailMessage) -> list[str]:
    """Every To and Cc address of a message."""
    return [a for _, a in getaddresses(msg.get_all("To", []) + msg.get_all("Cc", [])) if a]


class SmtpTransport:
    """Send over one SMTP connection (STARTTLS or implicit TLS, optional login)."""

    name = "smtp"

    def __init__(self, smtp: SmtpConfig, envelope_from: str, password: str | None = None) -> None:
        self.smtp, self.envelope_from, self._password = smtp, envelope_from, password

    def _connect(self) -> smtplib.SMTP:
        s = self.smtp
        ctx = ssl.create_default_context()
        if s.ssl:
            conn: smtplib.SMTP = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout_seconds, context=ctx)
        else:
            conn = smtplib.SMTP(s.host, s.port, timeout=s.timeout_seconds)
        try:
            conn.ehlo()
            if s.starttls:
                conn.starttls(context=ctx)
                conn.ehlo()
            if s.username:
                conn.login(s.username, self._password or "")
        except Exception:
            conn.close()
            raise
        return conn

    def send_all(self, messages: Sequence[EmailMessage]) -> list[str | None]:
        """Send each message; a refused recipient or a dropped connection fails only the affected messages."""
        where = f"SMTP {self.smtp.host}:{self.smtp.port}"
        try:
            conn = self._connect()
        except (OSError, smtplib.SMTPException) as e:
            return [f"{where}: cannot connect: {_describe(e)}"] * len(messages)
        out: list[str | None] = []
        try:
            for i, msg in enumerate(messages):
                try:
                    refused = conn.send_message(msg, from_addr=self.envelope_from, to_addrs=recipients(msg))
                    out.append(f"{where} refused {', '.join(refused)}" if refused else None)
                except smtplib.SMTPServerDisconnected as e:
                    out.extend([f"{where}: connection lost: {_describe(e)}"] * (len(messages) - i))
                    return out
                except (smtplib.SMTPException, OSError) as e:
                    out.append(f"{where}: {_describe(e)}")
        finally:
            try:
                conn.quit()
            except (smtplib.SMTPException, OSError):
                conn.close()
        return out


def _describe(e: BaseException) -> str:
    if isinstance(e, smtplib.SMTPResponseException):
        msg = e.smtp_error.decode("utf-8", "replace") if isinstance(e.smtp_error, bytes) else str(e.smtp_error)
        return f"{e.smtp_code} {msg}"
    if isinstance(e, smtplib.SMTPRecipientsRefused):
        return "all recipients refused: " + ", ".join(f"{a} ({c})" for a, (c, _) in e.recipients.items())
    return f"{type(e).__name__}: {e}"


_SLUG = re.compile(r"[^A-Za-z0-9@._-]+")


class OutboxTransport:
    """Write each message as `<outbox_dir>/<week>/<kind>-<recipient>.eml` (the dry run)."""

    name = "outbox"

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)
        self.written: list[Path] = []

    def path_for(self, msg: EmailMessage) -> Path:
        """Where a message goes: a folder per ISO week, a file per kind and recipient."""
        kind, _, week = (msg.get("X-Copilot-Usage-Alert") or "mail; week=unknown").partition("; week=")
        to = _SLUG.sub("_", (recipients(msg) or ["unknown"])[0].lower())
        return self.directory / _SLUG.sub("_", week) / f"{_SLUG.sub('_', kind)}-{to}.eml"

    def send_all(self, messages: Sequence[EmailMessage]) -> list[str | None]:
        """Write the files (replacing an earlier dry run's)."""
        out: list[str | None] = []
        for msg in messages:
            path = self.path_for(msg)
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_suffix(".eml.tmp")
                tmp.write_bytes(bytes(msg))
                tmp.replace(path)
                self.written.append(path)
                out.append(None)
            except OSError as e:
                out.append(f"cannot write {path}: {e.strerror or e}")
        return out


TransportFactory = Callable[[Config], Transport]
TRANSPORTS: dict[str, TransportFactory] = {}


def register_transport(name: str, factory: TransportFactory) -> None:
    """Make `[alerts] transport = name` available (connector.sendmail registers "graph")."""
    TRANSPORTS[name] = factory


def _smtp(cfg: Config) -> Transport:
    a = cfg.alerts
    password = os.environ.get(SECRET_ENV["smtp_password"]) or None
    if a.smtp.username and not password:
        raise AlertError(f"[alerts.smtp] username is set; export {SECRET_ENV['smtp_password']} with its password")
    return SmtpTransport(a.smtp, a.smtp.from_address or a.from_address, password)


register_transport("smtp", _smtp)
register_transport("outbox", lambda cfg: OutboxTransport(cfg.alerts.outbox_dir))


def make_transport(cfg: Config, dry_run: bool = False) -> Transport:
    """The configured transport, or the outbox for a dry run."""
    if dry_run:
        return OutboxTransport(cfg.alerts.outbox_dir)
    name = cfg.alerts.transport
    if name not in TRANSPORTS:
        raise AlertError(f"[alerts] transport = {name!r} is not loaded; the Graph transport lives in "
                         "connector.sendmail (the copilot-usage command and the scheduler load it)")
    return TRANSPORTS[name](cfg)
