"""Alert and digest e-mails: jinja2 templates (HTML autoescaped) + an inline CID heatmap PNG, safe headers."""

from __future__ import annotations

import csv
import email.policy
import hashlib
import io
import re
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from warehouse.config import Config
from warehouse.episodes import FlagState
from warehouse.flags import HeatCell

from .build import DIMENSION_LABEL, Alert, Digest, dashboard_links, group_link, week_end
from .chart import heatmap_png

TEMPLATES = Path(__file__).parent / "templates"
_env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html.j2"]),
                   undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
# Headers are never folded: Python's folder puts a leading "[" word on a continuation line, which readers
# show as a leading space in the subject; subjects and names are capped far below the 998-character limit.
POLICY = email.policy.default.clone(max_line_length=998)
_UNSAFE = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]+")
STATUS_LABEL = {"open": "open", "acknowledged": "acknowledged", "in_progress": "in progress", "snoozed": "snoozed",
                "resolved": "resolved"}


def header_safe(text: str, limit: int = 120) -> str:
    """One line for a mail header: control characters (CR, LF, tab...) become spaces; `=?` cannot start an
    encoded word; long text is shortened."""
    text = " ".join(_UNSAFE.sub(" ", text).split()).replace("=?", "= ?")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def csv_safe(value: object) -> str:
    """A CSV cell that a spreadsheet will not run as a formula (=, +, -, @ at the start are quoted)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def oneline(text: str) -> str:
    """Untrusted names on one line in bodies too: control characters and line breaks become single spaces."""
    return " ".join(_UNSAFE.sub(" ", text).split())


def _group(cfg: Config, s: FlagState) -> dict:
    g = s.flag
    hidden = g.suppressed or g.eligible_users is None
    return {
        "name": oneline(g.group_name), "dimension_label": DIMENSION_LABEL.get(g.dimension, g.dimension),
        "reason": "not evaluated: the group is below the minimum group size" if hidden else g.reason,
        "active": "n/a" if hidden else g.active_users, "eligible": "n/a" if hidden else g.eligible_users,
        "followup": f"#{s.followup_id}" if s.followup_id is not None else "(new)",
        "followup_id": s.followup_id, "status": STATUS_LABEL.get(s.status, ""),
        "link": group_link(cfg, g.dimension, [g.group_name]), "declining": g.declining and not hidden,
    }


def alert_context(alert: Alert, cfg: Config, chart_groups: int = 0) -> dict:
    """Template variables of a champion/fallback mail (deterministic: no wall-clock values)."""
    groups = [_group(cfg, s) for s in alert.groups]
    declining = [g["name"] for g in groups if g["declining"]]
    default_greeting = "adoption lead" if alert.kind == "fallback" else "champion"
    return {
        "kind": alert.kind, "greeting": oneline(alert.recipient_name or "") or default_greeting,
        "first_id": next((str(s.followup_id) for s in alert.groups if s.followup_id is not None), "ID"),
        "week_label": alert.week_label, "week_start": alert.week_start, "week_end": week_end(alert.week_start),
        "groups": groups, "links": dashboard_links(cfg, alert.groups), "declining": bool(declining),
        "declining_names": ", ".join(declining), "min_group_size": cfg.model.min_group_size,
        "subject": alert_subject(alert, cfg), "chart_cid": _cid(alert)[1:-1] if chart_groups else None,
        "chart_groups": chart_groups, "chart_omitted": 0 < chart_groups < len(groups),
    }


def alert_subject(alert: Alert, cfg: Config) -> str:
    """E.g. `[Copilot adoption] Marketing and 2 more groups need a follow-up (2026-W47)`."""
    first = header_safe(alert.groups[0].flag.group_name, 60)
    more = len(alert.groups) - 1
    what = f"{first} and {more} more group{'s' if more != 1 else ''} need" if more else f"{first} needs"
    prefix = "No champion: " if alert.kind == "fallback" else ""
    return header_safe(f"{cfg.alerts.subject_prefix} {prefix}{what} a Copilot follow-up ({alert.week_label})", 200)


def _cid(alert: Alert) -> str:
    digest = hashlib.sha256(f"{alert.week_label}|{alert.recipient}|{alert.kind}".encode()).hexdigest()[:16]
    return f"<heatmap-{alert.week_label}-{digest}@copilot-usage>"


def render_alert_bodies(alert: Alert, cfg: Config, chart_groups: int = 0) -> tuple[str, str]:
    """The plain-text and HTML bodies of a champion/fallback mail."""
    ctx = alert_context(alert, cfg, chart_groups)
    return _env.get_template("champion.txt.j2").render(ctx), _env.get_template("champion.html.j2").render(ctx)


def _headers(msg: EmailMessage, cfg: Config, to: str, name: str | None, subject: str, kind: str, week: str) -> None:
    sender = cfg.alerts.from_address
    msg["From"] = Address("Copilot adoption", addr_spec=sender)
    msg["To"] = Address(header_safe(name or "", 80), addr_spec=to)
    msg["Subject"] = subject
    msg["Date"] = format_datetime(datetime.now(UTC))
    msg["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or "copilot-usage")
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies
    msg["X-Copilot-Usage-Alert"] = f"{kind}; week={week}"


def render_alert(alert: Alert, cfg: Config, cells: list[HeatCell]) -> EmailMessage:
    """One EmailMessage: text + HTML alternative, the HTML with the heatmap PNG of the groups inline (CID)."""
    chart = [(s.flag.dimension, s.flag.group_name) for s in alert.groups
             if not s.flag.suppressed][: cfg.alerts.chart_max_groups]
    text, html = render_alert_bodies(alert, cfg, len(chart))
    msg = EmailMessage(policy=POLICY)
    _headers(msg, cfg, alert.recipient, alert.recipient_name, alert_subject(alert, cfg), alert.kind, alert.week_label)
    if alert.cc:
        msg["Cc"] = ", ".join(alert.cc)
    msg.set_content(text)
    msg.add_alternative(html, subtype="html")
    if chart:
        png = heatmap_png(cells, chart, f"Weekly active rate by app, {alert.week_label}")
        msg.get_payload()[1].add_related(png, maintype="image", subtype="png", cid=_cid(alert),
                                         disposition="inline", filename=f"heatmap-{alert.week_label}.png")
    return msg


def digest_context(digest: Digest, cfg: Config) -> dict:
    """Template variables of the adoption lead's digest (deterministic)."""
    rows, sections = [], []
    counts = {"champion": 0, "fallback": 0, "skipped": 0}
    for r in digest.rows:
        s = r.state
        g = _group(cfg, s)
        owner = s.owner or s.flag.champion_email or "nobody yet"
        g.update({"owner": owner, "routed_to": r.routed_to, "dimension": g["dimension_label"],
                  "status": STATUS_LABEL.get(s.status, s.status) if s.followup_id is not None else "opened on send"})
        counts["skipped" if s.skip_reason else "champion" if s.flag.champion_email else "fallback"] += 1
        rows.append(g)
    for dim in dict.fromkeys(g["dimension"] for g in rows):
        sections.append((dim, [g for g in rows if g["dimension"] == dim]))
    return {"week_label": digest.week_label, "week_start": digest.week_start, "week_end": week_end(digest.week_start),
            "rows": rows, "sections": sections, "counts": counts, "tenant": digest.tenant,
            "min_group_size": cfg.model.min_group_size, "subject": digest_subject(digest, cfg),
            "followups_url": f"{cfg.alerts.dashboard_url}/stagnation"}


def digest_subject(digest: Digest, cfg: Config) -> str:
    """E.g. `[Copilot adoption] Weekly digest 2026-W47: 12 flagged groups`."""
    n = len(digest.rows)
    return header_safe(f"{cfg.alerts.subject_prefix} Weekly digest {digest.week_label}: "
                       f"{n} flagged group{'s' if n != 1 else ''}", 200)


def render_digest_bodies(digest: Digest, cfg: Config) -> tuple[str, str]:
    """The plain-text and HTML bodies of the digest."""
    ctx = digest_context(digest, cfg)
    return _env.get_template("digest.txt.j2").render(ctx), _env.get_template("digest.html.j2").render(ctx)


def digest_csv(digest: Digest, cfg: Config) -> str:
    """The digest's groups as CSV (formula-safe cells) for the adoption lead's spreadsheet."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(["week", "dimension", "group", "reason", "active_users", "eligible_users", "followup_id", "status",
                "owner", "alert"])
    for row in digest_context(digest, cfg)["rows"]:
        w.writerow([csv_safe(v) for v in (digest.week_label, row["dimension"], row["name"], row["reason"],
                                          row["active"], row["eligible"], row["followup_id"], row["status"],
                                          row["owner"], row["routed_to"])])
    return buf.getvalue()


def render_digest(digest: Digest, cfg: Config) -> EmailMessage:
    """The digest EmailMessage: text + HTML alternative and the groups as a CSV attachment."""
    text, html = render_digest_bodies(digest, cfg)
    msg = EmailMessage(policy=POLICY)
    _headers(msg, cfg, digest.recipient, None, digest_subject(digest, cfg), "digest", digest.week_label)
    msg.set_content(text)
    msg.add_alternative(html, subtype="html")
    msg.add_attachment(digest_csv(digest, cfg).encode("utf-8-sig"), maintype="text", subtype="csv",
                       filename=f"flagged-groups-{digest.week_label}.csv")
    return msg
