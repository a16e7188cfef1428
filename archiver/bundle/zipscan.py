"""A strict reader of a bundle's ZIP structure; reads headers only, extracts nothing.

Checks what a lenient unzipper lets slide and an attacker could use: a central directory
that disagrees with the local headers (names, sizes, offsets), bytes hidden between
entries, duplicated names, unsafe names, and any entry that is not AES-256 AE-2.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import BinaryIO

from archiver.bundle import aes
from archiver.bundle.names import display_name, unsafe_reason
from archiver.bundle.report import Problem
from archiver.i18n import Message

EOCD = struct.Struct("<4s4H2LH")
EOCD64_LOCATOR = struct.Struct("<4sLQL")
EOCD64 = struct.Struct("<4sQ2H2L4Q")
CENTRAL = struct.Struct("<4s6H3L5H2L")
LOCAL = struct.Struct("<4s5H3L2H")
MAX_TAIL = EOCD.size + 0xFFFF
FLAG_ENCRYPTED, FLAG_DESCRIPTOR, FLAG_STRONG, FLAG_UTF8, FLAG_HIDDEN_CD = 1, 8, 64, 2048, 8192


@dataclass
class ScannedEntry:
    """One entry as the central directory declares it, checked against its local header."""

    index: int
    name: str
    raw_name: bytes
    flags: int
    method: int
    time: int
    date: int
    crc: int
    compress_size: int
    file_size: int
    header_offset: int
    extra: dict[int, bytes]
    version_needed: int
    aes_version: int | None = None
    aes_strength: int | None = None
    actual_method: int | None = None
    data_offset: int = -1  # -1 until the local header was read and found sane

    @property
    def data_end(self) -> int:
        return self.data_offset + self.compress_size


@dataclass
class ZipScan:
    """Entries in central-directory order and every structural problem found."""

    entries: list[ScannedEntry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    fatal: bool = False  # the central directory could not be read at all
    cd_offset: int = 0


def parse_extra(extra: bytes) -> dict[int, bytes] | None:
    """{header id: body} of an extra field, or None if it is malformed or repeats an id."""
    fields: dict[int, bytes] = {}
    position = 0
    while position < len(extra):
        if position + 4 > len(extra):
            return None
        header_id, size = struct.unpack_from("<HH", extra, position)
        body = extra[position + 4 : position + 4 + size]
        if len(body) != size or header_id in fields:
            return None
        fields[header_id] = body
        position += 4 + size
    return fields


def scan_zip(handle: BinaryIO, file_size: int) -> ZipScan:
    """Read and check the ZIP structure of an open bundle."""
    scan = ZipScan()
    end = _read_end_records(handle, file_size, scan)
    if end is None:
        scan.fatal = True
        return scan
    cd_offset, cd_size, total = end
    scan.cd_offset = cd_offset
    handle.seek(cd_offset)
    _parse_central_directory(handle.read(cd_size), total, scan)
    if scan.fatal:
        return scan
    _check_names(scan)
    for entry in scan.entries:
        _check_encryption(entry, scan.problems)
        _check_local_header(handle, entry, scan)
    _check_layout(scan)
    return scan


def _read_end_records(handle: BinaryIO, file_size: int, scan: ZipScan
                      ) -> tuple[int, int, int] | None:
    tail_start = max(0, file_size - MAX_TAIL)
    handle.seek(tail_start)
    tail = handle.read()
    position = len(tail)
    while (position := tail.rfind(b"PK\x05\x06", 0, position)) >= 0:
        if position + EOCD.size <= len(tail):
            fields = EOCD.unpack_from(tail, position)
            if position + EOCD.size + fields[7] == len(tail):
                break
    else:
        scan.problems.append(Problem(Message("not a ZIP file: no end of central directory "
                                             "record")))
        return None
    _, disk, cd_disk, _, total, cd_size, cd_offset, comment_length = fields
    eocd_at = tail_start + position
    if comment_length:
        scan.problems.append(Problem(Message("the archive carries a comment (bundles have "
                                             "none)"),
                                     expected="0 bytes", found=f"{comment_length} bytes"))
    if disk or cd_disk:
        scan.problems.append(Problem(Message("a multi-volume archive (bundles are one file)")))
    records_end = eocd_at
    if eocd_at >= EOCD64_LOCATOR.size:
        handle.seek(eocd_at - EOCD64_LOCATOR.size)
        locator = EOCD64_LOCATOR.unpack(handle.read(EOCD64_LOCATOR.size))
        if locator[0] == b"PK\x06\x07":
            handle.seek(locator[2])
            record = handle.read(EOCD64.size)
            if len(record) < EOCD64.size or record[:4] != b"PK\x06\x06":
                scan.problems.append(Problem(Message("damaged ZIP64 end of central directory "
                                                     "record")))
                return None
            _, _, _, _, _, _, _, total, cd_size, cd_offset = EOCD64.unpack(record)
            records_end = locator[2]
            if locator[2] + EOCD64.size != eocd_at - EOCD64_LOCATOR.size:
                scan.problems.append(Problem(Message("unexpected bytes around the ZIP64 end "
                                                     "record")))
    if cd_offset + cd_size != records_end:
        scan.problems.append(Problem(
            Message("the end record's central directory offset and size do not match its "
                    "position"),
            expected=f"central directory ending at byte {records_end}",
            found=f"offset {cd_offset} + size {cd_size} = {cd_offset + cd_size}"))
        if cd_offset + cd_size > records_end:
            return None
    return cd_offset, cd_size, total


def _zip64_values(entry: ScannedEntry, scan: ZipScan) -> None:
    body = entry.extra.get(0x0001, b"")
    position = 0
    for attribute in ("file_size", "compress_size", "header_offset"):
        if getattr(entry, attribute) == 0xFFFFFFFF:
            if position + 8 > len(body):
                scan.problems.append(Problem(Message("damaged ZIP64 extra field"), entry.name))
                return
            setattr(entry, attribute, struct.unpack_from("<Q", body, position)[0])
            position += 8


def _parse_central_directory(data: bytes, total: int, scan: ZipScan) -> None:
    position = 0
    while position < len(data):
        if position + CENTRAL.size > len(data) or data[position:position + 4] != b"PK\x01\x02":
            scan.problems.append(Problem(
                Message("central directory damaged after entry {entries}",
                        entries=len(scan.entries))))
            scan.fatal = True
            return
        (_, _, needed, flags, method, time, date, crc, csize, usize, name_length,
         extra_length, comment_length, _, _, _, offset) = CENTRAL.unpack_from(data, position)
        position += CENTRAL.size
        raw_name = data[position:position + name_length]
        extra_raw = data[position + name_length:position + name_length + extra_length]
        position += name_length + extra_length + comment_length
        name = raw_name.decode("utf-8" if flags & FLAG_UTF8 else "cp437", errors="replace")
        extra = parse_extra(extra_raw)
        entry = ScannedEntry(len(scan.entries) + 1, name, raw_name, flags, method, time, date,
                             crc, csize, usize, offset, extra or {}, needed)
        if extra is None:
            scan.problems.append(Problem(Message("malformed extra field"), name))
        if comment_length:
            scan.problems.append(Problem(Message("the entry carries a comment (bundles have "
                                                 "none)"),
                                         name))
        _zip64_values(entry, scan)
        scan.entries.append(entry)
    if position != len(data):
        scan.problems.append(Problem(Message("the central directory is longer than its entries")))
    if total != len(scan.entries):
        scan.problems.append(Problem(Message("the end record miscounts the entries"),
                                     expected=len(scan.entries), found=total))


def _check_names(scan: ZipScan) -> None:
    seen: dict[str, str] = {}
    for entry in scan.entries:
        if entry.name.endswith("/"):
            scan.problems.append(Problem(Message("a directory entry (bundles hold files only)"),
                                         entry.name))
        elif reason := unsafe_reason(entry.name):
            scan.problems.append(Problem(Message("unsafe entry name, refused: {reason}",
                                                 reason=reason), entry.name))
        key = entry.name.casefold()
        if key in seen:
            cause = (Message("duplicated entry name") if seen[key] == entry.name
                     else Message("two entries differ only in letter case"))
            scan.problems.append(Problem(cause, entry.name))
        seen.setdefault(key, entry.name)


def _check_encryption(entry: ScannedEntry, problems: list[Problem]) -> None:
    def problem(cause: str, expected: object = None, found: object = None) -> None:
        problems.append(Problem(cause, entry.name, None if expected is None else str(expected),
                                None if found is None else str(found)))

    if not entry.flags & FLAG_ENCRYPTED:
        problem(Message("stored unencrypted among encrypted entries"))
        return
    if entry.flags & (FLAG_STRONG | FLAG_HIDDEN_CD | FLAG_DESCRIPTOR):
        problem(Message("unexpected general-purpose flags"), found=hex(entry.flags))
    if entry.method != aes.COMPRESS_TYPE_AES:
        problem(Message("not AES-encrypted (legacy ZipCrypto or unknown method)"),
                expected=aes.COMPRESS_TYPE_AES, found=entry.method)
        return
    body = entry.extra.get(aes.EXTRA_ID)
    if body is None or len(body) != 7:
        problem(Message("the AES extra field (0x9901) is missing or damaged"))
        return
    version, vendor, strength, actual = struct.unpack("<H2sBH", body)
    entry.aes_version, entry.aes_strength, entry.actual_method = version, strength, actual
    if version != aes.AE_2 or vendor != aes.VENDOR_ID:
        problem(Message("not WinZip AE-2 (AE-1 stores a CRC of the plaintext)"), "AE-2",
                f"AE-{version}")
    if strength != aes.STRENGTH_256:
        problem(Message("AES key is not 256 bits"), "strength 3", f"strength {strength}")
    if actual not in (0, 8):
        problem(Message("unsupported compression method"), "0 or 8", actual)
    if version == aes.AE_2 and entry.crc != 0:
        problem(Message("an AE-2 entry carries a CRC"), 0, hex(entry.crc))
    if entry.compress_size < aes.OVERHEAD:
        problem(Message("too short to hold the AES salt and MAC"), f">= {aes.OVERHEAD} bytes",
                entry.compress_size)


def _check_local_header(handle: BinaryIO, entry: ScannedEntry, scan: ZipScan) -> None:
    handle.seek(entry.header_offset)
    header = handle.read(LOCAL.size)
    if len(header) < LOCAL.size or header[:4] != b"PK\x03\x04":
        scan.problems.append(Problem(Message("no local header at the offset the central "
                                             "directory gives"), entry.name,
                                     found=f"offset {entry.header_offset}"))
        return
    _, needed, flags, method, time, date, crc, csize, usize, n, m = LOCAL.unpack(header)
    raw_name = handle.read(n)
    extra = parse_extra(handle.read(m)) or {}
    zip64 = extra.get(0x0001, b"")
    if usize == 0xFFFFFFFF and len(zip64) >= 16:
        usize, csize = struct.unpack_from("<QQ", zip64)
    local = {"name": raw_name, "version needed": needed, "flags": flags, "method": method,
             "time": time, "date": date, "CRC": crc, "compressed size": csize,
             "size": usize, "AES field": extra.get(aes.EXTRA_ID)}
    central = {"name": entry.raw_name, "version needed": entry.version_needed,
               "flags": entry.flags, "method": entry.method, "time": entry.time,
               "date": entry.date, "CRC": entry.crc, "compressed size": entry.compress_size,
               "size": entry.file_size, "AES field": entry.extra.get(aes.EXTRA_ID)}
    mismatched = [key for key in local if local[key] != central[key]]
    for key in mismatched:
        scan.problems.append(Problem(
            Message("the local header and the central directory disagree on the {key}", key=key),
            entry.name, expected=_shown(key, central[key]), found=_shown(key, local[key])))
    if not mismatched:
        entry.data_offset = entry.header_offset + LOCAL.size + n + m


def _shown(key: str, value: object) -> object:
    if key == "name" and isinstance(value, bytes):
        return display_name(value.decode("utf-8", errors="backslashreplace"))
    return value.hex() if isinstance(value, bytes) else value


def _check_layout(scan: ZipScan) -> None:
    """Entries must tile the file from byte 0 to the central directory, no gaps, no
    overlaps: hidden bytes or a shared data region mean the file was altered."""
    position = 0
    for entry in sorted(scan.entries, key=lambda e: e.header_offset):
        if entry.header_offset > position:
            scan.problems.append(Problem(Message("unaccounted bytes before this entry"), entry.name,
                                         expected=f"offset {position}",
                                         found=f"offset {entry.header_offset}"))
        elif entry.header_offset < position:
            scan.problems.append(Problem(Message("overlaps the previous entry"), entry.name,
                                         expected=f"offset >= {position}",
                                         found=f"offset {entry.header_offset}"))
        if entry.data_offset < 0:
            return  # its local header is unusable: the rest of the layout is unknown
        position = max(position, entry.data_end)
    if position != scan.cd_offset:
        scan.problems.append(Problem(
            Message("the entries do not end where the central directory begins"),
            expected=f"offset {scan.cd_offset}", found=f"offset {position}"))
