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
    """How the collector reaches Microsoft Graph."""

    base_url: str = Field("https://graph.microsoft.com", description=(
        "Graph host without version (https://, or http:// for a local simulator; no /v1.0 or /beta). National "
        "clouds: https://graph.microsoft.us, https://dod-graph.microsoft.us, https://microsoftgraph.chinacloudapi.cn; "
        "the built-in simulator prints its own URL."))
    timeout_seconds: float = Field(120.0, gt=0, description="Timeout of one Graph request, in seconds.")
    max_retries: int = Field(3, ge=0, le=10, description=(
        "Retries for 429/503/504 inside one run, honouring Retry-After below 180 s; longer waits are deferred to "
        "the next run instead of sleeping."))
    max_concurrency: int = Field(4, ge=1, le=16, description="Requests in flight at once.")

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
    """The app registration the collector signs in as (app-only; see docs/deployment.md)."""

    method: Literal["client_secret", "certificate", "managed_identity", "token"] = Field("client_secret", description=(
        "How the collector authenticates: client_secret (COPILOT_USAGE_CLIENT_SECRET), certificate "
        "(certificate_path), managed_identity (an Azure VM, Container App or AKS pod; no secret), or token "
        "(COPILOT_USAGE_GRAPH_TOKEN sent as is, only to the [graph] base_url host)."))
    tenant_id: str = Field("", description=(
        "Directory (tenant) ID of the app registration; required for client_secret and certificate."))
    client_id: str = Field("", description=(
        "Application (client) ID of the app registration; required for client_secret and certificate; for "
        "managed_identity, the client ID of a user-assigned identity."))
    certificate_path: str = Field("", description=(
        "PEM file with certificate and private key, for method = \"certificate\" (readable only by the service "
        "user; COPILOT_USAGE_CERTIFICATE_PASSWORD if the key is encrypted)."))
    authority: str = Field("https://login.microsoftonline.com", description=(
        "Login host; change for national clouds (e.g. https://login.microsoftonline.us)."))


class CollectConfig(_Section):
    """What each run fetches (docs/collection.md)."""

    copilot_version: Literal["v2", "v1"] = Field("v2", description=(
        "Copilot report version: v2 adds prompts, active days and the Copilot Chat (web), Microsoft 365 Copilot "
        "app, Edge and agent dates; a run falls back to v1 (D28 becomes D30) if Graph refuses v2."))
    copilot_user_detail_periods: list[Literal["D7", "D28", "D90", "D180"]] = Field(["D7", "D28"], description=(
        "Periods of the Copilot user-detail report, one request each."))
    copilot_trend_period: Literal["D7", "D28", "D90", "D180"] = Field("D90", description=(
        "Period of the daily Copilot trend report; longer periods back-fill tenant history on the first run."))
    m365_reports: list[
        Literal[
            "office365_active_user_detail",
            "m365_app_user_detail",
            "teams_user_activity_user_detail",
            "email_activity_user_detail",
        ]
    ] = Field([
        "office365_active_user_detail",
        "m365_app_user_detail",
        "teams_user_activity_user_detail",
        "email_activity_user_detail",
    ], description="Microsoft 365 baseline reports to collect (each through Graph's 302 to a download host).")
    m365_period: Literal["D7", "D30", "D90", "D180"] = Field("D7", description="Period of the M365 reports.")
    users: bool = Field(True, description=(
        "Collect Entra users (department, job title, manager, licences) with a delta query; without them there "
        "are no group views."))


class JobFunctionRule(_Section):
    """One rule of [model] job_function_rules."""

    pattern: str = Field(description="A regular expression matched case-insensitively against the job title.")
    job_function: str = Field(description="The job function of a title the pattern matches.")

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
    """The headline metric and the stagnation rule. The weekly active rate (eligible people active in a complete
    week, averaged over lookback_weeks) is the headline everywhere. A group is flagged when it is clearly below
    target_rate (at `confidence`) and its trend would not reach the target within horizon_weeks, or when it
    falls by decline_points_per_week or more per week, two weeks running. docs/adoption-signal.md explains and
    tunes it."""

    target_rate: float = Field(0.60, gt=0, le=1, description=(
        "The target weekly active rate; \"hot\" starts here."))
    lookback_weeks: int = Field(4, ge=2, le=26, description=(
        "Complete weeks the weekly active rate is averaged over."))
    min_slope_points_per_week: float = Field(2.0, ge=0, description=(
        "Growth (percentage points per week) a group below target needs for its trend to count."))
    decline_points_per_week: float = Field(3.0, gt=0, description=(
        "A fall of this many points per week, two weeks running, flags a group as declining."))
    min_licensed_days: int = Field(30, ge=0, description=(
        "Users licensed for fewer days than this are left out of the rule (they are still onboarding)."))
    confidence: float = Field(0.95, ge=0.5, lt=1, description=(
        "How sure (one-sided) the rule must be that a group is below target, or falling, before it flags it."))
    trend_weeks: int = Field(8, ge=2, le=52, description=(
        "Weeks of history the growth trend is fitted on (at least lookback_weeks)."))
    horizon_weeks: int = Field(12, ge=1, le=52, description=(
        "A group below target whose trend reaches the target within this many weeks is on track, not flagged."))

    @model_validator(mode="after")
    def _weeks(self) -> StagnationConfig:
        if self.trend_weeks < self.lookback_weeks:
            raise ValueError(f"trend_weeks ({self.trend_weeks}) must be at least lookback_weeks "
                             f"({self.lookback_weeks})")
        return self


class LevelsConfig(_Section):
    """Heatmap levels over the weekly active rate: cold < cool_from <= cool < warm_from <= warm < target <= hot."""

    cool_from: float = Field(0.20, gt=0, lt=1, description="Where \"cool\" starts (below it: cold).")
    warm_from: float = Field(0.40, gt=0, lt=1, description=(
        "Where \"warm\" starts; [model.stagnation] target_rate is where \"hot\" starts. The levels must rise."))


class ModelConfig(_Section):
    """How the model groups people and protects small groups (docs/model.md). A change rebuilds the model objects
    that read the changed parameter."""

    min_group_size: int = Field(5, ge=3, description=(
        "Privacy: groups with fewer licensed users than this are suppressed (NULL counts and rates) in every mart "
        "readers see, never alerted and never shown with numbers."))
    unassigned_label: str = Field("Unassigned", description=(
        "Label of the one group for users without a department, job title or manager."))
    job_function_strip_words: list[str] = Field(["sr", "senior", "jr", "junior", "lead", "principal", "associate",
                                                 "staff", "trainee", "intern"], description=(
        "Job titles become job functions by dropping these words from the front (case-insensitive, punctuation "
        "ignored) and level numerals (I..V, 1..3) from the end: \"Sr. Financial Analyst\", \"Financial Analyst "
        "II\" and \"financial analyst\" are one function, \"Financial Analyst\"."))
    job_function_rules: list[JobFunctionRule] = Field([], description=(
        "Rules tried first, in order: a regular expression on the job title -> a job function, e.g. "
        "[{ pattern = \"engineer|developer\", job_function = \"Engineering\" }]."))
    job_function_overrides_csv: str = Field("", description=(
        "Optional HR override: a CSV with columns key,job_function where key is a user principal name or a job "
        "title."))
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


class ScheduleConfig(_Section):
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
    """The SMTP relay of [alerts] transport = "smtp". The password comes from COPILOT_USAGE_SMTP_PASSWORD, never
    from this file."""

    host: str = Field("localhost", description="The SMTP relay's host.")
    port: int = Field(587, ge=1, le=65535, description="Its port: 587 with STARTTLS, 465 with ssl, 25 plain.")
    starttls: bool = Field(True, description="STARTTLS after connecting (port 587); both this and ssl false = plain.")
    ssl: bool = Field(False, description="Implicit TLS (port 465); excludes starttls.")
    username: str = Field("", description=(
        "Login user, with the password from COPILOT_USAGE_SMTP_PASSWORD; empty = no authentication."))
    from_address: str = Field("", description=(
        "Envelope sender (MAIL FROM, where bounces go); empty = [alerts] from_address."))
    timeout_seconds: float = Field(30.0, gt=0, description="Timeout of the SMTP connection, in seconds.")

    _addr = field_validator("from_address")(_email_or_empty)

    @model_validator(mode="after")
    def _tls(self) -> SmtpConfig:
        if self.ssl and self.starttls:
            raise ValueError("ssl (implicit TLS, port 465) and starttls (port 587) exclude each other; set one")
        return self


class AlertsConfig(_Section):
    """The weekly stagnation e-mails to each group's champion, the fallback mail and the adoption lead's digest
    (docs/alerts.md). The scheduler sends them only when from_address and a recipient (digest_address or
    fallback_address) are set."""

    transport: Literal["smtp", "graph", "outbox"] = Field("smtp", description=(
        "How mail leaves: smtp ([alerts.smtp]), graph (Graph sendMail as from_address; needs the Mail.Send "
        "application permission) or outbox (only write .eml files to outbox_dir, like --dry-run)."))
    from_address: str = Field("", description=(
        "The From: header; with transport = \"graph\" also the mailbox that sends (a user or shared mailbox)."))
    fallback_address: str = Field("", description=(
        "Flagged groups without a champion go here (never dropped); empty = digest_address."))
    digest_address: str = Field("", description=(
        "The adoption lead's weekly digest of every flagged group and its owner (sent also when nothing is "
        "flagged)."))
    dashboard_url: str = Field("http://localhost:8501", description=(
        "The dashboard's public URL; mails link to {dashboard_url}/my-groups?dimension=...&group=...&week=..."))
    outbox_dir: str = Field("outbox", description=(
        "Where --dry-run (and transport = \"outbox\") writes one .eml file per message, under a folder per week."))
    subject_prefix: str = Field("[Copilot adoption]", description="Put in front of every subject.")
    dimensions: list[Literal["department", "job_function", "manager"]] = Field(
        ["department", "job_function", "manager"], description=(
            "Which group dimensions alert; the digest lists the same ones."))
    cc_managers: bool = Field(False, description=(
        "Copy each champion mail to the manager_email of the champion's groups (from the champions CSV)."))
    compare_weeks: int = Field(4, ge=1, le=26, description=(
        "Follow-ups compare the weekly active rate over this many complete weeks before and after the first "
        "action."))
    chart_max_groups: int = Field(25, ge=1, le=200, description=(
        "At most this many groups in one mail's heatmap image (all listed groups are in the text)."))
    max_groups_per_mail: int = Field(8, ge=1, le=100, description=(
        "At most this many groups listed in one mail, by impact; the rest are \"and N more\" with a dashboard "
        "link."))
    weekday: Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"] = Field("mon", description=(
        "The day the scheduler sends the weekly alerts."))
    time: str = Field("08:00", description="The time it sends them, 24-hour HH:MM in [schedule] timezone.")
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
