"""Shared fixtures: a small deterministic tenant served over real HTTP, and a config pointing at it."""

from __future__ import annotations

import contextlib
import datetime as dt
from pathlib import Path

import duckdb
import pytest

from connector.simulator.server import Simulator
from connector.simulator.tenant import Tenant
from warehouse.config import Config, load_config

END = dt.date(2026, 11, 20)


@pytest.fixture(scope="session")
def tenant() -> Tenant:
    return Tenant.generate(users=400, days=60, seed=11, end=END)


@pytest.fixture
def sim(tenant: Tenant):
    tenant._state = None  # each test starts from the same clock and state
    with Simulator(tenant) as s:
        yield s


def write_config(tmp_path: Path, base_url: str, extra: str = "") -> Path:
    p = tmp_path / "config.toml"
    p.write_text(f'[graph]\nbase_url = "{base_url}"\nmax_retries = 3\n\n[auth]\nmethod = "token"\n\n'
                 f'[warehouse]\npath = "{(tmp_path / "wh.duckdb").as_posix()}"\nlock_timeout_seconds = 5\n{extra}')
    return p


@pytest.fixture
def cfg(tmp_path: Path, sim: Simulator, monkeypatch: pytest.MonkeyPatch) -> Config:
    monkeypatch.setenv("COPILOT_USAGE_GRAPH_TOKEN", sim.state.token)
    return load_config(write_config(tmp_path, sim.base_url))


def query(cfg: Config, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(cfg.warehouse.path, read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


IMPORTED_ONLY = {"mart_unlicensed_chat", "mart_agent_users", "mart_agents", "mart_imports"}  # admin-center imports
IMPORTED_ONLY |= {"mart_intervention_effect", "mart_intervention_kind_effect"}  # recorded interventions, not collected


def marts(path: str | Path) -> dict[str, list[tuple]]:
    """Every mart's rows, sorted: what "the same marts" means in the convergence tests."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = [r[0] for r in con.execute("select table_name from information_schema.tables "
                                            "where table_name like 'mart\\_%' escape '\\' order by 1").fetchall()]
        return {t: con.execute(f"select * from {t} order by all").fetchall() for t in tables}
    finally:
        con.close()


@pytest.fixture(scope="session")
def model_warehouse(tmp_path_factory: pytest.TempPathFactory):
    """Five weeks of daily collections of a 2,500-user tenant, transformed: (cfg, simulator, truth tenant)."""
    from simulated_warehouse import DAYS, FIRST, build_warehouse

    return build_warehouse(tmp_path_factory.mktemp("model"), range(FIRST, DAYS))


class SmtpCapture:
    """aiosmtpd handler keeping every message; `refuse` holds addresses answered 550 at RCPT TO."""

    def __init__(self) -> None:
        self.messages: list = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.refuse: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address.lower() in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        import email
        import email.policy

        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 OK"


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtpd():
    """A real SMTP server on localhost (aiosmtpd): yields (controller, capture)."""
    from aiosmtpd.controller import Controller

    capture = SmtpCapture()
    ctl = Controller(capture, hostname="127.0.0.1", port=free_port())
    ctl.start()
    yield ctl, capture
    with contextlib.suppress(AssertionError, RuntimeError):  # a test may have stopped it already
        ctl.stop()


@pytest.fixture(scope="module")
def dash_cfg(model_warehouse, tmp_path_factory):
    """A private copy of the model warehouse for one dashboard test module (auth none)."""
    from dashboard_fixtures import dashboard_warehouse

    return dashboard_warehouse(model_warehouse[0], tmp_path_factory.mktemp("dash"))


@pytest.fixture(scope="module")
def entra_cfg(model_warehouse, tmp_path_factory):
    """The same with Entra sign-in."""
    from dashboard_fixtures import dashboard_warehouse

    return dashboard_warehouse(model_warehouse[0], tmp_path_factory.mktemp("dash_entra"),
                               auth="entra")
