import tomllib
from pathlib import Path

import pytest

from warehouse.config import Config, ConfigError, Secrets, load_config

ROOT = Path(__file__).resolve().parents[1]


def test_example_documents_every_key_with_its_default():
    example = tomllib.loads((ROOT / "config.example.toml").read_text())
    defaults = Config().model_dump(exclude={"source"})
    assert set(example) == set(defaults), "sections differ between config.example.toml and the model"
    for section, values in defaults.items():
        assert example[section] == values, f"[{section}] in config.example.toml drifted from the defaults"


def test_errors_name_the_file_and_key(tmp_path):
    p = tmp_path / "c.toml"
    p.write_text('[graph]\nbase_url = "ftp://x"\n[auth]\nmethod = "token"\n')
    with pytest.raises(ConfigError) as e:
        load_config(p)
    assert str(p) in str(e.value) and "[graph.base_url]" in str(e.value)

    p.write_text('[auth]\nmethod = "token"\nmetod = "x"\n')
    with pytest.raises(ConfigError, match=r"\[auth.metod\] unknown key"):
        load_config(p)

    p.write_text('[auth]\nmethod = "magic"\n')
    with pytest.raises(ConfigError, match=r"\[auth.method\]"):
        load_config(p)

    p.write_text('[auth]\nmethod = "client_secret"\nclient_id = "x"\n')
    with pytest.raises(ConfigError, match=r"\[auth\] tenant_id is required"):
        load_config(p)


def test_missing_file_and_bad_toml(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nope.toml")
    p = tmp_path / "c.toml"
    p.write_text("[graph\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(p)


def test_secrets_never_in_the_file_and_never_printed(tmp_path, monkeypatch):
    p = tmp_path / "c.toml"
    p.write_text('[auth]\nmethod = "client_secret"\ntenant_id = "t"\nclient_id = "c"\nclient_secret = "hunter2"\n')
    with pytest.raises(ConfigError) as e:
        load_config(p)
    assert "COPILOT_USAGE_CLIENT_SECRET" in str(e.value) and "hunter2" not in str(e.value)
    monkeypatch.setenv("COPILOT_USAGE_CLIENT_SECRET", "s3cr3t-value")
    s = Secrets.from_env()
    assert s.client_secret == "s3cr3t-value"
    assert "s3cr3t" not in repr(s) and "s3cr3t" not in str(s)


def test_base_url_normalised_and_version_rejected(tmp_path):
    p = tmp_path / "c.toml"
    p.write_text('[graph]\nbase_url = "https://graph.microsoft.us/"\n[auth]\nmethod = "token"\n')
    assert load_config(p).graph.base_url == "https://graph.microsoft.us"
    p.write_text('[graph]\nbase_url = "https://graph.microsoft.com/v1.0"\n[auth]\nmethod = "token"\n')
    with pytest.raises(ConfigError, match="without /v1.0"):
        load_config(p)
