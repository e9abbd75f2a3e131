"""Survey KPIs end to end: a pulse-survey export imported into the simulated warehouse with the real command, its
aggregates and suppression checked against values computed by hand, its bad lines reported and re-imports inert.

The respondents are real people of the simulated directory (department stable over the whole history), so their
group comes from the directory at the response date as in production.
"""

from __future__ import annotations

import json

import duckdb
import pytest
from click.testing import CliRunner
from simulated_warehouse import copy_warehouse

from connector.cli import cli

SURVEY = """
[survey]
questions = [{ column = "How likely are you to recommend Copilot to a colleague?", kpi = "nps" },
             { column = "I trust what Copilot produces", kpi = "trust" },
             { column = "Hours Copilot saved you last week", kpi = "hours_saved" },
             { column = "I can use Copilot well", kpi = "competence" },
             { column = "Copilot takes work off my plate", kpi = "relief" }]
"""
HEADER = ("ID,Start time,Completion time,Email,Name,How likely are you to recommend Copilot to a colleague?,"
          "I trust what Copilot produces,Hours Copilot saved you last week,I can use Copilot well,"
          "Copilot takes work off my plate,Anything else?\n")
# Finance: six respondents. NPS 10 9 8 7 3 10 -> 3 promoters, 1 detractor: (3 - 1) / 6 = +33.3;
# trust 4 5 3 4 2 5 -> 23 / 6; hours 2 1.5 0 4 1 3.5 -> 12 / 6 = 2.0 a week, 2.0 * 52 / 12 a month;
# competence 3 4 4 5 2 3 -> 21 / 6 = 3.5; relief answered by only two (4, 5): fewer than 5, so NULL.
FINANCE = [(10, 4, "2", 3, 4), (9, 5, "1.5", 4, 5), (8, 3, "0", 4, ""), (7, 4, "4", 5, ""), (3, 2, "1", 2, ""),
           (10, 5, "3.5", 3, "")]
LEGAL = [(10, 5, "8", 5, 5), (0, 1, "0", 1, 1), (6, 3, "1", 3, 3)]  # three: suppressed


def people(cfg, department: str, n: int) -> list[str]:
    """`n` people of a department who never changed department in the simulated history."""
    con = duckdb.connect(cfg.warehouse.path, read_only=True)
    try:
        return [r[0] for r in con.execute(
            "select any_value(user_principal_name) from int_user_groups group by upn_key "
            "having count(distinct department) = 1 and any_value(department) = ? order by 1 limit ?",
            [department, n]).fetchall()]
    finally:
        con.close()


def q(cfg, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(cfg.warehouse.path, read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def surveyed(model_warehouse, tmp_path_factory):
    """The model warehouse with one survey file imported through the CLI: (cfg, file, CLI output, people)."""
    tmp = tmp_path_factory.mktemp("survey")
    cfg = copy_warehouse(model_warehouse[0], tmp / "wh", extra_config=SURVEY)
    fin, legal = people(cfg, "Finance", 7), people(cfg, "Legal", 3)
    lines = [f"{i},11/10/2026 09:00,11/10/2026 09:0{i % 10},{u},X,{a},{b},{c},{d},{e},fine\n"
             for i, (u, (a, b, c, d, e)) in enumerate(zip(fin[:6] + legal, FINANCE + LEGAL, strict=True), 1)]
    bad = [f"20,,11/12/2026 10:00,{fin[6]},X,11,4,1,3,3,\n",  # line 11: NPS 11
           f"21,,11/12/2026 10:00,{fin[6]},X,8,abc,1,3,3,\n",  # line 12: text in a number column
           "22,,11/12/2026 10:00,nobody@contoso.example,X,8,4,1,3,3,\n",  # line 13: not in the directory
           f"23,,01/05/2026 10:00,{fin[6]},X,8,4,1,3,3,\n",  # line 14: before the collected data
           f"24,,11/13/2026 10:00,{fin[0]},X,0,1,0,1,1,\n"]  # line 15: fin[0] answered on line 2 already
    path = tmp / "pulse-2026-11.csv"
    path.write_text(HEADER + "".join(lines) + "".join(bad))
    out = CliRunner().invoke(cli, ["survey", "import", str(path), "--config", cfg.source, "--wave", "Nov pulse"])
    return cfg, path, out, fin


def test_aggregates_match_the_hand_computed_values(surveyed):
    cfg, _, out, _ = surveyed
    assert "imported pulse-2026-11.csv: 9 of 14 line(s)" in out.output, out.output
    (row,) = q(cfg, "select wave, wave_start, wave_end, respondents, suppressed, nps, nps_answers, trust, competence, "
                    "relief, hours_saved_per_week, hours_saved_per_month from mart_survey_kpis "
                    "where dimension = 'department' and group_name = 'Finance'")
    wave, start, end, n, suppressed, nps, nps_n, trust, competence, relief, week, month = row
    assert (wave, str(start), str(end), n, suppressed, nps_n) == ("Nov pulse", "2026-11-10", "2026-11-10", 6, False, 6)
    assert nps == pytest.approx(33.3)
    assert trust == pytest.approx(23 / 6) and competence == pytest.approx(3.5)
    assert relief is None  # two answers: fewer than min_group_size
    assert week == pytest.approx(2.0) and month == pytest.approx(2.0 * 52 / 12)
    (tenant,) = q(cfg, "select respondents, nps from mart_survey_kpis where dimension = 'tenant'")
    # all nine: promoters 10 9 10 10 = 4, detractors 3 0 6 = 3 -> (4 - 3) / 9
    assert tenant == (9, pytest.approx(round(100 / 9, 1)))


def test_small_groups_are_suppressed_and_no_answer_is_readable(surveyed):
    cfg, _, _, _ = surveyed
    (legal,) = q(cfg, "select respondents, suppressed, nps, trust, competence, relief, hours_saved_per_week "
                      "from mart_survey_kpis where dimension = 'department' and group_name = 'Legal'")
    assert legal == (3, True, None, None, None, None, None)
    # every group below five respondents in any dimension carries no KPI (the transform's check agrees)
    assert q(cfg, "select count(*) from mart_survey_kpis where respondents < 5 and (nps is not null or "
                  "trust is not null or hours_saved_per_week is not null)") == [(0,)]
    assert q(cfg, "select count(*) from mart_survey_kpis where respondents >= 5 and dimension = 'job_function'")


def test_the_wave_sits_beside_the_groups_usage_in_the_same_weeks(surveyed):
    cfg, _, _, _ = surveyed
    (rate,) = q(cfg, "select weekly_active_rate from mart_survey_kpis where dimension = 'department' "
                     "and group_name = 'Finance'")
    (expected,) = q(cfg, "select sum(eligible_active_users) / sum(eligible_users) from mart_adoption_weekly "
                         "where dimension = 'department' and group_name = 'Finance' and app = 'any' "
                         "and week_start = date '2026-11-09'")
    assert rate == pytest.approx(expected)


def test_bad_lines_are_reported_with_line_and_column_and_the_rest_is_loaded(surveyed):
    cfg, _, out, _ = surveyed
    text = " ".join(out.output.split())
    assert out.exit_code == 1
    for expected in ("pulse-2026-11.csv:11: column 'How likely are you to recommend Copilot to a colleague?': 11 "
                     "is outside the nps scale 0-10",
                     "pulse-2026-11.csv:12: column 'I trust what Copilot produces': 'abc' is not a number",
                     "pulse-2026-11.csv:13: column 'Email': respondent not in the directory",
                     "pulse-2026-11.csv:14: column 'Completion time': 2026-01-05 is outside the collected data",
                     "pulse-2026-11.csv:15: column 'Email': the respondent already answered on line 2",
                     "column 'Anything else?' is not a question in [survey] questions: not loaded"):
        assert expected in text, text
    (rejected, loaded, answers) = q(cfg, "select rejected, lines_loaded, answers from _survey_imports")[0]
    assert loaded == 9 and answers == 9 * 5 - 4  # relief left blank on four Finance lines
    assert sorted({r["line"] for r in json.loads(rejected)}) == [11, 12, 13, 14, 15]


def test_re_importing_the_same_file_changes_nothing(surveyed):
    cfg, path, _, _ = surveyed
    before = q(cfg, "select * from mart_survey_kpis order by all"), q(cfg, "select count(*) from survey_answers")
    out = CliRunner().invoke(cli, ["survey", "import", str(path), "--config", cfg.source])
    assert out.exit_code == 0 and "same content, nothing changed" in out.output
    assert (q(cfg, "select * from mart_survey_kpis order by all"), q(cfg, "select count(*) from survey_answers")) \
        == before


def test_an_anonymous_export_counts_for_the_group_it_names(surveyed, tmp_path):
    cfg, _, _, _ = surveyed
    cfg = copy_warehouse(cfg, tmp_path / "anon", extra_config="")
    path = tmp_path / "viva.csv"
    path.write_text("Response date;Group;How likely are you to recommend Copilot to a colleague?;"
                    "Hours Copilot saved you last week\n"
                    + "".join(f"2026-11-18;Marketing;{v};{h}\n" for v, h in ((9, "1,5"), (10, "2"), (9, "3"),
                                                                             (5, "0,5"), (8, "1")))
                    + "2026-11-18;Nowhere;9;1\n")
    out = CliRunner().invoke(cli, ["survey", "import", str(path), "--config", cfg.source])
    assert "viva.csv:7: column 'Group': unknown department 'Nowhere'" in " ".join(out.output.split()), out.output
    (row,) = q(cfg, "select respondents, nps, hours_saved_per_week from mart_survey_kpis "
                    "where wave = '2026-11' and dimension = 'department' and group_name = 'Marketing'")
    assert row == (5, pytest.approx(40.0), pytest.approx(8 / 5))  # 3 promoters, 1 detractor of 5; decimal commas


def test_a_file_without_a_mapped_question_is_refused_whole(surveyed, tmp_path):
    cfg, _, _, _ = surveyed
    path = tmp_path / "other.csv"
    path.write_text("Email,Completion time,Favourite colour\nx@contoso.example,11/10/2026,blue\n")
    out = CliRunner().invoke(cli, ["survey", "import", str(path), "--config", cfg.source])
    assert out.exit_code == 1 and "no column is a question mapped in [survey] questions" in out.output
    assert "Favourite colour" in out.output
