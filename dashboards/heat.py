"""The acceptance heatmap's reading order: which rows, in which order, with which cells (pure functions).

Rows are ordered by the headline (weekly active rate of app `any`, highest first; grey groups last), never
alphabetically; a flagged group's row label is red and bold."""

from __future__ import annotations

from collections.abc import Collection

import altair as alt
import pandas as pd

from warehouse import apps
from warehouse.levels import HEADLINE, Bands

from . import charts

app_label = apps.label  # an app as people name it ("any app", "Word", "Copilot Chat")


def row_order(heat: pd.DataFrame) -> list[str]:
    """Group names by the headline of app `any`, highest first, groups without a number last, then by name."""
    anyapp = heat[heat["app"] == "any"] if "app" in heat else heat
    anyapp = anyapp.assign(_r=anyapp["active_rate"].astype(float))
    anyapp = anyapp.sort_values(["_r", "group_name"], ascending=[False, True], na_position="last")
    return list(dict.fromkeys(anyapp["group_name"].astype(str)))


def flagged_names(heat: pd.DataFrame) -> set[str]:
    """The groups flagged in the heatmap's week (app `any` rows carry the status)."""
    if "flagged" not in heat or heat.empty:
        return set()
    return set(heat.loc[heat["flagged"].fillna(False).astype(bool), "group_name"].astype(str))


def apps_chart(heat: pd.DataFrame, bands: Bands, metric: str = "headline") -> alt.Chart:
    """Group × app: the headline per app (or the 28-day reach), rows by the headline, flagged groups marked."""
    order, flagged = row_order(heat), flagged_names(heat)
    data = heat.assign(app=[app_label(a) for a in heat["app"]])
    if metric == "reach":
        cells = charts.heatmap_cells(data, "app", "active_rate_28d", "active_users_28d", bands,
                                     people="licensed_users")
        title, people = "reach (active in 28 days)", "licensed people"
    else:
        cells = charts.heatmap_cells(data, "app", "active_rate", None, bands)
        title, people = HEADLINE, "eligible people"
    return charts.heatmap(cells, "app", "app", bands, rows=order, x_sort=[app_label(a) for a in apps.APPS],
                          metric=title, people_title=people, highlight=sorted(flagged), wrap_x=True)


def weeks_chart(weeks: pd.DataFrame, order: list[str], flagged: Collection[str], bands: Bands) -> alt.Chart:
    """Group × complete week: each week's raw weekly active rate, rows in `order` (the headline's)."""
    data = weeks.assign(week=pd.to_datetime(weeks["week_start"]).dt.strftime("%d %b"))
    data = data.sort_values("week_start")
    cells = charts.heatmap_cells(data, "week", "weekly_active_rate", "eligible_active_users", bands)
    names = list(dict.fromkeys([*[g for g in order if g in set(data["group_name"])],
                                *sorted(set(data["group_name"]) - set(order))]))
    return charts.heatmap(cells, "week", "week starting (Monday)", bands, rows=names,
                          x_sort=list(dict.fromkeys(data["week"])), metric="active that week",
                          highlight=sorted(flagged))


def headline_note(weeks: int) -> str:
    """`weekly active rate (average of the last 4 complete weeks)`."""
    return f"{HEADLINE} (average of the last {weeks} complete weeks)"
