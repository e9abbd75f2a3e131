"""[privacy] retention_days: per-user rows older than the cut-off are deleted at the end of a transform, the marts
keep every row (EXCEPT ALL both ways against the same warehouse without retention), and the next transform, a full
rebuild and a new day still give the marts of a warehouse that kept everything.

The simulated history is 45 days, shorter than the minimum retention `load_config` accepts (92 days: the licence
cohorts' window, tests/test_privacy_config.py), so these tests hand `transform` a `[privacy]` section built
directly, with a 30-day retention: long enough that some weeks are recomputed from the kept per-user rows.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from dashboard_apptest import app, texts
from privacy_fixtures import collect_days, differences, small_tenant

from connector.collect import collect
from connector.simulator.server import Simulator
from warehouse import retention
from warehouse.config import Config, PrivacyConfig, Secrets, load_config
from warehouse.transform import transform

KEEP = PrivacyConfig(retention_days=30)
USERS = 30
LEAVER = (3, 30)  # user 3 leaves Entra on day 30, before the cut-off: their directory rows go too


@pytest.fixture(scope="module")
def kept_all(tmp_path_factory: pytest.TempPathFactory) -> Config:
    return collect_days(tmp_path_factory.mktemp("retention"), range(24, 69), users=USERS, leaver=LEAVER)


def _copy(cfg: Config, dest: Path) -> Config:
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(cfg.warehouse.path, dest / "wh.duckdb")
    (dest / "config.toml").write_text(Path(cfg.source).read_text().replace(cfg.warehouse.path,
                                                                           (dest / "wh.duckdb").as_posix()))
    return load_config(dest / "config.toml")


def _oldest(path: str) -> dict[str, object]:
    with duckdb.connect(path, read_only=True) as con:
        return {t: con.execute(f"select min({c}) from {t}").fetchone()[0]
                for t, c in retention.per_user_tables(con).items()}


def _collect_day(cfgs: list[Config], day: int) -> None:
    sim = Simulator(small_tenant(USERS, LEAVER)).start()
    try:
        sim.state.day = day
        for cfg in cfgs:
            text = Path(cfg.source).read_text()
            old = text.split('base_url = "', 1)[1].split('"', 1)[0]
            Path(cfg.source).write_text(text.replace(old, sim.base_url))
            assert collect(load_config(cfg.source), secrets=Secrets(None, sim.state.token, None)).exit_code == 0
    finally:
        sim.stop()


def test_after_the_cut_off_per_user_rows_are_gone_and_the_marts_unchanged(kept_all: Config, tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch):
    cfg, ref = _copy(kept_all, tmp_path / "a"), _copy(kept_all, tmp_path / "ref")
    path = cfg.warehouse.path
    report = transform(path, cfg.model, privacy=KEEP)
    cut = report.purged_before
    with duckdb.connect(path, read_only=True) as con:
        latest = con.execute("select max(as_of) from copilot_user_snapshots").fetchone()[0]
        weeks_kept = retention.boundary(con, "mart_adoption_weekly")
    assert (latest - cut).days == 30
    assert {"raw_copilot_usage_user_detail", "raw_m365_app_user_detail", "copilot_user_snapshots",
            "int_user_snapshot", "int_activity_days", "int_user_week", "raw_users"} <= set(report.purged)
    leaver = small_tenant(USERS).ids[LEAVER[0]]
    with duckdb.connect(ref.warehouse.path, read_only=True) as con:
        assert con.execute("select count(*) from raw_users where id = ?", [leaver]).fetchone()[0] >= 2
    with duckdb.connect(path, read_only=True) as con:
        assert con.execute("select count(*) from raw_users where id = ?", [leaver]).fetchone()[0] == 0
        assert con.execute("select count(*) from raw_users").fetchone()[0] > 0  # the current users' rows stay
    assert all(d is None or d >= cut for d in _oldest(path).values()), _oldest(path)
    assert weeks_kept <= latest  # some weeks are recomputed from the kept per-user rows below
    assert differences(ref.warehouse.path, path) == {}

    # the next transform and a full rebuild start from the aggregates kept, and still give the same marts
    again = transform(path, cfg.model, privacy=KEEP)
    assert again.failed_checks == [] and differences(ref.warehouse.path, path) == {}
    full = transform(path, cfg.model, full=True, privacy=KEEP)
    assert full.scope.full and full.failed_checks == []
    assert differences(ref.warehouse.path, path) == {}
    assert all(d is None or d >= cut for d in _oldest(path).values())
    with duckdb.connect(path, read_only=True) as con:
        assert con.execute("select min(as_of) from mart_usage_by_group").fetchone()[0] < cut  # history kept
        status = con.execute("select retention_days, purged_before, per_user_from, aggregates_from "
                             "from mart_privacy_status").fetchall()
    (days, purged, per_user_from, aggregates_from), = status  # what the Data page says: kept since when
    assert (days, purged, per_user_from) == (30, cut, cut) and aggregates_from < cut
    at = app(cfg, monkeypatch)
    at.run()
    at.switch_page("views/data.py").run()
    assert not at.exception, at.exception
    assert (f"kept from {cut:%d %b %Y}: older ones were deleted (30-day retention" in texts(at)
            and f"Aggregates (groups, weeks, licences) kept from {aggregates_from:%d %b %Y}" in texts(at))

    # a new day lands: the retention moves one day on, and the marts are those of the warehouse that kept all,
    # except where a licence cohort's window was still open at the cut-off: a licence assigned before it keeps its
    # frozen windows (int_licence_assignments), so those cohorts stop counting later use. That is why load_config
    # refuses a retention shorter than the cohorts' 92 days; this 30-day one is shorter, so it shows here
    _collect_day([cfg, ref], 69)
    assert transform(path, cfg.model, privacy=KEEP).purged_before > cut
    assert transform(ref.warehouse.path, ref.model).failed_checks == []
    assert set(differences(ref.warehouse.path, path)) <= {"mart_licence_cohorts"}
    with duckdb.connect(path, read_only=True) as con:
        con.execute(f"attach '{ref.warehouse.path}' as ref (read_only)")
        later = "select * from {} where cohort_month > date_trunc('month', ?::date)"
        mine, theirs = later.format("mart_licence_cohorts"), later.format("ref.mart_licence_cohorts")
        for a, b in ((mine, theirs), (theirs, mine)):
            assert con.execute(f"select count(*) from ({a} except all {b})", [cut, cut]).fetchone()[0] == 0


def test_without_the_kept_aggregates_a_rebuild_would_differ(kept_all: Config, tmp_path: Path):
    """What the test above relies on: the deleted rows mattered. Forget the cut-off (so a rebuild recomputes
    everything from the rows left) and the marts change."""
    cfg = _copy(kept_all, tmp_path / "a")
    transform(cfg.warehouse.path, cfg.model, privacy=KEEP)
    with duckdb.connect(cfg.warehouse.path) as con:
        con.execute("delete from _retention")
    transform(cfg.warehouse.path, cfg.model, full=True)
    changed = differences(kept_all.warehouse.path, cfg.warehouse.path)
    assert {"mart_usage_by_group", "mart_adoption_weekly", "mart_licences"} <= set(changed), changed


def test_no_retention_deletes_nothing(kept_all: Config, tmp_path: Path):
    cfg = _copy(kept_all, tmp_path / "a")
    before = _oldest(cfg.warehouse.path)
    report = transform(cfg.warehouse.path, cfg.model, privacy=PrivacyConfig())
    assert report.purged == {} and report.purged_before is None and _oldest(cfg.warehouse.path) == before
