"""Storage faults injected at the one seam the bundle code writes through: os.write."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

_real_write = os.write


class DiskFault:
    """Makes writes into files under `folder` (whose path contains `match`) fail or
    misbehave, as a full, vanishing or failing medium would."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, folder: Path, *,
                 budget: int | None = None, match: str = ".partial-",
                 action: Callable[[], None] | None = None, corrupt: bool = False) -> None:
        self.folder = str(folder.resolve())
        self.budget, self.match, self.action, self.corrupt = budget, match, action, corrupt
        self.written = 0
        monkeypatch.setattr(os, "write", self._write)

    def _write(self, fd: int, data: bytes) -> int:
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            target = ""
        if not (target.startswith(self.folder) and self.match in target):
            return _real_write(fd, data)
        if self.action is not None:
            action, self.action = self.action, None
            action()
        if self.budget is not None and self.written + len(data) > self.budget:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self.written += len(data)
        if self.corrupt and len(data) > 100:
            altered = bytearray(data)
            altered[50] ^= 0xFF
            return _real_write(fd, bytes(altered))
        return _real_write(fd, data)


def can_mount() -> bool:
    return os.geteuid() == 0 and shutil.which("mount") is not None


@contextmanager
def tmpfs(folder: Path, options: str) -> Iterator[Path]:
    """A small tmpfs mounted at `folder` (root only)."""
    folder.mkdir(exist_ok=True)
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)],
                            capture_output=True, text=True)
    if result.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {result.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)
