"""Graph faults, one at a time, on a day's collection: each gives a clear error or warning naming the report,
lands no partial or duplicated facts, and the next clean run converges to the marts of a run that never saw
the fault (or the faulty run already equals them, when the fault is harmless)."""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pytest
from conftest import marts

from connector.jobs import run_job
from connector.simulator.server import Fault, Simulator
from warehouse.config import Config, Secrets, load_config

DAY = 51
UD = "copilot_usage_user_detail"


def config(d: Path, base_url: str) -> Config:
    p = d / "config.toml"
    p.write_text(f'[graph]\nbase_url = "{base_url}"\nmax_retries = 1\n[auth]\nmethod = "token"\n'
                 f'[warehouse]\npath = "{(d / "wh.duckdb").as_posix()}"\nlock_timeout_seconds = 5\n')
    return load_config(p)



def body(sim: Simulator, period: int) -> str:
    return sim.render(("copilot", "copilot_user_detail", DAY, period, "v2", False)).decode("utf-8-sig")


def rewrite(text: str, fn: Callable[[list[list[str]]], list[list[str]]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(fn(list(csv.reader(io.StringIO(text)))))
    return "\ufeff" + out.getvalue()


def us_dates(rows: list[list[str]]) -> list[list[str]]:
    head = rows[0]
    dated = [i for i, h in enumerate(head) if h.endswith("Date")]  # report refresh and last-activity dates
    for r in rows[1:]:
        for i in dated:
            if r[i]:
                y, m, d = r[i].split("-")
                r[i] = f"{m}/{d}/{y}"
    return rows


@dataclass
class Case:
    """A fault: how to switch it on, which report must complain (and how), whether facts are already right."""

    setup: Callable[[Simulator], None]
    report: str | None  # the report named in the error/warning (None: any M365 report)
    status: str  # error | warning | throttled
    text: str  # part of the message
    harmless: bool = False  # the faulty run itself already gives the reference marts
    undo: Callable[[Simulator], None] = field(default=lambda sim: None)


def csv_fault(match: str, make: Callable[[Simulator], str], ctype: str = "application/octet-stream"):
    def setup(sim: Simulator) -> None:
        sim.state.faults.append(Fault(match, 200, retry_after=None, body=make(sim), content_type=ctype))
    return setup


CASES = {
    "429 burst, short Retry-After": Case(lambda s: s.state.faults.append(Fault("period='D7',version", 429,
                                                                               retry_after=1, times=1)),
                                         UD, "ok", "", harmless=True),
    "429 with a long Retry-After": Case(lambda s: s.state.faults.append(Fault("period='D28'", 429, retry_after=900,
                                                                              times=5)),
                                        UD, "throttled", "Retry-After 900"),
    "503 burst": Case(lambda s: s.state.faults.append(Fault("period='D7',version", 503, retry_after=None, times=4)),
                      UD, "error", "HTTP 503"),
    "504 on the trend": Case(lambda s: s.state.faults.append(Fault("UserCountTrend", 504, retry_after=None, times=4)),
                             "copilot_user_count_trend", "error", "HTTP 504"),
    "500 on an M365 report": Case(lambda s: s.state.faults.append(Fault("getM365AppUserDetail", 500, times=4,
                                                                        retry_after=None)),
                                  "m365_app_user_detail", "error", "HTTP 500"),
    "connection reset mid-download": Case(lambda s: s.state.faults.append(Fault("/data/download/", reset=True,
                                                                                times=4)),
                                          None, "error", "network error"),
    "truncated CSV": Case(csv_fault("period='D28'", lambda s: body(s, 28)[: len(body(s, 28)) * 2 // 3]),
                          UD, "error", "truncated"),
    "HTML page with 200": Case(csv_fault("UserCountTrend", lambda s: "<html><body>Service unavailable</body></html>",
                                         "text/html"), "copilot_user_count_trend", "error", "HTML page"),
    "expired download URL": Case(lambda s: setattr(s.state, "download_ttl", -1.0), None, "error", "404",
                                 undo=lambda s: setattr(s.state, "download_ttl", 300.0)),
    "renamed column": Case(csv_fault("period='D7',version", lambda s: body(s, 7).replace("User Principal Name",
                                                                                          "UPN", 1)),
                           UD, "error", "lacks the column(s) user_principal_name"),
    "added and reordered columns": Case(csv_fault("period='D28'", lambda s: rewrite(
        body(s, 28), lambda rows: [list(reversed(r)) + ["x"] for r in rows[:1]]
        + [list(reversed(r)) + ["1"] for r in rows[1:]])), UD, "warning", "new column(s) kept", harmless=True),
    "empty report": Case(csv_fault("period='D7',version", lambda s: body(s, 7).splitlines()[0] + "\r\n"),
                         UD, "warning", "no rows"),
    "dates as MM/DD/YYYY": Case(csv_fault("period='D7',version", lambda s: rewrite(body(s, 7), us_dates)),
                                UD, "ok", "", harmless=True),
    "duplicate rows": Case(csv_fault("period='D28'", lambda s: rewrite(body(s, 28), lambda r: r + r[1:])),
                           UD, "ok", "", harmless=True),
    "concealed names on for a run": Case(lambda s: setattr(s.state, "concealed", True), "report_settings", "warning",
                                         "concealed", undo=lambda s: setattr(s.state, "concealed", False)),
}


@pytest.fixture(scope="module")
def world(tmp_path_factory, tenant):
    """The simulator, a warehouse with day 50 collected, and the reference marts of a clean day 51."""
    tenant._state = None
    root = tmp_path_factory.mktemp("faults")
    with Simulator(tenant) as sim:
        secrets = Secrets(None, sim.state.token, None)
        (root / "base").mkdir()
        base = config(root / "base", sim.base_url)
        sim.state.day = DAY - 1
        assert run_job(base, secrets=secrets).exit_code == 0
        (root / "ref").mkdir()
        shutil.copy(base.warehouse.path, root / "ref" / "wh.duckdb")
        ref = config(root / "ref", sim.base_url)
        sim.state.day = DAY
        assert run_job(ref, secrets=secrets).exit_code == 0
        yield sim, secrets, root, base, marts(ref.warehouse.path)


@pytest.mark.parametrize("name", list(CASES))
def test_fault_is_named_lands_nothing_partial_and_the_next_run_converges(world, name):
    sim, secrets, root, base, reference = world
    case = CASES[name]
    d = root / name.replace(" ", "_").replace("/", "-")
    d.mkdir()
    shutil.copy(base.warehouse.path, d / "wh.duckdb")
    cfg = config(d, sim.base_url)
    sim.state.faults.clear()
    case.setup(sim)
    try:
        faulty = run_job(cfg, secrets=secrets)
    finally:
        sim.state.faults.clear()
        case.undo(sim)
    named = [o for o in faulty.run.outcomes if case.report is None or o.report == case.report]
    hit = [o for o in named if o.status == case.status and case.text in o.message]
    assert hit, [(o.report, o.period, o.status, o.message[:120]) for o in faulty.run.outcomes if o.status != "ok"]
    if case.report is None:
        assert all(o.report not in ("copilot_usage_user_detail", "users") for o in hit)
    con = duckdb.connect(cfg.warehouse.path, read_only=True)
    try:  # nothing of a failed report landed
        for o in (o for o in faulty.run.outcomes if o.status in ("error", "throttled") and o.report != "users"):
            table = f"raw_{o.report}" if o.report != "report_settings" else "raw_report_settings"
            assert con.execute(f"select count(*) from {table} where _run_id = ? and coalesce(_period, '') = ?",
                               [faulty.run.run_id, o.period]).fetchone() \
                == (0,), (o.report, o.period)
    finally:
        con.close()
    if case.harmless:
        assert marts(cfg.warehouse.path) == reference
    clean = run_job(cfg, secrets=secrets)
    assert clean.exit_code == 0
    got = marts(cfg.warehouse.path)
    for table, rows in reference.items():
        assert got[table] == rows, f"{table} did not converge after {name!r}"
