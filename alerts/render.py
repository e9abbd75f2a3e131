"""Alert and digest e-mails: jinja2 templates (HTML autoescaped) + an inline CID heatmap PNG, safe headers."""

from __future__ import annotations

import csv
import email.policy
import hashlib
import io
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from warehouse import levels
from warehouse.config import Config

from . import context, intervention_context
from .build import Alert, Digest, by_impact
from .chart import Cell, heatmap_png
from .context import UNSAFE

TEMPLATES = Path(__file__).parent / "templates"
_env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html.j2"]),
                   undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
# Headers are never folded: Python's folder puts a leading "[" word on a continuation line, which readers
# show as a leading space in the subject; subjects and names are capped far below the 998-character limit.
POLICY = email.policy.default.clone(max_line_length=998)


def header_safe(text: str, limit: int = 120) -> str:
    """One line for a mail header: control characters (CR, LF, tab...) become spaces; `=?` cannot start an
    encoded word; long text is shortened."""
    text = " ".join(UNSAFE.sub(" ", text).split()).replace("=?", "= ?")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def csv_safe(value: object) -> str:
    """A CSV cell that a spreadsheet will not run as a formula (=, +, -, @ at the start are quoted)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def alert_context(alert: Alert, cfg: Config, chart_groups: int = 0) -> dict:
    """Template variables of a champion/fallback mail (deterministic: no wall-clock values)."""
    ctx = context.alert_context(alert, cfg, chart_groups, _cid(alert)[1:-1])
    ctx["subject"] = alert_subject(alert, cfg)
    return ctx


def alert_subject(alert: Alert, cfg: Config) -> str:
    """E.g. `[Copilot adoption] Marketing and 2 more groups need a Copilot follow-up (2026-W47)`."""
    top = sorted(alert.groups, key=by_impact)[0].flag
    n = len(alert.groups)
    if alert.kind == "fallback":
        what = f"{n} flagged group{'s' if n != 1 else ''} {'have' if n != 1 else 'has'} no champion"
    elif n > 1:
        more = f"{n - 1} more group{'s' if n != 2 else ''}"
        what = f"{header_safe(top.group_name, 60)} and {more} need a Copilot follow-up"
    else:
        what = (f"{header_safe(top.group_name, 60)} needs a Copilot follow-up: {levels.HEADLINE} "
                f"{levels.percent(top.active_rate)}")
    return header_safe(f"{cfg.alerts.subject_prefix} {what} ({alert.week_label})", 200)


def _cid(alert: Alert) -> str:
    digest = hashlib.sha256(f"{alert.week_label}|{alert.recipient}|{alert.kind}".encode()).hexdigest()[:16]
    return f"<heatmap-{alert.week_label}-{digest}@copilot-usage>"


def render_alert_bodies(alert: Alert, cfg: Config, chart_groups: int = 0) -> tuple[str, str]:
    """The plain-text and HTML bodies of a champion/fallback mail."""
    ctx = alert_context(alert, cfg, chart_groups)
    name = "fallback" if alert.kind == "fallback" else "champion"
    return _env.get_template(f"{name}.txt.j2").render(ctx), _env.get_template(f"{name}.html.j2").render(ctx)


def _headers(msg: EmailMessage, cfg: Config, to: str, name: str | None, subject: str, kind: str, week: str) -> None:
    sender = cfg.alerts.from_address
    msg["From"] = Address("Copilot adoption", addr_spec=sender)
    msg["To"] = Address(header_safe(name or "", 80), addr_spec=to)
    msg["Subject"] = subject
    msg["Date"] = format_datetime(datetime.now(UTC))
    msg["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or "copilot-usage")
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies
    msg["X-Copilot-Usage-Alert"] = f"{kind}; week={week}"


def charted(alert: Alert, cfg: Config) -> list[tuple[str, str]]:
    """The groups drawn in a champion mail's heatmap: the listed ones, in the mail's order (none for the fallback)."""
    if alert.kind == "fallback":
        return []
    shown = [s for s in context.listed(alert, cfg) if not context.is_hidden(s)]
    return [(s.flag.dimension, s.flag.group_name) for s in shown][: cfg.alerts.chart_max_groups]


def render_alert(alert: Alert, cfg: Config, cells: list[Cell]) -> EmailMessage:
    """One EmailMessage: text + HTML alternative, the HTML with the heatmap PNG of the groups inline (CID)."""
    chart = charted(alert, cfg)
    text, html = render_alert_bodies(alert, cfg, len(chart))
    msg = EmailMessage(policy=POLICY)
    _headers(msg, cfg, alert.recipient, alert.recipient_name, alert_subject(alert, cfg), alert.kind, alert.week_label)
    if alert.cc:
        msg["Cc"] = ", ".join(alert.cc)
    msg.set_content(text)
    msg.add_alternative(html, subtype="html")
    if chart:
        png = heatmap_png(cells, chart, f"{levels.HEADLINE.capitalize()} by app, {alert.week_label}",
                          levels.bands_of(cfg.model))
        msg.get_payload()[1].add_related(png, maintype="image", subtype="png", cid=_cid(alert),
                                         disposition="inline", filename=f"heatmap-{alert.week_label}.png")
    return msg


def digest_context(digest: Digest, cfg: Config) -> dict:
    """Template variables of the adoption lead's digest (deterministic)."""
    ctx = context.digest_context(digest, cfg)
    ctx["subject"] = digest_subject(digest, cfg)
    ctx["interventions"] = intervention_context.digest_interventions(cfg, digest.week_start)
    return ctx


def digest_subject(digest: Digest, cfg: Config) -> str:
    """E.g. `[Copilot adoption] Weekly digest 2026-W47: 12 flagged groups`."""
    n = len(digest.rows)
    return header_safe(f"{cfg.alerts.subject_prefix} Weekly digest {digest.week_label}: "
                       f"{n} flagged group{'s' if n != 1 else ''}", 200)


def render_digest_bodies(digest: Digest, cfg: Config) -> tuple[str, str]:
    """The plain-text and HTML bodies of the digest."""
    ctx = digest_context(digest, cfg)
    return _env.get_template("digest.txt.j2").render(ctx), _env.get_template("digest.html.j2").render(ctx)


# numbers stay numbers for a spreadsheet, named as the dashboard's CSV downloads name them
CSV_COLUMNS = ["week", "dimension", "group", "department", "weekly active rate (%)", "target (%)", "active_this_week",
               "eligible_this_week", "impact", "kind", "reason", "followup_id", "status", "owner", "alert", "link"]


def digest_csv(digest: Digest, cfg: Config) -> str:
    """Every flagged group of the digest, by impact, as CSV (formula-safe cells) for a spreadsheet."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(CSV_COLUMNS)
    for r in context.digest_rows(digest, cfg):
        w.writerow([csv_safe(v) for v in (digest.week_label, r["dimension_label"], r["name"], r["department"],
                                          r["headline_pct"], r["target_pct"], r["active"], r["eligible"], r["impact"],
                                          r["kind"], r["reason"], r["followup_id"], r["status"], r["owner"],
                                          r["routed_to"], r["link"])])
    return buf.getvalue()


def render_digest(digest: Digest, cfg: Config) -> EmailMessage:
    """The digest EmailMessage: text + HTML alternative and the groups as a CSV attachment."""
    text, html = render_digest_bodies(digest, cfg)
    msg = EmailMessage(policy=POLICY)
    _headers(msg, cfg, digest.recipient, None, digest_subject(digest, cfg), "digest", digest.week_label)
    msg.set_content(text)
    msg.add_alternative(html, subtype="html")
    msg.add_attachment(digest_csv(digest, cfg).encode("utf-8-sig"), maintype="text", subtype="csv",
                       params={"charset": "utf-8"}, filename=f"flagged-groups-{digest.week_label}.csv")
    return msg
