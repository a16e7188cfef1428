"""Streaming checksums: payload files (SHA-256, SHA-512, size in one pass) and the
`NAME.zip.sha256` sidecar in sha256sum format."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

CHUNK = 1 << 20  # 1 MiB: large enough for hashlib to release the GIL, small for memory
SIDECAR_SUFFIX = ".sha256"


class PayloadHasher:
    """SHA-256, SHA-512 and size of one stream, fed chunk by chunk."""

    def __init__(self) -> None:
        self.sha256 = hashlib.sha256()
        self.sha512 = hashlib.sha512()
        self.size = 0

    def update(self, chunk: bytes) -> None:
        self.sha256.update(chunk)
        self.sha512.update(chunk)
        self.size += len(chunk)

    def hexdigests(self) -> dict[str, str]:
        return {"sha256": self.sha256.hexdigest(), "sha512": self.sha512.hexdigest()}


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
