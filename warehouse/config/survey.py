"""[survey]: pulse-survey exports (`copilot-usage survey import`) and the KPI each question column measures
(docs/survey.md)."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, field_validator, model_validator

from .base import Section

KPIS = ("nps", "satisfaction", "trust", "competence", "relief", "hours_saved")
Kpi = Literal["nps", "satisfaction", "trust", "competence", "relief", "hours_saved"]
NPS_SCALE = (0, 10)  # the Net Promoter Score question is 0..10 by definition (9-10 promoters, 0-6 detractors)


def _normalise(header: str) -> str:
    """A header as the importer matches it (connector.import_kinds.normalise: case, spaces, punctuation ignored)."""
    return re.sub(r"[^0-9a-z]+", "_", header.strip().lstrip("\ufeff").casefold()).strip("_")


class SurveyQuestion(Section):
    """One question column of a survey export and the KPI its answers measure."""

    column: str = Field(description="The question's column header, as exported (matched ignoring case, spaces and "
                                    "punctuation).")
    kpi: Kpi = Field(description="What the answers measure.")


def _scale(lo: int, hi: int, what: str) -> list[int]:
    return Field([lo, hi], min_length=2, max_length=2, description=(
        f"[lowest, highest] answer of the {what} questions; answers outside are rejected with line and column."))


class SurveyConfig(Section):
    """Pulse-survey results (Microsoft Forms, Viva Pulse, any tool) imported with `copilot-usage survey import`:
    which columns hold the respondent, the group and the response date, and which KPI each question column
    measures. Answers are aggregated per group and wave, and groups with fewer respondents than [model]
    min_group_size are suppressed (docs/survey.md)."""

    questions: list[SurveyQuestion] = Field([], description=(
        "The question columns and their KPI, e.g. [{ column = \"How likely are you to recommend Copilot to a "
        "colleague?\", kpi = \"nps\" }]; kpi is one of nps (0-10), satisfaction, trust, competence, relief (on "
        "their scales) or hours_saved (hours per week)."))
    respondent_columns: list[str] = Field(["Email", "Respondent", "User principal name", "UPN", "Responder"],
                                          description=(
        "Headers that hold the respondent's user principal name (the first one present is used); the group then "
        "comes from the directory at the response date."))
    group_columns: list[str] = Field(["Group", "Department"], description=(
        "Headers that hold the respondent's group, for anonymous exports without a respondent column."))
    group_dimension: Literal["department", "job_function"] = Field("department", description=(
        "The dimension a group column names."))
    date_columns: list[str] = Field(["Completion time", "Response date", "Submitted", "Date"], description=(
        "Headers that hold the response date (a time after the date is ignored)."))
    ignore_columns: list[str] = Field(["ID", "Start time", "Name", "Last modified time", "Language"], description=(
        "Headers that are neither questions nor reported as unmapped (form metadata)."))
    satisfaction_scale: list[int] = _scale(1, 5, "satisfaction")
    trust_scale: list[int] = _scale(1, 5, "trust in the output")
    competence_scale: list[int] = _scale(1, 5, "self-rated competence")
    relief_scale: list[int] = _scale(1, 5, "perceived relief")
    hours_saved_max: float = Field(40.0, gt=0, le=168, description=(
        "The most hours saved per week an answer may claim (0 is the least)."))
    late_days: int = Field(14, ge=0, le=90, description=(
        "Responses up to this many days after the latest collected report date are accepted (usage reports lag "
        "by two to three days); later ones, and ones before the first report date, are rejected."))

    @field_validator("satisfaction_scale", "trust_scale", "competence_scale", "relief_scale")
    @classmethod
    def _rising(cls, v: list[int]) -> list[int]:
        if v[0] >= v[1]:
            raise ValueError(f"{v}: the lowest answer must be below the highest")
        return v

    @model_validator(mode="after")
    def _unique(self) -> SurveyConfig:
        seen: dict[str, str] = {}
        for q in self.questions:
            key = _normalise(q.column)
            if key in seen:
                raise ValueError(f"question column {q.column!r} is mapped twice ({seen[key]} and {q.kpi})")
            seen[key] = q.kpi
        return self

    def scale(self, kpi: str) -> tuple[float, float]:
        """The lowest and highest valid answer of a KPI."""
        if kpi == "nps":
            return NPS_SCALE
        if kpi == "hours_saved":
            return 0.0, self.hours_saved_max
        lo, hi = getattr(self, f"{kpi}_scale")
        return lo, hi
