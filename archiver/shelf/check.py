"""Checking one copy, and saying where a changed copy differs from a good twin.

Quick: the sidecar, the ZIP structure and the whole file's SHA-256 (verify_file without a
password, which streams the file once). Deep: the same with the password, every entry
decrypted in memory and both manifests checked; bag-info.txt is kept for the index.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pyzipper

from archiver.bundle.hashing import CHUNK
from archiver.bundle.verify import verify_file
from archiver.bundle.zipscan import scan_zip
from archiver.errors import InputError, StorageError
from archiver.i18n import Message
from archiver.passwords import Password
from archiver.shelf.find import Found
from archiver.sign.bundles import BagReader
from archiver.sign.renewal import newest_timestamp_expiry

MAX_RANGES = 12  # a changed copy lists this many differing ranges, then counts the rest
_BLOCK = 4096
# the bag's files that can carry a timestamp (newest_timestamp_expiry reads them one by one)
TIMESTAMPED = (".p7s", ".tsr", ".pdf")


@dataclass
class CopyCheck:
    """What checking one copy found."""

    found: Found
    sha256: str | None = None
    size: int = 0
    deep: bool = False
    problems: list[str] = field(default_factory=list)
    bag_info: dict[str, str] = field(default_factory=dict)
    missing: bool = False
    timestamp_expires: str = ""  # ISO date: the newest seal timestamp's TSA certificate end

    @property
    def sidecar_sha256(self) -> str | None:
        return self.found.sidecar.sha256 if self.found.sidecar else None

    @property
    def renamed(self) -> bool:
        path = self.found.path
        return path is not None and path.name != f"{self.found.bundle_id}.zip"


def check_copy(found: Found, password: Password | None) -> CopyCheck:
    """Check the copy `found`, deeply when a password is given; never raises for a
    damaged or unreadable copy: the check lists its problems."""
    check = CopyCheck(found)
    if found.path is None:
        check.missing = True
        check.problems.append(Message("only its sidecar was found: the bundle file is missing"))
        return check
    sidecar = found.sidecar.path if found.sidecar else None
    try:
        report = verify_file(found.path, password, bundle_name=f"{found.bundle_id}.zip",
                             sidecar=sidecar)
    except (StorageError, InputError) as exc:
        check.problems.append(Message("the copy cannot be read: {message}", message=exc.message))
        return check
    check.sha256, check.size = report.sha256, report.size
    check.deep = password is not None
    check.problems += [str(problem) for problem in report.problems]
    if sidecar is None:
        check.problems.append(Message("no sidecar (.sha256) lies beside the copy"))
    check.bag_info = {label: value for label, value in report.bag_info}
    if password is not None and report.ok:
        check.timestamp_expires = seal_timestamp_expiry(found.path, found.bundle_id, password)
    return check


def seal_timestamp_expiry(path: Path, bundle_id: str, password: Password) -> str:
    """When the certificate of the authority that issued the bundle's newest timestamp
    (seal, archive timestamps, the PDFs' document timestamps) expires, as an ISO date;
    '' without one. Before then the bundle needs `archiver timestamp-renew`."""
    try:
        with pyzipper.AESZipFile(path) as archive:
            archive.setpassword(password.encode())
            expiry = newest_timestamp_expiry(
                BagReader(archive, bundle_id, suffixes=TIMESTAMPED))
    except (OSError, RuntimeError, ValueError, KeyError, pyzipper.BadZipFile):
        return ""
    return expiry.date().isoformat() if expiry else ""


def differing_ranges(changed: Path, good: Path) -> tuple[list[tuple[int, int]], int]:
    """Byte ranges [start, end) where `changed` differs from `good` (at most MAX_RANGES,
    neighbours within a block merged) and the number of differing bytes in all."""
    ranges: list[tuple[int, int]] = []
    total = 0
    offset = 0
    with open(changed, "rb") as a, open(good, "rb") as b:
        while True:
            left, right = a.read(CHUNK), b.read(CHUNK)
            if not left and not right:
                break
            if left != right:
                for start, end in _chunk_ranges(left, right):
                    total += end - start
                    _merge(ranges, offset + start, offset + end)
            offset += max(len(left), len(right))
    return ranges[:MAX_RANGES], total


def _chunk_ranges(left: bytes, right: bytes) -> list[tuple[int, int]]:
    found: list[tuple[int, int]] = []
    length = max(len(left), len(right))
    for block in range(0, length, _BLOCK):
        a, b = left[block:block + _BLOCK], right[block:block + _BLOCK]
        if a == b:
            continue
        for position in range(max(len(a), len(b))):
            if position >= len(a) or position >= len(b) or a[position] != b[position]:
                _merge(found, block + position, block + position + 1)
    return found


def _merge(ranges: list[tuple[int, int]], start: int, end: int) -> None:
    if ranges and start <= ranges[-1][1] + _BLOCK // 64:
        ranges[-1] = (ranges[-1][0], max(ranges[-1][1], end))
    elif len(ranges) <= MAX_RANGES:
        ranges.append((start, end))


def locate(good: Path, offset: int) -> str:
    """What lies at byte `offset` of the good copy: an entry's header or data, the ZIP
    directory or its end record (entry names carry no personal data)."""
    with open(good, "rb") as handle:
        scan = scan_zip(handle, os.fstat(handle.fileno()).st_size)
    for entry in sorted(scan.entries, key=lambda e: e.header_offset):
        if entry.data_offset < 0 or offset < entry.header_offset:
            continue
        relative = entry.name.split("/", 1)[-1]
        if offset < entry.data_offset:
            return f"local header of {relative}"
        if offset < entry.data_end:
            return f"data of {relative}"
    return "ZIP central directory or end record" if offset >= scan.cd_offset else "between entries"


def describe_difference(changed: Path, good: Path) -> tuple[list[dict[str, object]], int]:
    """The ranges where `changed` differs from `good`, each with what lies there, and
    the number of differing bytes in all."""
    ranges, total = differing_ranges(changed, good)
    return [{"start": start, "end": end, "where": locate(good, start)}
            for start, end in ranges], total
