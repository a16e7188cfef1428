"""An encrypted, content-addressed cache of rendered documents in the state directory.

Rendered documents hold personal data, and nothing readable may be left on disk (issue 4):
every entry is encrypted with AES-256-GCM, its file name is an HMAC of the key material (it
says nothing about the document), files are written whole or not at all (archiver.files),
and the folder is kept below a size limit by dropping the least recently used entries.

Why a key file in the state directory (0600, created once) and not a key derived from the
bundle password: the password differs from run to run (often generated), while the cache is
read across runs; a key stored beside the entries does not protect against someone who can
act as the operator's account, but it keeps the entries unreadable to anyone who gets only
the cache files (a backup, a copied folder, a disk block read after deletion), and deleting
the one key file (`clear()`) makes every entry unreadable at once, even where deleted
blocks survive (SSDs, snapshots).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import stat
import threading
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from archiver import statedir
from archiver.errors import RefusedError, StorageError
from archiver.files import remove_stale_partials, write_whole
from archiver.i18n import N_, _
from archiver.statedir import check_folder_tree, check_owned, make_private_dirs, open_private_dir

CACHE_FOLDER = "render-cache"
KEY_FILE = "key"
ENTRY_SUFFIX = ".enc"
FORMAT = b"archiver-cache-1"
DEFAULT_MAX_BYTES = 2 * 1024**3  # 2 GiB: a large school's year is some 60 MB of PDFs
_NONCE = 12
_KEY_LOCK = threading.Lock()


@dataclass(frozen=True)
class CachedDocument:
    """What the cache keeps of one rendered document."""

    file_name: str
    pdf: bytes
    pages: int
    kind: str


@dataclass
class CacheStats:
    hits: int = 0
    misses: int = 0
    stored: int = 0
    dropped: int = 0  # unreadable entries (tampered, other key) removed
    evicted: int = 0
    write_errors: int = 0  # entries that could not be written (the run goes on)
    notes: list[str] = field(default_factory=list)


class RenderCache:
    """Encrypted entries under `folder`; keys are strings of key material (see jobs)."""

    def __init__(self, folder: Path, key: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.folder = folder
        self.max_bytes = max_bytes
        self.stats = CacheStats()
        self._aead = AESGCM(key)
        self._name_key = hashlib.sha256(b"entry-names\0" + key).digest()

    @classmethod
    def open(cls, state_dir: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> RenderCache:
        """The cache of the state directory; creates the folder (0700) and key (0600)."""
        folder = Path(state_dir) / CACHE_FOLDER
        try:
            # A key or entries planted by another account would be used as ours: a forged
            # document packed as if rendered here. The folders must be ours alone.
            open_private_dir(Path(state_dir))
            make_private_dirs(folder)
            check_folder_tree(folder, statedir.CACHE_FOLDER)
            key = _load_or_create_key(folder / KEY_FILE)
        except OSError as exc:
            raise StorageError(_("cannot use the render cache in {folder}: {strerror}").format(
                                   folder=folder, strerror=exc.strerror),
                               hint=_("check the state directory, or run with "
                                      "--no-cache")) from None
        cache = cls(folder, key, max_bytes)
        remove_stale_partials(folder)  # left by a killed run
        return cache

    def entry_path(self, material: str) -> Path:
        """The entry's file: an HMAC of the key material, so a name reveals nothing."""
        name = hmac.new(self._name_key, material.encode("utf-8"), hashlib.sha256).hexdigest()
        return self.folder / (name + ENTRY_SUFFIX)

    def contains(self, material: str) -> bool:
        """Whether an entry exists; a found one counts as used now, so that entries
        written later in the same run do not evict it before it is read."""
        try:
            os.utime(self.entry_path(material))
        except OSError:
            return False
        return True

    def get(self, material: str) -> CachedDocument | None:
        """The document stored under `material`, or None (missing or unreadable: dropped)."""
        path = self.entry_path(material)
        found = self._read(path)
        if found is None:
            return None
        header, pdf = found
        if "file_name" not in header:  # another kind of entry: not a document
            self.stats.misses += 1
            return None
        self.stats.hits += 1
        self._touch(path)
        return CachedDocument(header["file_name"], pdf, int(header["pages"]), header["kind"])

    def put(self, material: str, document: CachedDocument) -> None:
        """Store `document` (atomically: a temporary file renamed into place). A failure
        to write (full disk) is counted, never fatal: the document is already rendered."""
        path = self.entry_path(material)
        self._write(path, self._encrypt(path.name, document))

    def evict(self) -> None:
        """Drop the least recently used entries until the folder is under its limit."""
        entries = []
        for path in self.folder.glob("*" + ENTRY_SUFFIX):
            try:
                info = path.stat()
            except FileNotFoundError:
                continue
            entries.append((info.st_mtime, path.name, info.st_size, path))
        total = sum(e[2] for e in entries)
        for _mtime, _name, size, path in sorted(entries):
            if total <= self.max_bytes:
                break
            _unlink(path)
            total -= size
            self.stats.evicted += 1

    def size(self) -> int:
        """Bytes held by entries."""
        return sum(p.stat().st_size for p in self.folder.glob("*" + ENTRY_SUFFIX))

    def clear(self) -> None:
        """Remove every entry and the key (entries left anywhere become unreadable)."""
        for path in self.folder.glob("*" + ENTRY_SUFFIX):
            _unlink(path)
        _unlink(self.folder / KEY_FILE)

    def get_bytes(self, material: str, kind: str) -> bytes | None:
        """The bytes stored with put_bytes(material, kind), or None (missing, unreadable or
        of another kind: an unreadable one is dropped)."""
        path = self.entry_path(material)
        found = self._read(path)
        if found is None:
            return None
        header, payload = found
        if header.get("bytes") != kind:
            self.stats.misses += 1
            return None
        self.stats.hits += 1
        self._touch(path)
        return payload

    def put_bytes(self, material: str, kind: str, data: bytes) -> None:
        """Store `data` under `material` (as put() does: atomically, a failure counted)."""
        path = self.entry_path(material)
        self._write(path, self._seal(path.name, {"bytes": kind}, data))

    def _read(self, path: Path) -> tuple[dict, bytes] | None:
        """The entry's header and payload; None when missing or unreadable (dropped)."""
        try:
            blob = _read_own_file(path)
        except FileNotFoundError:
            self.stats.misses += 1
            return None
        except OSError as exc:
            raise StorageError(_("cannot read the render cache entry {path}: {strerror}").format(
                                   path=path, strerror=exc.strerror),
                               hint=_("run with --no-cache")) from None
        found = self._open(path.name, blob)
        if found is None:
            self.stats.dropped += 1
            self.stats.misses += 1
            _unlink(path)
        return found

    @staticmethod
    def _touch(path: Path) -> None:
        try:
            os.utime(path)  # recently used: evicted last
        except OSError:
            pass

    def _write(self, path: Path, blob: bytes) -> None:
        try:
            write_whole(path, blob, what=N_("a render cache entry"), replace=True,
                        output=False)
        except StorageError as exc:
            self.stats.write_errors += 1
            self.stats.notes.append(exc.message)
            return
        self.stats.stored += 1
        self.evict()

    def _encrypt(self, name: str, document: CachedDocument) -> bytes:
        return self._seal(name, {"file_name": document.file_name, "pages": document.pages,
                                 "kind": document.kind}, document.pdf)

    def _seal(self, name: str, header: dict, payload: bytes) -> bytes:
        header = {**header, "sha256": hashlib.sha256(payload).hexdigest()}
        head = json.dumps(header).encode()
        plain = len(head).to_bytes(4, "big") + head + payload
        nonce = os.urandom(_NONCE)
        return nonce + self._aead.encrypt(nonce, plain, FORMAT + b"\0" + name.encode())

    def _open(self, name: str, blob: bytes) -> tuple[dict, bytes] | None:
        try:
            plain = self._aead.decrypt(blob[:_NONCE], blob[_NONCE:],
                                       FORMAT + b"\0" + name.encode())
            size = int.from_bytes(plain[:4], "big")
            header = json.loads(plain[4:4 + size])
            payload = plain[4 + size:]
        except (InvalidTag, ValueError, UnicodeDecodeError):
            return None
        if not isinstance(header, dict) or \
                hashlib.sha256(payload).hexdigest() != header.get("sha256"):
            return None
        return header, payload


def _load_or_create_key(path: Path) -> bytes:
    """The 32-byte key: created once (0600, published atomically), owner-only afterwards."""
    # Threads of one process (schools archived side by side) share the partial file's
    # name (.key.partial-PID): one creates the key, the others then read it.
    with _KEY_LOCK:
        if not path.exists():
            try:
                write_whole(path, secrets.token_bytes(32), what=N_("the render cache key"),
                            output=False)
            except RefusedError:
                pass  # another run created it first: use theirs
    info = check_owned(path, statedir.CACHE_KEY)
    if info is None or not stat.S_ISREG(info.st_mode):
        raise StorageError(_("the render cache key {path} is not a file").format(
                               path=path),
                           hint=_("delete it (the cache is rebuilt), or run with "
                                  "--no-cache"))
    if stat.S_IMODE(info.st_mode) & 0o077:
        os.chmod(path, 0o600)  # a key others can read protects nothing
    key = _read_own_file(path)
    if len(key) != 32:
        raise StorageError(_("the render cache key {path} is damaged").format(path=path),
                           hint=_("delete the folder it is in (the cache is rebuilt), "
                                  "or run with --no-cache"))
    return key


def _read_own_file(path: Path) -> bytes:
    """A file's bytes, never through a symlink, and only if this account owns it and
    nobody else can write it (else UntrustedStateError)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if os.name == "posix" and (info.st_uid != os.geteuid()
                                   or stat.S_IMODE(info.st_mode) & 0o022):
            check_owned(path, statedir.CACHE_FILE)  # raises with the reason
        return handle.read()


def _unlink(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass
