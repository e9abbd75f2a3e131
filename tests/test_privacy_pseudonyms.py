"""[privacy] pseudonymise: a warehouse built through the real collector against the simulator holds no UPN,
display name or Entra object id of any simulated user outside the admin-only identity table (every column of
every table and view, cast to text, is scanned), the directory join still works, and the marts equal those of
the same tenant collected in clear except for a manager team's key and label."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from dashboard_apptest import app, frames
from privacy_fixtures import KEY, collect_days, differences, small_tenant

from warehouse import pseudonyms
from warehouse.config import PrivacyConfig, load_config

USERS, DAYS = 40, range(50, 64)


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    mp = pytest.MonkeyPatch()
    mp.setenv(pseudonyms.ENV, KEY)
    try:
        root = tmp_path_factory.mktemp("pseudonyms")
        clear = collect_days(root / "clear", DAYS, users=USERS)
        pseudo = collect_days(root / "pseudo", DAYS, privacy="pseudonymise = true", users=USERS)
    finally:
        mp.undo()
    return clear.warehouse.path, pseudo.warehouse.path


def _needles(users: int) -> list[str]:
    t = small_tenant(users)
    return sorted({x.lower() for x in [*t.upn, *t.display, *t.ids]})


def _hits(path: str, users: int = USERS) -> dict[str, list[str]]:
    """table -> columns holding any simulated user's UPN, display name or object id (case-insensitive)."""
    with duckdb.connect(path, read_only=True) as con:
        con.execute("create temp table needles as select unnest(?::varchar[]) as n", [_needles(users)])
        hits: dict[str, list[str]] = {}
        for table, cols in con.execute(
                "select table_name, list(column_name order by ordinal_position) from information_schema.columns "
                "where table_catalog = current_database() group by table_name order by table_name").fetchall():
            for c in cols:
                found = con.execute(f'select exists (select 1 from "{table}" t join needles '
                                    f'on contains(lower(t."{c}"::varchar), n))').fetchone()[0]
                if found:
                    hits.setdefault(table, []).append(c)
    return hits


def test_no_name_outside_the_admin_identity_table(pair: tuple[str, str]):
    clear, pseudo = pair
    assert {"raw_users", "raw_copilot_usage_user_detail", "int_user_groups", "mart_usage_by_group"} <= set(
        _hits(clear))  # the scan finds names where they are
    assert _hits(pseudo) == {"privacy_identities": ["user_principal_name", "display_name"]}
    with duckdb.connect(pseudo, read_only=True) as con:
        assert KEY not in str(con.execute("select * exclude (since) from _privacy").fetchall())  # never the key
        n, resolved = con.execute("select count(*), count(user_principal_name) from privacy_identities").fetchone()
        assert n == resolved > 0


def test_marts_equal_the_clear_ones_except_manager_team_names(pair: tuple[str, str]):
    clear, pseudo = pair
    assert differences(clear, pseudo, identities=False) == {}
    assert "mart_usage_by_group" in differences(clear, pseudo)  # manager teams are named by pseudonyms
    with duckdb.connect(pseudo, read_only=True) as con:
        # the directory join works: every report row found its Entra user, as in clear
        joined = con.execute("select count(*), count(distinct department) from int_user_snapshot").fetchone()
        label = con.execute("select label from int_manager_labels limit 1").fetchone()[0]
    with duckdb.connect(clear, read_only=True) as con:
        assert joined == con.execute("select count(*), count(distinct department) from int_user_snapshot").fetchone()
    assert label.startswith("u-") and " " not in label  # a manager team label without the name


def test_names_resolve_only_through_the_identity_table(pair: tuple[str, str]):
    _, pseudo = pair
    t = small_tenant(USERS)
    p = pseudonyms.Pseudonymiser(KEY.encode())
    with duckdb.connect(pseudo, read_only=True) as con:
        managers = [r[0] for r in con.execute("select upn_key from int_manager_labels").fetchall()]
        names = pseudonyms.resolve_names(con, managers)
    assert managers and set(names) == set(managers)
    by_upn = dict(zip(t.upn, t.display, strict=True))
    assert all(by_upn[upn] == display and p.upn(upn) == key for key, (upn, display) in names.items())


def _disabled_people(path: str, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The people the admin licence page lists first (licences to remove first: the disabled accounts)."""
    at = app(load_config(Path(path).with_name("config.toml")), monkeypatch)
    at.run()
    at.switch_page("views/reclaim.py").run()
    assert not at.exception, at.exception
    return frames(at)[0]["person"].tolist()


def test_the_admin_licence_page_shows_names_without_the_key(pair: tuple[str, str], monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv(pseudonyms.ENV, raising=False)  # the dashboard never needs the key
    t = small_tenant(USERS)
    people = sorted(f"{t.display[i]} ({t.upn[i]})" for i in (t.licence_cases.index["disabled_account"],
                                                              t.licence_cases.index["disabled_last_week"]))
    assert sorted(_disabled_people(pair[1], monkeypatch)) == people
    assert sorted(_disabled_people(pair[0], monkeypatch)) == people  # as in clear


def test_resolve_names_off_keeps_no_name_at_all(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(pseudonyms.ENV, KEY)
    cfg = collect_days(tmp_path, range(62, 64), privacy="pseudonymise = true\nresolve_names = false", users=20)
    assert cfg.privacy == PrivacyConfig(pseudonymise=True, resolve_names=False)
    assert _hits(cfg.warehouse.path, users=20) == {}
    shown = _disabled_people(cfg.warehouse.path, monkeypatch)
    assert shown and all(s.startswith("u-") for s in shown)  # the admin page shows the pseudonyms


def test_a_survey_and_an_attendance_list_match_by_pseudonym_and_keep_no_name(
        pair: tuple[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Files that name people (a pulse survey, a training's attendance list) carry clear UPNs: in a pseudonymised
    warehouse they are matched to the directory by pseudonym, and nothing they name is stored in clear."""
    import shutil

    from click.testing import CliRunner
    from privacy_fixtures import write_config

    from connector.cli import cli

    monkeypatch.setenv(pseudonyms.ENV, KEY)
    shutil.copy(pair[1], tmp_path / "wh.duckdb")
    config = write_config(tmp_path, "http://127.0.0.1:9", "pseudonymise = true")
    config.write_text(config.read_text() + '[survey]\nquestions = [{ column = "Recommend", kpi = "nps" }]\n')
    with duckdb.connect(str(tmp_path / "wh.duckdb"), read_only=True) as con:
        (last,) = con.execute("select max(as_of) from mart_usage_by_group").fetchone()
    upns = small_tenant(USERS).upn[:12]
    survey = tmp_path / "pulse.csv"
    survey.write_text("Email,Completion time,Recommend\n"
                      + "".join(f"{u.upper()},{last.isoformat()},{9 if i % 3 else 5}\n" for i, u in enumerate(upns)))
    run = CliRunner().invoke(cli, ["survey", "import", str(survey), "--config", str(config)])
    assert run.exit_code == 0, run.output
    with duckdb.connect(str(tmp_path / "wh.duckdb"), read_only=True) as con:
        assert con.execute("select count(distinct upn_key) from survey_answers").fetchone()[0] == len(upns)
    run = CliRunner().invoke(cli, ["interventions", "add", "--kind", "training", "--title", "Copilot basics",
                                   "--date", last.isoformat(), "--group", "department:Finance",
                                   "--no-transform", "--config", str(config)])
    assert run.exit_code == 0, run.output
    attendance = tmp_path / "attendance.csv"
    attendance.write_text("Email\n" + "".join(f"{u}\n" for u in upns))
    run = CliRunner().invoke(cli, ["interventions", "attendance", "1", str(attendance), "--config", str(config)])
    assert run.exit_code == 0, run.output
    with duckdb.connect(str(tmp_path / "wh.duckdb"), read_only=True) as con:
        assert con.execute("select attendees from intervention_attendance where dimension = 'tenant'"
                           ).fetchone()[0] == len(upns)
    assert _hits(str(tmp_path / "wh.duckdb")) == {"privacy_identities": ["user_principal_name", "display_name"]}
