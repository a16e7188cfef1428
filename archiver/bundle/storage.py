"""Files that appear whole or not at all: partial names, fsync, publish without overwrite.

Everything is first written under `.NAME.partial-PID` in the target folder (a name that
never ends in `.zip`, so no tool takes it for a bundle), synced to the medium, checked,
and only then given its final name. A killed run leaves only partial files, which
`remove_stale_partials` clears on the next run. OS errors become StorageError.
"""

from __future__ import annotations

import errno
import os
import re
from pathlib import Path

import psutil

from archiver.errors import RefusedError, StorageError

PARTIAL_PATTERN = re.compile(r"^\.(?P<name>.+)\.partial-(?P<pid>\d+)$")

_REASONS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EROFS: "the medium is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
    errno.ENOENT: "the folder does not exist (any more)",
    errno.ENOTDIR: "the folder does not exist (any more)",
    errno.EIO: "input/output error (the medium may be failing or was unplugged)",
    errno.ENODEV: "the device vanished",
    errno.ENXIO: "the device vanished",
    errno.EFBIG: "the file is too large for this file system (FAT32 holds at most 4 GB)",
}


def storage_error(exc: OSError, action: str, where: Path) -> StorageError:
    """A StorageError saying what could not be done where, and why, in plain words."""
    reason = _REASONS.get(exc.errno or 0, exc.strerror or type(exc).__name__)
    return StorageError(
        f"cannot {action} in {where}: {reason}",
        hint="nothing was left under a final name; free space or choose another "
        "folder and run again",
    )


def partial_path(final: Path) -> Path:
    """The temporary name of `final` for this process: `.NAME.partial-PID`."""
    return final.with_name(f".{final.name}.partial-{os.getpid()}")


class OutputFile:
    """A new, owner-only file written through os.write; seekable, as zipfile needs.

    Writing through os.write keeps one small seam where tests inject a full disk.
    """

    def __init__(self, path: Path) -> None:
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
        self.path = path
        self._fd: int | None = os.open(path, flags, 0o600)
        self._position = 0

    def write(self, data: bytes) -> int:
        view = memoryview(data)
        while view:
            written = os.write(self._require(), view)
            view = view[written:]
            self._position += written
        return len(data)

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        self._position = os.lseek(self._require(), offset, whence)
        return self._position

    def seekable(self) -> bool:
        return True

    def writable(self) -> bool:
        return True

    def flush(self) -> None:
        """Nothing is buffered here; os.write hands every byte to the OS."""

    def sync(self) -> None:
        """Force the bytes to the medium."""
        os.fsync(self._require())

    def close(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            os.close(fd)

    def _require(self) -> int:
        if self._fd is None:
            raise ValueError("write to a closed OutputFile")
        return self._fd


def write_new_file(path: Path, data: bytes) -> None:
    """Create `path` (never existing before) with `data`, synced to the medium."""
    out = OutputFile(path)
    try:
        out.write(data)
        out.sync()
    finally:
        out.close()


def fsync_dir(folder: Path) -> None:
    """Make a rename durable; some file systems (FAT) cannot sync a folder: skip them."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.EBADF, errno.ENOTSUP):
            raise
    finally:
        os.close(fd)


def publish_new(temporary: Path, final: Path) -> None:
    """Give `temporary` the name `final`, refusing if `final` exists (never overwrite)."""
    try:
        os.link(temporary, final)  # atomic, and fails with EEXIST instead of replacing
    except FileExistsError:
        raise RefusedError(
            f"{final} already exists; a bundle is never overwritten",
            hint="move the old bundle away or write to another folder",
        ) from None
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK,
                             errno.ENOSYS):
            raise
        # No hard links here (FAT, exFAT sticks): check, then rename.
        if os.path.lexists(final):
            raise RefusedError(f"{final} already exists; a bundle is never overwritten") from None
        os.rename(temporary, final)
        return
    os.unlink(temporary)


def publish_pair(pairs: list[tuple[Path, Path]], folder: Path) -> None:
    """Publish each (temporary, final) in order; if one fails, withdraw those before it."""
    done: list[Path] = []
    try:
        for temporary, final in pairs:
            publish_new(temporary, final)
            done.append(final)
        fsync_dir(folder)
    except BaseException:
        for final in done:
            final.unlink(missing_ok=True)
        raise


def remove_quietly(*paths: Path) -> None:
    """Best-effort cleanup of partial files (their folder may have vanished)."""
    for path in paths:
        try:
            path.unlink(missing_ok=True)
        except OSError:
            pass


def _owner_alive(pid: int, modified: float) -> bool:
    try:
        started = psutil.Process(pid).create_time()
    except psutil.NoSuchProcess:
        return False
    except psutil.Error:  # not ours to inspect: assume it is a live run
        return True
    # A process that started after the file was last written is a reused pid.
    return started <= modified + 2


def _orphan_sidecar(name: str, names: set[str]) -> bool:
    return name.endswith(".zip.sha256") and name.removesuffix(".sha256") not in names


def remove_stale_partials(folder: Path) -> list[Path]:
    """Delete `.NAME.partial-PID` files whose writing process is gone, and sidecars whose
    bundle never got its name; return them."""
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except (FileNotFoundError, NotADirectoryError):
        return removed
    except OSError as exc:
        raise storage_error(exc, "look for partial files", folder) from None
    names = {entry.name for entry in entries}
    for entry in entries:
        if _orphan_sidecar(entry.name, names):
            pass  # a run killed between publishing the sidecar and the bundle
        else:
            match = PARTIAL_PATTERN.match(entry.name)
            if not match or not entry.is_file(follow_symlinks=False):
                continue
            if _owner_alive(int(match["pid"]), entry.stat(follow_symlinks=False).st_mtime):
                continue
        try:
            os.unlink(entry.path)
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise storage_error(exc, "remove a stale partial file", folder) from None
        removed.append(Path(entry.path))
    return removed
