"""Files that appear whole or not at all: the one way archiver writes a file that matters.

Everything is first written under `.NAME.partial-PID-TOKEN` in the target folder (a name
that never ends in `.zip`, so no tool takes it for a bundle), owner-only, synced to the
medium, and only then given its final name (a hard link that fails rather than overwrite,
or a rename where asked to replace), the folder synced after. The writing run holds an
exclusive `flock` on each of its partial files until the file is gone or published; a
killed run leaves only partial files nobody holds, which `remove_stale_partials` clears on
the next run. A lock, not a process id: a run in another PID namespace (another container
or machine sharing the folder) sees the lock where a PID would mean nothing. OS errors
become StorageError and refusals RefusedError, both naming the file at hand.

`write_whole` serves every file written in one piece (printouts, the protocol, the cover
letter, password slips, registers, the shelf index, render cache entries); the bundle
writer and the copier stream through `OutputFile` and `publish_pair`.
"""

from __future__ import annotations

import errno
import os
import re
import secrets
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX
    fcntl = None  # type: ignore[assignment]

from archiver import published
from archiver.errors import ArchiverError, RefusedError, StorageError, UsageError
from archiver.i18n import N_, _, current_language
from archiver.statedir import make_private_dirs

PARTIAL_PATTERN = re.compile(r"^\.(?P<name>.+)\.partial-(?P<tag>\d+(?:-[0-9a-f]+)?)$")

_REASONS = {
    errno.ENOSPC: N_("the disk is full"),
    errno.EDQUOT: N_("the disk quota is used up"),
    errno.EROFS: N_("the medium is read-only"),
    errno.EACCES: N_("permission denied"),
    errno.EPERM: N_("operation not permitted"),
    errno.ENOENT: N_("the folder does not exist (any more)"),
    errno.ENOTDIR: N_("the folder does not exist (any more)"),
    errno.EIO: N_("input/output error (the medium may be failing or was unplugged)"),
    errno.ENODEV: N_("the device vanished"),
    errno.ENXIO: N_("the device vanished"),
    errno.EFBIG: N_("the file is too large for this file system (FAT32 holds at most 4 GB)"),
}


def storage_error(exc: OSError, action: str, where: Path) -> StorageError:
    """A StorageError saying what could not be done where, and why, in plain words."""
    known = _REASONS.get(exc.errno or 0)
    reason = _(known) if known else exc.strerror or type(exc).__name__
    return StorageError(
        _("cannot {action} in {where}: {reason}").format(
            action=action, where=where, reason=reason),
        hint=_("nothing was left under a final name; free space or choose another "
               "folder and run again"),
    )


def partial_path(final: Path) -> Path:
    """A new temporary name for `final`: `.NAME.partial-PID-TOKEN`, never the same twice
    (two threads, or two runs whose pids coincide in two PID namespaces, never meet)."""
    return final.with_name(f".{final.name}.partial-{os.getpid()}-{secrets.token_hex(4)}")


# partial file -> a descriptor holding its flock, kept until the partial is released.
_HELD: dict[str, int] = {}
_HELD_GUARD = threading.Lock()


def _create_locked(path: Path, flags: int) -> int:
    """Create `path` (O_EXCL) and take its flock before anyone else can; if a cleaner
    judged it stale in the instant between and removed it, create it again."""
    for _attempt in range(5):
        fd = os.open(path, flags, 0o600)
        if fcntl is None:
            return fd
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)  # a cleaner holds it only for an unlink
            if os.fstat(fd).st_nlink > 0:
                break
        except OSError as exc:
            if exc.errno in (errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EINVAL):
                return fd  # no locks on this file system: cleaners leave it alone
            os.close(fd)
            raise
        os.close(fd)  # unlinked under us: the name is free again
    else:
        raise OSError(errno.EAGAIN, "a partial file kept vanishing", str(path))
    try:
        held = os.dup(fd)  # the lock stays while this copy is open, after close()
    except OSError:
        os.close(fd)
        raise
    with _HELD_GUARD:
        _HELD[os.fspath(path)] = held
    return fd


def release_partial(path: Path) -> None:
    """Give up the lock on a partial file once it is unlinked or published."""
    with _HELD_GUARD:
        fd = _HELD.pop(os.fspath(path), None)
    if fd is not None:
        os.close(fd)


class OutputFile:
    """A new, owner-only file written through os.write; seekable, as zipfile needs.

    Writing through os.write keeps one small seam where tests inject a full disk.
    """

    def __init__(self, path: Path) -> None:
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
        self.path = path
        self._fd: int | None = _create_locked(path, flags)
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
    # English drops the article ("move the old bundle away"); Polish names the kind whole
    split = what.split(" ", 1)[-1] if current_language() == "en" else _(what)
    return RefusedError(_("{final} already exists; {what} is never overwritten").format(
                            final=final, what=_(what)),
                        hint=_("move the old {split} away or write to another folder").format(
                                 split=split))


def publish_new(temporary: Path, final: Path, what: str = N_("a bundle"), *,
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
        release_partial(temporary)
        if output:
            published.note(final)
        return
    if output:
        published.note(final)  # before anything else can fail: the audit entry lists it
    os.unlink(temporary)
    release_partial(temporary)


def publish(temporary: Path, final: Path, what: str = N_("a bundle"), *,
            replace: bool = False, output: bool = True) -> None:
    """publish_new, or with `replace` one atomic rename over an existing `final` (asked
    for: a repaired copy, a printout with --force): `final` is the old file until then."""
    if replace:
        os.replace(temporary, final)
    else:
        publish_new(temporary, final, what, output=output)


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
        publish(partial, path, what, replace=replace, output=output)
        if output:
            published.note(path, kind)
        fsync_dir(path.parent)
    except OSError as exc:
        raise storage_error(exc, _("write {what} {name}").format(what=_(what), name=path.name),
                            path.parent) from None
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
        raise UsageError(_("{folder} exists and is not a folder").format(folder=folder))
    try:
        make_private_dirs(folder)  # parents too: 0700 whatever the umask
    except OSError as exc:
        raise StorageError(_("cannot create the folder {folder}: {strerror}").format(
                               folder=folder, strerror=exc.strerror)) from None
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
            raise StorageError(_("the copy destination {folder} does not exist or is "
                                 "not a folder").format(folder=folder),
                               hint=_("connect or mount the medium and run again"))
        if not os.access(folder, os.W_OK):
            raise StorageError(_("the copy destination {folder} is not writable").format(
                                   folder=folder))
        real = folder.resolve()
        for given, other in seen:
            if _in_or_above(real, other):
                raise RefusedError(
                    _("the copy destination {folder} is the same folder as {given}, or "
                      "inside or above it: a copy there is no second copy").format(
                        folder=folder, given=given),
                    hint=_("give --copy-to a folder on another medium"))
        seen.append((folder, real))


def _in_or_above(one: Path, other: Path) -> bool:
    return (one == other or one.is_relative_to(other) or other.is_relative_to(one)
            or (one.is_dir() and other.is_dir() and os.path.samefile(one, other)))


def check_slip_folder(slip_out: Path, folders: Iterable[Path], *,
                      is_folder: bool = False) -> None:
    """Fail before any work if the password slip would be written in, inside or above the
    output folder or a copy's (symlinks resolved): the password on the bundle's medium.
    `is_folder`: `slip_out` is the folder slips go into (a multi-school run)."""
    slip_dir = (Path(slip_out) if is_folder else Path(slip_out).parent).resolve()
    for folder in folders:
        if _in_or_above(slip_dir, Path(folder).resolve()):
            raise RefusedError(
                _("the password slip {slip} would lie on the bundle's medium: in, inside or "
                  "above {folder}").format(slip=slip_out, folder=folder),
                hint=_("a password never travels with the bundle; give --slip-out a file on "
                       "another medium (e.g. in your home folder)"))


def same_medium(bundle_dir: Path, others: Iterable[Path]) -> list[Path]:
    """The folders among `others` on the same file system as `bundle_dir` (st_dev): a copy
    or a password slip there is lost with the bundle's disk."""
    try:
        device = os.stat(bundle_dir).st_dev
    except OSError:
        return []
    found = []
    for other in others:
        try:
            if os.stat(other).st_dev == device:
                found.append(Path(other))
        except OSError:
            continue
    return found


@contextmanager
def withdrawn_on_failure(published: Iterable[Path], why: str,
                         hint: str | None = None) -> Iterator[None]:
    """Whole or nothing across files: if the block fails (an ArchiverError), the files
    already published for the same run are removed, and the error says so (`why`; `hint`
    replaces the error's own)."""
    try:
        yield
    except ArchiverError as exc:
        remove_quietly(*(Path(p) for p in published))
        raise type(exc)(f"{exc.message}; {why}", hint=hint or exc.hint) from None


def remove_quietly(*paths: Path) -> None:
    """Best-effort cleanup of partial files (their folder may have vanished)."""
    for path in paths:
        try:
            path.unlink(missing_ok=True)
        except OSError:
            pass
        release_partial(path)


def _claim_stale(path: str) -> int | None:
    """A descriptor holding the lock of a partial file nobody writes any more (its run
    is gone), or None while a run holds it, or when it cannot be judged (not ours to
    open, no locks on this file system): such a file is left alone."""
    if fcntl is None:  # pragma: no cover - not POSIX
        return None
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | os.O_CLOEXEC
    try:
        fd = os.open(path, flags)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        info, now = os.fstat(fd), os.stat(path, follow_symlinks=False)
        if (info.st_dev, info.st_ino) == (now.st_dev, now.st_ino) and info.st_nlink:
            return fd
    except OSError:
        pass  # held (EWOULDBLOCK) by a live run, or gone meanwhile
    os.close(fd)
    return None


def remove_stale_partials(folder: Path) -> list[Path]:
    """Delete `.NAME.partial-…` files no run holds a lock on, and the sidecar a
    run killed between its two renames left (`NAME.sha256` beside a stale partial of
    NAME, with no NAME); return them. Nothing else is ever deleted: a sidecar whose
    bundle was renamed or moved away by someone is not archiver's to remove."""
    try:
        entries = list(os.scandir(folder))
    except (FileNotFoundError, NotADirectoryError):
        return []
    except OSError as exc:
        raise storage_error(exc, _("look for partial files"), folder) from None
    names = {entry.name for entry in entries}
    stale: list[tuple[str, int]] = []
    of_bundles = set()
    try:
        for entry in entries:
            match = PARTIAL_PATTERN.match(entry.name)
            if not match or not entry.is_file(follow_symlinks=False):
                continue
            claimed = _claim_stale(entry.path)
            if claimed is None:
                continue
            stale.append((entry.path, claimed))
            of_bundles.add(match["name"])
        orphans = [(e.path, None) for e in entries if e.name.endswith(".zip.sha256")
                   and e.name.removesuffix(".sha256") in of_bundles
                   and e.name.removesuffix(".sha256") not in names
                   and e.is_file(follow_symlinks=False)]
        removed: list[Path] = []
        for path in [p for p, _fd in orphans] + [p for p, _fd in stale]:
            try:
                os.unlink(path)  # a stale partial while its lock is held here
            except FileNotFoundError:
                continue
            except OSError as exc:
                raise storage_error(exc, _("remove a stale partial file"), folder) from None
            removed.append(Path(path))
    finally:
        for _name, fd in stale:
            os.close(fd)
    return removed
