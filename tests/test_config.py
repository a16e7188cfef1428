"""Configuration: the documented file equals the defaults; bad keys and values are named."""

from __future__ import annotations

from pathlib import Path

import pytest

from archiver.config import Config, load_config
from archiver.errors import ConfigError

REPO = Path(__file__).resolve().parents[1]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "archiver.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_documented_config_file_holds_the_defaults() -> None:
    assert load_config(REPO / "config" / "archiver.toml") == Config()


def test_counts_as_override_is_read(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, '[attendance.counts_as]\nzw = "absent"\n'))
    assert config.attendance.counts_as == {"zw": "absent"}


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("[school]\ndirektor = 'x'\n", "school.direktor"),
        ("[shcool]\n", "[shcool]"),
        ("[attendance.counts_as]\nzw = 'maybe'\n", "attendance.counts_as.zw"),
        ("[grades]\nplus = 'half'\n", "grades.plus"),
        ("[archive]\nretention_years = -3\n", "archive.retention_years"),
        ("[security]\nmin_password_bits = true\n", "security.min_password_bits"),
        ("[attendance]\nrisk_threshold = 120\n", "attendance.risk_threshold"),
        ("[attendance]\nrisk_threshold = -1\n", "attendance.risk_threshold"),
        ("[attendance]\nrisk_threshold = nan\n", "attendance.risk_threshold"),
        ("[attendance]\nrisk_threshold = '50%'\n", "attendance.risk_threshold"),
    ],
)
def test_unknown_key_or_bad_value_is_rejected_naming_the_key(
    tmp_path: Path, text: str, named: str
) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, text))
    assert named in str(info.value)


def test_broken_toml_names_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "[school\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(path)


def test_fingerprint_changes_with_settings_that_change_documents(tmp_path: Path) -> None:
    overridden = load_config(write(tmp_path, '[attendance.counts_as]\nzw = "absent"\n'))
    assert overridden.fingerprint() != Config().fingerprint()


def test_risk_threshold_is_read_as_a_percentage(tmp_path: Path) -> None:
    assert Config().attendance.risk_threshold == 50
    config = load_config(write(tmp_path, "[attendance]\nrisk_threshold = 62.5\n"))
    assert config.attendance.risk_threshold == 62.5
    assert config.fingerprint() != Config().fingerprint()
