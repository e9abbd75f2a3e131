"""`copilot-usage schedule`: an APScheduler service that runs the same jobs as the CLI at cron times.

Jobs hold no logic of their own: they call `connector.jobs` (and the alerts run) exactly as the commands do.
Missed runs are detected from the warehouse itself (`_runs`), so nothing but the DuckDB file is state: a
service that was down when its run was due runs once at start-up, however many runs it missed.
"""

from __future__ import annotations

import functools
import logging
import signal
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger

from warehouse import db
from warehouse.config import Config
from warehouse.lock import WriterBusy

log = logging.getLogger("copilot_usage.schedule")
RUN_JOB, RETRY_JOB, ALERTS_JOB, ALERTS_RETRY = "daily_run", "daily_run_retry", "weekly_alerts", "weekly_alerts_retry"
REPORT_JOB = "monthly_report"
BUSY_RETRY = timedelta(minutes=15)


def run_trigger(cfg: Config) -> CronTrigger:
    """The daily collection's trigger: `[schedule] run_days` at `run_time` in `timezone`."""
    hour, minute = cfg.schedule.run_time.split(":")
    return CronTrigger(day_of_week=cfg.schedule.run_days, hour=int(hour), minute=int(minute),
                       timezone=ZoneInfo(cfg.schedule.timezone))


def alerts_trigger(cfg: Config) -> CronTrigger:
    """The weekly alerts' trigger: `[alerts] weekday` at `time`, in `[schedule] timezone`."""
    hour, minute = cfg.alerts.time.split(":")
    return CronTrigger(day_of_week=cfg.alerts.weekday, hour=int(hour), minute=int(minute),
                       timezone=ZoneInfo(cfg.schedule.timezone))


def report_trigger(cfg: Config) -> CronTrigger:
    """The monthly report's trigger: `[report] day` of each month ("1st mon", a day number) at `time`."""
    hour, minute = cfg.report.time.split(":")
    return CronTrigger(day=cfg.report.day, hour=int(hour), minute=int(minute), timezone=ZoneInfo(cfg.schedule.timezone))


def alerts_configured(cfg: Config) -> bool:
    """True when the alerts have a sender and somewhere to go (else the weekly job is not scheduled)."""
    a = cfg.alerts
    return bool(a.from_address and (a.digest_address or a.fallback_address)) or a.transport == "outbox"


def previous_fire_time(trigger: CronTrigger, now: datetime, horizon: timedelta = timedelta(days=8)) -> datetime | None:
    """The last time at or before `now` that `trigger` was due (None if not within `horizon`)."""
    t = trigger.get_next_fire_time(None, now - horizon)
    last = None
    while t is not None and t <= now:
        last = t
        t = trigger.get_next_fire_time(t, t + timedelta(seconds=1))
    return last


LAST_DONE = {  # when each job last ran, as the warehouse records it
    RUN_JOB: ("_runs", "select epoch(min(started_at)) from _runs where run_id = (select run_id from _runs "
                       "where report not like 'import:%' order by started_at desc limit 1)"),  # imports are not runs
    ALERTS_JOB: ("alert_log", "select epoch(max(last_attempt_at)) from alert_log"),
    REPORT_JOB: ("report_log", "select epoch(max(last_attempt_at)) from report_log"),
}


def last_done(cfg: Config, job: str) -> datetime | None:
    """When `job` last ran according to the warehouse (None when it never did, or there is no warehouse)."""
    table, sql = LAST_DONE[job]
    try:
        with db.reading(cfg.warehouse) as con:
            epoch = con.execute(sql).fetchone()[0] if db.has_table(con, table) else None
    except db.NOT_OPENED as e:  # a brand-new warehouse does not exist yet: nothing ran
        log.debug("no warehouse to read the last run from: %s", e)
        return None
    return datetime.fromtimestamp(epoch, UTC) if epoch is not None else None


def missed(trigger: CronTrigger, last_done: datetime | None, now: datetime,
           horizon: timedelta = timedelta(days=8)) -> bool:
    """True when the trigger was due since `last_done` (or ever, when nothing was done) and did not run."""
    due = previous_fire_time(trigger, now, horizon)
    return due is not None and (last_done is None or last_done < due)


class Service:
    """The scheduler and its jobs; `start()` blocks until SIGTERM/SIGINT, `build()` alone is for tests."""

    def __init__(self, cfg: Config, *, scheduler: BaseScheduler | None = None,
                 run: Callable[..., Any] | None = None, alerts: Callable[..., Any] | None = None,
                 report: Callable[..., Any] | None = None) -> None:
        from .jobs import alerts_job, report_job, run_job

        self.cfg = cfg
        self.tz = ZoneInfo(cfg.schedule.timezone)
        self.scheduler = scheduler or BlockingScheduler(timezone=self.tz)
        self.scheduler.configure(timezone=self.tz, job_defaults={
            "coalesce": True, "max_instances": 1, "misfire_grace_time": cfg.schedule.misfire_grace_seconds})
        self._run = run or run_job
        self._alerts = alerts or alerts_job
        self._report = report or report_job
        self.events: list[tuple[str, str]] = []  # (job, outcome), for status and tests

    def build(self, now: datetime | None = None) -> BaseScheduler:
        """Register the jobs (coalescing, one instance at a time, misfire grace); queue missed runs once."""
        s = self.scheduler
        now = now or datetime.now(self.tz)
        trigger = run_trigger(self.cfg)
        s.add_job(self.daily_run, trigger, id=RUN_JOB, name="collect + transform", replace_existing=True)
        catch_up = []
        if self.cfg.schedule.catch_up_on_start and missed(trigger, last_done(self.cfg, RUN_JOB), now):
            log.info("the run due at %s was missed while the service was down; running it once now",
                     previous_fire_time(trigger, now))
            catch_up.append(self.daily_run)
        if alerts_configured(self.cfg):
            weekly = alerts_trigger(self.cfg)
            s.add_job(self.weekly_alerts, weekly, id=ALERTS_JOB, name="weekly alerts", replace_existing=True)
            if self.cfg.schedule.catch_up_on_start and missed(weekly, last_done(self.cfg, ALERTS_JOB), now):
                log.info("the alerts due at %s were missed; sending them once now (already sent ones are skipped)",
                         previous_fire_time(weekly, now))
                catch_up.append(self.weekly_alerts)
        else:
            log.info("alerts are not configured ([alerts] from_address and digest_address): no weekly job")
        if self.cfg.report.recipients:
            monthly = report_trigger(self.cfg)
            s.add_job(self.monthly_report, monthly, id=REPORT_JOB, name="monthly report", replace_existing=True)
            if self.cfg.schedule.catch_up_on_start and missed(monthly, last_done(self.cfg, REPORT_JOB), now,
                                                              horizon=timedelta(days=32)):
                due = previous_fire_time(monthly, now, timedelta(days=32))
                log.info("the monthly report due at %s was missed; sending it once now", due)
                # the month the missed run would have covered, not the month before today
                catch_up.append(functools.update_wrapper(functools.partial(self.monthly_report, due),
                                                         self.monthly_report))
        if catch_up:  # in order: collect first, so the alerts read today's data
            s.add_job(lambda: [job() for job in catch_up], DateTrigger(now, timezone=self.tz), id="catch_up",
                      name="catch-up: " + " + ".join(j.__name__ for j in catch_up), replace_existing=True)
        return s

    def _once(self, job_id: str, when: datetime, func: Callable[[], None] | None = None) -> None:
        self.scheduler.add_job(func or self.daily_run, DateTrigger(when, timezone=self.tz), id=job_id,
                               name=f"{job_id} (retry)", replace_existing=True)

    def weekly_alerts(self) -> None:
        """The scheduled alerts: the `alerts` command's job; a busy warehouse or failed sends retry later."""
        try:
            result = self._alerts(self.cfg)
        except WriterBusy as e:
            log.warning("%s; alerts again in %s", e, BUSY_RETRY)
            self._once(ALERTS_RETRY, datetime.now(self.tz) + BUSY_RETRY, self.weekly_alerts)
            self.events.append((ALERTS_JOB, "busy"))
            return
        except Exception:
            log.exception("the weekly alerts failed; the next scheduled run tries again")
            self.events.append((ALERTS_JOB, "error"))
            return
        sent = sum(d.status == "sent" for d in result.deliveries)
        if result.failed:
            log.warning("alerts %s: %d sent, %d failed (%s); retrying in 1 h", result.week_label, sent,
                        len(result.failed), ", ".join(d.recipient for d in result.failed))
            self._once(ALERTS_RETRY, datetime.now(self.tz) + timedelta(hours=1), self.weekly_alerts)
            self.events.append((ALERTS_JOB, "failed"))
        else:
            log.info("alerts %s: %d sent", result.week_label, sent)
            self.events.append((ALERTS_JOB, "ok"))

    def monthly_report(self, due: datetime | None = None) -> None:
        """The scheduled monthly report: `report send` for the month before `due` (default: now); failed sends
        retry in an hour."""
        try:
            result = self._report(self.cfg, today=(due or datetime.now(self.tz)).date())
        except WriterBusy as e:
            log.warning("%s; the monthly report again in %s", e, BUSY_RETRY)
            self._once(REPORT_JOB + "_retry", datetime.now(self.tz) + BUSY_RETRY, lambda: self.monthly_report(due))
            self.events.append((REPORT_JOB, "busy"))
            return
        except Exception:
            log.exception("the monthly report failed; the next month's run tries again")
            self.events.append((REPORT_JOB, "error"))
            return
        if result.failed:
            log.warning("monthly report %s: failed for %s; retrying in 1 h", result.month, ", ".join(result.failed))
            self._once(REPORT_JOB + "_retry", datetime.now(self.tz) + timedelta(hours=1),
                       lambda: self.monthly_report(due))
            self.events.append((REPORT_JOB, "failed"))
        else:
            log.info("monthly report %s: sent", result.month)
            self.events.append((REPORT_JOB, "ok"))

    def daily_run(self) -> None:
        """The scheduled collection: the `run` command's job; throttling and a busy warehouse reschedule it."""
        try:
            result = self._run(self.cfg, job="scheduled run")
        except WriterBusy as e:
            log.warning("%s; trying again in %s", e, BUSY_RETRY)
            self._once(RETRY_JOB, datetime.now(self.tz) + BUSY_RETRY)
            self.events.append((RUN_JOB, "busy"))
            return
        except Exception:
            log.exception("the scheduled run failed; the next scheduled run tries again")
            self.events.append((RUN_JOB, "error"))
            return
        outcome = {0: "ok", 75: "throttled"}.get(result.exit_code, "error")
        self.events.append((RUN_JOB, outcome))
        model = getattr(result, "transform", None)  # a JobResult (tests may pass a stand-in)
        log.info("scheduled run finished: %s (exit code %s)%s", outcome, result.exit_code,
                 f"; transform {model.seconds:.0f} s, {model.scope.describe()}" if model and model.scope else "")
        if outcome == "throttled":
            wait = min(result.retry_after or 300, self.cfg.schedule.throttle_retry_max_seconds)
            log.info("Graph asked to wait %s s; rescheduling instead of sleeping", wait)
            self._once(RETRY_JOB, datetime.now(self.tz) + timedelta(seconds=wait))

    def start(self) -> None:
        """Run until SIGTERM or SIGINT; a job in progress finishes first, no new one starts."""
        self.build()
        stopping = threading.Event()

        def stop(signum: int, _frame: object) -> None:
            if stopping.is_set():
                return
            stopping.set()
            log.info("%s received: stopping after the running job, if any", signal.Signals(signum).name)
            self.scheduler.shutdown(wait=True)  # waits for a running job; no new job starts

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        for job in self.scheduler.get_jobs():
            log.info("scheduled %s: next at %s", job.name, getattr(job, "next_run_time", None) or job.trigger)
        self.scheduler.start()
        log.info("scheduler stopped")
