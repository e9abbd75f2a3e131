"""The monthly one-page report mail (docs/report.md): the month's four dimensions as HTML and text, with the trend
image inline, to `[report] recipients`, through the weekly mails' templates, headers and transports.

One message per recipient, recorded in `report_log`, so a second run (or the scheduler's catch-up) sends a month
to nobody twice; a dry run writes `.eml` files to the outbox and records nothing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, timedelta
from email.message import EmailMessage
from pathlib import Path

from warehouse import db, levels
from warehouse.config import Config

from .context import oneline
from .monthly import NOT_AVAILABLE, Month, load_month
from .monthly_chart import trend_png
from .queries import query
from .render import POLICY, _env, _headers, header_safe
from .send import AlertError, OutboxTransport, Transport, make_transport

DIM_WORDS = {"department": "departments", "job_function": "job functions", "manager": "manager teams"}
KPI_LABEL = {"satisfaction": "Satisfaction", "trust": "Trust in the output", "relief": "Perceived relief",
             "competence": "Self-rated competence"}


def pts(change: float | None) -> str:
    """A change in points, e.g. `+3 pts`, `-1 pt`, `no change`; empty for none."""
    if change is None:
        return ""
    n = round(change)
    return "no change" if n == 0 else f"{n:+d} pt{'s' if abs(n) != 1 else ''}"


def _mean(v: float | None, hi: float) -> str:
    return "–" if v is None else f"{v:.1f} / {hi:g}"


def _diff(now: dict | None, then: dict | None, key: str, scale: float = 1.0, fmt: str = "{:+.1f}") -> str:
    if not now or not then or now.get(key) is None or then.get(key) is None:
        return ""
    d = (now[key] - then[key]) * scale
    return "no change" if round(d, 1) == 0 else fmt.format(d)


def effect_sentence(iv: dict) -> str:
    """The mart's own sentence (`mart_intervention_effect.sentence`, as the dashboard and the digest word it), else
    e.g. `Training for Finance on 3 Nov: +14 pts vs 9 comparable departments (95 % CI +6 to +22)`."""
    if iv.get("sentence"):
        return oneline(str(iv["sentence"]))
    what = oneline(str(iv.get("title") or iv.get("kind") or "intervention"))
    head = f"{what[:1].upper()}{what[1:]} for {oneline(str(iv['group_name']))} on {iv['start_date']:%-d %b}"
    if iv.get("effect_pts") is None:
        return f"{head}: not enough data yet" + (f" ({oneline(str(iv['status']))})" if iv.get("status") else "")
    n = iv.get("comparison_groups") or 0
    ci = (f" (95 % CI {iv['ci_low_pts']:+.0f} to {iv['ci_high_pts']:+.0f})"
          if iv.get("ci_low_pts") is not None and iv.get("ci_high_pts") is not None else "")
    return (f"{head}: {iv['effect_pts']:+.0f} pts vs {n} comparable "
            f"{DIM_WORDS.get(iv['dimension'], 'groups') if n != 1 else iv['dimension'].replace('_', ' ')}{ci}")


def _dates(a: date, b: date) -> str:
    return f"{a:%-d %b}" if a == b else f"{a:%-d %b} to {b:%-d %b}"


def report_context(m: Month, cfg: Config, cid: str = "") -> dict:
    """Template variables of the monthly report (deterministic: no wall-clock values)."""
    s, sv = cfg.model.stagnation, cfg.survey
    a, p, w, pw = m.adoption or {}, m.previous, m.wave, m.previous_wave
    asked = {q.kpi for q in sv.questions}
    rate = a.get("weekly_active_rate")
    rate_change = (None if not p or p.get("weekly_active_rate") is None or rate is None
                   else (rate - p["weekly_active_rate"]) * 100)
    adoption = [
        ("Weekly active rate", levels.percent(rate), pts(rate_change), f"target {levels.percent(s.target_rate)}"),
        ("Active days per active person", "–" if a.get("active_days") is None else f"{a['active_days']:.1f}",
         _diff(a, p, "active_days"), "per week"),
        ("Breadth", "–" if a.get("breadth") is None else f"{a['breadth']:.1f} apps", _diff(a, p, "breadth"),
         "apps per active person"),
        ("Habit rate", "collecting history" if a.get("habit_rate") is None else levels.percent(a["habit_rate"]),
         _diff(a, p, "habit_rate", 100, "{:+.0f} pts"),
         "active on 12 of 28 days"),
    ]
    shown = w is not None and not w["suppressed"]
    wave_note = ""
    if w is None:
        wave_note = "No survey wave yet: import one with copilot-usage survey import (docs/survey.md)."
    elif w["suppressed"]:
        wave_note = (f"Survey wave {w['wave']}: {w['respondents']} respondents, fewer than {cfg.model.min_group_size}: "
                     "no figures (privacy).")

    def kpi(label: str, key: str, kpi_name: str, fmt, change_fmt: str = "{:+.1f}", note: str = "") -> tuple:  # noqa: ANN001
        if kpi_name not in asked:
            return label, "not asked", "", "no question mapped in [survey]"
        now = w.get(key) if shown else None
        value = fmt(now) if now is not None else "–"
        return label, value, _diff(w, pw, key, fmt=change_fmt) if shown else "", note if now is not None else ""

    def mean(k: str):  # noqa: ANN202
        return lambda v: f"{v:.1f} / {getattr(sv, f'{k}_scale')[1]:g}"

    competence = [kpi("Self-rated competence", "competence", "competence", mean("competence"))]
    acceptance = [kpi("NPS", "nps", "nps", lambda v: f"{v:+.0f}", "{:+.0f} pts", "promoters minus detractors"),
                  *[kpi(KPI_LABEL[k], k, k, mean(k)) for k in ("trust", "relief", "satisfaction")]]
    impact = [kpi("Hours saved per person and month", "hours_saved_per_month", "hours_saved",
                  lambda v: f"{v:.1f} h", "{:+.1f} h", "self-reported")]
    mover = [{"name": oneline(str(g["group_name"])), "rate": levels.percent(g["rate"]), "change": pts(g["change_pts"])}
             for g in m.up + m.down]
    weeks = (f"{a['weeks']} complete week{'s' if a['weeks'] != 1 else ''}, "
             f"{_dates(a['first_week'], a['last_week'] + timedelta(days=6))}") if a else "no complete week"
    short = [f"{levels.HEADLINE} {levels.percent(rate)}" + (f" ({pts(rate_change)})" if rate_change is not None
                                                            else "")]
    if shown and w.get("nps") is not None:
        short.append(f"NPS {w['nps']:+.0f}")
    if shown and w.get("hours_saved_per_month") is not None:
        short.append(f"{w['hours_saved_per_month']:.0f} h saved per person and month (self-reported)")
    return {
        "subject": report_subject(m, cfg), "month_label": m.label, "month": m.key, "weeks_text": weeks,
        "previous_label": "the month before", "in_short": "; ".join(short),
        "wave_text": (f"wave {w['wave']} ({_dates(w['wave_start'], w['wave_end'])}, {w['respondents']} "
                      "respondents)" + (f", compared with {pw['wave']}" if pw else "")) if w else "",
        "wave_note": wave_note,
        "sections": [("Adoption and use", adoption, []),
                     ("Competence and self-reliance", competence, [NOT_AVAILABLE["support"]]),
                     ("Acceptance and satisfaction", acceptance, []),
                     ("Business impact", impact, [NOT_AVAILABLE["assisted"]])],
        "up": mover[: len(m.up)], "down": mover[len(m.up):], "dimension_label": DIM_WORDS[m.dimension],
        "interventions": [effect_sentence(iv) for iv in m.interventions],
        "interventions_note": "" if m.has_interventions else "Intervention effects are not built in this warehouse.",
        "cid": cid, "dashboard_link": f"{cfg.alerts.dashboard_url}/four-dimensions?month={m.key}",
        "min_group_size": cfg.model.min_group_size,
    }


def report_subject(m: Month, cfg: Config) -> str:
    """E.g. `[Copilot adoption] Monthly report November 2026: weekly active rate 42 % (+3 pts)`."""
    a, p = m.adoption or {}, m.previous or {}
    change = (None if a.get("weekly_active_rate") is None or p.get("weekly_active_rate") is None
              else (a["weekly_active_rate"] - p["weekly_active_rate"]) * 100)
    return header_safe(f"{cfg.alerts.subject_prefix} Monthly report {m.label}: {levels.HEADLINE} "
                       f"{levels.percent(a.get('weekly_active_rate'))}" + (f" ({pts(change)})" if change is not None
                                                                         else ""), 200)


def _cid(m: Month) -> str:
    return f"<trend-{m.key}-{hashlib.sha256(m.key.encode()).hexdigest()[:12]}@copilot-usage>"


def render_report_bodies(m: Month, cfg: Config) -> tuple[str, str]:
    """The plain-text and HTML bodies."""
    ctx = report_context(m, cfg, _cid(m)[1:-1])
    return _env.get_template("monthly.txt.j2").render(ctx), _env.get_template("monthly.html.j2").render(ctx)


def render_report(m: Month, cfg: Config, recipient: str, png: bytes | None = None) -> EmailMessage:
    """One EmailMessage to `recipient`: text + HTML with the trend PNG inline (CID); `png`: the image already
    drawn for another recipient (drawing it takes about a second)."""
    text, html = render_report_bodies(m, cfg)
    msg = EmailMessage(policy=POLICY)
    _headers(msg, cfg, recipient, None, report_subject(m, cfg), "monthly", m.key)
    msg.set_content(text)
    msg.add_alternative(html, subtype="html")
    png = png or trend_png(m, cfg.model.stagnation.target_rate)
    msg.get_payload()[1].add_related(png, maintype="image", subtype="png", cid=_cid(m), disposition="inline",
                                     filename=f"copilot-adoption-{m.key}.png")
    return msg


@dataclass
class ReportResult:
    """What `run_report` did: per recipient sent, failed, skipped (already sent) or written (dry run)."""

    month: str
    transport: str
    deliveries: list[tuple[str, str, str]] = field(default_factory=list)  # (recipient, status, detail)
    outbox: list[Path] = field(default_factory=list)

    @property
    def failed(self) -> list[str]:
        return [r for r, status, _ in self.deliveries if status == "failed"]


def run_report(cfg: Config, month: str | date | None = None, *, dry_run: bool = False, resend: bool = False,
               transport: Transport | None = None, today: date | None = None) -> ReportResult:
    """Send the month's report (default: the month before today) to `[report] recipients` not yet sent to."""
    if not cfg.alerts.from_address:
        raise AlertError(f"{cfg.source}: [alerts] from_address is empty; the monthly report is sent from it")
    if not cfg.report.recipients:
        raise AlertError(f"{cfg.source}: [report] recipients is empty; nobody to send the monthly report to")
    m = load_month(cfg, month, today=today)
    transport = transport or make_transport(cfg, dry_run)
    result = ReportResult(m.key, transport.name)
    with db.reading(cfg.warehouse) as con:
        sent = {r[0] for r in con.execute(query("report_log"), {"month": m.first}).fetchall()} \
            if db.has_table(con, "report_log") else set()
    todo = [r for r in cfg.report.recipients if resend or dry_run or r not in sent]
    result.deliveries += [(r, "skipped", "already sent for this month (--resend to send again)")
                          for r in cfg.report.recipients if r not in todo]
    png = trend_png(m, cfg.model.stagnation.target_rate) if todo else b""
    errors = transport.send_all([render_report(m, cfg, r, png) for r in todo]) if todo else []
    for r, error in zip(todo, errors, strict=True):
        result.deliveries.append((r, "failed" if error else "written" if dry_run else "sent", error or ""))
    if isinstance(transport, OutboxTransport):
        result.outbox = list(transport.written)
    if not dry_run and todo:
        with db.writing(cfg.warehouse) as con, db.transaction(con):
            for r, error in zip(todo, errors, strict=True):
                con.execute(query("report_log_upsert"), {"month": m.first, "recipient": r,
                                                         "status": "failed" if error else "sent", "error": error})
    return result
