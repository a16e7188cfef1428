"""Zipped exports broken at random: hostile entry names (../, absolute, drive letters,
backslashes), duplicates, encrypted entries, bombs, damaged bytes. A clean load or one
clear error, never a traceback, and nothing extracted anywhere."""

from __future__ import annotations

import io
import struct
import warnings
import zipfile
from functools import lru_cache
from pathlib import Path

from hostile_mutations import baseline_files, broken_export
from hostile_support import load_in_sandbox, sandbox
from hypothesis import given
from hypothesis import strategies as st

EVIL_NAMES = ("../export.json", "../../evil.csv", "/tmp/hostile-evil.csv", "C:/evil.csv",
              "C:\\evil.csv", "..\\evil.csv", "a/../../evil.csv", "\\\\server\\share\\x.csv",
              "./export.json", "top/../export.json", "notes.csv/", "a//b.csv")


def zip_bytes(entries: list[tuple[str, bytes]], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Duplicate name": duplicates are the point
        with zipfile.ZipFile(buffer, "w", method) as archive:
            for name, data in entries:
                info = zipfile.ZipInfo(name, (2026, 6, 1, 0, 0, 0))
                info.compress_type = method
                archive.writestr(info, data)
    return buffer.getvalue()


@lru_cache(maxsize=1)
def bomb_zip() -> bytes:
    """The export with notes.csv as 50 MB of zeros (about 50 kB deflated)."""
    files = {**baseline_files(), "notes.csv": b"\0" * (50 * 1024**2)}
    return zip_bytes(sorted(files.items()))


def entry_offsets(data: bytes, name: str) -> tuple[int, int]:
    """(local header offset, central directory record offset) of entry `name`."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(name)
        central = data.index(b"PK\x01\x02", archive.start_dir)
        while data[central + 46: central + 46 + len(name)] != name.encode():
            central = data.index(b"PK\x01\x02", central + 4)
    return info.header_offset, central


@st.composite
def hostile_zip(draw) -> bytes:
    files = draw(broken_export())
    top = draw(st.sampled_from(["", "eksport/", "a/b/"]))
    entries = [(top + name, data) for name, data in sorted(files.items())]
    for _ in range(draw(st.integers(0, 2))):
        how = draw(st.sampled_from(["evil", "duplicate", "folder", "macos"]))
        if how == "evil":
            entries.insert(draw(st.integers(0, len(entries))),
                           (draw(st.sampled_from(EVIL_NAMES)), draw(st.binary(max_size=50))))
        elif how == "duplicate" and entries:
            entries.append(draw(st.sampled_from(entries)))
        elif how == "folder":
            entries.append((top + "zrodla/", b""))
        else:
            entries.append(("__MACOSX/._export.json", b"\0\5\26\7"))
    method = draw(st.sampled_from([zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED]))
    data = zip_bytes(entries, method)
    damage = draw(st.sampled_from(["none", "none", "truncate", "flip", "encrypted-flag"]))
    if damage == "truncate":
        data = data[: draw(st.integers(0, len(data)))]
    elif damage == "flip":
        at = draw(st.integers(0, len(data) - 1))
        data = data[:at] + bytes([data[at] ^ draw(st.integers(1, 255))]) + data[at + 1:]
    elif damage == "encrypted-flag":  # the ZipCrypto bit on one entry of the directory
        flagged = bytearray(data)
        at = data.find(b"PK\x01\x02", draw(st.integers(0, len(data) - 1)))
        if at >= 0:
            flagged[at + 8] |= 1
        data = bytes(flagged)
    return data


def _load_zip(data: bytes, name: str = "eksport.zip") -> str:
    with sandbox() as box:
        path = box.input / name
        path.write_bytes(data)
        outcome = load_in_sandbox(box, path)
        assert not Path("/tmp/hostile-evil.csv").exists()
        return outcome


@given(hostile_zip())
def test_a_hostile_zip_export_loads_or_is_refused_cleanly(data: bytes) -> None:
    _load_zip(data)


@given(st.sampled_from(EVIL_NAMES[:8]), st.sampled_from(["", "eksport/"]))
def test_an_entry_escaping_the_archive_refuses_the_whole_export(evil: str, top: str) -> None:
    entries = [(top + n, d) for n, d in sorted(baseline_files().items())]
    entries.append((evil, baseline_files()["notes.csv"]))
    assert _load_zip(zip_bytes(entries)) == "unreadable"


def test_a_zip_bomb_is_refused_before_it_is_unpacked() -> None:
    assert _load_zip(bomb_zip()) == "unreadable"


def test_a_bomb_hidden_behind_a_small_declared_size_is_cut_off() -> None:
    data = bytearray(bomb_zip())
    local, central = entry_offsets(bytes(data), "notes.csv")
    struct.pack_into("<L", data, local + 22, 10)  # uncompressed size, local header
    struct.pack_into("<L", data, central + 24, 10)  # and in the central directory
    assert _load_zip(bytes(data)) == "unreadable"  # 10 bytes read, CRC wrong: damaged
