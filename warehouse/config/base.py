"""What every configuration section shares: no unknown keys, frozen once loaded; e-mail address checks."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class ConfigError(Exception):
    """A configuration file is missing, unreadable or invalid; the message names the file and key."""


class Section(BaseModel):
    """A TOML table: unknown keys are errors, values do not change after loading."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def email_or_empty(v: str) -> str:
    """An e-mail address normalised, or "" for none; ValueError naming what is wrong."""
    from email_validator import EmailNotValidError, validate_email

    v = v.strip()
    if not v:
        return v
    try:
        return validate_email(v, check_deliverability=False).normalized
    except EmailNotValidError as e:
        raise ValueError(f"not a valid e-mail address: {e}") from None
