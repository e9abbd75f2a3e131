"""[interventions]: how mart_intervention_effect measures an intervention's effect (docs/interventions.md)."""

from __future__ import annotations

from statistics import NormalDist

from pydantic import Field

from .base import Section


class InterventionsConfig(Section):
    """The difference-in-differences estimate of an intervention's effect on the headline (the weekly active rate):
    a targeted group's change from the weeks before to the weeks after, minus the average change of comparable
    groups (same dimension, similar starting rate, size and trend, no intervention in those weeks)."""

    weeks_before: int = Field(4, ge=2, le=26, description=(
        "Complete weeks before the start date the group's baseline is averaged over."))
    weeks_after: int = Field(4, ge=1, le=26, description=(
        "Complete weeks from the start date on the group's result is averaged over; until they have all been "
        "collected the effect is \"not enough data yet\"."))
    min_comparison_groups: int = Field(3, ge=3, le=100, description=(
        "Comparable groups needed for an effect and its confidence interval (at least 3: the interval's "
        "t quantile needs 2 degrees of freedom)."))
    max_rate_gap_points: float = Field(10.0, gt=0, le=100, description=(
        "A comparable group's baseline rate is within this many percentage points of the targeted group's."))
    max_size_ratio: float = Field(3.0, ge=1, description=(
        "A comparable group has between 1/ratio and ratio times the targeted group's eligible people."))
    trend_weeks: int = Field(8, ge=2, le=52, description=(
        "Complete weeks before the start date the trends are compared over (at least weeks_before are used)."))
    max_trend_gap_points_per_week: float = Field(3.0, gt=0, description=(
        "A comparable group's trend over the trend_weeks before the start (least squares, points per week) is "
        "within this many points per week of the targeted group's: the parallel-trends assumption, checked."))
    confidence: float = Field(0.95, ge=0.5, lt=1, description=(
        "Confidence level of the effect's interval (two-sided)."))
    min_measured_for_kind: int = Field(3, ge=3, description=(
        "Measured effects a kind of intervention needs for its tenant-wide average and interval."))

    def model_params(self) -> dict[str, tuple[str, object]]:
        """These settings as model parameters (`_model_params` columns, name -> (DuckDB type, value)), with the
        interval's normal quantile."""
        return {"iv_weeks_before": ("integer", self.weeks_before), "iv_weeks_after": ("integer", self.weeks_after),
                "iv_min_comparisons": ("integer", self.min_comparison_groups),
                "iv_max_rate_gap": ("double", self.max_rate_gap_points / 100),
                "iv_max_size_ratio": ("double", self.max_size_ratio),
                "iv_max_trend_gap": ("double", self.max_trend_gap_points_per_week),
                "iv_trend_weeks": ("integer", self.trend_weeks),
                "iv_z": ("double", NormalDist().inv_cdf(0.5 + self.confidence / 2)),
                "iv_min_for_kind": ("integer", self.min_measured_for_kind),
                "iv_ci_label": ("varchar", f"{self.confidence * 100:g} %")}
