"""A warehouse whose tenant has known uplifts: chosen job functions adopt Copilot 25 points more from a chosen
Monday (connector/simulator/uplift.py), for the intervention-effect tests (tests/test_interventions*.py).

3,000 users over 13 weeks (Monday 2026-08-24 .. Sunday 2026-11-22), landed through the collector's own landing
code (benchmarks/backfill.py) once a week, on Sundays: a weekly snapshot of each user's last activity date is
enough for the headline (active on at least one day of the week), and it keeps the build to about half a minute.
People count as eligible a week after their licence (min_licensed_days = 7), as the licence waves reach the
last departments in week 6. The job functions of the simulator's "stagnate" departments (Marketing, Legal,
Procurement, R&D: 16 job functions of 20 to 80 eligible people, flat at about 25 %) are where the uplifts and the
placebos go: each has a dozen comparable job functions.

Built once per test session (`build`); tests that write take a private copy (`copy`).
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from benchmarks.backfill import backfill
from connector.simulator.tenant import Tenant
from connector.simulator.uplift import Uplift
from warehouse.config import Config, load_config
from warehouse.transform import transform

END = dt.date(2026, 11, 22)  # a Sunday
DAYS = 91  # day 0 = Monday 2026-08-24
START = dt.date(2026, 10, 26)  # the uplifts' and the interventions' Monday: 4 complete weeks before and after
UPLIFT = 25.0  # points of weekly adoption probability
TREATED = ("Legal Counsel", "Content Writer", "Procurement Manager")  # get the uplift
PLACEBO = ("Marketing Specialist", "Compliance Officer", "Paralegal")  # get none
LAST_DAY = 90  # Sunday 2026-11-22; the build stops a week earlier (day 83), `land_last_week` adds it
_BUILT: dict[str, Path] = {}


def tenant() -> Tenant:
    t = Tenant.generate(users=3000, days=DAYS, seed=5, end=END)
    t.uplifts = [Uplift("job_function", g, START, UPLIFT) for g in TREATED]
    return t


def _write_config(tmp: Path, extra: str = "") -> Config:
    (tmp / "config.toml").write_text(
        f'[graph]\nbase_url = "http://127.0.0.1:9"\n[auth]\nmethod = "token"\n'
        f'[warehouse]\npath = "{(tmp / "wh.duckdb").as_posix()}"\n[collect]\nm365_reports = []\n'
        f'[model.stagnation]\nmin_licensed_days = 7\n{extra}')
    return load_config(tmp / "config.toml")


def build(factory: pytest.TempPathFactory) -> Path:
    """The built warehouse file (Sundays up to day 83, transformed), once per session."""
    if "path" not in _BUILT:
        tmp = factory.mktemp("uplift")
        cfg = _write_config(tmp)
        backfill(cfg, tenant(), range(6, LAST_DAY, 7), cfg.graph.base_url)
        assert transform(cfg.warehouse.path, cfg.model).failed_checks == []
        _BUILT["path"] = tmp / "wh.duckdb"
    return _BUILT["path"]


def copy(factory: pytest.TempPathFactory, dest: Path, extra: str = "") -> Config:
    """A private copy of the built warehouse in `dest` with its config (plus `extra` TOML)."""
    src = build(factory)
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(src, dest / "wh.duckdb")
    return _write_config(dest, extra)


def land_last_week(cfg: Config) -> None:
    """Land the last Sunday (day 90), as the next weekly collection would."""
    backfill(cfg, tenant(), range(LAST_DAY, LAST_DAY + 1), cfg.graph.base_url)


def interventions_csv(path: Path) -> Path:
    """An interventions file: the treated job functions' training and the placebo groups' campaign, on START."""
    lines = ["date,kind,dimension,group_name,title"]
    lines += [f"{START},Workshop,job function,{g},Copilot for your daily work" for g in TREATED]
    lines += [f"{START},campaign,job_function,{g},Copilot newsletter" for g in PLACEBO]
    path.write_text("\n".join(lines) + "\n")
    return path
