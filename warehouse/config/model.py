"""[model], [model.stagnation], [model.levels] and the job-function rules: the parameters the model reads."""

from __future__ import annotations

from pydantic import Field, field_validator, model_validator

from .base import Section


class JobFunctionRule(Section):
    """One rule of [model] job_function_rules."""

    pattern: str = Field(description="A regular expression matched case-insensitively against the job title.")
    job_function: str = Field(description="The job function of a title the pattern matches.")

    @field_validator("pattern")
    @classmethod
    def _regex(cls, v: str) -> str:
        import re

        try:
            re.compile(v)
        except re.error as e:
            raise ValueError(f"not a valid regular expression: {e}") from None
        return v


class StagnationConfig(Section):
    """The headline metric and the stagnation rule. The weekly active rate (eligible people active in a complete
    week, averaged over lookback_weeks) is the headline everywhere. A group is flagged when it is clearly below
    target_rate (at `confidence`) and its trend would not reach the target within horizon_weeks, or when it
    falls by decline_points_per_week or more per week, two weeks running. docs/adoption-signal.md explains and
    tunes it."""

    target_rate: float = Field(0.60, gt=0, le=1, description=(
        "The target weekly active rate; \"hot\" starts here."))
    lookback_weeks: int = Field(4, ge=2, le=26, description=(
        "Complete weeks the weekly active rate is averaged over."))
    min_slope_points_per_week: float = Field(2.0, ge=0, description=(
        "Growth (percentage points per week) a group below target needs for its trend to count."))
    decline_points_per_week: float = Field(3.0, gt=0, description=(
        "A fall of this many points per week, two weeks running, flags a group as declining."))
    min_licensed_days: int = Field(30, ge=0, description=(
        "Users licensed for fewer days than this are left out of the rule (they are still onboarding)."))
    confidence: float = Field(0.95, ge=0.5, lt=1, description=(
        "How sure (one-sided) the rule must be that a group is below target, or falling, before it flags it."))
    trend_weeks: int = Field(8, ge=2, le=52, description=(
        "Weeks of history the growth trend is fitted on (at least lookback_weeks)."))
    horizon_weeks: int = Field(12, ge=1, le=52, description=(
        "A group below target whose trend reaches the target within this many weeks is on track, not flagged."))

    @model_validator(mode="after")
    def _weeks(self) -> StagnationConfig:
        if self.trend_weeks < self.lookback_weeks:
            raise ValueError(f"trend_weeks ({self.trend_weeks}) must be at least lookback_weeks "
                             f"({self.lookback_weeks})")
        return self


class LevelsConfig(Section):
    """Heatmap levels over the weekly active rate: cold < cool_from <= cool < warm_from <= warm < target <= hot."""

    cool_from: float = Field(0.20, gt=0, lt=1, description="Where \"cool\" starts (below it: cold).")
    warm_from: float = Field(0.40, gt=0, lt=1, description=(
        "Where \"warm\" starts; [model.stagnation] target_rate is where \"hot\" starts. The levels must rise."))


class ModelConfig(Section):
    """How the model groups people and protects small groups (docs/model.md). A change rebuilds the model objects
    that read the changed parameter."""

    min_group_size: int = Field(5, ge=3, description=(
        "Privacy: groups with fewer licensed users than this are suppressed (NULL counts and rates) in every mart "
        "readers see, never alerted and never shown with numbers."))
    unassigned_label: str = Field("Unassigned", description=(
        "Label of the one group for users without a department, job title or manager."))
    job_function_strip_words: list[str] = Field(["sr", "senior", "jr", "junior", "lead", "principal", "associate",
                                                 "staff", "trainee", "intern"], description=(
        "Job titles become job functions by dropping these words from the front (case-insensitive, punctuation "
        "ignored) and level numerals (I..V, 1..3) from the end: \"Sr. Financial Analyst\", \"Financial Analyst "
        "II\" and \"financial analyst\" are one function, \"Financial Analyst\"."))
    job_function_rules: list[JobFunctionRule] = Field([], description=(
        "Rules tried first, in order: a regular expression on the job title -> a job function, e.g. "
        "[{ pattern = \"engineer|developer\", job_function = \"Engineering\" }]."))
    job_function_overrides_csv: str = Field("", description=(
        "Optional HR override: a CSV with columns key,job_function where key is a user principal name or a job "
        "title."))
    stagnation: StagnationConfig = StagnationConfig()
    levels: LevelsConfig = LevelsConfig()

    @model_validator(mode="after")
    def _bands(self) -> ModelConfig:
        lv, target = self.levels, self.stagnation.target_rate
        if not lv.cool_from < lv.warm_from < target:
            raise ValueError(f"levels must rise: cool_from ({lv.cool_from}) < warm_from ({lv.warm_from}) < "
                             f"[model.stagnation] target_rate ({target}), which is where 'hot' starts")
        return self
