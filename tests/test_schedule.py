"""The scheduler service and the single-writer lock: fire times, catch-up, throttling, SIGTERM, two processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from conftest import query, write_config

from connector.schedule import RETRY_JOB, RUN_JOB, Service, missed, previous_fire_time, run_trigger
from connector.simulator.server import Fault
from warehouse.config import load_config
from warehouse.lock import WriterBusy, writer_lock

EXE = Path(sys.executable).parent / "copilot-usage"
AMS = ZoneInfo("Europe/Amsterdam")


def schedule_cfg(tmp_path: Path, base_url: str = "http://127.0.0.1:9", extra: str = ""):
    return load_config(write_config(tmp_path, base_url, '\n[schedule]\ntimezone = "Europe/Amsterdam"\n'
                                                        'run_days = "mon-fri"\nrun_time = "06:30"\n' + extra))


def test_fire_times_follow_days_time_and_zone_across_dst(tmp_path):
    trigger = run_trigger(schedule_cfg(tmp_path))
    saturday = datetime(2026, 10, 24, 12, 0, tzinfo=AMS)
    nxt = trigger.get_next_fire_time(None, saturday)
    assert nxt == datetime(2026, 10, 26, 6, 30, tzinfo=AMS)  # Monday, after the switch to winter time
    assert nxt.utcoffset() == timedelta(hours=1)
    friday = trigger.get_next_fire_time(None, datetime(2026, 10, 23, 0, 0, tzinfo=AMS))
    assert friday.utcoffset() == timedelta(hours=2) and friday.astimezone(UTC).hour == 4
    assert previous_fire_time(trigger, saturday) == datetime(2026, 10, 23, 6, 30, tzinfo=AMS)
    assert previous_fire_time(trigger, datetime(2026, 10, 26, 6, 29, tzinfo=AMS)) == datetime(
        2026, 10, 23, 6, 30, tzinfo=AMS)


def test_numeric_weekdays_are_refused(tmp_path):
    from warehouse.config import ConfigError

    with pytest.raises(ConfigError, match=r"\[schedule.run_days\].*day names"):
        load_config(write_config(tmp_path, "http://127.0.0.1:9", '\n[schedule]\nrun_days = "1-5"\n'))
    with pytest.raises(ConfigError, match=r"\[schedule.timezone\]"):
        load_config(write_config(tmp_path, "http://127.0.0.1:9", '\n[schedule]\ntimezone = "Mars/Olympus"\n'))


def test_missed_runs_are_coalesced_into_one_catch_up(tmp_path):
    cfg = schedule_cfg(tmp_path)
    trigger = run_trigger(cfg)
    now = datetime(2026, 11, 26, 9, 0, tzinfo=AMS)  # Thursday; Mon..Thu 06:30 were due
    assert missed(trigger, None, now)
    assert missed(trigger, datetime(2026, 11, 23, 7, 0, tzinfo=AMS), now)  # three runs missed since Monday
    assert not missed(trigger, datetime(2026, 11, 26, 6, 31, tzinfo=AMS), now)

    con = duckdb.connect(cfg.warehouse.path)  # the warehouse says the last run started on Monday
    con.execute("create table _runs (run_id varchar, report varchar, started_at timestamptz)")
    con.execute("insert into _runs values ('r1', 'x', ?)", [datetime(2026, 11, 23, 6, 30, tzinfo=AMS)])
    con.close()
    service = Service(cfg, scheduler=BackgroundScheduler())
    service.build(now=now)
    service.scheduler.start(paused=True)
    try:
        jobs = {j.id: j for j in service.scheduler.get_jobs()}
        assert set(jobs) == {RUN_JOB, "catch_up"}  # one catch-up, not three; alerts are not configured
        run = jobs[RUN_JOB]
        assert (run.coalesce, run.max_instances, run.misfire_grace_time) == (True, 1, 21600)
        assert run.next_run_time == trigger.get_next_fire_time(None, datetime.now(AMS))
        assert jobs["catch_up"].trigger.run_date == now and jobs["catch_up"].name == "catch-up: daily_run"
    finally:
        service.scheduler.shutdown(wait=False)


def test_a_long_throttle_reschedules_the_job_instead_of_sleeping(tmp_path, sim, monkeypatch):
    monkeypatch.setenv("COPILOT_USAGE_GRAPH_TOKEN", sim.state.token)
    cfg = schedule_cfg(tmp_path, sim.base_url)
    sim.state.faults.append(Fault("getMicrosoft365CopilotUserCountTrend", 429, retry_after=900, times=10))
    service = Service(cfg, scheduler=BackgroundScheduler())
    service.scheduler.start(paused=True)
    try:
        t0 = time.monotonic()
        service.daily_run()  # the real job: collect over HTTP + transform
        assert time.monotonic() - t0 < 60
        assert service.events == [(RUN_JOB, "throttled")]
        retry = service.scheduler.get_job(RETRY_JOB)
        delay = (retry.next_run_time - datetime.now(AMS)).total_seconds()
        assert 850 < delay <= 900
    finally:
        service.scheduler.shutdown(wait=False)
    assert query(cfg, "select status from _runs where report = 'copilot_user_count_trend'") == [("throttled",)]


def test_a_busy_warehouse_reschedules_and_a_failure_does_not_kill_the_service(tmp_path):
    cfg = schedule_cfg(tmp_path)

    def busy(cfg, **kw):
        raise WriterBusy("another copilot-usage job is writing")

    def broken(cfg, **kw):
        raise RuntimeError("boom")

    service = Service(cfg, scheduler=BackgroundScheduler(), run=busy)
    service.scheduler.start(paused=True)
    try:
        service.daily_run()
        assert service.scheduler.get_job(RETRY_JOB) is not None
        service._run = broken
        service.daily_run()
        assert service.events == [(RUN_JOB, "busy"), (RUN_JOB, "error")]
    finally:
        service.scheduler.shutdown(wait=False)


def test_second_writer_waits_then_exits_with_a_clear_message(tmp_path, sim):
    cfg_path = write_config(tmp_path, sim.base_url).as_posix()
    cfg = load_config(cfg_path)
    env = {**os.environ, "COPILOT_USAGE_GRAPH_TOKEN": sim.state.token}
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time\nfrom warehouse.lock import writer_lock\n"
         f"with writer_lock({cfg.warehouse.path!r}, wait_seconds=0, job='test holder'):\n"
         "    print('locked', flush=True); sys.stdin.readline()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        t0 = time.monotonic()
        p = subprocess.run([str(EXE), "run", "--config", cfg_path], capture_output=True, text=True, env=env,
                           timeout=120)
        assert p.returncode == 1 and time.monotonic() - t0 >= 5  # lock_timeout_seconds = 5 in write_config
        assert "another copilot-usage job is writing" in p.stderr and "test holder" in p.stderr
        assert f"PID {holder.pid}" in p.stderr and "Traceback" not in p.stderr
        assert sim.state.report_requests == 0  # it never started fetching
    finally:
        holder.communicate("\n", timeout=30)
    p = subprocess.run([str(EXE), "run", "--config", cfg_path], capture_output=True, text=True, env=env, timeout=300)
    assert p.returncode == 0, p.stdout + p.stderr


def test_two_collectors_at_once_run_one_after_the_other(tmp_path, sim):
    cfg_path = write_config(tmp_path, sim.base_url).as_posix()
    text = Path(cfg_path).read_text().replace("lock_timeout_seconds = 5", "lock_timeout_seconds = 240")
    Path(cfg_path).write_text(text)
    env = {**os.environ, "COPILOT_USAGE_GRAPH_TOKEN": sim.state.token}
    procs = [subprocess.Popen([str(EXE), "run", "--config", cfg_path], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=env) for _ in range(2)]
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, out + err
    spans = query(load_config(cfg_path), "select run_id, epoch(min(started_at)), epoch(max(finished_at)) from _runs "
                                         "group by run_id order by 2")
    assert len(spans) == 2 and spans[0][2] <= spans[1][1]  # the second started after the first had finished


def test_sigterm_lets_the_running_job_finish_then_exits(tmp_path, sim):
    cfg_path = write_config(tmp_path, sim.base_url, '\n[schedule]\ncatch_up_on_start = true\n')
    env = {**os.environ, "COPILOT_USAGE_GRAPH_TOKEN": sim.state.token}
    p = subprocess.Popen([str(EXE), "schedule", "--config", str(cfg_path)], stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True, env=env)
    lines = []
    try:
        for line in p.stdout:  # the catch-up run starts at once on a new warehouse
            lines.append(line)
            if "report request(s)" in line:
                p.send_signal(signal.SIGTERM)
                break
        rest, _ = p.communicate(timeout=300)
    finally:
        p.kill()
    out = "".join(lines) + rest
    assert p.returncode == 0, out
    assert "SIGTERM received" in out and "scheduled run finished: ok" in out and "scheduler stopped" in out
    assert out.index("scheduled run finished") < out.index("scheduler stopped")
    cfg = load_config(cfg_path)
    assert query(cfg, "select count(*) from mart_usage_by_group")[0][0] > 0  # collected and transformed


def test_writer_lock_is_released_when_the_block_fails(tmp_path):
    path = str(tmp_path / "wh.duckdb")
    with pytest.raises(RuntimeError), writer_lock(path, wait_seconds=0, job="a"):
        raise RuntimeError("x")
    with (writer_lock(path, wait_seconds=0, job="b"), pytest.raises(WriterBusy, match="held by b"),
          writer_lock(path, wait_seconds=0.2, job="c")):
        pass



def test_weekly_alerts_are_scheduled_caught_up_after_the_run_and_send_through_the_real_job(model_warehouse, tmp_path):
    from simulated_warehouse import copy_warehouse

    from connector.schedule import ALERTS_JOB, alerts_trigger

    cfg = copy_warehouse(model_warehouse[0], tmp_path, '[schedule]\ntimezone = "Europe/Amsterdam"\n'
                         '[alerts]\ntransport = "outbox"\nfrom_address = "adoption@contoso.example"\n'
                         f'digest_address = "lead@contoso.example"\noutbox_dir = "{(tmp_path / "outbox").as_posix()}"\n'
                         'weekday = "tue"\ntime = "09:15"\n')
    trigger = alerts_trigger(cfg)
    assert trigger.get_next_fire_time(None, datetime(2026, 11, 23, 12, tzinfo=AMS)) == datetime(2026, 11, 24, 9, 15,
                                                                                                  tzinfo=AMS)
    order = []
    service = Service(cfg, scheduler=BackgroundScheduler(), run=lambda cfg, **kw: order.append("run") or JobOk())
    # the warehouse's runs carry the wall-clock time it was built at: the service starts two days later
    last = datetime.fromtimestamp(query(cfg, "select epoch(max(started_at)) from _runs")[0][0], AMS)
    service.build(now=last + timedelta(days=2))
    service.scheduler.start(paused=True)
    try:
        jobs = {j.id: j for j in service.scheduler.get_jobs()}
        assert set(jobs) == {RUN_JOB, ALERTS_JOB, "catch_up"}
        assert jobs["catch_up"].name == "catch-up: daily_run + weekly_alerts"
        jobs["catch_up"].func()  # what the scheduler would run now: collect first, then the real alerts job
    finally:
        service.scheduler.shutdown(wait=False)
    assert order == ["run"] and service.events == [(RUN_JOB, "ok"), (ALERTS_JOB, "ok")]
    assert list((tmp_path / "outbox").rglob("*.eml"))  # dry transport: the digest and champion mails


class JobOk:
    exit_code = 0
    retry_after = None
