"""The adoption vocabulary every reader shares: the headline metric's name, its levels and their colours.

The headline is the *weekly active rate*: the share of eligible licensed people (licensed for at least
`[model.stagnation] min_licensed_days`) who used Copilot on at least one day of a complete ISO week (Monday to
Sunday), averaged over the last `lookback_weeks` complete weeks (pooled: active person-weeks / eligible
person-weeks). The model computes it (`mart_stagnation.active_rate`, `mart_acceptance_heatmap.active_rate`); the
dashboard, the mails and the command line only name and colour it, from here.

Levels are bands over that rate: `cold` < `cool_from` <= `cool` < `warm_from` <= `warm` < target <= `hot`, so
`hot` always means "at or above the target". Colours are one colour-blind-safe sequential scale (ColorBrewer
Greens, 4 classes): more ink means more adoption, in the dashboard and in the mail image alike.
"""

from __future__ import annotations

from dataclasses import dataclass

from .contract import LEVELS  # noqa: F401  (the contract's level enumeration, re-exported)

HEADLINE = "weekly active rate"
HEADLINE_SHORT = "weekly active"
HEADLINE_HELP = ("share of licensed people (licensed for at least {min_days} days) who used Copilot on at least one "
                 "day of the week (Monday to Sunday), averaged over the last {weeks} complete weeks")
REACH_HELP = ("Microsoft's 'active users': anyone with any Copilot activity in the 7 or 28 days to the report "
              "date (reach, not habit)")

COLOURS = {"cold": "#edf8e9", "cool": "#bae4b3", "warm": "#74c476", "hot": "#238b45"}
TEXT_COLOURS = {"cold": "#1b1b1b", "cool": "#1b1b1b", "warm": "#1b1b1b", "hot": "#ffffff"}
GREY = "#d9d9d9"  # suppressed or too few eligible people: never a number, never 0
GREY_TEXT = "#444444"
STATUS_LABEL = {"flagged": "flagged", "below_target": "below target, watching", "on_track": "on track",
                "collecting_history": "collecting history", "too_small": "too small to evaluate"}


@dataclass(frozen=True)
class Bands:
    """The lower edges of cool, warm and hot (hot = the target)."""

    cool_from: float
    warm_from: float
    hot_from: float

    def level(self, rate: float | None) -> str | None:
        """The level of a rate (None for no rate)."""
        if rate is None:
            return None
        if rate >= self.hot_from:
            return "hot"
        if rate >= self.warm_from:
            return "warm"
        return "cool" if rate >= self.cool_from else "cold"

    @property
    def edges(self) -> list[float]:
        """[cool_from, warm_from, hot_from]: the thresholds of a threshold colour scale."""
        return [self.cool_from, self.warm_from, self.hot_from]

    def legend(self) -> list[str]:
        """One label per level, e.g. `cold < 20 %`, `cool 20-40 %`, `warm 40-60 %`, `hot >= 60 % (target)`."""
        c, w, h = (round(x * 100) for x in self.edges)
        return [f"cold < {c} %", f"cool {c}–{w} %", f"warm {w}–{h} %", f"hot ≥ {h} % (target)"]


def bands_of(model: object) -> Bands:
    """The bands of a `ModelConfig` (`[model.levels]` and the stagnation target)."""
    lv = model.levels  # type: ignore[attr-defined]
    return Bands(lv.cool_from, lv.warm_from, model.stagnation.target_rate)  # type: ignore[attr-defined]


def percent(rate: float | None) -> str:
    """A rate as a whole percentage the way every reader sees it (`39 %`, `n/a`)."""
    return "n/a" if rate is None else f"{rate * 100:.0f} %"
