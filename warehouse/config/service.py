"""[warehouse], [schedule] and [dashboard]: the DuckDB file, the scheduler and the dashboard."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from .base import Section, email_or_empty

_MEMORY = r"^(|\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB))$"  # a DuckDB memory_limit, or "" for none


class WarehouseConfig(Section):
    """The DuckDB file and the memory the writer may use (docs/deployment.md, *The DuckDB file*)."""

    path: str = Field("copilot_usage.duckdb", description=(
        "The DuckDB file the tenant owns, on a local disk (or any DuckDB connection string, e.g. "
        "\"md:copilot_usage\" with MOTHERDUCK_TOKEN in the environment)."))
    lock_timeout_seconds: float = Field(60.0, ge=0, description=(
        "How long a writing job waits for another one holding the writer lock before it exits 1 naming the "
        "holder."))
    memory_limit: str = Field("", pattern=_MEMORY, description=(
        "DuckDB's memory limit while loading and transforming, e.g. \"4GB\" (\"\" = DuckDB's default, 80 % of RAM); "
        "beyond it DuckDB spills to a temporary folder beside the file instead of growing (slower, bounded). "
        "Setting it replaces both limits below."))
    incremental_memory_limit: str = Field("1GB", pattern=_MEMORY, description=(
        "The limit of an incremental transform of up to 14 report dates (the daily run, a week of catching up) "
        "when memory_limit is \"\" (\"\" = none): it rebuilds a few days, but DuckDB would keep the history it "
        "scanned cached (3 GiB at 300k users). One that needs more is rolled back and built again without it."))
    rebuild_memory_limit: str = Field("1.5GB", pattern=_MEMORY, description=(
        "The limit of a full rebuild (an upgrade, a changed model object, transform --full) and of a longer "
        "increment when memory_limit is \"\" (\"\" = none). They build history in chunks, so they need little "
        "memory; without a limit DuckDB would cache the file it reads up to 80 % of RAM. One that needs more is "
        "built again without it."))


class ScheduleConfig(Section):
    """When `copilot-usage schedule` runs collect + transform. Microsoft publishes usage with up to 72 h delay, so
    once a day is plenty."""

    timezone: str = Field("UTC", description=(
        "IANA time zone of run_time and of the alerts' weekday and time, e.g. Europe/Amsterdam."))
    run_days: str = Field("mon-sun", description=(
        "Day names (mon..sun), ranges and lists: \"mon-fri\", \"mon,wed,fri\". Numbers are refused on purpose: "
        "APScheduler counts 0 as Monday, cron as Sunday."))
    run_time: str = Field("06:00", description="Time of the daily run, 24-hour HH:MM.")
    misfire_grace_seconds: int = Field(6 * 3600, ge=60, description=(
        "A run missed by up to this many seconds (machine asleep, service restarted) still runs, once."))
    catch_up_on_start: bool = Field(True, description=(
        "At start-up, run once if the last scheduled run was missed while the service was down (once, however "
        "many were missed)."))
    throttle_retry_max_seconds: int = Field(6 * 3600, ge=60, description=(
        "When Graph throttles with a long Retry-After, the job reschedules itself after that wait (not longer "
        "than this) instead of sleeping."))

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {v!r} (use an IANA name such as Europe/Amsterdam)") from None
        return v

    @field_validator("run_time")
    @classmethod
    def _time(cls, v: str) -> str:
        return parse_hhmm(v)

    @field_validator("run_days")
    @classmethod
    def _days(cls, v: str) -> str:
        from apscheduler.triggers.cron import CronTrigger

        if any(ch.isdigit() for ch in v):
            raise ValueError("use day names (mon..sun), not numbers: APScheduler counts 0 as Monday, cron as Sunday")
        try:
            CronTrigger(day_of_week=v)
        except ValueError as e:
            raise ValueError(f"not a valid day-of-week expression: {e}") from None
        return v


def parse_hhmm(v: str) -> str:
    """Validate a 24-hour HH:MM time of day and return it normalised."""
    import re

    m = re.fullmatch(r"(\d{1,2}):(\d{2})", v.strip())
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        raise ValueError(f"{v!r} is not a time of day HH:MM (24-hour)")
    return f"{int(m.group(1)):02d}:{m.group(2)}"


class DashboardConfig(Section):
    """`copilot-usage dashboard` (docs/dashboard.md). The Entra client secret and cookie secret live in
    .streamlit/secrets.toml, not here."""

    auth: Literal["entra", "none"] = Field("entra", description=(
        "Sign-in: entra (Microsoft Entra ID through Streamlit's st.login; needs .streamlit/secrets.toml) or none "
        "(no sign-in, everyone is admin: the local demo only)."))
    admins: list[str] = Field([], description=(
        "Signed-in e-mails (UPN / preferred_username) that see and edit everything."))
    admin_groups: list[str] = Field([], description=(
        "Entra group object IDs whose members are admins (needs the groups claim in the ID token)."))
    cache_ttl_seconds: int = Field(300, ge=1, le=86400, description=(
        "Dashboard queries are cached this long; a collection shows up at most this many seconds later."))
    stale_after_days: int = Field(4, ge=1, le=60, description=(
        "A banner says the data is stale when the report date is this many days older than the newest run."))
    write_wait_seconds: float = Field(3.0, ge=0, le=60, description=(
        "Follow-up and champion edits wait this long for a running collection, then ask to try again."))

    @field_validator("admins")
    @classmethod
    def _admins(cls, v: list[str]) -> list[str]:
        return [email_or_empty(a).lower() for a in v if a.strip()]
