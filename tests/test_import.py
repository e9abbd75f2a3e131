"""`copilot-usage import`: admin-center exports detected by header, checked whole, landed once, modelled.

Fixtures in tests/fixtures/imports (headers from Microsoft's report documentation, see its README); the
modelling tests build the export from the simulator's own Graph report of a day, so the imported day can be
compared with the same day collected over HTTP.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from conftest import END, marts, query, write_config

from connector.jobs import import_job, run_job
from connector.simulator import reports as sim_reports

EXE = Path(sys.executable).parent / "copilot-usage"
FIX = Path(__file__).parent / "fixtures" / "imports"
RAW = ("raw_import_copilot_usage", "raw_import_copilot_chat", "raw_import_agent_users", "raw_import_agents")


def cli(cfg_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "200"}
    return subprocess.run([str(EXE), "import", "--config", str(cfg_path), *args], capture_output=True, text=True,
                          env=env, timeout=120)


@pytest.fixture
def cfg_path(tmp_path: Path) -> Path:
    return write_config(tmp_path, "http://127.0.0.1:9")  # no Graph needed to import


def counts(path: Path) -> dict[str, int]:
    from warehouse.config import load_config

    cfg = load_config(path)
    return {t: query(cfg, f"select count(*) from {t}")[0][0] for t in (*RAW, "_imports", "_runs")}


def test_each_kind_is_detected_by_its_header_and_lands_with_its_runs_row(cfg_path):
    p = cli(cfg_path, "--as-of", "2026-11-20", "--period", "30", *sorted(str(f) for f in FIX.glob("*.csv")))
    assert p.returncode == 0, p.stdout + p.stderr
    assert "Traceback" not in p.stderr
    for file, title, fmt in [("copilot_usage_export.csv", "Copilot usage export", "dd/mm/yyyy"),
                             ("copilot_chat_export.csv", "Copilot Chat usage export", "mm/dd/yyyy"),
                             ("agent_users_export.csv", "user details table", "yyyy-mm-dd"),
                             ("agents_export.csv", "agent details table", "dd.mm.yyyy")]:
        line = next(c for c in " ".join(p.stdout.split()).split("imported ") if c.startswith(file))
        assert line and title in line and f"dates {fmt}" in line, line
    assert counts(cfg_path) == {"raw_import_copilot_usage": 3, "raw_import_copilot_chat": 3,
                                "raw_import_agent_users": 2, "raw_import_agents": 2, "_imports": 4, "_runs": 4}
    from warehouse.config import load_config

    cfg = load_config(cfg_path)
    # regional dates are stored as ISO dates, each file read in its own format; quoted fields survive
    assert query(cfg, "select display_name, last_activity_date, microsoft_teams_copilot_last_activity_date, "
                      "copilot_chat_work_last_activity_date, prompts_submitted_for_all_apps, _line "
                      "from raw_import_copilot_usage order by _line") == [
        ("Ada Lovelace", "2026-11-18", "2026-11-18", "2026-11-18", "42", 2),
        ("Hopper, Grace", "2026-11-13", None, "2026-11-13", "7", 3),
        ("Alan Turing", None, None, None, "0", 4)]
    assert query(cfg, "select last_activity_date from raw_import_copilot_chat order by _line") == [
        ("2026-11-18",), ("2026-10-30",), ("2026-11-02",)]
    assert query(cfg, "select agent_name, last_activity_date from raw_import_agents order by _line") == [
        ("Policy helper", "2026-11-19"), ("Researcher", "2026-11-20")]
    runs = query(cfg, "select report, period, status, rows, report_refresh_date from _runs order by report")
    assert runs == [("import:agent_users", "D30", "ok", 2, date(2026, 11, 20)),
                    ("import:agents", "D30", "ok", 2, date(2026, 11, 20)),
                    ("import:copilot_chat", "D30", "ok", 3, date(2026, 11, 20)),
                    ("import:copilot_usage", "D30", "ok", 3, date(2026, 11, 20))]
    # the Data page's list: every file, marked in use
    assert query(cfg, "select kind, file_name, rows, used from mart_imports order by kind") == [
        ("agent_users", "agent_users_export.csv", 2, "in use"), ("agents", "agents_export.csv", 2, "in use"),
        ("copilot_chat", "copilot_chat_export.csv", 3, "in use"),
        ("copilot_usage", "copilot_usage_export.csv", 3, "in use")]
    assert query(cfg, "select agent_id, active_users_unlicensed, responses from mart_agents order by 1") == [
        ("T_1a2b3c4d-0000-4000-8000-000000000001", 30, 480), ("T_1a2b3c4d-0000-4000-8000-000000000002", 0, 812)]


def test_a_file_of_unknown_shape_is_refused_naming_the_expected_columns(cfg_path, tmp_path):
    odd = tmp_path / "teams_activity.csv"
    odd.write_text("Report Refresh Date,User Principal Name,Team Chat Message Count\n2026-11-20,a@x.example,3\n")
    p = cli(cfg_path, "--as-of", "2026-11-20", str(odd))
    assert p.returncode == 1 and "Traceback" not in p.stderr
    out = " ".join(p.stdout.split())
    assert "teams_activity.csv: not an admin-center export this tool knows (nothing imported)" in out
    assert "'Report Refresh Date', 'User Principal Name', 'Team Chat Message Count'" in out
    for expected in ("'User name', 'Last activity date (UTC)' and at least one of 'Last activity date of Teams Copilot",
                     "'Number of agents used', 'Agent responses received'", "'Agent ID', 'Agent name', 'Creator type'"):
        assert expected in out
    assert not (cfg_path.parent / "wh.duckdb").exists()  # refused before the warehouse was opened


def _with(tmp_path: Path, name: str, line: int, old: str, new: str) -> Path:
    lines = (FIX / "copilot_usage_export.csv").read_text(encoding="utf-8-sig").splitlines(keepends=True)
    assert old in lines[line - 1]
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    out = tmp_path / name
    out.write_text("".join(lines), encoding="utf-8")
    return out


@pytest.mark.parametrize(("line", "old", "new", "says"), [
    (3, "13/11/2026", "31/02/2026",
     "line 3, column 'Last activity date (UTC)': '31/02/2026' is not a date in dd/mm/yyyy"),
    (2, ",42,", ",4x2,", "line 2, column 'Prompts submitted (any app)': '4x2' is not a whole number"),
    (4, "0,0,0,0,,,,,,,,,,,,", "0,0,0,0,,,,,,,,,,,,,unexpected", "line 4 has 19 fields, the header 18"),
    (4, ",0,0,0,0,,,,,,,,,,,,", ",0,0", "line 4 has 4 fields, the header 18 (a truncated or hand-edited file?)"),
    (3, '"grace.hopper@contoso.example"', '""', "line 3: 'User name' is empty"),
    (2, "18/11/2026,18/11/2026", "28/11/2026,18/11/2026", "line 2, column 'Last activity date (UTC)': 2026-11-28 is "
                                                          "after the report date 2026-11-20"),
])
def test_a_bad_row_is_named_by_its_line_and_nothing_lands(cfg_path, tmp_path, line, old, new, says):
    good = cli(cfg_path, "--as-of", "2026-11-20", "--no-transform", str(FIX / "agents_export.csv"))  # an earlier one
    assert good.returncode == 0, good.stdout
    before = counts(cfg_path)
    p = cli(cfg_path, "--as-of", "2026-11-20", str(_with(tmp_path, "bad.csv", line, old, new)))
    assert p.returncode == 1 and "Traceback" not in p.stderr
    out = " ".join(p.stdout.split())
    assert says in out and "nothing imported" in out
    assert counts(cfg_path) == before


def test_ambiguous_regional_dates_are_refused_until_the_format_is_given(cfg_path, tmp_path):
    f = tmp_path / "chat.csv"
    f.write_text("Username,Display name,Last activity date (UTC)\na@x.example,A,03/04/2026\nb@x.example,B,11/10/2026\n")
    p = cli(cfg_path, "--as-of", "2026-11-20", str(f))
    assert p.returncode == 1
    out = " ".join(p.stdout.split())
    assert "line 2, 'Last activity date (UTC)' = '03/04/2026' reads as mm/dd/yyyy and as dd/mm/yyyy" in out
    assert "pass --date-format mm/dd/yyyy or dd/mm/yyyy" in out
    assert not (cfg_path.parent / "wh.duckdb").exists()  # refused before the warehouse was opened
    p = cli(cfg_path, "--as-of", "2026-11-20", "--date-format", "dd/mm/yyyy", str(f))
    assert p.returncode == 0, p.stdout
    from warehouse.config import load_config

    assert query(load_config(cfg_path), "select last_activity_date from raw_import_copilot_chat order by _line") == [
        ("2026-04-03",), ("2026-10-11",)]


def test_a_file_without_report_date_needs_as_of(cfg_path):
    p = cli(cfg_path, str(FIX / "copilot_chat_export.csv"))
    assert p.returncode == 1 and "pass --as-of YYYY-MM-DD" in " ".join(p.stdout.split())


def test_importing_the_same_file_twice_changes_nothing(cfg_path, tmp_path):
    first = cli(cfg_path, "--as-of", "2026-11-20", str(FIX / "copilot_usage_export.csv"))
    assert first.returncode == 0, first.stdout
    before, before_marts = counts(cfg_path), marts(tmp_path / "wh.duckdb")
    renamed = tmp_path / "same-content-other-name.csv"
    shutil.copy(FIX / "copilot_usage_export.csv", renamed)
    for f in (FIX / "copilot_usage_export.csv", renamed):
        p = cli(cfg_path, "--as-of", "2026-11-20", str(f))
        assert p.returncode == 0
        assert "already imported on" in p.stdout and "as copilot_usage_export.csv" in p.stdout
        assert "same content, nothing changed" in p.stdout
    assert counts(cfg_path) == before
    assert marts(tmp_path / "wh.duckdb") == before_marts


def admin_export(graph_csv: bytes) -> str:
    """The simulator's Graph user detail (v2) rewritten as the admin center exports it: its header dialect,
    dd/mm/yyyy dates, no Report Refresh Date or Report Period column."""
    names = {"User Principal Name": "User name", "Display Name": "Display name",
             "Last Activity Date": "Last activity date (UTC)",
             "Prompts submitted for all apps": "Prompts submitted (any app)",
             "Prompts submitted for Copilot Chat (work)": "Copilot Chat (work) prompts submitted",
             "Prompts submitted for Copilot Chat (web)": "Copilot Chat (web) prompts submitted",
             "Active Usage Days for all apps": "Active Days",
             "Copilot Chat (work) Last Activity Date": "Last activity date of Copilot Chat (work) (UTC)",
             "Copilot Chat (web) Last Activity Date": "Last activity date of Copilot Chat (web) (UTC)",
             "Microsoft 365 Copilot Last Activity Date": "Last activity date of Microsoft 365 App (UTC)",
             "Edge Last Activity Date": "Last activity date of Microsoft Edge (UTC)",
             "Copilot Agent Last Activity Date": "Last activity date of any agent (UTC)"}
    for app in ("Teams", "Word", "Excel", "PowerPoint", "Outlook", "OneNote", "Loop"):
        names[f"{'Microsoft Teams' if app == 'Teams' else app} Copilot Last Activity Date"] = \
            f"Last activity date of {app} Copilot (UTC)"
    rows = list(csv.DictReader(io.StringIO(graph_csv.decode("utf-8-sig"))))
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(names.values())
    for r in rows:
        w.writerow([date.fromisoformat(v).strftime("%d/%m/%Y") if "Date" in k and v else v
                    for k, v in ((k, r[k]) for k in names)])
    return out.getvalue()


DETAIL = ("select upn_key, is_concealed, any_date, teams_date, word_date, excel_date, powerpoint_date, outlook_date, "
          "onenote_date, loop_date, copilot_chat_date, prompts, chat_prompts, active_usage_days "
          "from stg_copilot_user_detail where as_of = ? and list_contains(periods, 28) order by upn_key")


def test_an_imported_copilot_usage_export_means_what_the_graph_report_of_that_day_means(cfg, sim, tmp_path):
    day = sim.state.day
    as_of = sim.tenant.date(day)
    assert as_of == END
    sim.set_date(str(sim.tenant.date(day - 1)))
    assert run_job(cfg).exit_code == 0  # the day before over Graph: directory and history
    export = tmp_path / "Copilot usage export.csv"
    export.write_text(admin_export(sim_reports.copilot_user_detail(sim.tenant, day, 28, "v2", False)), encoding="utf-8")
    results, job = import_job(cfg, [export], as_of=as_of, period_days=28)
    assert results[0].error is None and results[0].parsed.date_format == "dd/mm/yyyy"
    assert job.exit_code == 0 and job.transform is not None
    imported = query(cfg, DETAIL, [as_of])
    assert imported and query(cfg, "select count(*) from int_user_snapshot where as_of = ?", [as_of])[0][0] > 0
    assert query(cfg, "select used from mart_imports")[0][0] == "in use"
    # the incremental transform after the import built what a full rebuild builds
    incremental = marts(cfg.warehouse.path)
    from warehouse.transform import transform

    transform(cfg.warehouse.path, cfg.model, full=True)
    assert marts(cfg.warehouse.path) == incremental
    # an import is not a collection run: the scheduler's missed-run check still sees the Graph run
    from connector.schedule import RUN_JOB, last_done

    graph_start = query(cfg, "select epoch(min(started_at)) from _runs where report not like 'import:%'")[0][0]
    assert last_done(cfg, RUN_JOB).timestamp() == pytest.approx(graph_start)
    # the same day collected over Graph gives the same per-user facts; Graph's load wins for that date
    sim.set_date(str(as_of))
    assert run_job(cfg).exit_code == 0
    graph = query(cfg, DETAIL, [as_of])
    assert graph == imported
    assert query(cfg, "select distinct run_id from stg_copilot_user_detail where as_of = ?", [as_of]) == \
        query(cfg, "select run_id from _runs where report = 'copilot_usage_user_detail' and period = 'D28' "
                   "and report_refresh_date = ?", [as_of])
    assert query(cfg, "select used from mart_imports")[0][0] == \
        "not used: Graph was collected for this report date and wins"


def test_unlicensed_chat_and_agent_users_are_counted_per_department_with_suppression(cfg, sim, tmp_path):
    assert run_job(cfg).exit_code == 0
    people = query(cfg, "select upn_key, department, is_licensed from int_user_groups where valid_to = 'infinity'")
    unlicensed = sorted((u, d) for u, d, lic in people if not lic)
    by_dept: dict[str, list[str]] = {}
    for u, d in unlicensed:
        by_dept.setdefault(d, []).append(u)
    big = max(by_dept, key=lambda d: len(by_dept[d]))
    chat_users = by_dept[big][:6] + ["someone.gone@contoso.example"]
    chat = tmp_path / "chat.csv"
    chat.write_text("Username,Display name,Last activity date (UTC)\n"
                    + "".join(f"{u},{u},2026-11-{10 + i}\n" for i, u in enumerate(chat_users)))
    agents = tmp_path / "agent users.csv"
    licensed = sorted(u for u, _, lic in people if lic)[:3]
    agents.write_text("Username,Display name,Number of agents used,Agent responses received,Last activity date (UTC)\n"
                      + "".join(f"{u},{u},1,5,2026-11-19\n" for u in [*licensed, by_dept[big][0]]))
    results, job = import_job(cfg, [chat, agents], as_of=END, period_days=30)
    assert [r.error for r in results] == [None, None] and job.exit_code == 0
    rows = {(d, g): (n, a7, a28, gone) for d, g, n, a7, a28, gone in query(
        cfg, "select dimension, group_name, chat_users, active_users_7d, active_users_28d, not_in_entra "
             "from mart_unlicensed_chat")}
    # dates 2026-11-10 … 11-16 for the six in Entra, 11-16 for the one not in Entra; as of 11-20
    assert rows[("tenant", "Tenant")] == (7, 3, 7, 1)
    assert rows[("department", big)] == (6, 2, 6, None)
    size = query(cfg, "select unlicensed_users, active_rate_28d from mart_unlicensed_chat "
                      "where dimension = 'department' and group_name = ?", [big])[0]
    assert size == (len(by_dept[big]), pytest.approx(6 / len(by_dept[big])))
    small = query(cfg, "select group_name, chat_users, active_rate_28d from mart_unlicensed_chat "
                       "where suppressed")
    assert all(n is None and r is None for _, n, r in small)  # a small group shows no numbers
    tenant = query(cfg, "select agent_users, licensed_agent_users, unlicensed_agent_users, agent_responses "
                        "from mart_agent_users where dimension = 'tenant'")
    assert tenant == [(4, 3, 1, 20)]


def test_the_data_page_lists_imported_files_as_imported(tmp_path, sim, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from warehouse.config import load_config

    monkeypatch.setenv("COPILOT_USAGE_GRAPH_TOKEN", sim.state.token)
    cfg = load_config(write_config(tmp_path, sim.base_url, '\n[dashboard]\nauth = "none"\n'))
    assert run_job(cfg).exit_code == 0
    results, job = import_job(cfg, [FIX / "copilot_chat_export.csv", FIX / "agents_export.csv"], as_of=END,
                              period_days=30)
    assert job.exit_code == 0 and all(r.run_id for r in results)
    monkeypatch.setenv("COPILOT_CONFIG", cfg.source)
    monkeypatch.delenv("COPILOT_VIEW_AS", raising=False)
    at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "dashboards" / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("views/data.py").run()
    assert not at.exception, at.exception
    assert "Imported from the admin center" in [s.value for s in at.subheader]
    assert any("CSV exports an admin downloaded from the Microsoft 365 admin center" in c.value for c in at.caption)
    table = next(d.value for d in at.dataframe if "imported export" in d.value.columns)
    assert sorted(zip(table["imported export"], table["file"], table["used"], strict=True)) == [
        ("Agent usage: agents", "agents_export.csv", "in use"),
        ("Copilot Chat (unlicensed users)", "copilot_chat_export.csv", "in use")]
