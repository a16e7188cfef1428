"""How the PDFs' streams are deflated: zlib level 6, and each distinct stream once.

pydyf (WeasyPrint's PDF writer) deflates every stream at zlib level 9 and, when a file
identifier is asked for, serialises every object a second time to hash it, deflating every
stream again; a part of a long document also carries the same ICC profile, fonts and
embedded source CSVs as the register's other parts and the class's attendance summary.
Measured on a year's class register (issue 18): level 9 took 0.82 s of CPU for 1.34 MB,
level 6 0.16 s for 1.41 MB, level 1 0.06 s for 1.75 MB; 2,036 deflations for 268 distinct
streams. So pydyf's `zlib` is given a stand-in: level 6 (the smaller of two nearly equal
speeds once each stream is deflated once), and the result of each distinct input kept for
the next identical one in this process (bounded, least recently used out).

zlib at a fixed level is deterministic: the same input gives the same bytes on every run
and every process, so output stays byte-identical between serial, parallel and cached runs.
"""

from __future__ import annotations

import hashlib
import zlib
from collections import OrderedDict

LEVEL = 6
CACHE_BYTES = 32 * 2**20  # deflated bytes kept per process

_cache: OrderedDict[tuple[bytes, int], bytes] = OrderedDict()
_cached_bytes = 0


def deflate(data: bytes) -> bytes:
    """`data` deflated at LEVEL, from this process's cache when seen before."""
    global _cached_bytes
    key = (hashlib.sha1(data, usedforsecurity=False).digest(), len(data))
    found = _cache.get(key)
    if found is not None:
        _cache.move_to_end(key)
        return found
    found = zlib.compress(data, LEVEL)
    _cache[key] = found
    _cached_bytes += len(found)
    while _cached_bytes > CACHE_BYTES and len(_cache) > 1:
        _key, dropped = _cache.popitem(last=False)
        _cached_bytes -= len(dropped)
    return found


class _Compressor:
    """What pydyf uses of zlib.compressobj: compress() pieces, then flush() for all."""

    def __init__(self) -> None:
        self._pieces: list[bytes] = []

    def compress(self, data: bytes) -> bytes:
        self._pieces.append(bytes(data))
        return b""

    def flush(self, _mode: int = zlib.Z_FINISH) -> bytes:
        data, self._pieces = b"".join(self._pieces), []
        return deflate(data)


class PydyfZlib:
    """A stand-in for the `zlib` module inside pydyf: compressobj/compress at LEVEL through
    the cache whatever level is asked for; everything else is zlib's own."""

    def compressobj(self, *_args: object, **_kwargs: object) -> _Compressor:
        return _Compressor()

    def compress(self, data: bytes, *_args: object, **_kwargs: object) -> bytes:
        return deflate(bytes(data))

    def __getattr__(self, name: str) -> object:
        return getattr(zlib, name)


def install() -> None:
    """Make pydyf deflate through this module (idempotent)."""
    import pydyf

    if not isinstance(pydyf.zlib, PydyfZlib):
        pydyf.zlib = PydyfZlib()
