"""[alerts] and [alerts.smtp]: the weekly champion mails and how they are sent."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from .base import Section, email_or_empty
from .service import parse_hhmm


class SmtpConfig(Section):
    """The SMTP relay of [alerts] transport = "smtp". The password comes from COPILOT_USAGE_SMTP_PASSWORD, never
    from this file."""

    host: str = Field("localhost", description="The SMTP relay's host.")
    port: int = Field(587, ge=1, le=65535, description="Its port: 587 with STARTTLS, 465 with ssl, 25 plain.")
    starttls: bool = Field(True, description="STARTTLS after connecting (port 587); both this and ssl false = plain.")
    ssl: bool = Field(False, description="Implicit TLS (port 465); excludes starttls.")
    username: str = Field("", description=(
        "Login user, with the password from COPILOT_USAGE_SMTP_PASSWORD; empty = no authentication."))
    from_address: str = Field("", description=(
        "Envelope sender (MAIL FROM, where bounces go); empty = [alerts] from_address."))
    timeout_seconds: float = Field(30.0, gt=0, description="Timeout of the SMTP connection, in seconds.")

    _addr = field_validator("from_address")(email_or_empty)

    @model_validator(mode="after")
    def _tls(self) -> SmtpConfig:
        if self.ssl and self.starttls:
            raise ValueError("ssl (implicit TLS, port 465) and starttls (port 587) exclude each other; set one")
        return self


class AlertsConfig(Section):
    """The weekly stagnation e-mails to each group's champion, the fallback mail and the adoption lead's digest
    (docs/alerts.md). The scheduler sends them only when from_address and a recipient (digest_address or
    fallback_address) are set."""

    transport: Literal["smtp", "graph", "outbox"] = Field("smtp", description=(
        "How mail leaves: smtp ([alerts.smtp]), graph (Graph sendMail as from_address; needs the Mail.Send "
        "application permission) or outbox (only write .eml files to outbox_dir, like --dry-run)."))
    from_address: str = Field("", description=(
        "The From: header; with transport = \"graph\" also the mailbox that sends (a user or shared mailbox)."))
    fallback_address: str = Field("", description=(
        "Flagged groups without a champion go here (never dropped); empty = digest_address."))
    digest_address: str = Field("", description=(
        "The adoption lead's weekly digest of every flagged group and its owner (sent also when nothing is "
        "flagged)."))
    dashboard_url: str = Field("http://localhost:8501", description=(
        "The dashboard's public URL; mails link to {dashboard_url}/my-groups?dimension=...&group=...&week=..."))
    outbox_dir: str = Field("outbox", description=(
        "Where --dry-run (and transport = \"outbox\") writes one .eml file per message, under a folder per week."))
    subject_prefix: str = Field("[Copilot adoption]", description="Put in front of every subject.")
    dimensions: list[Literal["department", "job_function", "manager"]] = Field(
        ["department", "job_function", "manager"], description=(
            "Which group dimensions alert; the digest lists the same ones."))
    cc_managers: bool = Field(False, description=(
        "Copy each champion mail to the manager_email of the champion's groups (from the champions CSV)."))
    compare_weeks: int = Field(4, ge=1, le=26, description=(
        "Follow-ups compare the weekly active rate over this many complete weeks before and after the first "
        "action."))
    chart_max_groups: int = Field(25, ge=1, le=200, description=(
        "At most this many groups in one mail's heatmap image (all listed groups are in the text)."))
    max_groups_per_mail: int = Field(8, ge=1, le=100, description=(
        "At most this many groups listed in one mail, by impact; the rest are \"and N more\" with a dashboard "
        "link."))
    weekday: Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"] = Field("mon", description=(
        "The day the scheduler sends the weekly alerts."))
    time: str = Field("08:00", description="The time it sends them, 24-hour HH:MM in [schedule] timezone.")
    smtp: SmtpConfig = SmtpConfig()

    _addr = field_validator("from_address", "fallback_address", "digest_address")(email_or_empty)

    @field_validator("time")
    @classmethod
    def _time(cls, v: str) -> str:
        return parse_hhmm(v)

    @field_validator("dashboard_url")
    @classmethod
    def _dash(cls, v: str) -> str:
        v = v.strip().rstrip("/")
        if not v.startswith(("https://", "http://")):
            raise ValueError("must start with https:// or http://")
        return v
