"""One audit entry: its fields, their validation, canonical serialisation and hashes.

Pure: no file access. `log` writes the lines this module builds; `verify` re-checks them.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from archiver.errors import RefusedError
from archiver.i18n import _

FORMAT_VERSION = 1
GENESIS_TEXT = "archiver-audit-genesis-v1"
GENESIS = hashlib.sha256(GENESIS_TEXT.encode("ascii")).hexdigest()

RESULTS = ("ok", "failed", "refused", "interrupted")

# Every field of a stored entry, in the order they are documented.
ENTRY_FIELDS = (
    "v", "seq", "time", "operator", "os_user", "host", "command", "scope",
    "recipient", "legal_basis", "case_ref", "approved_by", "outputs", "result",
    "reason", "software", "prev", "hash",
)  # fmt: skip
# The fields a caller may give; the log fills in the rest.
CALLER_FIELDS = frozenset(
    {"command", "operator", "scope", "recipient", "legal_basis", "case_ref", "approved_by",
     "outputs", "result", "reason"}
)  # fmt: skip
# Scope keys allowed in an entry. A closed list, so that a caller cannot slip a student's
# name, an address or document text into the log under a new key by mistake.
SCOPE_KEYS = frozenset(
    {"school_id", "school_year", "term", "classes", "student_id", "documents", "period",
     "source", "source_sha256", "bundle", "config_fingerprint", "signed_by",
     "media", "shelf", "bundles"}
)  # fmt: skip
OUTPUT_KEYS = frozenset({"name", "sha256", "size", "kind"})

# Key names that suggest a secret; such a key is refused wherever it appears.
_SECRET_KEY = re.compile(r"pass(word|wd|phrase)?|pwd|has[lł]o|secret|\bpin\b", re.IGNORECASE)
_COMMAND = re.compile(r"^[a-z][a-z0-9-]{0,39}$")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
MAX_TEXT = 300  # longest string value: room for a legal basis, too short for a document
MAX_REASON = 200
MAX_ITEMS = 1000


class AuditFieldError(ValueError):
    """A caller passed a field the log does not accept (a programming error)."""


def canonical(obj: Mapping[str, Any]) -> str:
    """The one serialisation that hashes are computed over (sorted keys, no spaces)."""
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def sha256_hex(data: bytes) -> str:
    """SHA-256 of bytes as lowercase hex."""
    return hashlib.sha256(data).hexdigest()


def entry_hash(body: Mapping[str, Any]) -> str:
    """The entry's own hash: SHA-256 of its canonical JSON without the `hash` field."""
    return sha256_hex(canonical({k: v for k, v in body.items() if k != "hash"}).encode("utf-8"))


def line_hash(line: bytes) -> str:
    """What the next entry's `prev` holds: SHA-256 of this line's bytes without its newline."""
    return sha256_hex(line.rstrip(b"\n"))


def serialise(body: Mapping[str, Any]) -> bytes:
    """The stored line of an entry (with its own hash added), newline included."""
    full = dict(body)
    full["hash"] = entry_hash(body)
    return canonical(full).encode("utf-8") + b"\n"


@dataclass(frozen=True)
class AuditEntry:
    """One stored entry, as read back from the log; `line` is its 1-based line number."""

    v: int
    seq: int
    time: str
    operator: str
    os_user: str
    host: str
    command: str
    scope: dict[str, Any]
    recipient: str | None
    legal_basis: str | None
    case_ref: str | None
    approved_by: str | None
    outputs: list[dict[str, Any]]
    result: str
    reason: str | None
    software: dict[str, str]
    prev: str
    hash: str
    line: int = field(default=0, compare=False)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], line: int = 0) -> AuditEntry:
        """Build from a parsed line; raises AuditFieldError when a field is missing or extra."""
        keys = set(data)
        if keys != set(ENTRY_FIELDS):
            missing = sorted(set(ENTRY_FIELDS) - keys)
            extra = sorted(keys - set(ENTRY_FIELDS))
            raise AuditFieldError(_("missing fields {missing}, unexpected fields "
                                    "{extra}").format(missing=missing, extra=extra))
        return cls(**{name: data[name] for name in ENTRY_FIELDS}, line=line)

    def to_dict(self) -> dict[str, Any]:
        """The stored fields (without the line number)."""
        return {name: getattr(self, name) for name in ENTRY_FIELDS}


def _walk_keys(value: Any, path: str) -> Iterator[str]:
    if isinstance(value, Mapping):
        for key, item in value.items():
            here = f"{path}.{key}" if path else str(key)
            yield here
            yield from _walk_keys(item, here)
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _walk_keys(item, f"{path}[{index}]")


def _walk_strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield str(key)
            yield from _walk_strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _walk_strings(item)


def refuse_secrets(fields: Mapping[str, Any], secrets: Iterable[str | None] = ()) -> None:
    """Refuse fields holding a password-like key or any of the given secret values."""
    for path in _walk_keys(fields, ""):
        if _SECRET_KEY.search(path.rsplit(".", 1)[-1]):
            raise RefusedError(
                _("audit entry refused: field {path!r} looks like a password; "
                  "passwords are never recorded in the audit log").format(path=path)
            )
    wanted = [s for s in secrets if s]
    if wanted and any(s in text for text in _walk_strings(fields) for s in wanted):
        # The message names neither the field's value nor the secret.
        raise RefusedError(_("audit entry refused: a field holds the run's password"))


def _check_json_value(value: Any, where: str, depth: int = 0) -> None:
    if value is None or isinstance(value, bool | int):
        return
    if isinstance(value, str):
        if len(value) > MAX_TEXT:
            raise AuditFieldError(_("{where}: text longer than {MAX_TEXT} characters").format(
                                      where=where, MAX_TEXT=MAX_TEXT))
        return
    if depth >= 3:
        raise AuditFieldError(_("{where}: nested too deeply").format(where=where))
    if isinstance(value, list | tuple):
        if len(value) > MAX_ITEMS:
            raise AuditFieldError(_("{where}: more than {MAX_ITEMS} items").format(
                                      where=where, MAX_ITEMS=MAX_ITEMS))
        for index, item in enumerate(value):
            _check_json_value(item, f"{where}[{index}]", depth + 1)
        return
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise AuditFieldError(_("{where}: keys must be text").format(
                                          where=where))
            _check_json_value(item, f"{where}.{key}", depth + 1)
        return
    # Floats are refused on purpose: their text form is not canonical across languages.
    raise AuditFieldError(_("{where}: {name} values are not allowed").format(
                              where=where, name=type(value).__name__))


def _optional_text(fields: Mapping[str, Any], name: str) -> str | None:
    value = fields.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise AuditFieldError(_("{name}: expected text").format(name=name))
    value = value.strip()
    if len(value) > MAX_TEXT:
        raise AuditFieldError(_("{name}: text longer than {MAX_TEXT} characters").format(
                                  name=name, MAX_TEXT=MAX_TEXT))
    return value or None


def _check_outputs(outputs: Any) -> list[dict[str, Any]]:
    if not isinstance(outputs, list | tuple):
        raise AuditFieldError(_("outputs: expected a list of {name, sha256, size}"))
    checked = []
    for index, item in enumerate(outputs):
        where = f"outputs[{index}]"
        if not isinstance(item, Mapping) or not {"name", "sha256", "size"} <= set(item):
            raise AuditFieldError(_("{where}: expected a mapping with name, sha256 and "
                                    "size").format(where=where))
        if set(item) - OUTPUT_KEYS:
            raise AuditFieldError(_("{where}: unexpected keys {sorted}").format(
                                      where=where,
                                      sorted=sorted(set(item) - OUTPUT_KEYS)))
        if not isinstance(item["name"], str) or not item["name"]:
            raise AuditFieldError(_("{where}.name: expected a file name").format(
                                      where=where))
        if not isinstance(item["sha256"], str) or not _HEX64.match(item["sha256"]):
            raise AuditFieldError(_("{where}.sha256: expected 64 lowercase hex digits").format(
                                      where=where))
        size = item["size"]
        if isinstance(size, bool) or not isinstance(size, int) or size < 0:
            raise AuditFieldError(_("{where}.size: expected a whole number of bytes").format(
                                      where=where))
        _check_json_value(dict(item), where)
        checked.append(dict(item))
    return checked


def validate_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Check and normalise what a caller gives `AuditLog.append`; returns the clean fields.

    Raises RefusedError for a password-like key, AuditFieldError for anything else wrong.
    """
    refuse_secrets(fields)
    unknown = set(fields) - CALLER_FIELDS
    if unknown:
        raise AuditFieldError(_("unknown audit fields {sorted}").format(
                                  sorted=sorted(unknown)))
    command = fields.get("command")
    if not isinstance(command, str) or not _COMMAND.match(command):
        raise AuditFieldError(_("command: expected a lowercase command name such as "
                                "'term-end'"))
    operator = _optional_text(fields, "operator")
    if not operator:
        raise AuditFieldError(_("operator: must not be empty"))
    scope = fields.get("scope") or {}
    if not isinstance(scope, Mapping):
        raise AuditFieldError(_("scope: expected a mapping"))
    extra = set(scope) - SCOPE_KEYS
    if extra:
        raise AuditFieldError(
            _("scope: keys {sorted} are not allowed; allowed: {sorted2}").format(
                sorted=sorted(extra), sorted2=', '.join(sorted(SCOPE_KEYS)))
        )
    _check_json_value(dict(scope), "scope")
    result = fields.get("result", "ok")
    if result not in RESULTS:
        raise AuditFieldError(_("result: expected one of {RESULTS}").format(
                                  RESULTS=', '.join(RESULTS)))
    reason = _optional_text(fields, "reason")
    if reason and (len(reason) > MAX_REASON or "\n" in reason):
        raise AuditFieldError(_("reason: one line of at most {MAX_REASON} characters").format(
                                  MAX_REASON=MAX_REASON))
    clean = {name: _optional_text(fields, name)
             for name in ("recipient", "legal_basis", "case_ref", "approved_by")}  # fmt: skip
    clean.update(command=command, operator=operator, scope=dict(scope), result=result,
                 reason=reason, outputs=_check_outputs(fields.get("outputs") or []))  # fmt: skip
    return clean
