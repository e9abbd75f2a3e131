"""Survey waves for the report and dashboard tests: two pulse surveys of the simulated tenant's people, imported
with the real command into a copy of the model warehouse."""

from __future__ import annotations

from pathlib import Path

import duckdb
from click.testing import CliRunner
from simulated_warehouse import copy_warehouse

from connector.cli import cli
from warehouse.config import Config

SURVEY = """
[survey]
questions = [{ column = "Recommend", kpi = "nps" }, { column = "Trust", kpi = "trust" },
             { column = "Hours saved", kpi = "hours_saved" }, { column = "Competence", kpi = "competence" },
             { column = "Relief", kpi = "relief" }]
"""
# (wave, response date, respondents, nps answers cycling, trust cycling, hours cycling)
WAVES = (("Oct pulse", "2026-10-27", 120, (3, 6, 7, 8, 9, 10), (2, 3, 4), (0.5, 1.0, 2.0)),
         ("Nov pulse", "2026-11-17", 150, (6, 8, 9, 9, 10, 10), (3, 4, 5), (1.0, 2.0, 3.0)))


def surveyed_warehouse(model_cfg: Config, dest: Path, extra: str = "") -> Config:
    """A copy of the model warehouse with the two waves imported (every fifth person of the sorted directory)."""
    cfg = copy_warehouse(model_cfg, dest, SURVEY + extra)
    con = duckdb.connect(cfg.warehouse.path, read_only=True)
    try:
        people = [r[0] for r in con.execute("select distinct user_principal_name from int_user_groups "
                                            "where user_principal_name is not null order by 1").fetchall()]
    finally:
        con.close()
    for wave, day, n, nps, trust, hours in WAVES:
        path = dest / f"{wave.replace(' ', '-')}.csv"
        path.write_text("Email,Response date,Recommend,Trust,Hours saved,Competence,Relief\n" + "".join(
            f"{u},{day},{nps[i % len(nps)]},{trust[i % len(trust)]},{hours[i % len(hours)]},{2 + i % 4},"
            f"{1 + i % 5}\n" for i, u in enumerate(people[::5][:n])))
        out = CliRunner().invoke(cli, ["survey", "import", str(path), "--config", cfg.source, "--wave", wave])
        assert out.exit_code == 0, out.output
    interventions = dest / "interventions.csv"  # one training, measured (or not yet) by mart_intervention_effect
    interventions.write_text("date,kind,dimension,group_name,title\n2026-11-02,training,department,Finance,"
                             "Prompt clinic\n")
    out = CliRunner().invoke(cli, ["interventions", "import", str(interventions), "--config", cfg.source])
    assert out.exit_code == 0, out.output
    return cfg
