"""Raw ZIP surgery for tampering tests, written apart from archiver's own ZIP reader.

An attacker without the password can copy, drop, rename and reorder the encrypted
records of a ZIP and rewrite its directory; these helpers do exactly that.
"""

from __future__ import annotations

import hashlib
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pyzipper

CENTRAL_FIXED = 46
LOCAL_FIXED = 30


@dataclass
class RawEntry:
    name: str
    local: bytes  # local header, name, extra and the (encrypted) data, as in the file
    central: bytes  # the whole central directory record

    def renamed(self, new_name: str) -> RawEntry:
        """The same record under another name (in both headers)."""
        raw = new_name.encode()
        old = len(self.name.encode())
        local = bytearray(self.local[:LOCAL_FIXED])
        struct.pack_into("<H", local, 26, len(raw))
        central = bytearray(self.central[:CENTRAL_FIXED])
        struct.pack_into("<H", central, 28, len(raw))
        return RawEntry(new_name, bytes(local) + raw + self.local[LOCAL_FIXED + old:],
                        bytes(central) + raw + self.central[CENTRAL_FIXED + old:])


def raw_entries(path: Path) -> list[RawEntry]:
    """Every entry's raw bytes, in central-directory order."""
    data = path.read_bytes()
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
        cd_offset = archive.start_dir
    entries, position = [], cd_offset
    for info in infos:
        n, m, k = struct.unpack_from("<3H", data, position + 28)
        central = data[position : position + CENTRAL_FIXED + n + m + k]
        position += len(central)
        start = info.header_offset
        ln, lm = struct.unpack_from("<2H", data, start + 26)
        end = start + LOCAL_FIXED + ln + lm + info.compress_size
        entries.append(RawEntry(info.filename, data[start:end], central))
    return entries


def assemble(entries: list[RawEntry], path: Path) -> None:
    """Write `entries` as a ZIP: records in order, a fresh directory and end record."""
    body, directory = bytearray(), bytearray()
    for entry in entries:
        central = bytearray(entry.central)
        struct.pack_into("<L", central, 42, len(body))
        directory += central
        body += entry.local
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(entries), len(entries),
                      len(directory), len(body), 0)
    path.write_bytes(bytes(body + directory + end))


def data_span(path: Path, name: str) -> tuple[int, int, int]:
    """(local header offset, data start, data end) of entry `name`."""
    data = path.read_bytes()
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(name)
    n, m = struct.unpack_from("<2H", data, info.header_offset + 26)
    start = info.header_offset + LOCAL_FIXED + n + m
    return info.header_offset, start, start + info.compress_size


def central_offset(path: Path, name: str) -> int:
    """Offset of entry `name`'s central directory record."""
    data = path.read_bytes()
    with zipfile.ZipFile(path) as archive:
        position = archive.start_dir
        for info in archive.infolist():
            if info.filename == name:
                return position
            n, m, k = struct.unpack_from("<3H", data, position + 28)
            position += CENTRAL_FIXED + n + m + k
    raise KeyError(name)


def flip_byte(path: Path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


def patch(path: Path, offset: int, fmt: str, value: int) -> None:
    data = bytearray(path.read_bytes())
    struct.pack_into(fmt, data, offset, value)
    path.write_bytes(bytes(data))


def refresh_sidecar(path: Path) -> None:
    """Rewrite NAME.zip.sha256 to match the file, as a careful attacker would."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    path.with_name(path.name + ".sha256").write_text(f"{digest}  {path.name}\n")


def foreign_entry(tmp: Path, name: str, data: bytes, password: bytes | None,
                  **aes: object) -> RawEntry:
    """One entry made by another tool: pyzipper AES with `password`, else plain ZIP."""
    path = tmp / "foreign.zip"
    path.unlink(missing_ok=True)
    if password is None:
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr(name, data)
    else:
        with pyzipper.AESZipFile(path, "w", encryption=pyzipper.WZ_AES,
                                 encryption_kwargs=aes or None) as archive:
            archive.setpassword(password)
            archive.writestr(name, data)
    return raw_entries(path)[0]


def reencrypt(source: Path, target: Path, password: bytes, changes: dict[str, bytes | None]
              ) -> None:
    """Decrypt every entry and write them again, changed or dropped (None), as someone
    holding the password would."""
    with pyzipper.AESZipFile(source) as archive:
        archive.setpassword(password)
        items = [(info.filename, archive.read(info.filename)) for info in archive.infolist()]
    with pyzipper.AESZipFile(target, "w", encryption=pyzipper.WZ_AES) as archive:
        archive.setpassword(password)
        for name, data in items:
            new = changes.get(name, data)
            if new is not None:
                archive.writestr(name, new)
