"""The weekly alert run: the one function the CLI and the scheduler call."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from email.message import EmailMessage
from functools import partial
from pathlib import Path

from warehouse import db
from warehouse.config import Config

from .build import AlertBatch, build_batch, fallback_address
from .chart import Cell, read_cells
from .idle_cost import read_idle_cost
from .render import charted, render_alert, render_digest
from .send import AlertError, OutboxTransport, Transport, make_transport
from .workflow.episodes import FlagState, plan, sync
from .workflow.flagged import read_flagged
from .workflow.sent_log import LogEntry, record, sent_keys
from .workflow.weeks import iso_week, resolve_week


@dataclass(frozen=True)
class Delivery:
    """What happened to one message of the run."""

    recipient: str
    kind: str  # champion | fallback | digest
    groups: int
    subject: str
    status: str  # sent | failed | skipped (already sent) | written (dry run)
    detail: str = ""


@dataclass
class AlertRunResult:
    """The outcome of `run_alerts`: per-message deliveries and the groups that were not alerted."""

    week_start: date
    transport: str
    dry_run: bool
    flagged: int = 0
    deliveries: list[Delivery] = field(default_factory=list)
    not_alerted: list[FlagState] = field(default_factory=list)
    outbox: list[Path] = field(default_factory=list)

    @property
    def week_label(self) -> str:
        """ISO week label, e.g. 2026-W47."""
        return iso_week(self.week_start)

    @property
    def failed(self) -> list[Delivery]:
        """Deliveries that failed (retried by the next run)."""
        return [d for d in self.deliveries if d.status == "failed"]

    @property
    def exit_code(self) -> int:
        """0 when nothing failed, else 1."""
        return 1 if self.failed else 0


def check_addresses(cfg: Config) -> None:
    """Raise AlertError naming the key when a needed address is not configured."""
    a = cfg.alerts
    if not a.from_address:
        raise AlertError(f"{cfg.source}: [alerts] from_address is empty; set the sender address")
    if not (a.fallback_address or a.digest_address):
        raise AlertError(f"{cfg.source}: set [alerts] digest_address (the adoption lead) or fallback_address: "
                         "flagged groups without a champion must go somewhere")


def load_batch(cfg: Config, week: str | date | None = None, *, save_followups: bool = True
               ) -> tuple[AlertBatch, list[Cell], set[tuple[str, str]]]:
    """Read the week's flags (opening follow-ups unless told not to), the heatmap cells and the sent log."""
    if save_followups:
        start, states = sync(cfg, week)
    with db.reading(cfg.warehouse) as con:
        if not save_followups:
            start = resolve_week(con, week)
            states = plan(con, start, cfg.alerts.dimensions)
        tenant = next((f for f in read_flagged(con, start) if f.dimension == "tenant"), None)
        batch = build_batch(cfg, start, states, tenant)
        if batch.digest is not None:
            batch = replace(batch, digest=replace(batch.digest, idle_cost=read_idle_cost(con)))
        groups = {g for a in batch.alerts for g in charted(a, cfg)}
        cells = read_cells(con, start, sorted(groups), lookback=cfg.model.stagnation.lookback_weeks,
                           min_size=cfg.model.min_group_size)
        sent = sent_keys(con, start)
    return batch, cells, sent


def run_alerts(cfg: Config, week: str | date | None = None, dry_run: bool = False, resend: bool = False, *,
               transport: Transport | None = None) -> AlertRunResult:
    """Send the week's alerts (default: the latest complete week) once per recipient and kind.

    Already-sent messages are skipped unless `resend`; failures are logged and retried by the next run; a dry
    run writes .eml files to the outbox and changes nothing in the warehouse.
    """
    check_addresses(cfg)
    transport = transport or make_transport(cfg, dry_run)
    batch, cells, sent = load_batch(cfg, week, save_followups=not dry_run)
    result = AlertRunResult(batch.week_start, transport.name, dry_run, flagged=sum(len(a.groups) for a in batch.alerts)
                            + len(batch.skipped), not_alerted=batch.skipped)
    todo: list[tuple[EmailMessage, str, str, list[str]]] = []
    items: list[tuple[str, str, list[str], Callable[[], EmailMessage]]] = [
        (a.recipient, a.kind, a.group_keys, partial(render_alert, a, cfg, cells)) for a in batch.alerts]
    if batch.digest is not None:
        items.append((batch.digest.recipient, "digest", batch.digest.group_keys,
                      partial(render_digest, batch.digest, cfg)))
    for recipient, kind, keys, render in items:
        if (recipient, kind) in sent and not resend:
            result.deliveries.append(Delivery(recipient, kind, len(keys), "", "skipped",
                                              "already sent for this week (--resend to send again)"))
            continue
        todo.append((render(), recipient, kind, keys))
    errors = transport.send_all([m for m, *_ in todo]) if todo else []
    entries = []
    for (msg, recipient, kind, keys), error in zip(todo, errors, strict=True):
        status = "failed" if error else "written" if dry_run else "sent"
        result.deliveries.append(Delivery(recipient, kind, len(keys), str(msg["Subject"]), status, error or ""))
        entries.append(LogEntry(recipient, kind, "failed" if error else "sent", transport.name, keys,
                                str(msg["Subject"]), str(msg["Message-ID"]), error))
    if isinstance(transport, OutboxTransport):
        result.outbox = list(transport.written)
    if not dry_run:
        record(cfg.warehouse.path, batch.week_start, entries, wait_seconds=cfg.warehouse.lock_timeout_seconds)
    return result


__all__ = ["AlertError", "AlertRunResult", "Delivery", "fallback_address", "run_alerts"]
