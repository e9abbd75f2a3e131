"""Interventions as records: the import's bad lines (each reported with its number, the rest loaded) and its
idempotence, `add` with free-text kinds, attendance kept only as counts per group, follow-up actions becoming
champion_action interventions (also those logged before interventions existed), the digest's section and the
dashboard page (AppTest, as an admin and as a champion). On the uplift warehouse (tests/uplift_warehouse.py)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from alerts.workflow import followups, intervention_effects
from alerts.workflow.episodes import sync
from alerts.workflow.interventions import InterventionError, import_csv, list_interventions
from connector.cli import cli
from connector.simulator.catalog import DEPARTMENTS
from tests import uplift_warehouse as uw
from warehouse import db
from warehouse.transform import transform

TABLES = ("interventions", "intervention_groups", "intervention_imports", "intervention_attendance")


def _dump(path: str) -> dict[str, list[tuple]]:
    con = duckdb.connect(path, read_only=True)
    try:
        return {t: con.execute(f"select columns(*)::varchar from {t} order by all").fetchall()  # noqa: S608
                for t in TABLES}
    finally:
        con.close()


@pytest.fixture
def cfg(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path):
    return uw.copy(tmp_path_factory, tmp_path, '[dashboard]\nauth = "none"\n')


def _cli(*args: str) -> str:
    out = CliRunner().invoke(cli, ["interventions", *args])
    return out.exit_code, out.output


def test_bad_lines_are_reported_by_number_the_rest_loaded_and_a_reimport_changes_nothing(cfg, tmp_path: Path):
    f = tmp_path / "interventions.csv"
    f.write_text("Date,Kind,Dimension,Group_Name,Title,notes\n"
                 "2026-10-26,Workshop,department,Finance,Copilot in Excel,hands-on\n"            # 2 ok
                 "2026-10-26,workshop,Department,Legal,Copilot in Excel,\n"                      # 3 ok, same one
                 "2026-10-26,training,department,Finanse,Copilot in Excel,\n"                    # 4 unknown group
                 "2025-01-06,training,department,Finance,Too early,\n"                           # 5 before the data
                 "2099-01-05,training,department,Finance,In the future,\n"                       # 6 after today
                 "2026-10-27,hackathon,department,Finance,Odd kind,\n"                           # 7 bad kind
                 "2026-10-27,training,office,Finance,Odd dimension,\n"                           # 8 bad dimension
                 "27/10/2026,training,department,Finance,Odd date,\n"                            # 9 bad date
                 "\n"                                                                            # 10 empty
                 "2026-11-02,Office-Hours,job function,legal counsel,Ask us anything,\n"         # 11 ok
                 "2026-11-02,campaign,department,Sales,,\n")                                     # 12 no title
    code, out = _cli("import", str(f), "--config", cfg.source, "--no-transform")
    assert code == 1, out
    assert "interventions.csv: 3 of 10 line(s) loaded: 2 new intervention(s), 3 new targeted group(s)" in out
    for line, words in ((4, "no department 'Finanse' in the data"), (5, "date 2025-01-06 is outside the data"),
                        (6, "date 2099-01-05 is outside the data"), (7, "kind 'hackathon' is not one of"),
                        (8, "dimension 'office' is not one of"), (9, "date '27/10/2026' is not a date"),
                        (12, "the title is empty")):
        assert f"line {line}: {words}" in " ".join(out.split()), (line, out)
    ivs = {iv.title: iv for iv in list_interventions(cfg)}
    assert ivs["Copilot in Excel"].kind == "training"
    assert [(d, g) for d, g, _ in ivs["Copilot in Excel"].groups] == [("department", "Finance"),
                                                                      ("department", "Legal")]
    assert ivs["Copilot in Excel"].notes == "hands-on" and ivs["Copilot in Excel"].source == "import"
    assert ivs["Ask us anything"].kind == "office_hours"
    assert ivs["Ask us anything"].groups == (("job_function", "Legal Counsel", "Legal Counsel"),)
    before = _dump(cfg.warehouse.path)
    code, out = _cli("import", str(f), "--config", cfg.source, "--no-transform")
    assert "already imported on" in out and "0 new intervention(s), 0 new targeted group(s)" in out
    assert _dump(cfg.warehouse.path) == before


def test_a_file_without_the_columns_loads_nothing(cfg, tmp_path: Path):
    f = tmp_path / "wrong.csv"
    f.write_text("when,what,group\n2026-10-26,training,Finance\n")
    with pytest.raises(InterventionError, match="line 1 needs the columns date,kind,dimension,group_name,title"):
        import_csv(cfg, f)
    assert _dump(cfg.warehouse.path)["interventions"] == []


def test_add_normalises_the_kind_and_the_same_one_again_only_adds_groups(cfg):
    code, out = _cli("add", "--config", cfg.source, "--kind", "Lunch and learn", "--title", "Copilot basics",
                     "--date", "2026-10-26", "--group", "department:Finance", "--no-transform")
    assert code == 0, out
    assert "intervention #1: training 'Copilot basics' on 2026-10-26 for department Finance" in out
    code, out = _cli("add", "--config", cfg.source, "--kind", "training", "--title", "copilot  BASICS",
                     "--date", "2026-10-26", "--group", "department:Finance", "--group", "department:Sales",
                     "--no-transform")
    assert code == 0 and "intervention #1:" in out
    [iv] = list_interventions(cfg)
    assert [g for _, g, _ in iv.groups] == ["Finance", "Sales"]
    code, out = _cli("add", "--config", cfg.source, "--kind", "training", "--title", "x", "--date", "2026-10-26",
                     "--group", "Finance", "--no-transform")
    assert code == 1 and "must be DIMENSION:NAME" in out


def test_attendance_is_kept_only_as_counts_per_group(cfg, tmp_path: Path):
    t = uw.tenant()
    day = uw.LAST_DAY - 7  # the warehouse's last collection: the directory the attendees are matched in
    depts = t.dept_on(day)
    present = t.present(day)
    finance = [i for i in range(t.n) if depts[i] == 0 and present[i]][:12]
    legal = [i for i in range(t.n) if DEPARTMENTS[depts[i]][0] == "Legal" and present[i]][:3]
    f = tmp_path / "attendance.csv"
    rows = ["Name,Participant ID (UPN),Role"] + [f"{t.display[i]},{t.upn_on(i, day).upper()},Attendee"
                                                  for i in finance + legal]
    rows += [f"{t.display[finance[0]]},{t.upn_on(finance[0], day)},Attendee", "Guest,guest@fabrikam.example,Attendee"]
    f.write_text("Meeting summary\nTitle,Copilot basics\n\n" + "\n".join(rows) + "\n")
    _cli("add", "--config", cfg.source, "--kind", "training", "--title", "Copilot basics", "--date", "2026-10-26",
         "--group", "department:Finance", "--no-transform")
    code, out = _cli("attendance", "1", str(f), "--config", cfg.source, "--session", "Session 1")
    assert code == 0, out
    assert "16 attendee(s), 15 in the directory, 1 not found" in out
    assert "department: Finance: 12" in out and "department: Legal: fewer than 5" in out
    stored = _dump(cfg.warehouse.path)["intervention_attendance"]
    dept = {r[3]: int(r[5]) for r in stored if r[2] == "department"}
    assert dept == {"Finance": 12, "Legal": 3}
    assert sum(int(r[5]) for r in stored if r[2] == "job_function") == 15
    # no attendee's UPN is kept: the only addresses stored are manager teams' labels ("Name (upn)"), as in every mart
    labels = {r[4] for r in stored if r[2] == "manager"}
    assert not [v for table in _dump(cfg.warehouse.path).values() for r in table for v in r
                if "@" in str(v) and v not in labels]
    _cli("attendance", "1", str(f), "--config", cfg.source, "--session", "Session 1")  # again: replaced, not added
    assert [r[:6] for r in _dump(cfg.warehouse.path)["intervention_attendance"]] == [r[:6] for r in stored]
    code, out = _cli("attendance", "9", str(f), "--config", cfg.source)
    assert code == 1 and "no intervention #9" in out


def test_a_followup_action_becomes_a_champion_action_intervention(cfg, monkeypatch: pytest.MonkeyPatch):
    from dashboard_apptest import app, texts

    from dashboards.text import md

    sync(cfg)
    f = followups.list_followups(cfg)[0]
    a = followups.add_action(cfg, f.id, "office_hours", note="Tuesday drop-in", action_date=uw.START)
    [iv] = list_interventions(cfg)
    assert (iv.kind, iv.source, iv.followup_id, iv.start_date, iv.notes) == (
        "champion_action", "followup", f.id, uw.START, "Tuesday drop-in")
    assert iv.groups == ((f.dimension, f.group_id, f.group_name),)
    # measured with the next transform, and shown on the follow-up
    assert transform(cfg.warehouse.path, cfg.model, interventions=cfg.interventions).failed_checks == []
    [e] = intervention_effects.for_followup(cfg, f.id)
    assert e.kind == "champion_action" and e.sentence.startswith(f"{f.group_name} champion action on 26 Oct 2026: ")
    at = app(cfg, monkeypatch)
    at.run()
    at.switch_page("views/stagnation.py").run()
    assert not at.exception, at.exception
    assert f"**Measured effect** of the action: {md(e.sentence)}" in texts(at)
    # logged before interventions existed: the migration turns it into one too
    con = db.connect(cfg.warehouse.path)
    con.execute("delete from intervention_groups; delete from interventions; "
                "delete from _migrations where name = '0012_intervention_attendance.sql'")
    db.migrate(con)
    rows = con.execute("select kind, followup_id, followup_action_id, start_date from interventions").fetchall()
    con.close()
    assert rows == [("champion_action", f.id, a.id, uw.START)]


def test_the_digest_and_the_dashboard_show_the_effects(cfg, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import streamlit as st
    from dashboard_apptest import app, frames, texts

    from alerts.build import Digest
    from alerts.render import render_digest_bodies

    code, out = _cli("import", str(uw.interventions_csv(tmp_path / "iv.csv")), "--config", cfg.source)
    assert code == 0, out
    code, out = _cli("list", "--config", cfg.source)
    assert code == 0 and "campaign" in out and "Legal Counsel" in out
    assert "Training: not enough data yet (0 measured group effects, 3 needed)" in " ".join(out.split())
    # the warehouse stops a week before the after-weeks end: every group is still collecting
    text, html = render_digest_bodies(Digest(uw.START, "lead@contoso.example", [], None), cfg)
    assert "Interventions (measured against comparable groups" in text
    assert "6 targeted groups: not enough data yet" in text and "<h2" in html and "Interventions</h2>" in html
    at = app(cfg, monkeypatch)
    at.switch_page("views/interventions.py").run()
    assert not at.exception, at.exception
    page = texts(at)
    assert "Per intervention and group" in page and "Record an intervention" in page
    table = frames(at)[1]
    assert set(table["group"]) == set(uw.TREATED) | set(uw.PLACEBO)
    assert set(table["status"]) == {"not enough data yet: weeks after still to come"}
    # a champion sees the per-kind averages and only their own group's effect, and records only for it
    champions = tmp_path / "champions.csv"
    champions.write_text("dimension,group_name,champion_name,champion_email,manager_email\n"
                         "job_function,Legal Counsel,Lee Counsel,lee.counsel@contoso.example,\n")
    assert CliRunner().invoke(cli, ["champions", "import", str(champions), "--config", cfg.source]).exit_code == 0
    st.cache_data.clear()  # the champions query of the first run is cached
    at = app(cfg, monkeypatch, view_as="lee.counsel@contoso.example")
    at.run()
    at.switch_page("views/interventions.py").run()
    assert not at.exception, at.exception
    assert set(frames(at)[1]["group"]) == {"Legal Counsel"}
    assert [s.options for s in at.multiselect] == [["Legal Counsel"]]
