"""Alerts through Graph sendMail (MIME), against the simulator over real HTTP, including a missing Mail.Send."""

from __future__ import annotations

import base64
import email
import email.policy
import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from simulated_warehouse import copy_warehouse

import connector.sendmail  # noqa: F401  (registers the graph transport)
from alerts.run import run_alerts
from alerts.send import AlertError, make_transport
from alerts.workflow.champions import import_champions
from connector.simulator.server import Simulator
from warehouse.config import load_config


@pytest.fixture
def graph_cfg(model_warehouse, tmp_path, sim, monkeypatch):
    cfg, _, _ = model_warehouse
    monkeypatch.setenv("COPILOT_USAGE_GRAPH_TOKEN", sim.state.token)
    new = copy_warehouse(cfg, tmp_path / "wh", extra_config=(
        '[alerts]\ntransport = "graph"\nfrom_address = "copilot-alerts@contoso.example"\n'
        'digest_address = "lead@contoso.example"\ndimensions = ["department"]\n'))
    path = Path(new.source)
    path.write_text(path.read_text().replace(cfg.graph.base_url, sim.base_url))
    return load_config(path)


def test_graph_sendmail_posts_mime_as_the_mailbox(graph_cfg, sim: Simulator, tmp_path):
    csv = tmp_path / "c.csv"
    csv.write_text("dimension,group_name,champion_name,champion_email,manager_email\n"
                   "department,Legal,Leo,leo@contoso.example,\n")
    import_champions(graph_cfg, csv)
    result = run_alerts(graph_cfg)
    assert result.exit_code == 0 and result.transport == "graph"
    assert [e["mailbox"] for e in sim.state.sent_mail] == ["copilot-alerts@contoso.example"] * 3
    assert all(e["content_type"] == "text/plain" for e in sim.state.sent_mail)
    msgs = [email.message_from_bytes(e["mime"], policy=email.policy.default) for e in sim.state.sent_mail]
    assert sorted(str(m["To"].addresses[0].addr_spec) for m in msgs) == [
        "lead@contoso.example", "lead@contoso.example", "leo@contoso.example"]
    leo = next(m for m in msgs if "leo@" in str(m["To"]))
    assert leo["Subject"].startswith("[Copilot adoption] Legal needs a Copilot follow-up: weekly active rate ")
    assert [p.get_content_type() for p in leo.walk()][-1] == "image/png"
    assert b"\r\n" in sim.state.sent_mail[0]["mime"]  # MIME with CRLF line ends, as Exchange expects
    assert "POST /v1.0/users/copilot-alerts@contoso.example/sendMail" in sim.state.requests
    stats = json.load(urllib.request.urlopen(f"{sim.base_url}/_sim/mail"))
    assert len(stats["sent"]) == 3

    assert run_alerts(graph_cfg).deliveries and len(sim.state.sent_mail) == 3  # idempotent


def test_missing_mail_send_fails_with_the_permission_named_and_retries(graph_cfg, sim: Simulator):
    sim.state.denied = {"Mail.Send"}
    result = run_alerts(graph_cfg)
    assert result.exit_code == 1 and len(result.failed) == 2
    assert all("Mail.Send" in d.detail and "HTTP 403" in d.detail for d in result.failed)
    assert sim.state.sent_mail == []
    sim.state.denied = set()
    retry = run_alerts(graph_cfg)
    assert retry.exit_code == 0 and len(sim.state.sent_mail) == 2


def test_simulator_rejects_bad_mime(sim: Simulator):
    req = urllib.request.Request(f"{sim.base_url}/v1.0/users/x@contoso.example/sendMail", data=b"%%%not base64",
                                 headers={"Authorization": f"Bearer {sim.state.token}", "Content-Type": "text/plain"})
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(req)
    assert e.value.code == 400 and b"ErrorMimeContentInvalidBase64String" in e.value.read()
    ok = urllib.request.Request(f"{sim.base_url}/v1.0/users/x@contoso.example/sendMail",
                                data=base64.b64encode(b"Subject: hi\r\n\r\nbody\r\n"),
                                headers={"Authorization": f"Bearer {sim.state.token}", "Content-Type": "text/plain"})
    assert urllib.request.urlopen(ok).status == 202


def test_unregistered_transport_is_a_clear_error(graph_cfg, monkeypatch):
    from alerts import send

    monkeypatch.delitem(send.TRANSPORTS, "graph")
    with pytest.raises(AlertError, match="connector.sendmail"):
        make_transport(graph_cfg)
