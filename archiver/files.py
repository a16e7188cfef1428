"""Files that appear whole or not at all: the one way archiver writes a file that matters.

Everything is first written under `.NAME.partial-PID` in the target folder (a name that
never ends in `.zip`, so no tool takes it for a bundle), owner-only, synced to the medium,
and only then given its final name (a hard link that fails rather than overwrite, or a
rename where asked to replace), the folder synced after. A killed run leaves only partial
files, which `remove_stale_partials` clears on the next run. OS errors become StorageError
and refusals RefusedError, both naming the file at hand.

`write_whole` serves every file written in one piece (printouts, the protocol, the cover
letter, password slips, registers, the shelf index, render cache entries); the bundle
writer and the copier stream through `OutputFile` and `publish_pair`.
"""

from __future__ import annotations

import errno
import os
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import psutil

from archiver import published
from archiver.errors import RefusedError, StorageError, UsageError
from archiver.statedir import make_private_dirs

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
    if os.name != "posix":  # pragma: no cover - folders cannot be opened on Windows
        return
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


def already_exists(final: Path, what: str) -> RefusedError:
    """The refusal to overwrite `final`, saying what it is ("a bundle", "a password slip")."""
    return RefusedError(f"{final} already exists; {what} is never overwritten",
                        hint=f"move the old {what.split(' ', 1)[-1]} away or write to "
                        "another folder")


def publish_new(temporary: Path, final: Path, what: str = "a bundle", *,
                output: bool = True) -> None:
    """Give `temporary` the name `final`, refusing if `final` exists (never overwrite);
    an `output` is noted for the job's audit entry (archiver.published)."""
    try:
        os.link(temporary, final)  # atomic, and fails with EEXIST instead of replacing
    except FileExistsError:
        raise already_exists(final, what) from None
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK,
                             errno.ENOSYS):
            raise
        # No hard links here (FAT, exFAT sticks): check, then rename.
        if os.path.lexists(final):
            raise already_exists(final, what) from None
        os.rename(temporary, final)
        if output:
            published.note(final)
        return
    if output:
        published.note(final)  # before anything else can fail: the audit entry lists it
    os.unlink(temporary)


def write_whole(path: Path, data: bytes, *, what: str, replace: bool = False,
                kind: str | None = None, output: bool = True) -> Path:
    """Write `data` to `path` whole or not at all: a partial file (0600), synced, given its
    name, the folder synced. An existing `path` is refused unless `replace`. `what` names
    the file in messages: "a printout", "the handover protocol"; `kind` is what the audit
    entry calls it once published ("protocol"); `output=False` for the job's own state
    (cache entries), which its audit entry does not list."""
    path = Path(path)
    partial = partial_path(path)
    try:
        write_new_file(partial, data)
        if replace:
            os.replace(partial, path)
        else:
            publish_new(partial, path, what, output=output)
        if output:
            published.note(path, kind)
        fsync_dir(path.parent)
    except OSError as exc:
        raise storage_error(exc, f"write {what} {path.name}", path.parent) from None
    finally:
        remove_quietly(partial)
    return path


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


def ensure_folder(folder: Path) -> Path:
    """Create the output folder (owner-only when new); a file there is a usage error."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder} exists and is not a folder")
    try:
        make_private_dirs(folder)  # parents too: 0700 whatever the umask
    except OSError as exc:
        raise StorageError(f"cannot create the folder {folder}: {exc.strerror}") from None
    return folder


@contextmanager
def output_folder(folder: Path) -> Iterator[Path]:
    """ensure_folder() for the span of one run: if the run fails or is refused, the
    folders it created are removed again (when still empty), so nothing new is left."""
    folder = Path(folder)
    missing = [p for p in (folder, *folder.parents) if not os.path.lexists(p)]
    made = ensure_folder(folder)
    try:
        yield made
    except BaseException:
        for created in missing:  # the innermost first
            try:
                created.rmdir()
            except OSError:
                break
        raise


def check_copy_destinations(folders: Iterable[Path], out_dir: Path | None = None) -> None:
    """Fail before any work if a --copy-to folder is missing or not writable, or is the
    output folder or another copy's (symlinks resolved), or inside or above one: a
    'verified copy' there would be the same file, or a copy of it on the same shelf."""
    seen: list[tuple[Path, Path]] = []
    if out_dir is not None and Path(out_dir).is_dir():
        seen.append((Path(out_dir), Path(out_dir).resolve()))
    for folder in folders:
        folder = Path(folder)
        if not folder.is_dir():
            raise StorageError(f"the copy destination {folder} does not exist or is not a "
                               "folder", hint="connect or mount the medium and run again")
        if not os.access(folder, os.W_OK):
            raise StorageError(f"the copy destination {folder} is not writable")
        real = folder.resolve()
        for given, other in seen:
            if real == other or os.path.samefile(real, other) or \
                    real.is_relative_to(other) or other.is_relative_to(real):
                raise RefusedError(
                    f"the copy destination {folder} is the same folder as {given}, or inside "
                    "or above it: a copy there is no second copy",
                    hint="give --copy-to a folder on another medium")
        seen.append((folder, real))


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


def remove_stale_partials(folder: Path) -> list[Path]:
    """Delete `.NAME.partial-PID` files whose writing process is gone, and the sidecar a
    run killed between its two renames left (`NAME.sha256` beside a stale partial of
    NAME, with no NAME); return them. Nothing else is ever deleted: a sidecar whose
    bundle was renamed or moved away by someone is not archiver's to remove."""
    try:
        entries = list(os.scandir(folder))
    except (FileNotFoundError, NotADirectoryError):
        return []
    except OSError as exc:
        raise storage_error(exc, "look for partial files", folder) from None
    names = {entry.name for entry in entries}
    stale, of_bundles = [], set()
    for entry in entries:
        match = PARTIAL_PATTERN.match(entry.name)
        if not match or not entry.is_file(follow_symlinks=False):
            continue
        if _owner_alive(int(match["pid"]), entry.stat(follow_symlinks=False).st_mtime):
            continue
        stale.append(entry)
        of_bundles.add(match["name"])
    orphans = [e for e in entries if e.name.endswith(".zip.sha256")
               and e.name.removesuffix(".sha256") in of_bundles
               and e.name.removesuffix(".sha256") not in names
               and e.is_file(follow_symlinks=False)]
    removed: list[Path] = []
    for entry in [*orphans, *stale]:
        try:
            os.unlink(entry.path)
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise storage_error(exc, "remove a stale partial file", folder) from None
        removed.append(Path(entry.path))
    return removed
