"""The [alerts] configuration: addresses, schedule keys, SMTP TLS choice; the SMTP password never in the file."""

from __future__ import annotations

import pytest

from alerts.run import check_addresses, run_alerts
from alerts.send import AlertError, SmtpTransport, make_transport
from warehouse.config import ConfigError, load_config


def cfg_with(tmp_path, alerts: str):
    p = tmp_path / "c.toml"
    p.write_text(f'[auth]\nmethod = "token"\n{alerts}\n')
    return p


def test_smtp_password_in_the_file_is_refused(tmp_path):
    p = cfg_with(tmp_path, '[alerts.smtp]\nusername = "relay"\npassword = "hunter2"\n')
    with pytest.raises(ConfigError) as e:
        load_config(p)
    assert "COPILOT_USAGE_SMTP_PASSWORD" in str(e.value) and "hunter2" not in str(e.value)


@pytest.mark.parametrize(("alerts", "key"), [
    ('[alerts]\nfrom_address = "not an address"\n', "[alerts.from_address]"),
    ('[alerts]\nweekday = "monday"\n', "[alerts.weekday]"),
    ('[alerts]\ntime = "8am"\n', "[alerts.time]"),
    ('[alerts]\ntransport = "pigeon"\n', "[alerts.transport]"),
    ('[alerts]\ndimensions = ["tenant"]\n', "[alerts.dimensions.0]"),
    ('[alerts.smtp]\nssl = true\nstarttls = true\n', "[alerts.smtp]"),
    ('[alerts]\ndashboard_url = "dash.local"\n', "[alerts.dashboard_url]"),
])
def test_bad_values_name_the_key(tmp_path, alerts, key):
    with pytest.raises(ConfigError) as e:
        load_config(cfg_with(tmp_path, alerts))
    assert key in str(e.value)


def test_addresses_are_required_and_normalised(tmp_path, monkeypatch):
    cfg = load_config(cfg_with(tmp_path, ""))
    with pytest.raises(AlertError, match=r"\[alerts\] from_address is empty"):
        run_alerts(cfg)
    cfg = load_config(cfg_with(tmp_path, '[alerts]\nfrom_address = "Copilot@Contoso.EXAMPLE"\n'))
    assert cfg.alerts.from_address == "Copilot@contoso.example"
    with pytest.raises(AlertError, match="digest_address"):
        check_addresses(cfg)
    cfg = load_config(cfg_with(tmp_path, '[alerts]\nfrom_address = "a@contoso.example"\n'
                                         'digest_address = "b@contoso.example"\n[alerts.smtp]\nusername = "relay"\n'))
    monkeypatch.delenv("COPILOT_USAGE_SMTP_PASSWORD", raising=False)
    with pytest.raises(AlertError, match="COPILOT_USAGE_SMTP_PASSWORD"):
        make_transport(cfg)
    monkeypatch.setenv("COPILOT_USAGE_SMTP_PASSWORD", "s3cret")
    t = make_transport(cfg)
    assert isinstance(t, SmtpTransport) and t.envelope_from == "a@contoso.example"
    assert "s3cret" not in repr(vars(t).get("smtp")) and make_transport(cfg, dry_run=True).name == "outbox"
