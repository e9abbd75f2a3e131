"""[report]: the monthly one-page report of the four dimensions to management (docs/report.md)."""

from __future__ import annotations

import re

from pydantic import Field, field_validator

from .base import Section, email_or_empty
from .service import parse_hhmm

DAY = re.compile(r"^((1st|2nd|3rd|4th|last) (mon|tue|wed|thu|fri|sat|sun)|[1-9]|1[0-9]|2[0-8])$")


class ReportConfig(Section):
    """The monthly report: adoption and use, competence, acceptance and satisfaction, business impact, the groups
    that moved most and the interventions' effects on one page, as an HTML mail with a PNG of the trends, sent
    through [alerts] transport from [alerts] from_address. The scheduler sends it only when recipients are set."""

    recipients: list[str] = Field([], description="Who gets the monthly report (e-mail addresses).")
    day: str = Field("1st mon", description=(
        "The day of the month it is sent: \"1st mon\" .. \"4th sun\", \"last fri\", or a day number 1-28; it "
        "covers the previous calendar month."))
    time: str = Field("08:00", description="The time it is sent, 24-hour HH:MM in [schedule] timezone.")
    movers: int = Field(5, ge=1, le=20, description="How many groups that moved most up (and down) it lists.")

    @field_validator("recipients")
    @classmethod
    def _addresses(cls, v: list[str]) -> list[str]:
        out = [email_or_empty(a) for a in v]
        if "" in out:
            raise ValueError("an empty address in the list")
        return out

    @field_validator("day")
    @classmethod
    def _day(cls, v: str) -> str:
        v = " ".join(v.lower().split())
        if not DAY.fullmatch(v):
            raise ValueError(f"{v!r}: use \"1st mon\" .. \"4th sun\", \"last fri\" or a day number 1-28")
        return v

    @field_validator("time")
    @classmethod
    def _time(cls, v: str) -> str:
        return parse_hhmm(v)
