"""[privacy] bad input: a missing, short or changed pseudonymisation key and a warehouse that cannot be switched
are refused with a clear message before anything is written; a retention shorter than a configured metric needs
is refused naming both settings; the key is never printed."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from conftest import END, write_config
from privacy_fixtures import KEY

from connector.collect import collect
from connector.jobs import import_job
from connector.simulator.server import Simulator
from warehouse import pseudonyms
from warehouse.config import ConfigError, Secrets, load_config

FIX = Path(__file__).parent / "fixtures" / "imports"


def _config(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "config.toml"
    p.write_text('[auth]\nmethod = "token"\n' + text)
    return p


def test_retention_shorter_than_the_stagnation_lookback_is_refused_naming_both(tmp_path: Path):
    p = _config(tmp_path, "[model.stagnation]\nlookback_weeks = 20\ntrend_weeks = 20\n"
                          "[privacy]\nretention_days = 100\n")
    with pytest.raises(ConfigError) as e:
        load_config(p)
    assert "[privacy] retention_days = 100" in str(e.value) and "[model.stagnation] lookback_weeks" in str(e.value)
    assert "147" in str(e.value)  # 20 weeks and the week being built
    ok = _config(tmp_path, "[model.stagnation]\nlookback_weeks = 20\ntrend_weeks = 20\n"
                           "[privacy]\nretention_days = 147\n")
    assert load_config(ok).privacy.retention_days == 147


def test_retention_shorter_than_the_licence_cohorts_window_is_refused(tmp_path: Path):
    with pytest.raises(ConfigError, match=r"retention_days = 30 is shorter than the licence cohorts' 90-day window"):
        load_config(_config(tmp_path, "[privacy]\nretention_days = 30\n"))
    assert load_config(_config(tmp_path, "[privacy]\n")).privacy.retention_days == 0  # keep everything


def test_a_key_in_the_file_is_refused(tmp_path: Path):
    with pytest.raises(ConfigError, match="COPILOT_USAGE_PSEUDONYM_KEY"):
        load_config(_config(tmp_path, f'[privacy]\npseudonymise = true\npseudonym_key = "{KEY}"\n'))


def _counts(path: str) -> dict[str, int]:
    with duckdb.connect(path, read_only=True) as con:
        tables = [r[0] for r in con.execute("select table_name from information_schema.tables "
                                            "where table_type = 'BASE TABLE'").fetchall()]
        return {t: con.execute(f'select count(*) from "{t}"').fetchone()[0] for t in tables}


@pytest.fixture
def served(sim: Simulator) -> Simulator:
    sim.state.day -= 2
    return sim


def _collect(sim: Simulator, tmp_path: Path, extra: str):
    cfg = load_config(write_config(tmp_path, sim.base_url, extra))
    return cfg, collect(cfg, secrets=Secrets(None, sim.state.token, None))


def test_a_missing_key_is_refused_before_anything_is_written(served: Simulator, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv(pseudonyms.ENV, raising=False)
    with pytest.raises(pseudonyms.PrivacyError, match=r"needs the key in the environment variable "
                                                       "COPILOT_USAGE_PSEUDONYM_KEY; nothing was written"):
        _collect(served, tmp_path, "[privacy]\npseudonymise = true\n")
    assert not (tmp_path / "wh.duckdb").exists()
    monkeypatch.setenv(pseudonyms.ENV, "short")
    with pytest.raises(pseudonyms.PrivacyError, match="too short") as e:
        _collect(served, tmp_path, "[privacy]\npseudonymise = true\n")
    assert "short" not in str(e.value).replace("too short", "")  # the key itself is never in a message


def test_a_changed_key_is_refused_and_nothing_lands(served: Simulator, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(pseudonyms.ENV, KEY)
    cfg, result = _collect(served, tmp_path, "[privacy]\npseudonymise = true\n")
    assert result.exit_code == 0
    before = _counts(cfg.warehouse.path)
    other = "another-key-" + KEY
    monkeypatch.setenv(pseudonyms.ENV, other)
    served.state.day += 1
    with pytest.raises(pseudonyms.PrivacyError, match="not the key this warehouse was pseudonymised with") as e:
        collect(cfg, secrets=Secrets(None, served.state.token, None))
    assert other not in str(e.value) and KEY not in str(e.value)
    assert _counts(cfg.warehouse.path) == before
    with pytest.raises(pseudonyms.PrivacyError, match="not the key"):  # an admin-center import too
        import_job(cfg, [FIX / "copilot_chat_export.csv"], as_of=END, period_days=30)
    assert _counts(cfg.warehouse.path) == before
    # switched off for a pseudonymised warehouse: new rows would be in clear
    off = load_config(write_config(tmp_path, served.base_url, "[privacy]\npseudonymise = false\n"))
    with pytest.raises(pseudonyms.PrivacyError, match="this warehouse is pseudonymised"):
        collect(off, secrets=Secrets(None, served.state.token, None))
    assert _counts(cfg.warehouse.path) == before


def test_switching_on_for_a_warehouse_in_clear_is_refused(served: Simulator, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch):
    cfg, result = _collect(served, tmp_path, "")
    assert result.exit_code == 0
    before = _counts(cfg.warehouse.path)
    monkeypatch.setenv(pseudonyms.ENV, KEY)
    with pytest.raises(pseudonyms.PrivacyError, match="already holds user names in clear"):
        _collect(served, tmp_path, "[privacy]\npseudonymise = true\n")
    assert _counts(cfg.warehouse.path) == before
