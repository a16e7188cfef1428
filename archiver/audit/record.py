"""`record()`: the one way a job writes its audit entry, whatever way the job ends."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archiver import published
from archiver.audit.entry import AuditEntry, refuse_secrets, validate_fields
from archiver.audit.log import AuditLog
from archiver.errors import ArchiverError, RefusedError, StorageError
from archiver.i18n import _
from archiver.interrupts import deferred

_CHUNK = 1 << 20


@dataclass
class AuditRecord:
    """What a running job will record; fill `outputs` (and `reason` before a failure)."""

    command: str
    operator: str
    scope: dict[str, Any] = field(default_factory=dict)
    recipient: str | None = None
    legal_basis: str | None = None
    case_ref: str | None = None
    approved_by: str | None = None
    outputs: list[dict[str, Any]] = field(default_factory=list)
    reason: str | None = None  # short and free of personal data; kept if the job sets it
    entry: AuditEntry | None = None  # the stored entry, once the block has ended
    listed: set[Path] = field(default_factory=set)  # files already among the outputs

    def add_output(
        self, path: str | os.PathLike, *, name: str | None = None, kind: str | None = None
    ) -> dict[str, Any]:
        """Hash a written file and list it (under `name`, default its file name)."""
        digest = hashlib.sha256()
        size = 0
        with open(path, "rb") as fh:
            while chunk := fh.read(_CHUNK):
                digest.update(chunk)
                size += len(chunk)
        self.listed.add(_key(path))
        return self._add(name or Path(path).name, digest.hexdigest(), size, kind)

    def add_output_bytes(
        self, name: str, data: bytes, *, kind: str | None = None,
        path: str | os.PathLike | None = None,
    ) -> dict[str, Any]:
        """List an output that exists only in memory or inside a bundle (or was written
        to `path` from these bytes)."""
        if path is not None:
            self.listed.add(_key(path))
        return self._add(name, hashlib.sha256(data).hexdigest(), len(data), kind)

    def add_published(self, files: list[published.Published]) -> list[Path]:
        """List every journaled file that still exists and is not listed yet; returns
        the paths of all journaled files that exist (what a withdrawal would remove)."""
        kinds: dict[Path, str | None] = {}
        for item in files:  # a later note may say what kind a file is
            kinds[item.path] = item.kind or kinds.get(item.path)
        existing = [path for path in kinds if os.path.lexists(path)]
        for path in existing:
            kind = kinds[path] or _kind_of(path)
            if _key(path) not in self.listed:
                try:
                    self.add_output(path, kind=kind)
                except OSError:
                    self._add(path.name, "", 0, kind)
        return existing

    def add_digest(self, name: str, sha256: str, size: int, kind: str | None = None
                   ) -> dict[str, Any]:
        """List an output already hashed elsewhere (e.g. a verified bundle)."""
        return self._add(name, sha256, size, kind)

    def _add(self, name: str, sha256: str, size: int, kind: str | None) -> dict[str, Any]:
        item: dict[str, Any] = {"name": name, "sha256": sha256, "size": size}
        if kind:
            item["kind"] = kind
        self.outputs.append(item)
        return item

    def fields(self, result: str = "ok") -> dict[str, Any]:
        """The caller fields of the entry this record becomes."""
        return {
            "command": self.command, "operator": self.operator, "scope": self.scope,
            "recipient": self.recipient, "legal_basis": self.legal_basis,
            "case_ref": self.case_ref, "approved_by": self.approved_by,
            "outputs": self.outputs, "result": result, "reason": self.reason,
        }  # fmt: skip


def _key(path: str | os.PathLike) -> Path:
    return Path(os.path.abspath(path))


def _kind_of(path: Path) -> str | None:
    if path.name.endswith(".sha256"):
        return "checksum"
    return "bundle" if path.suffix == ".zip" else None


def _withdraw(paths: list[Path]) -> tuple[list[Path], list[Path]]:
    """Remove what this run published; returns (removed, still there)."""
    removed, left = [], []
    for path in reversed(paths):
        try:
            path.unlink()
            removed.append(path)
        except FileNotFoundError:
            continue
        except OSError:
            left.append(path)
    return removed, left


def _unrecorded(audit_exc: BaseException, removed: list[Path], left: list[Path]) -> str:
    """Says why the entry is missing and which files exist (never the log's contents)."""
    why = audit_exc.message if isinstance(audit_exc, ArchiverError) else type(audit_exc).__name__
    text = _("the audit entry could not be written ({why})").format(why=why)
    if removed:
        text += _("; so that nothing stands unrecorded, what this run published was "
                  "withdrawn: {files}").format(files=", ".join(str(p) for p in reversed(removed)))
    if left:
        text += _("; these files exist but are NOT recorded in the audit log (they could not "
                  "be removed): {files}").format(files=", ".join(str(p) for p in left))
    return text


def _say_what_exists(exc: BaseException, paths: list[Path]) -> None:
    """A failed job that published some files says which exist (they are recorded)."""
    if not paths:
        return
    if not isinstance(exc, ArchiverError):
        exc.published = paths  # type: ignore[attr-defined]  # the CLI names them
        return
    exc.hint = ("these files were made before the failure and stay, recorded in the audit "
                "log: " + ", ".join(str(p) for p in paths))


def _amend(exc: BaseException, text: str) -> None:
    if isinstance(exc, ArchiverError):
        exc.message = f"{exc.message}; {text}"
        exc.hint = None
    else:
        exc.add_note(text)


def _outcome(exc: BaseException) -> tuple[str, str]:
    """Result and reason for an exception; never its message, which may hold personal data."""
    if isinstance(exc, KeyboardInterrupt | SystemExit):
        return "interrupted", "interrupted"
    if isinstance(exc, RefusedError):
        return "refused", f"refused ({type(exc).__name__})"
    if isinstance(exc, ArchiverError):
        return "failed", f"{type(exc).__name__} (exit {int(exc.exit_code)})"
    return "failed", f"internal error ({type(exc).__name__})"


@contextmanager
def record(
    log: AuditLog | str | os.PathLike,
    command: str,
    *,
    operator: str,
    scope: dict[str, Any] | None = None,
    recipient: str | None = None,
    legal_basis: str | None = None,
    case_ref: str | None = None,
    approved_by: str | None = None,
    secrets: Iterable[str | None] = (),
    record_refusals: bool = True,
) -> Iterator[AuditRecord]:
    """Append exactly one entry to `log` (an AuditLog or a state directory) when the block ends.

    The result is ok, failed, refused or interrupted (KeyboardInterrupt, SystemExit).

    Checks the fields and that the log accepts an append *before* the block runs, so a
    bad entry or a damaged log stops the job before it writes anything. Exceptions are
    re-raised. With `record_refusals=False` a RefusedError leaves no entry.
    """
    if not isinstance(log, AuditLog):
        log = AuditLog(log)
    secrets = [s for s in secrets if s]
    rec = AuditRecord(command, operator, dict(scope or {}), recipient, legal_basis,
                      case_ref, approved_by)  # fmt: skip
    refuse_secrets(rec.fields(), secrets)
    validate_fields(rec.fields())
    log.check_writable()
    with published.journal() as made:
        try:
            yield rec
        except BaseException as exc:
            with deferred():
                _record_failure(log, rec, exc, made, secrets, record_refusals)
            raise
        existing: list[Path] = []
        try:
            with deferred() as pending:
                existing = rec.add_published(made)
                # A signal that came while the job finished: it was interrupted, say so.
                result = "interrupted" if pending() else "ok"
                if result == "interrupted":
                    rec.reason = rec.reason or "interrupted"
                try:
                    rec.entry = log.append(rec.fields(result), secrets=secrets)
                except Exception as audit_exc:
                    raise StorageError(_unrecorded(audit_exc, *_withdraw(existing))) from None
        except KeyboardInterrupt as exc:  # the held signal, acting now
            _say_what_exists(exc, existing)
            raise


def _record_failure(log: AuditLog, rec: AuditRecord, exc: BaseException,
                    made: list[published.Published], secrets: list[str],
                    record_refusals: bool) -> None:
    existing = rec.add_published(made)
    if isinstance(exc, RefusedError) and not record_refusals and not existing:
        return
    result, reason = _outcome(exc)
    rec.reason = rec.reason or reason
    try:
        rec.entry = log.append(rec.fields(result), secrets=secrets)
    except Exception as audit_exc:  # keep the job's own error; say what exists
        _amend(exc, _unrecorded(audit_exc, *_withdraw(existing)))
    else:
        _say_what_exists(exc, existing)
