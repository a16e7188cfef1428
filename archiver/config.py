"""Settings, read once from a TOML file; imports nothing of the package but `errors`.

Every key is documented in `config/archiver.toml`, which holds the defaults. An unknown
key or a bad value is rejected naming the key and what is allowed.
"""

from __future__ import annotations

import hashlib
import json
import os
import tomllib
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from archiver.errors import ConfigError
from archiver.i18n import _

COUNTS_AS = ("present", "absent", "excluded")


@dataclass(frozen=True)
class SchoolSettings:
    name: str = ""  # printed school name; empty = the export's school.name
    director: str = ""  # director's name on protocols; empty = staff with the director role
    seal: str = ""  # text of the school's seal (pieczęć) printed on protocols
    place: str = ""  # town of the certification "Lipowo, 4 grudnia 2026 r."; empty = address
    operator: str = ""  # who prints, when --operator is not given; empty = the OS account


@dataclass(frozen=True)
class ArchiveSettings:
    category: str = "B5"  # JRWA archive category of class registers
    retention_years: int = 5  # full years from 1 January after the school year ends


@dataclass(frozen=True)
class AttendanceSettings:
    counts_as: dict[str, str] = field(default_factory=dict)  # symbol -> present/absent/excluded
    # A pupil whose attendance in a subject is strictly below this percentage is listed as
    # at risk of not being classified in it (the 50% rule of the assessment provisions).
    risk_threshold: float = 50.0


@dataclass(frozen=True)
class GradeSettings:
    plus: float = 0.5  # what "+" adds to a grade in the weighted average (4+ = 4.5)
    minus: float = -0.25  # what "-" adds (4- = 3.75)


@dataclass(frozen=True)
class PathSettings:
    output_dir: str = "archiwum"
    state_dir: str = ""  # empty = $XDG_STATE_HOME/archiver or ~/.local/state/archiver


@dataclass(frozen=True)
class SecuritySettings:
    min_password_bits: int = 80  # refuse given passwords estimated weaker than this


@dataclass(frozen=True)
class SigningSettings:
    timestamp_url: str = ""  # RFC 3161 time-stamping authority; empty = no timestamps
    timestamp_credentials_file: str = ""  # file whose first line is USER:PASSWORD for it


@dataclass(frozen=True)
class Config:
    """All settings of one run."""

    school: SchoolSettings = field(default_factory=SchoolSettings)
    archive: ArchiveSettings = field(default_factory=ArchiveSettings)
    attendance: AttendanceSettings = field(default_factory=AttendanceSettings)
    grades: GradeSettings = field(default_factory=GradeSettings)
    paths: PathSettings = field(default_factory=PathSettings)
    security: SecuritySettings = field(default_factory=SecuritySettings)
    signing: SigningSettings = field(default_factory=SigningSettings)
    source_file: str | None = field(default=None, compare=False)

    def fingerprint(self) -> str:
        """SHA-256 of the settings that change documents (a cache key ingredient)."""
        data = asdict(self)
        data.pop("source_file", None)
        data.pop("paths", None)
        data.pop("signing", None)  # signatures are added after rendering
        blob = json.dumps(data, sort_keys=True, ensure_ascii=False).encode()
        return hashlib.sha256(blob).hexdigest()

    def state_dir(self, override: str | os.PathLike | None = None) -> Path:
        """The state directory: explicit option, ARCHIVER_STATE_DIR, configuration, default."""
        chosen = override or os.environ.get("ARCHIVER_STATE_DIR") or self.paths.state_dir
        if chosen:
            return Path(chosen).expanduser()
        base = os.environ.get("XDG_STATE_HOME")
        if not base:
            try:
                base = str(Path.home() / ".local" / "state")
            except (RuntimeError, KeyError, OSError):  # no HOME and no passwd entry
                raise ConfigError(
                    _("this account has no home folder (no HOME and no passwd entry) "
                      "to keep the state directory in"),
                    hint=_("give --state-dir DIR or set ARCHIVER_STATE_DIR")) from None
        return Path(base) / "archiver"


_SECTIONS = {f.name: f.type for f in fields(Config) if f.name != "source_file"}
_SECTION_CLASSES: dict[str, type] = {
    "school": SchoolSettings,
    "archive": ArchiveSettings,
    "attendance": AttendanceSettings,
    "grades": GradeSettings,
    "paths": PathSettings,
    "security": SecuritySettings,
    "signing": SigningSettings,
}


def _check_type(key: str, value: Any, expected: Any) -> Any:
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    if expected in (float, "float") and is_number:
        return float(value)
    if expected in (int, "int") and isinstance(value, int) and not isinstance(value, bool):
        return value
    if expected in (str, "str") and isinstance(value, str):
        return value
    names = {"float": _("a number"), "int": _("a whole number"), "str": _("text")}
    raise ConfigError(
        _("configuration key {key}: expected {expected}, found {value!r}").format(
            key=key, expected=names.get(str(expected), expected), value=value)
    )


def _build_section(name: str, data: Any) -> Any:
    cls = _SECTION_CLASSES[name]
    if not isinstance(data, dict):
        raise ConfigError(_("configuration key [{name}] must be a table").format(
                              name=name))
    allowed = {f.name: f for f in fields(cls)}
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key not in allowed:
            raise ConfigError(
                _("unknown configuration key {name}.{key}").format(name=name, key=key),
                hint=_("allowed keys in [{name}]: {keys}").format(
                         name=name, keys=', '.join(sorted(allowed))),
            )
        if name == "attendance" and key == "counts_as":
            values[key] = _counts_as(value)
        else:
            values[key] = _check_type(f"{name}.{key}", value, allowed[key].type)
    section = cls(**values)
    _check_ranges(name, section)
    return section


def _counts_as(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        raise ConfigError(_("configuration key [attendance.counts_as] must be a table"))
    result: dict[str, str] = {}
    for symbol, category in value.items():
        if category not in COUNTS_AS:
            raise ConfigError(
                _("configuration key attendance.counts_as.{symbol}: {category!r} is "
                  "not allowed").format(symbol=symbol, category=category),
                hint=_("allowed: {values}").format(values=", ".join(COUNTS_AS)),
            )
        result[str(symbol)] = category
    return result


def _check_ranges(name: str, section: Any) -> None:
    if name == "archive" and not 0 <= section.retention_years <= 100:
        raise ConfigError(_("configuration key archive.retention_years: expected 0 to "
                            "100"))
    if name == "archive" and not section.category.strip():
        raise ConfigError(_("configuration key archive.category must not be empty"))
    if name == "grades" and not (0 <= section.plus < 1 and -1 < section.minus <= 0):
        raise ConfigError(
            _("configuration keys grades.plus / grades.minus: expected 0 <= plus < 1 "
              "and -1 < minus <= 0")
        )
    if name == "attendance" and not 0 <= section.risk_threshold <= 100:
        raise ConfigError(_("configuration key attendance.risk_threshold: expected a "
                            "percentage from 0 to 100, found {risk_threshold:g}").format(
                              risk_threshold=section.risk_threshold))
    if name == "signing" and section.timestamp_url and not section.timestamp_url.startswith(
            ("http://", "https://")):
        raise ConfigError(_("configuration key signing.timestamp_url: expected an "
                            "http:// or https:// address of an RFC 3161 time-stamping "
                            "authority"))
    if name == "security" and not 0 <= section.min_password_bits <= 256:
        raise ConfigError(_("configuration key security.min_password_bits: expected 0 "
                            "to 256"))


def parse_config(data: dict[str, Any], source_file: str | None = None) -> Config:
    """Build a Config from parsed TOML, rejecting unknown keys and bad values."""
    sections: dict[str, Any] = {}
    for name, value in data.items():
        if name not in _SECTIONS:
            raise ConfigError(
                _("unknown configuration section [{name}]").format(name=name),
                hint=_("allowed sections: {sections}").format(
                    sections=", ".join(sorted(_SECTIONS))),
            )
        sections[name] = _build_section(name, value)
    return replace(Config(**sections), source_file=source_file)


def load_config(path: str | os.PathLike | None = None) -> Config:
    """Read the configuration: the given file, else $ARCHIVER_CONFIG, else the defaults."""
    chosen = path or os.environ.get("ARCHIVER_CONFIG")
    if not chosen:
        return Config()
    file = Path(chosen)
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(_("configuration file {file} does not exist").format(
                              file=file)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(
            _("configuration file {file} cannot be read: {name}").format(
                file=file, name=exc.__class__.__name__)
        ) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(_("configuration file {file} is not valid TOML: {exc}").format(
                              file=file, exc=exc)) from None
    return parse_config(data, source_file=str(file))
