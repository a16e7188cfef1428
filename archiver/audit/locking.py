"""An exclusive, process-wide lock on a file beside the audit log.

POSIX `flock` is released by the kernel when the holder dies, so a killed run never
leaves a stale lock behind. Where `fcntl` does not exist (Windows), `filelock` is used.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from archiver.errors import StorageError
from archiver.i18n import _

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

# Polling starts short, as the log is held only for one append, and backs off.
FIRST_POLL, MAX_POLL = 0.001, 0.05


def _timeout_error(path: Path, timeout: float) -> StorageError:
    return StorageError(
        _("the audit log is locked by another archiver run for more than {timeout:.0f} "
          "s (lock file {path})").format(timeout=timeout, path=path),
        hint=_("Wait until the other run ends and try again."),
    )


@contextmanager
def exclusive_lock(path: Path, timeout: float) -> Iterator[None]:
    """Hold an exclusive lock on `path` (created 0600) for the duration of the block."""
    if fcntl is None:  # pragma: no cover - Windows
        import filelock

        try:
            with filelock.FileLock(str(path), timeout=timeout, mode=0o600):
                yield
        except filelock.Timeout:
            raise _timeout_error(path, timeout) from None
        return
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0)
                     | getattr(os, "O_NOFOLLOW", 0), 0o600)  # never through a symlink
    except OSError as exc:
        raise StorageError(_("cannot open the audit lock file {path}: {strerror}").format(
                               path=path, strerror=exc.strerror)) from None
    try:
        deadline = time.monotonic() + timeout
        pause = FIRST_POLL
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise _timeout_error(path, timeout) from None
                time.sleep(pause)
                pause = min(pause * 2, MAX_POLL)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
