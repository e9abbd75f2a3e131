"""The incremental transform rebuilds only what changed and gives exactly the marts of a full rebuild.

Daily collections over HTTP from the simulator, each followed by a transform, through the cases that move
the scope: a new day, the same day collected again, concealed names replaced by clear ones, a manager
renamed (which relabels rows, not rebuilds them), nothing new, a `[model]` parameter changed and back. At the
end a copy of the warehouse is rebuilt from scratch and every mart and model table is compared row for row.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import duckdb
import numpy as np
import pytest

from alerts.run import run_alerts
from alerts.workflow.champions import import_champions, list_champions
from alerts.workflow.followups import list_followups
from connector.collect import collect
from connector.simulator.server import Fault, Simulator
from connector.simulator.tenant import Tenant
from tests.conftest import END, IMPORTED_ONLY, marts, write_config
from tests.simulated_warehouse import copy_warehouse
from warehouse import db
from warehouse import transform as transform_module
from warehouse.config import Config, ModelConfig, Secrets, load_config
from warehouse.scope import NOTHING
from warehouse.transform import TransformReport, transform

MODEL_TABLES = ("int_activity_days", "int_copilot_snapshots", "int_user_snapshot", "int_user_week",
                "int_group_week_eligible")


def _tables(path: str) -> dict[str, list[tuple]]:
    con = duckdb.connect(path, read_only=True)
    try:
        return {t: con.execute(f"select columns(*)::varchar from {t} order by all").fetchall()  # noqa: S608
                for t in MODEL_TABLES}
    finally:
        con.close()


def _latest_as_of(cfg: Config) -> object:
    con = duckdb.connect(cfg.warehouse.path, read_only=True)
    try:
        return con.execute("select max(as_of) from int_copilot_snapshots").fetchone()[0]
    finally:
        con.close()


def _same_as_full_rebuild(cfg: Config, tmp: Path, model: ModelConfig | None = None) -> None:
    full = copy_warehouse(cfg, tmp)
    assert transform(full.warehouse.path, model or full.model, full=True).scope.full
    built, rebuilt = marts(cfg.warehouse.path), marts(full.warehouse.path)
    assert set(built) >= {"mart_usage_by_group", "mart_adoption_weekly", "mart_stagnation"}
    assert [name for name, rows in built.items() if not rows and name not in IMPORTED_ONLY] == []  # no import here
    for name in built:
        assert built[name] == rebuilt[name], f"{name} differs from a full rebuild"
    assert _tables(cfg.warehouse.path) == _tables(full.warehouse.path)
    # the same rebuild in chunks of a few report dates (weeks) each, as a large tenant's history is built
    chunked = copy_warehouse(cfg, tmp / "chunked")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(transform_module, "CHUNK_ROWS", 1200)  # 500 users: two report dates, or one week, per chunk
        assert transform(chunked.warehouse.path, model or chunked.model, full=True).scope.full
    in_chunks = marts(chunked.warehouse.path)
    for name in built:
        assert in_chunks[name] == rebuilt[name], f"{name} built in chunks differs from a full rebuild in one piece"
    assert _tables(chunked.warehouse.path) == _tables(full.warehouse.path)


@pytest.fixture
def daily(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    tenant = Tenant.generate(users=500, days=45, seed=7, end=END)
    with Simulator(tenant, day=10) as sim:
        monkeypatch.setenv("COPILOT_USAGE_GRAPH_TOKEN", sim.state.token)
        # a 45-day tenant: people count as eligible a week after their licence assignment, so that the few weeks
        # collected have a stagnation result to rebuild
        cfg = load_config(write_config(tmp_path, sim.base_url, "[model.stagnation]\nmin_licensed_days = 7\n"))

        def collect_day(day: int) -> None:
            sim.state.day = day
            assert collect(cfg, secrets=Secrets(None, sim.state.token, None)).exit_code == 0

        def step(**limit: str) -> TransformReport:
            limit.setdefault("incremental_memory_limit", cfg.warehouse.incremental_memory_limit)
            r = transform(cfg.warehouse.path, cfg.model, **limit)
            assert r.failed_checks == []
            return r

        yield cfg, sim, tenant, collect_day, step


def test_each_daily_transform_rebuilds_only_the_new_day_and_matches_a_full_rebuild(daily, tmp_path: Path):
    cfg, sim, tenant, collect_day, step = daily
    for day in range(10, 24):
        collect_day(day)
    first = step().scope
    assert first.full and first.reason == "first transform"
    for day in range(24, 34):
        collect_day(day)
        # a daily increment runs under incremental_memory_limit (1GB); one that needs more than the limit is
        # rolled back and built again without it, not failed
        r = step(incremental_memory_limit="4MB") if day == 30 else step()
        assert (r.memory_cap, r.over_memory_cap) == (("", "4MB") if day == 30 else ("1GB", ""))
        s = r.scope
        assert not s.full and s.from_as_of == _latest_as_of(cfg), s.describe()
        assert s.from_week <= s.from_as_of and s.from_week.weekday() == 0
    _same_as_full_rebuild(cfg, tmp_path / "full-1")

    # the same day again (Microsoft had not refreshed the report yet): that date again, nothing earlier
    collect_day(33)
    s = step().scope
    assert not s.full and s.from_as_of == _latest_as_of(cfg)

    # a day collected with concealed names, then again in clear: the clear load replaces it
    sim.state.concealed = True
    collect_day(34)
    assert not step().scope.full
    sim.state.concealed = False
    collect_day(34)
    assert step().scope.from_as_of == _latest_as_of(cfg)
    _same_as_full_rebuild(cfg, tmp_path / "full-2")

    # nothing new: no report date or week is rebuilt
    s = step().scope
    assert not s.full and s.from_as_of == NOTHING and s.from_week == NOTHING
    assert s.describe() == "incremental: no report date changed"
    _checks_see_the_scope(tmp_path / "full-2" / "wh.duckdb")


def _checks_see_the_scope(path: Path) -> None:
    """A check finds a bad row among the rows in scope, and ignores rows outside it (checked when written)."""
    check = (db.SQL_DIR / "checks" / "rates_within_0_1.sql").read_text()
    con = duckdb.connect(str(path))
    try:
        first, last = con.execute("select min(as_of), max(as_of) from mart_usage_by_group").fetchone()
        assert con.execute(f"select count(*) from ({check})").fetchone()[0] == 0
        con.execute("update mart_usage_by_group set active_rate = 1.5 where dimension = 'tenant' and app = 'any' "
                    "and window_days = 28 and as_of in (?, ?)", [first, last])
        assert con.execute(f"select count(*) from ({check})").fetchone()[0] == 2
        con.execute("set variable from_as_of = ?::date", [last])
        assert con.execute(f"select count(*) from ({check})").fetchone()[0] == 1
    finally:
        con.close()


def _labels_of(cfg: Config, group_id: str) -> dict[str, set[str]]:
    """The group_name of every row of a manager team (by its group_id), per mart that has manager rows."""
    con = duckdb.connect(cfg.warehouse.path, read_only=True)
    try:
        tables = [r[0] for r in con.execute("select table_name from duckdb_columns() where column_name = 'group_id' "
                                            "and table_name like 'mart\\_%' escape '\\'").fetchall()]
        return {t: {r[0] for r in con.execute(f"select distinct group_name from {t} "  # noqa: S608
                                               "where dimension = 'manager' and group_id = ?", [group_id]).fetchall()}
                for t in tables}
    finally:
        con.close()


def _any_row_named(cfg: Config, label: str) -> list[str]:
    con = duckdb.connect(cfg.warehouse.path, read_only=True)
    try:
        tables = [r[0] for r in con.execute("select distinct table_name from duckdb_columns() "
                                            "where column_name = 'group_name'").fetchall()]
        return [t for t in tables if con.execute(f"select count(*) from {t} where group_name = ?",  # noqa: S608
                                                 [label]).fetchone()[0]]
    finally:
        con.close()


def test_a_renamed_manager_relabels_no_history_and_a_parameter_change_rebuilds_its_readers(daily, tmp_path: Path):
    cfg, sim, tenant, collect_day, step = daily
    for day in range(10, 30):
        collect_day(day)
    assert step().scope.full
    # a manager changes name and sign-in name: users/delta reports one changed item, the manager's own, and the
    # Copilot report lists them under the new UPN, with last-activity dates from earlier weeks (the biggest such team)
    monday = 30 - tenant.date(30).weekday()
    last = tenant.state(29).last_active
    sizes = np.bincount(tenant.manager[tenant.manager >= 0], minlength=tenant.n)
    boss = max((m for m in np.flatnonzero(sizes >= cfg.model.min_group_size).tolist()
                if tenant.licensed(30)[m] and ((last[m] >= 0) & (last[m] < monday - 7)).any()), key=lambda m: sizes[m])
    before = f"{tenant.display[boss]} ({tenant.upn[boss]})"
    after = "Renamed Boss (renamed.boss@contoso.example)"
    assert _labels_of(cfg, tenant.ids[boss])["mart_adoption_weekly"] == {before}
    tenant.rename(boss, 30, "Renamed Boss", "renamed.boss@contoso.example")
    collect_day(30)
    # the team is keyed by the manager's Entra id: only the new day is built, and no history relabelled by rebuild
    r = step()
    assert r.memory_cap == cfg.warehouse.incremental_memory_limit
    s = r.scope
    assert not s.full and s.from_as_of == _latest_as_of(cfg), s.describe()
    assert s.from_week == s.from_as_of - dt.timedelta(days=s.from_as_of.weekday()), s.describe()
    labels = _labels_of(cfg, tenant.ids[boss])
    assert {"mart_usage_by_group", "mart_adoption_weekly", "mart_stagnation", "mart_acceptance_heatmap"} <= {
        t for t, names in labels.items() if names}
    assert all(names <= {after} for names in labels.values()), labels  # every row of the team, old ones too
    assert _any_row_named(cfg, before) == []
    _same_as_full_rebuild(cfg, tmp_path / "full")

    # a parameter rebuilds what reads it (tests/test_fingerprints.py), and back
    changed = cfg.model.model_copy(update={"min_group_size": cfg.model.min_group_size + 2})
    r = transform(cfg.warehouse.path, changed)
    assert not r.scope.full and r.scope.rebuilt["mart_usage_by_group"] == "parameter min_group_size changed"
    assert transform(cfg.warehouse.path, changed).scope.rebuilt == {}
    assert transform(cfg.warehouse.path, cfg.model).scope.rebuilt["mart_usage_by_group"] == \
        "parameter min_group_size changed"
    _same_as_full_rebuild(cfg, tmp_path / "full-back")


def _restated(text: str, late: dt.date, users: int) -> tuple[str, int]:
    """The report with Teams Copilot activity on `late` added for up to `users` users who had none."""
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    head = rows[0]
    teams, any_app = head.index("Microsoft Teams Copilot Last Activity Date"), head.index("Last Activity Date")
    n = 0
    for r in rows[1:]:
        if n < users and not r[teams] and r[any_app] and r[any_app] >= late.isoformat():
            r[teams], n = late.isoformat(), n + 1
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return "\ufeff" + out.getvalue(), n


def test_activity_reported_late_rebuilds_the_earlier_weeks_it_falls_in(daily, tmp_path: Path):
    """Microsoft fills in activity days late: a snapshot may first report a date from an earlier week, whose
    28-day windows then change although no report date before the new one did."""
    cfg, sim, tenant, collect_day, step = daily
    for day in range(10, 30):
        collect_day(day)
    assert step().scope.full
    late = tenant.start + dt.timedelta(days=30 - 9)  # in an earlier ISO week than day 30's report
    for period in (7, 28):
        body, n = _restated(sim.render(("copilot", "copilot_user_detail", 30, period, "v2", False)).decode(),
                            late, users=25)
        assert n > 0
        sim.state.faults.append(Fault(f"UsageUserDetail(period='D{period}'", 200, retry_after=None, body=body,
                                      content_type="application/octet-stream"))
    collect_day(30)
    assert not sim.state.faults  # both restated bodies were served
    s = step().scope
    assert not s.full and s.from_as_of == _latest_as_of(cfg)
    assert s.from_week == late - dt.timedelta(days=late.weekday()) < s.from_as_of - dt.timedelta(days=7)
    _same_as_full_rebuild(cfg, tmp_path / "full")


def test_a_renamed_manager_keeps_the_champion_and_follow_up_and_the_next_mail_goes_to_them(daily, tmp_path: Path,
                                                                                         smtpd):
    cfg, sim, tenant, collect_day, _ = daily
    ctl, box = smtpd
    # two weeks of lookback, so that the few weeks collected flag some manager teams
    text = Path(cfg.source).read_text().replace("min_licensed_days = 7\n",
                                                 "min_licensed_days = 7\nlookback_weeks = 2\n")
    Path(cfg.source).write_text(text + (
        '[alerts]\nfrom_address = "copilot@contoso.example"\ndimensions = ["manager"]\n'
        f'fallback_address = "adoption@contoso.example"\n[alerts.smtp]\nhost = "127.0.0.1"\nport = {ctl.port}\n'
        'starttls = false\n'))
    cfg = load_config(cfg.source)

    def step() -> TransformReport:
        r = transform(cfg.warehouse.path, cfg.model)
        assert r.failed_checks == []
        return r

    for day in range(10, 30):
        collect_day(day)
    assert step().scope.full
    con = duckdb.connect(cfg.warehouse.path, read_only=True)
    team = con.execute("select group_id, group_name from mart_stagnation where dimension = 'manager' and flagged "
                       "and week_start = (select max(week_start) from mart_stagnation) "
                       "order by impact desc, group_id limit 1").fetchone()
    con.close()
    assert team is not None, "no flagged manager team to rename"
    boss = tenant.ids.index(team[0])
    assert team[1] == f"{tenant.display[boss]} ({tenant.upn[boss]})"
    # the champion is named by the manager's UPN; the import resolves it to the team's Entra id
    csv_path = tmp_path / "champions.csv"
    csv_path.write_text("dimension,group_name,champion_name,champion_email\n"
                        f"manager,{tenant.upn[boss].upper()},Team Champion,team.champion@contoso.example\n")
    imported = import_champions(cfg, csv_path)
    assert imported.errors == [] and imported.saved == 1
    assert [(c.group_id, c.group_name) for c in list_champions(cfg)] == [team]
    assert run_alerts(cfg).exit_code == 0
    assert [str(m["To"].addresses[0].addr_spec) for m in box.messages if team[1] in str(m["Subject"])] == [
        "team.champion@contoso.example"]
    (opened,) = [f for f in list_followups(cfg) if f.group_id == team[0]]

    after = "Renamed Boss (renamed.boss@contoso.example)"
    tenant.rename(boss, 30, "Renamed Boss", "renamed.boss@contoso.example")
    for day in (30, 31, 32):  # to Sunday: one more complete week
        collect_day(day)
        assert not step().scope.full
    (champ,) = list_champions(cfg)
    assert (champ.group_id, champ.group_name, champ.champion_email) == (team[0], after,
                                                                        "team.champion@contoso.example")
    (kept,) = [f for f in list_followups(cfg) if f.group_id == team[0]]
    assert (kept.id, kept.group_name, kept.champion_email) == (opened.id, after, "team.champion@contoso.example")
    con = duckdb.connect(cfg.warehouse.path, read_only=True)
    still = con.execute("select flagged from mart_stagnation where dimension = 'manager' and group_id = ? "
                        "and week_start = (select max(week_start) from mart_stagnation)", [team[0]]).fetchone()
    con.close()
    assert still == (True,), "the renamed team is no longer flagged: pick a seed where it stays flagged"
    n = len(box.messages)
    result = run_alerts(cfg)
    assert result.exit_code == 0 and result.week_start > opened.episode_start
    mails = [m for m in box.messages[n:] if after in str(m["Subject"]) or after in m.get_body(("plain",)).get_content()]
    assert [str(m["To"].addresses[0].addr_spec) for m in mails] == ["team.champion@contoso.example"]
    assert all(team[1] not in m.get_body(("plain",)).get_content() for m in box.messages[n:])
    assert [f.id for f in list_followups(cfg) if f.group_id == team[0]] == [opened.id]  # the same episode
