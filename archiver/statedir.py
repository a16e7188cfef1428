"""The state directory is trusted only if nobody else could have planted anything in it.

The audit log and the render cache (with its key) live in one folder of the operator's
account. A folder another account created or can write to could hold a key of theirs and
entries encrypted with it (a forged document packed as if rendered here), or a symlink
that sends the log's writes elsewhere. So before use, the folder and everything in it must
be owned by the user running archiver, be no symlink, and be writable by nobody else;
otherwise the command refuses with one line that says what to fix. Folders archiver makes
(parents included) are created 0700 whatever the umask.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from archiver.errors import UntrustedStateError
from archiver.i18n import N_, _

_CHECKS = os.name == "posix"  # Windows has no owner ids or mode bits to check

# What is checked, as messages name it (translated when shown; callers pass these).
STATE_DIRECTORY = N_("the state directory")
STATE_FILE = N_("the state file")
CACHE_FOLDER = N_("the render cache folder")
CACHE_KEY = N_("the render cache key")
CACHE_FILE = N_("the render cache file")


def make_private_dirs(folder: Path) -> Path:
    """Create `folder` and each missing parent as 0700 (the umask cannot widen them).

    OSError propagates; a folder another run created a moment before is accepted."""
    folder = Path(folder)
    missing: list[Path] = []
    current = folder
    while not os.path.lexists(current) and current.parent != current:
        missing.append(current)
        current = current.parent
    for path in reversed(missing):
        try:
            os.mkdir(path, 0o700)
        except FileExistsError:
            continue
        os.chmod(path, 0o700)  # mkdir's mode is filtered by the umask: never widened
    return folder


def check_owned(path: Path, what: str) -> os.stat_result | None:
    """Refuse `path` if it is a symlink, another account's, or writable by group or
    others; returns its lstat (None when it does not exist)."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None
    if not _CHECKS:  # pragma: no cover - Windows
        return info
    if stat.S_ISLNK(info.st_mode):
        raise UntrustedStateError(
            _("{what} {path} is a symbolic link; archiver writes its state only into "
              "real files of its own: remove the link, or give --state-dir another "
              "folder").format(what=_(what), path=path))
    if info.st_uid != os.geteuid():
        raise UntrustedStateError(
            _("{what} {path} belongs to another user (uid {owner}); archiver trusts "
              "only a state directory of its own account: give --state-dir a folder of "
              "your own, or chown it to uid {uid}").format(
                what=_(what), path=path, owner=info.st_uid, uid=os.geteuid()))
    if stat.S_IMODE(info.st_mode) & 0o022:
        raise UntrustedStateError(
            _("{what} {path} can be changed by other users (mode {S_IMODE:04o}); run "
              "`chmod go-w {path}` or give --state-dir a folder of your own").format(
                what=_(what), path=path, S_IMODE=stat.S_IMODE(info.st_mode)))
    return info


def check_folder_tree(folder: Path, what: str) -> None:
    """Check `folder` and every entry directly in it (see check_owned)."""
    info = check_owned(folder, what)
    if info is None:
        return
    if not stat.S_ISDIR(info.st_mode):
        raise UntrustedStateError(_("{what} {folder} is not a folder: give --state-dir "
                                    "a folder of your own").format(
                                      what=_(what), folder=folder))
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return  # unreadable: the operation itself will say so
    for entry in entries:
        check_owned(Path(entry.path), STATE_FILE)


def open_private_dir(state_dir: Path) -> Path:
    """The state directory, created 0700 if missing, refused if not trustworthy."""
    make_private_dirs(state_dir)
    check_folder_tree(state_dir, STATE_DIRECTORY)
    return state_dir
