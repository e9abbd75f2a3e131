"""The mart contract (warehouse/contract.toml): each public mart's grain and typed, described columns, and the
enumerations every reader shares. It generates the generic data checks the transform runs (`checks`), the mart
reference page docs/marts.md (`python -m warehouse.contract`) and the lists below (DIMENSIONS, APPS, ...).
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

PATH = Path(__file__).with_name("contract.toml")
DOC = Path(__file__).resolve().parents[1] / "docs" / "marts.md"
REGENERATE = "python -m warehouse.contract"
# the macro that limits a check to the rows an incremental transform wrote, by the mart's `scope` column
SCOPE_MACRO = {"as_of": "in_as_of_scope", "week_start": "in_week_scope"}


class ContractError(Exception):
    """warehouse/contract.toml is unreadable or invalid; the message names the file and key."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Enumeration(_Strict):
    description: str
    values: list[str] | list[int]
    labels: list[str] | None = None

    @model_validator(mode="after")
    def _labels(self) -> Enumeration:
        if len(set(self.values)) != len(self.values):
            raise ValueError("values repeat")
        if self.labels is not None and len(self.labels) != len(self.values):
            raise ValueError(f"{len(self.labels)} labels for {len(self.values)} values")
        return self


class Column(_Strict):
    type: str
    description: str
    enum: str | list[str] | None = None

    @property
    def enums(self) -> list[str]:
        """The enumerations whose values the column may hold (besides NULL)."""
        return [] if self.enum is None else [self.enum] if isinstance(self.enum, str) else list(self.enum)


class Mart(_Strict):
    description: str
    grain: list[str]
    unique_where: str = ""  # the uniqueness check looks only at these rows (an SQL condition)
    not_null: list[str] = []
    scope: Literal["as_of", "week_start"] | None = None
    columns: dict[str, Column]

    @model_validator(mode="after")
    def _declared(self) -> Mart:
        for key in ("grain", "not_null"):
            missing = [c for c in getattr(self, key) if c not in self.columns]
            if missing:
                raise ValueError(f"{key} names undeclared column(s) {', '.join(missing)}")
        if self.scope and self.scope not in self.columns:
            raise ValueError(f"scope names undeclared column {self.scope}")
        return self

    @property
    def keys(self) -> list[str]:
        """The columns never NULL: the grain, then `not_null`."""
        return [*self.grain, *(c for c in self.not_null if c not in self.grain)]

    def in_scope(self) -> str:
        """The SQL condition of the rows a check looks at ("" for all)."""
        return f"{SCOPE_MACRO[self.scope]}({self.scope})" if self.scope else ""


class Contract(_Strict):
    enums: dict[str, Enumeration]
    marts: dict[str, Mart]

    @model_validator(mode="after")
    def _enums(self) -> Contract:
        for m, mart in self.marts.items():
            for c, col in mart.columns.items():
                unknown = [e for e in col.enums if e not in self.enums]
                if unknown:
                    raise ValueError(f"marts.{m}.columns.{c}: unknown enumeration {', '.join(unknown)}")
        return self

    def accepted(self, col: Column) -> list[str | int]:
        """The values a column may hold, of all its enumerations."""
        return [v for e in col.enums for v in self.enums[e].values]


def load(path: Path = PATH) -> Contract:
    """Read and validate a contract file; raise ContractError naming the file and key."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise ContractError(f"{path}: {e}") from None
    try:
        return Contract.model_validate(data)
    except ValidationError as e:
        raise ContractError("\n".join([f"invalid contract in {path}:", *(
            f"  [{'.'.join(str(p) for p in err['loc'])}] {err['msg']}" for err in e.errors())])) from None


CONTRACT = load()


def values(name: str) -> tuple:
    """The values of one enumeration, in the contract's order."""
    return tuple(CONTRACT.enums[name].values)


DIMENSIONS: tuple[str, ...] = values("dimension")  # tenant, department, job_function, manager
GROUP_DIMENSIONS: tuple[str, ...] = values("group_dimension")  # the dimensions without the tenant
APPS: tuple[str, ...] = values("app")
V2_APPS: frozenset[str] = frozenset(values("v2_app"))
WINDOWS: tuple[int, ...] = values("window_days")
LEVELS: tuple[str, ...] = values("level")
HIDDEN_LEVELS: tuple[str, ...] = values("hidden_level")
STATUSES: tuple[str, ...] = values("status")  # the stagnation rule's
FLAG_KINDS: tuple[str, ...] = values("flag_kind")
FOLLOWUP_STATUSES: tuple[str, ...] = values("followup_status")
ACTION_KINDS: tuple[str, ...] = values("action_kind")
IMPORT_KINDS: tuple[str, ...] = values("import_kind")
COPILOT_SERVICE_PLANS: dict[str, str] = dict(zip(values("copilot_service_plan"),
                                                 CONTRACT.enums["copilot_service_plan"].labels or (), strict=True))


def _sql_list(vals: list[str | int]) -> str:
    return ", ".join(str(v) if isinstance(v, int) else "'" + v.replace("'", "''") + "'" for v in vals)


def _where(*conds: str) -> str:
    conds = tuple(c for c in conds if c)
    return f" where {' and '.join(conds)}" if conds else ""


def checks(contract: Contract = CONTRACT) -> dict[str, str]:
    """The generic checks, name -> SQL returning the offending rows (none: passed):

    - `accepted_values`: a value of an enumerated column outside its enumerations (field, value);
    - `not_null_keys`: a row with a NULL key column (the grain and `not_null`) (mart, k);
    - `unique_<mart without mart_>`: a grain value held by more than one row (the grain, n); within `unique_where`.

    A mart with a `scope` is checked on the rows the transform wrote (all rows after a full rebuild)."""
    accepted, not_null, out = [], [], {}
    for name, m in contract.marts.items():
        scope = m.in_scope()
        for c, col in m.columns.items():
            if col.enums:
                accepted.append(f"select '{name}.{c}' as field, {c}::varchar as value from {name}"
                                f"{_where(scope, f'{c} not in ({_sql_list(contract.accepted(col))})')}")
        nulls = " or ".join(f"{c} is null" for c in m.keys)
        k = m.scope or m.grain[0]
        # a NULL scope column is in no scope: such a row is always reported
        not_null.append(f"select '{name}' as mart, {k}::varchar as k from {name}"
                        f"{_where(f'({m.scope} is null or {scope})' if scope else '', f'({nulls})')}")
        out[f"unique_{name.removeprefix('mart_')}"] = (
            f"select {', '.join(m.grain)}, count(*) as n from {name}{_where(scope, m.unique_where)} "
            f"group by all having count(*) > 1")
    out["accepted_values"] = "\nunion all\n".join(accepted)
    out["not_null_keys"] = "\nunion all\n".join(not_null)
    return dict(sorted(out.items()))


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def reference(contract: Contract = CONTRACT) -> str:
    """The mart reference page (docs/marts.md), in Markdown."""
    lines = ["# The public marts", "",
             f"<!-- Generated from warehouse/contract.toml by `{REGENERATE}`: edit the contract, not this page. -->",
             "", "The marts are the stable SQL interface for analysts: column names and meanings are kept, new "
             "columns may be added. Each mart's **grain** is the columns one row is unique on; the transform checks "
             "after every build that the grain is unique and never NULL (`unique_<mart>`, `not_null_keys`) and that "
             "enumerated columns hold only their values (`accepted_values`), beside the special checks in "
             "`warehouse/sql/checks/`. A mart built incrementally is checked on the rows the transform wrote.", "",
             "Groups with fewer licensed people than `[model] min_group_size` are `suppressed`: their counts and "
             "rates are NULL, never 0.", "", "## Enumerations", "", "| enumeration | values | meaning |",
             "| --- | --- | --- |"]
    for name, e in contract.enums.items():
        vals = [f"`{v}`" + (f" ({lbl})" if lbl else "") for v, lbl in zip(e.values, e.labels or [""] * len(e.values),
                                                                           strict=True)]
        lines.append(f"| `{name}` | {', '.join(vals)} | {_cell(e.description)} |")
    lines.append("")
    for name, m in contract.marts.items():
        lines += [f"## `{name}`", "", _cell(m.description), "",
                  f"- **grain**: {' × '.join(f'`{c}`' for c in m.grain)}"
                  + (f" (uniqueness checked where `{m.unique_where}`)" if m.unique_where else "")]
        if m.not_null:
            lines.append(f"- **never NULL** besides the grain: {', '.join(f'`{c}`' for c in m.not_null)}")
        if m.scope:
            lines.append(f"- **incremental** by `{m.scope}`: a transform rebuilds the rows from the earliest "
                         f"changed {'report date' if m.scope == 'as_of' else 'week'} on")
        lines += ["", "| column | type | description |", "| --- | --- | --- |"]
        for c, col in m.columns.items():
            allowed = f" One of {', '.join(f'`{v}`' for v in contract.accepted(col))}." if col.enums else ""
            lines.append(f"| `{c}` | `{col.type}` | {_cell(col.description)}.{allowed} |")
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    """Write docs/marts.md from the contract (`--check`: exit 1 when it differs)."""
    text = reference()
    if "--check" in sys.argv[1:]:
        if not DOC.is_file() or DOC.read_text(encoding="utf-8") != text:
            sys.exit(f"{DOC} is out of date with {PATH}: run `{REGENERATE}`")
        return
    DOC.write_text(text, encoding="utf-8")
    print(f"wrote {DOC}")


if __name__ == "__main__":
    main()
