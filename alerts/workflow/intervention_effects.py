"""The measured effects of interventions as the mails, the follow-ups and `interventions list` read them
(mart_intervention_effect, mart_intervention_kind_effect; docs/interventions.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb

from warehouse import db
from warehouse.config import Config

from ..queries import query


@dataclass(frozen=True)
class Effect:
    """One intervention's effect on one targeted group; numbers only when status is 'measured'."""

    intervention_id: int
    dimension: str
    group_id: str
    group_name: str
    kind: str
    title: str
    start_date: date
    effect_pts: float | None
    ci_low_pts: float | None
    ci_high_pts: float | None
    comparison_groups: int
    status: str
    sentence: str
    followup_id: int | None

    @property
    def measured(self) -> bool:
        """Whether the effect has a number (enough weeks and comparable groups, not suppressed)."""
        return self.status == "measured"


@dataclass(frozen=True)
class KindEffect:
    """The tenant-wide average effect of one kind of intervention."""

    kind: str
    interventions: int
    groups_measured: int
    effect_pts: float | None
    ci_low_pts: float | None
    ci_high_pts: float | None
    status: str
    sentence: str


def read_effects(con: duckdb.DuckDBPyConnection) -> list[Effect]:
    """Every measured (or not yet measurable) effect, newest intervention first; [] before the first transform."""
    if not {"mart_intervention_effect", "interventions"} <= db.tables(con):
        return []
    return [Effect(*r) for r in con.execute(query("intervention_effects")).fetchall()]


def read_kind_effects(con: duckdb.DuckDBPyConnection) -> list[KindEffect]:
    """The per-kind averages, measured kinds first."""
    if "mart_intervention_kind_effect" not in db.tables(con):
        return []
    return [KindEffect(*r) for r in con.execute(
        "select kind, interventions, groups_measured, effect_pts, ci_low_pts, ci_high_pts, status, sentence "
        "from mart_intervention_kind_effect order by status <> 'measured', effect_pts desc nulls last, kind"
    ).fetchall()]


def effects(cfg: Config, *, wait_seconds: float | None = None) -> dict[tuple[int, str, str], Effect]:
    """The effects by (intervention id, dimension, group_id)."""
    with db.reading(cfg.warehouse, wait_seconds=wait_seconds) as con:
        return {(e.intervention_id, e.dimension, e.group_id): e for e in read_effects(con)}


def for_followup(cfg: Config, followup_id: int, *, wait_seconds: float | None = None) -> list[Effect]:
    """The effects of the interventions a follow-up's actions became."""
    return [e for e in effects(cfg, wait_seconds=wait_seconds).values() if e.followup_id == followup_id]
