"""Typed configuration: one TOML file, validated once at start-up; secrets only from the environment."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

SECRET_ENV = {
    "client_secret": "COPILOT_USAGE_CLIENT_SECRET",
    "graph_token": "COPILOT_USAGE_GRAPH_TOKEN",
    "certificate_password": "COPILOT_USAGE_CERTIFICATE_PASSWORD",
    "smtp_password": "COPILOT_USAGE_SMTP_PASSWORD",
}


class ConfigError(Exception):
    """A configuration file is missing, unreadable or invalid; the message names the file and key."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class GraphConfig(_Section):
    base_url: str = "https://graph.microsoft.com"
    timeout_seconds: float = Field(120.0, gt=0)
    max_retries: int = Field(3, ge=0, le=10)
    max_concurrency: int = Field(4, ge=1, le=16)

    @field_validator("base_url")
    @classmethod
    def _url(cls, v: str) -> str:
        v = v.strip().rstrip("/")
        if not v.startswith(("https://", "http://")):
            raise ValueError("must start with https:// (or http:// for a local simulator)")
        if v.endswith(("/v1.0", "/beta")):
            raise ValueError("give the host only, without /v1.0 or /beta")
        return v


class AuthConfig(_Section):
    method: Literal["client_secret", "certificate", "managed_identity", "token"] = "client_secret"
    tenant_id: str = ""
    client_id: str = ""
    certificate_path: str = ""
    authority: str = "https://login.microsoftonline.com"


class CollectConfig(_Section):
    copilot_version: Literal["v2", "v1"] = "v2"
    copilot_user_detail_periods: list[Literal["D7", "D28", "D90", "D180"]] = ["D7", "D28"]
    copilot_trend_period: Literal["D7", "D28", "D90", "D180"] = "D90"
    m365_reports: list[
        Literal[
            "office365_active_user_detail",
            "m365_app_user_detail",
            "teams_user_activity_user_detail",
            "email_activity_user_detail",
        ]
    ] = [
        "office365_active_user_detail",
        "m365_app_user_detail",
        "teams_user_activity_user_detail",
        "email_activity_user_detail",
    ]
    m365_period: Literal["D7", "D30", "D90", "D180"] = "D7"
    users: bool = True


class JobFunctionRule(_Section):
    pattern: str  # a regular expression matched case-insensitively against the job title
    job_function: str

    @field_validator("pattern")
    @classmethod
    def _regex(cls, v: str) -> str:
        import re

        try:
            re.compile(v)
        except re.error as e:
            raise ValueError(f"not a valid regular expression: {e}") from None
        return v


class StagnationConfig(_Section):
    target_rate: float = Field(0.60, gt=0, le=1)
    lookback_weeks: int = Field(4, ge=2, le=26)
    min_slope_points_per_week: float = Field(2.0, ge=0)
    decline_points_per_week: float = Field(3.0, gt=0)
    min_licensed_days: int = Field(30, ge=0)
    # how sure the rule must be (one-sided) that a group is below target, or falling, before it flags it
    confidence: float = Field(0.95, ge=0.5, lt=1)
    # weeks of history the growth trend is fitted on (at least lookback_weeks); a group below target whose
    # trend reaches the target within horizon_weeks is "on track", not flagged
    trend_weeks: int = Field(8, ge=2, le=52)
    horizon_weeks: int = Field(12, ge=1, le=52)

    @model_validator(mode="after")
    def _weeks(self) -> StagnationConfig:
        if self.trend_weeks < self.lookback_weeks:
            raise ValueError(f"trend_weeks ({self.trend_weeks}) must be at least lookback_weeks "
                             f"({self.lookback_weeks})")
        return self


class LevelsConfig(_Section):
    """Heatmap levels over the weekly active rate: cold < cool_from <= cool < warm_from <= warm < target <= hot."""

    cool_from: float = Field(0.20, gt=0, lt=1)
    warm_from: float = Field(0.40, gt=0, lt=1)


class ModelConfig(_Section):
    min_group_size: int = Field(5, ge=3)
    unassigned_label: str = "Unassigned"
    job_function_strip_words: list[str] = ["sr", "senior", "jr", "junior", "lead", "principal", "associate",
                                           "staff", "trainee", "intern"]
    job_function_rules: list[JobFunctionRule] = []
    job_function_overrides_csv: str = ""
    stagnation: StagnationConfig = StagnationConfig()
    levels: LevelsConfig = LevelsConfig()

    @model_validator(mode="after")
    def _bands(self) -> ModelConfig:
        lv, target = self.levels, self.stagnation.target_rate
        if not lv.cool_from < lv.warm_from < target:
            raise ValueError(f"levels must rise: cool_from ({lv.cool_from}) < warm_from ({lv.warm_from}) < "
                             f"[model.stagnation] target_rate ({target}), which is where 'hot' starts")
        return self


_MEMORY = r"^(|\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB))$"  # a DuckDB memory_limit, or "" for none


class WarehouseConfig(_Section):
    path: str = "copilot_usage.duckdb"
    lock_timeout_seconds: float = Field(60.0, ge=0)
    # DuckDB's memory limit while loading and transforming ("" = DuckDB's default, 80 % of RAM); beyond it
    # DuckDB spills to disk instead of growing
    memory_limit: str = Field("", pattern=_MEMORY)
    # the limit of an incremental transform of up to 14 report dates when memory_limit is "" ("" = none); one
    # that needs more is built again without it
    incremental_memory_limit: str = Field("1GB", pattern=_MEMORY)
    # the limit of a full rebuild (and of a longer increment) when memory_limit is "" ("" = none): it builds the
    # history in chunks, so it needs little memory, and DuckDB would otherwise cache the file it reads up to 80 %
    # of RAM; one that needs more is built again without it
    rebuild_memory_limit: str = Field("1.5GB", pattern=_MEMORY)


class ScheduleConfig(_Section):
    timezone: str = "UTC"
    run_days: str = "mon-sun"  # APScheduler day_of_week: names (mon..sun), ranges and lists
    run_time: str = "06:00"
    misfire_grace_seconds: int = Field(6 * 3600, ge=60)
    catch_up_on_start: bool = True
    throttle_retry_max_seconds: int = Field(6 * 3600, ge=60)

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


def _email_or_empty(v: str) -> str:
    from email_validator import EmailNotValidError, validate_email

    v = v.strip()
    if not v:
        return v
    try:
        return validate_email(v, check_deliverability=False).normalized
    except EmailNotValidError as e:
        raise ValueError(f"not a valid e-mail address: {e}") from None


class SmtpConfig(_Section):
    host: str = "localhost"
    port: int = Field(587, ge=1, le=65535)
    starttls: bool = True
    ssl: bool = False  # implicit TLS (port 465); excludes starttls
    username: str = ""
    from_address: str = ""  # envelope sender (MAIL FROM, where bounces go); "" = [alerts] from_address
    timeout_seconds: float = Field(30.0, gt=0)

    _addr = field_validator("from_address")(_email_or_empty)

    @model_validator(mode="after")
    def _tls(self) -> SmtpConfig:
        if self.ssl and self.starttls:
            raise ValueError("ssl (implicit TLS, port 465) and starttls (port 587) exclude each other; set one")
        return self


class AlertsConfig(_Section):
    transport: Literal["smtp", "graph", "outbox"] = "smtp"
    from_address: str = ""
    fallback_address: str = ""
    digest_address: str = ""
    dashboard_url: str = "http://localhost:8501"
    outbox_dir: str = "outbox"
    subject_prefix: str = "[Copilot adoption]"
    dimensions: list[Literal["department", "job_function", "manager"]] = ["department", "job_function", "manager"]
    cc_managers: bool = False
    compare_weeks: int = Field(4, ge=1, le=26)
    chart_max_groups: int = Field(25, ge=1, le=200)
    # groups listed in one mail (by impact); the rest are "and N more" with a link to the dashboard
    max_groups_per_mail: int = Field(8, ge=1, le=100)
    weekday: Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"] = "mon"
    time: str = "08:00"
    smtp: SmtpConfig = SmtpConfig()

    _addr = field_validator("from_address", "fallback_address", "digest_address")(_email_or_empty)

    @field_validator("time")
    @classmethod
    def _time(cls, v: str) -> str:
        return parse_hhmm(v)

    @field_validator("dashboard_url")
    @classmethod
    def _dash(cls, v: str) -> str:
        v = v.strip().rstrip("/")
        if not v.startswith(("https://", "http://")):
            raise ValueError("must start with https:// or http://")
        return v


class DashboardConfig(_Section):
    auth: Literal["entra", "none"] = "entra"
    admins: list[str] = []
    admin_groups: list[str] = []
    cache_ttl_seconds: int = Field(300, ge=1, le=86400)
    stale_after_days: int = Field(4, ge=1, le=60)
    write_wait_seconds: float = Field(3.0, ge=0, le=60)

    @field_validator("admins")
    @classmethod
    def _admins(cls, v: list[str]) -> list[str]:
        return [_email_or_empty(a).lower() for a in v if a.strip()]


class Config(_Section):
    graph: GraphConfig = GraphConfig()
    auth: AuthConfig = AuthConfig()
    collect: CollectConfig = CollectConfig()
    warehouse: WarehouseConfig = WarehouseConfig()
    model: ModelConfig = ModelConfig()
    schedule: ScheduleConfig = ScheduleConfig()
    alerts: AlertsConfig = AlertsConfig()
    dashboard: DashboardConfig = DashboardConfig()
    source: str = "<defaults>"


@dataclass(frozen=True)
class Secrets:
    """Secrets read from the environment at the moment they are needed; never stored in the TOML."""

    client_secret: str | None
    graph_token: str | None
    certificate_password: str | None

    @classmethod
    def from_env(cls) -> Secrets:
        """Read the secrets from their environment variables (empty means unset)."""
        return cls(*(os.environ.get(SECRET_ENV[k]) or None for k in ("client_secret", "graph_token",
                                                                      "certificate_password")))

    def __repr__(self) -> str:  # never print a secret, even by accident
        return "Secrets(<redacted>)"


def _format_error(path: Path, err: ValidationError) -> str:
    lines = [f"invalid configuration in {path}:"]
    for e in err.errors():
        key = ".".join(str(p) for p in e["loc"])
        msg = "unknown key (not in config.example.toml)" if e["type"] == "extra_forbidden" else e["msg"]
        lines.append(f"  [{key}] {msg}")
    return "\n".join(lines)


def load_config(path: str | os.PathLike[str]) -> Config:
    """Load and validate a TOML configuration file; raise ConfigError naming the file and key."""
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"configuration file not found: {p} (copy config.example.toml)") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{p}: not valid TOML: {e}") from None
    for secret in ("client_secret", "password", "token", "smtp_password"):
        for section, values in data.items():
            if isinstance(values, dict) and secret in values:
                env = SECRET_ENV.get(secret, SECRET_ENV["smtp_password"])
                raise ConfigError(f"{p}: [{section}] {secret} must not be in the file; set {env} instead")
    smtp = data.get("alerts", {}).get("smtp") if isinstance(data.get("alerts"), dict) else None
    if isinstance(smtp, dict) and ({"password", "smtp_password"} & set(smtp)):
        raise ConfigError(f"{p}: [alerts.smtp] password must not be in the file; "
                          f"set {SECRET_ENV['smtp_password']} instead")
    try:
        cfg = Config.model_validate({**data, "source": str(p)})
    except ValidationError as e:
        raise ConfigError(_format_error(p, e)) from None
    _check_auth(cfg, p)
    return cfg


def _check_auth(cfg: Config, p: Path) -> None:
    a = cfg.auth
    if a.method in ("client_secret", "certificate"):
        for key in ("tenant_id", "client_id"):
            if not getattr(a, key):
                raise ConfigError(f"{p}: [auth] {key} is required when method = {a.method!r}")
    if a.method == "certificate" and not a.certificate_path:
        raise ConfigError(f"{p}: [auth] certificate_path is required when method = 'certificate'")
