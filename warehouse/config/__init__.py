"""Typed configuration: one TOML file, validated once at start-up; secrets only from the environment."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from .alerting import AlertsConfig, SmtpConfig
from .base import ConfigError, Section, email_or_empty
from .collection import AuthConfig, CollectConfig, GraphConfig
from .interventions import InterventionsConfig
from .licences import LicencesConfig
from .model import JobFunctionRule, LevelsConfig, ModelConfig, StagnationConfig
from .privacy import PrivacyConfig
from .report import ReportConfig
from .service import DashboardConfig, ScheduleConfig, WarehouseConfig, parse_hhmm
from .survey import SurveyConfig

__all__ = ["SECRET_ENV", "AlertsConfig", "AuthConfig", "CollectConfig", "Config", "ConfigError", "DashboardConfig",
           "GraphConfig", "JobFunctionRule", "LevelsConfig", "ModelConfig", "PrivacyConfig", "ScheduleConfig",
           "Secrets", "Section", "SmtpConfig", "StagnationConfig", "WarehouseConfig", "email_or_empty", "load_config",
           "parse_hhmm"]
__all__ += ["InterventionsConfig", "LicencesConfig"]

SECRET_ENV = {
    "client_secret": "COPILOT_USAGE_CLIENT_SECRET",
    "graph_token": "COPILOT_USAGE_GRAPH_TOKEN",
    "certificate_password": "COPILOT_USAGE_CERTIFICATE_PASSWORD",
    "smtp_password": "COPILOT_USAGE_SMTP_PASSWORD",
}


class Config(Section):
    graph: GraphConfig = GraphConfig()
    auth: AuthConfig = AuthConfig()
    collect: CollectConfig = CollectConfig()
    warehouse: WarehouseConfig = WarehouseConfig()
    model: ModelConfig = ModelConfig()
    schedule: ScheduleConfig = ScheduleConfig()
    alerts: AlertsConfig = AlertsConfig()
    dashboard: DashboardConfig = DashboardConfig()
    privacy: PrivacyConfig = PrivacyConfig()
    interventions: InterventionsConfig = InterventionsConfig()
    survey: SurveyConfig = SurveyConfig()
    report: ReportConfig = ReportConfig()
    licences: LicencesConfig = LicencesConfig()
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
