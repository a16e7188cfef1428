"""Streaming checksums: payload files (SHA-256, SHA-512, size in one pass) and the
`NAME.zip.sha256` sidecar in sha256sum format."""

from __future__ import annotations

import hashlib
import os
import re
from concurrent.futures import Executor, Future
from pathlib import Path

CHUNK = 1 << 20  # 1 MiB: large enough for hashlib to release the GIL, small for memory
SIDECAR_SUFFIX = ".sha256"


class PayloadHasher:
    """Size and checksums (SHA-256 and SHA-512 by default) of one stream, in one pass."""

    def __init__(self, algorithms: tuple[str, ...] = ("sha256", "sha512")) -> None:
        self._hashes = [(name, hashlib.new(name)) for name in algorithms]
        self.size = 0

    def update(self, chunk: bytes) -> None:
        for _, digest in self._hashes:
            digest.update(chunk)
        self.size += len(chunk)

    def hexdigests(self) -> dict[str, str]:
        """{algorithm: hex}; an algorithm not computed maps to ''."""
        found = {name: digest.hexdigest() for name, digest in self._hashes}
        return {"sha256": "", "sha512": "", **found}


class PipelinedHasher(PayloadHasher):
    """A PayloadHasher whose work runs in `executor` while the caller encrypts the same
    chunk (hashlib releases the GIL), with at most one chunk in flight, in order."""

    def __init__(self, executor: Executor,
                 algorithms: tuple[str, ...] = ("sha256", "sha512")) -> None:
        super().__init__(algorithms)
        self._executor = executor
        self._pending: Future[None] | None = None

    def update(self, chunk: bytes) -> None:
        self._wait()
        self._pending = self._executor.submit(super().update, chunk)

    def hexdigests(self) -> dict[str, str]:
        self._wait()
        return super().hexdigests()

    def _wait(self) -> None:
        if self._pending is not None:
            pending, self._pending = self._pending, None
            pending.result()


def sha256_file(path: Path, *, drop_cache: bool = False) -> tuple[str, int]:
    """(hex SHA-256, size) of a file, read in chunks.

    With drop_cache, the page cache of the file is dropped first (where the OS allows),
    so that the bytes come from the medium itself and not from memory.
    """
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb", buffering=0) as handle:
        if drop_cache and hasattr(os, "posix_fadvise"):
            os.posix_fadvise(handle.fileno(), 0, 0, os.POSIX_FADV_DONTNEED)
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def sidecar_path(bundle: Path) -> Path:
    """`NAME.zip` -> `NAME.zip.sha256` beside it."""
    return bundle.with_name(bundle.name + SIDECAR_SUFFIX)


def sidecar_text(sha256: str, bundle_name: str) -> bytes:
    """One sha256sum line: `<hex>  NAME.zip`."""
    return f"{sha256}  {bundle_name}\n".encode()


def parse_sidecar(data: bytes) -> tuple[str, str] | None:
    """(hex, file name) of a sha256sum line (text or binary mode), or None if malformed."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    match = re.fullmatch(r"([0-9a-fA-F]{64}) [ *](.+?)\r?\n?", text)
    return (match[1].lower(), match[2]) if match else None
