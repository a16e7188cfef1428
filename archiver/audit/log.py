"""The audit log file: locked appends, reading back, verification and torn-tail recovery."""

from __future__ import annotations

import getpass
import os
import socket
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from archiver import SOFTWARE_NAME, __version__
from archiver.audit.entry import (
    FORMAT_VERSION,
    GENESIS,
    AuditEntry,
    refuse_secrets,
    serialise,
    sha256_hex,
    validate_fields,
)
from archiver.audit.locking import exclusive_lock
from archiver.audit.verify import AuditVerdict, parse_line, split_lines, verify_bytes
from archiver.errors import AuditLogDamaged, RefusedError, StorageError, UsageError
from archiver.files import fsync_dir
from archiver.i18n import N_, _
from archiver.statedir import open_private_dir

LOG_NAME = "audit.jsonl"
LOCK_NAME = "audit.lock"
RECOVER_COMMAND = "audit-recover"
_TAIL_CHUNK = 8192
# Never through a symlink (a planted one would send the writes outside the state dir).
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)


def utc_now() -> datetime:
    """The real clock in UTC (never SOURCE_DATE_EPOCH: the log records when things happened)."""
    return datetime.now(UTC)


def format_time(moment: datetime) -> str:
    """ISO 8601 in UTC with a `Z`, to the second."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def os_user() -> str:
    """The account the process runs under (may differ from --operator)."""
    try:
        return getpass.getuser()
    except Exception:  # no passwd entry, e.g. in a container
        return str(os.getuid()) if hasattr(os, "getuid") else "unknown"


def _read_nofollow(path: Path) -> bytes:
    """The whole file, refusing to follow a symlink (ELOOP)."""
    fd = os.open(path, os.O_RDONLY | _NOFOLLOW)
    with os.fdopen(fd, "rb") as fh:
        return fh.read()


def _last_line(fh: Any, size: int) -> bytes:
    """The file's last line (with its newline, if it has one), read backwards from the end."""
    end = size - 1 if size else 0  # skip the final newline when looking for the one before
    pos = end
    while pos > 0:
        start = max(0, pos - _TAIL_CHUNK)
        fh.seek(start)
        found = fh.read(pos - start).rfind(b"\n")
        if found != -1:
            fh.seek(start + found + 1)
            return fh.read()
        pos = start
    fh.seek(0)
    return fh.read()


class AuditLog:
    """The hash-chained, append-only audit log `audit.jsonl` of one state directory."""

    def __init__(
        self,
        state_dir: str | os.PathLike,
        *,
        clock: Callable[[], datetime] = utc_now,
        lock_timeout: float = 60.0,
    ) -> None:
        self.state_dir = Path(state_dir)
        self.path = self.state_dir / LOG_NAME
        self.lock_path = self.state_dir / LOCK_NAME
        self._clock = clock
        self._lock_timeout = lock_timeout

    @classmethod
    def for_config(cls, config: Any, state_dir: str | os.PathLike | None = None) -> AuditLog:
        """The log of the state directory that --state-dir, the environment or `config` name."""
        return cls(config.state_dir(state_dir))

    def _ensure_dir(self) -> None:
        """Create the state directory (0700, parents too); refuse one others could write."""
        try:
            open_private_dir(self.state_dir)
        except OSError as exc:
            raise StorageError(
                _("cannot create the state directory {state_dir}: {strerror}").format(
                    state_dir=self.state_dir, strerror=exc.strerror)
            ) from None

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self._ensure_dir()
        with exclusive_lock(self.lock_path, self._lock_timeout):
            yield

    def _chain_point(self, size: int) -> tuple[int, str]:
        """Sequence number and `prev` for the next entry; refuses a damaged last line."""
        if size == 0:
            return 1, GENESIS
        try:
            with os.fdopen(os.open(self.path, os.O_RDONLY | _NOFOLLOW), "rb") as fh:
                last = _last_line(fh, size)
        except OSError as exc:
            raise StorageError(_("cannot read the audit log {path}: {strerror}").format(
                                   path=self.path, strerror=exc.strerror)) from None
        if not last.endswith(b"\n"):
            raise AuditLogDamaged(
                _("the audit log {path} ends with an incomplete entry (line "
                  "{line_count}); nothing is chained onto it").format(
                    path=self.path, line_count=self._line_count())
            )
        try:
            entry = parse_line(last.rstrip(b"\n"))
        except ValueError as exc:
            raise AuditLogDamaged(
                _("the last entry of the audit log {path} (line {line_count}) is "
                  "damaged ({exc}); nothing is chained onto it").format(
                    path=self.path, line_count=self._line_count(), exc=exc)
            ) from None
        return entry.seq + 1, sha256_hex(last.rstrip(b"\n"))

    def _line_count(self) -> int:
        lines, _torn = split_lines(_read_nofollow(self.path))
        return len(lines)

    def _body(self, clean: dict[str, Any], seq: int, prev: str) -> dict[str, Any]:
        return {
            **clean,
            "v": FORMAT_VERSION,
            "seq": seq,
            "time": format_time(self._clock()),
            "os_user": os_user(),
            "host": socket.gethostname(),
            "software": {"name": SOFTWARE_NAME, "version": __version__},
            "prev": prev,
        }

    def _write(self, line: bytes) -> None:
        created = not self.path.exists()
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | _NOFOLLOW
        try:
            fd = os.open(self.path, flags, 0o600)
        except OSError as exc:
            raise StorageError(_("cannot open the audit log {path}: {strerror}").format(
                                   path=self.path, strerror=exc.strerror)) from None
        try:
            if hasattr(os, "fchmod"):
                os.fchmod(fd, 0o600)  # the log holds personal data: owner only
            size = os.fstat(fd).st_size
            try:
                written = os.write(fd, line)  # one write: a crash leaves all of it or a tail
                if written != len(line):
                    raise OSError(28, "short write")
                os.fsync(fd)
            except OSError as exc:
                # Leave the log as it was rather than with a torn entry at its end.
                try:
                    os.ftruncate(fd, size)
                    os.fsync(fd)
                except OSError:
                    pass
                raise StorageError(
                    _("cannot write to the audit log {path}: {strerror}").format(
                        path=self.path, strerror=exc.strerror)
                ) from None
        finally:
            os.close(fd)
        if created:
            fsync_dir(self.state_dir)

    def _append_locked(self, clean: dict[str, Any], secrets: Iterable[str | None]) -> AuditEntry:
        size = self.path.stat().st_size if self.path.exists() else 0
        seq, prev = self._chain_point(size)
        body = self._body(clean, seq, prev)
        refuse_secrets(body, secrets)
        line = serialise(body)
        self._write(line)
        return parse_line(line.rstrip(b"\n"))

    def append(self, fields: dict[str, Any], *, secrets: Iterable[str | None] = ()) -> AuditEntry:
        """Validate `fields` and append them as one chained entry; returns the stored entry.

        `secrets` (e.g. the run's password) are refused if any field holds one of them.
        """
        clean = validate_fields(fields)
        secrets = list(secrets)
        with self._locked():
            entry = self._append_locked(clean, secrets)
        return entry

    def check_writable(self) -> None:
        """Raise AuditLogDamaged now if an append would be refused (call before any work)."""
        with self._locked():
            size = self.path.stat().st_size if self.path.exists() else 0
            self._chain_point(size)

    def read_bytes(self) -> bytes:
        """The whole log as stored (empty when there is none yet)."""
        try:
            return _read_nofollow(self.path)
        except FileNotFoundError:
            return b""
        except OSError as exc:
            raise StorageError(_("cannot read the audit log {path}: {strerror}").format(
                                   path=self.path, strerror=exc.strerror)) from None

    def entries(self) -> Iterator[AuditEntry]:
        """Every entry that parses and matches its own hash, in file order; damaged lines skipped.

        Use `verify()` to know whether the chain as a whole holds.
        """
        lines, _torn = split_lines(self.read_bytes())
        for number, raw in enumerate(lines, 1):
            try:
                entry = parse_line(raw)
            except ValueError:
                continue
            yield AuditEntry(**{**entry.to_dict(), "line": number})

    def verify(self, expect_head: str | None = None) -> AuditVerdict:
        """Check the whole chain; see `archiver.audit.verify.verify_bytes`."""
        return verify_bytes(self.read_bytes(), expect_head)

    def recover(self, operator: str) -> AuditEntry:
        """Set a torn last line aside in a file beside the log and record that in the chain.

        Refuses when the log verifies or is damaged in any other way than a torn last line.
        """
        clean = validate_fields({"command": RECOVER_COMMAND, "operator": operator,
                                 "reason": "incomplete last line set aside"})  # fmt: skip
        with self._locked():
            data = self.read_bytes()
            verdict = verify_bytes(data)
            if verdict.ok:
                raise UsageError(_("nothing to recover: the audit log verifies"))
            if verdict.kind != "truncated":
                raise RefusedError(
                    _("the audit log is damaged at {describe}; recover only sets aside "
                      "an incomplete last line").format(describe=verdict.describe()),
                    hint=_("Keep the file as it is: it is evidence. Move it away to "
                           "start a new log, and keep both."),
                )
            cut = data.rfind(b"\n") + 1
            torn_name = self._set_aside(data[cut:])
            self._truncate(cut)
            clean["outputs"] = [{"name": torn_name, "sha256": sha256_hex(data[cut:]),
                                 "size": len(data) - cut, "kind": "torn-line"}]  # fmt: skip
            return self._append_locked(clean, ())

    def _set_aside(self, torn: bytes) -> str:
        stamp = self._clock().astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        name = f"audit-torn-{stamp}.bin"
        target = self.state_dir / name
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, torn)
            os.fsync(fd)
        finally:
            os.close(fd)
        return name

    def _truncate(self, size: int) -> None:
        fd = os.open(self.path, os.O_WRONLY | _NOFOLLOW)
        try:
            os.ftruncate(fd, size)
            os.fsync(fd)
        finally:
            os.close(fd)


BROKEN_HINT = N_(
    "A truncated last line comes from a crash during writing: `archiver audit recover` sets "
    "it aside and records that. Any other break is evidence of a change: keep the file as it "
    "is and report it to the data protection officer."
)


def require_intact(log: AuditLog) -> int:
    """Raise AuditLogDamaged naming the first broken entry unless the whole chain verifies."""
    verdict = log.verify()
    if not verdict.ok:
        raise AuditLogDamaged(
            _("the audit log {path} does not verify: {describe}").format(
                path=log.path, describe=verdict.describe()), _(BROKEN_HINT)
        )
    return verdict.count
