"""verify_bundle: every check a bundle can pass, cheap ones first, all problems collected.

Order: the ZIP structure (headers only), the bag's layout from the entry names, then,
with a password, each entry decrypted in memory and its HMAC, sizes and checksums
checked against the manifests. The whole-file SHA-256 for the sidecar is computed in a
second thread meanwhile. Nothing is ever written to disk.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from archiver.bundle import aes
from archiver.bundle.aes import Derived
from archiver.bundle.bag import bag_top, check_bag, check_bag_layout
from archiver.bundle.bagtext import ALGORITHMS, parse_tag_file
from archiver.bundle.hashing import (
    CHUNK,
    PipelinedHasher,
    parse_sidecar,
    sha256_file,
    sidecar_path,
)
from archiver.bundle.report import EntryRecord, VerifyReport
from archiver.bundle.zipscan import ScannedEntry, scan_zip
from archiver.errors import InputError
from archiver.files import storage_error
from archiver.i18n import Message, _
from archiver.passwords import Password, as_password

MAX_TAG_FILE = 64 << 20  # tag files are read whole; a larger one is refused, not loaded
_NOT_CHECKED = (
    Message("decryption and integrity (HMAC) of each entry"),
    Message("payload checksums against manifest-sha256.txt and manifest-sha512.txt"),
    Message("tag manifest, Payload-Oxum, bagit.txt and bag-info.txt"),
)


def verify_bundle(path: Path, password: Password | str | None) -> VerifyReport:
    """Verify the bundle at `path` and its sidecar; without a password, say what was
    not checked. Never raises for a damaged bundle: the report lists the problems."""
    path = Path(path)
    if not path.is_file():
        raise InputError(_("bundle {path} does not exist or is not a file").format(path=path))
    bundle_name, sidecar, notes = path.name, sidecar_path(path), []
    inside = _bag_name_inside(path)
    if inside is not None and inside != path.name:
        # Renamed or copied ("paczka (1).zip"): the bag inside says what it is.
        bundle_name = inside
        notes.append(_("the file is named {file} but holds the bag {bag}: checked as {name}")
                     .format(file=path.name, bag=bag_top(inside), name=inside))
        original = sidecar_path(path.with_name(inside))
        if not sidecar.exists() and original.exists():
            sidecar = original
            notes.append(_("checksum from {sidecar} (the sidecar of the original name)")
                         .format(sidecar=original.name))
    report = verify_file(path, password, bundle_name=bundle_name, sidecar=sidecar)
    report.notes[:0] = notes
    return report


def _bag_name_inside(path: Path) -> str | None:
    """`NAME.zip` when every entry lies in one top folder NAME holding bagit.txt."""
    try:
        with open(path, "rb") as handle:
            scan = scan_zip(handle, os.fstat(handle.fileno()).st_size)
    except OSError:
        return None  # verify_file reports it
    if scan.fatal or not scan.entries:
        return None
    tops = {entry.name.split("/", 1)[0] for entry in scan.entries}
    if len(tops) != 1:
        return None
    top = tops.pop()
    names = {entry.name for entry in scan.entries}
    return f"{top}.zip" if f"{top}/bagit.txt" in names else None


def verify_file(path: Path, password: Password | str | None, *, bundle_name: str,
                sidecar: Path | None, algorithms: tuple[str, ...] = ALGORITHMS,
                derived: Derived | None = None) -> VerifyReport:
    """Verify `path` as if named `bundle_name` (the writer checks its partial file so),
    comparing the manifests of `algorithms` only; `derived`: the entries' keys by salt as
    the writer derived them from this password (aes.BundleZipFile.derived)."""
    report = VerifyReport(path)
    try:
        with ThreadPoolExecutor(2, thread_name_prefix="bundle-verify") as pool:
            whole = pool.submit(sha256_file, path)
            with open(path, "rb") as handle:
                _verify_open_file(handle, os.fstat(handle.fileno()).st_size, password,
                                  bundle_name, report, _Hashing(pool, algorithms), derived)
            report.sha256, report.size = whole.result()
    except OSError as exc:
        raise storage_error(exc, _("read the bundle {name}").format(name=path.name),
                            path.parent) from None
    if sidecar is not None:
        _check_sidecar(report, sidecar, bundle_name)
    return report


def _verify_open_file(handle: BinaryIO, size: int, password: Password | str | None,
                      bundle_name: str, report: VerifyReport, hashing: _Hashing,
                      derived: Derived | None = None) -> None:
    scan = scan_zip(handle, size)
    report.problems += scan.problems
    report.entry_count = len(scan.entries)
    if scan.fatal:
        report.not_checked.append(Message("anything beyond the ZIP end record: the central "
                                          "directory cannot be read"))
        return
    report.checked.append(Message("ZIP structure: {entries} entries, central directory "
                                  "against local headers, names, every entry AES-256 AE-2",
                                  entries=len(scan.entries)))
    layout = check_bag_layout(scan.entries, bundle_name, report)
    unsafe = [p for p in scan.problems if p.cause.startswith("unsafe entry name")]
    if password is None:
        report.not_checked += [Message("{item} (no password given)", item=item)
                               for item in _NOT_CHECKED]
    elif unsafe:
        report.not_checked += [Message("{item} (refused: unsafe entry names)", item=item)
                               for item in _NOT_CHECKED]
    else:
        files = _decrypt_all(handle, scan.entries, as_password(password).encode(),
                             f"{layout.top}/data/", report, hashing, derived)
        if files is not None:
            check_bag(files, layout, report, hashing.algorithms)
            bag_info = files.tag_bytes.get(f"{layout.top}/bag-info.txt")
            if bag_info is not None:
                report.bag_info = parse_tag_file(bag_info)[0]


@dataclass(frozen=True)
class _Hashing:
    pool: Executor  # a thread that hashes while the main thread decrypts
    algorithms: tuple[str, ...]


class _Collected:
    """What decryption yields for the bag checks: checksums of all, bytes of tag files."""

    def __init__(self) -> None:
        self.records: dict[str, EntryRecord] = {}  # bag-relative name -> record
        self.tag_bytes: dict[str, bytes] = {}
        self.failed: set[str] = set()  # entry names that did not decrypt or authenticate


def _decrypt_all(handle: BinaryIO, entries: list[ScannedEntry], password: bytes,
                 payload_prefix: str, report: VerifyReport, hashing: _Hashing,
                 derived: Derived | None = None) -> _Collected | None:
    collected = _Collected()
    wrong: list[ScannedEntry] = []
    attempted = 0
    for entry in sorted(entries, key=lambda e: e.header_offset):  # read the file in order
        if entry.data_offset < 0 or entry.aes_version is None:
            collected.failed.add(entry.name)
            continue  # the structure check already named it
        attempted += 1
        hasher = PipelinedHasher(hashing.pool, hashing.algorithms)
        is_tag = not entry.name.startswith(payload_prefix)
        buffer = bytearray()

        def sink(chunk: bytes, hasher: PipelinedHasher = hasher, buffer: bytearray = buffer,
                 is_tag: bool = is_tag) -> None:
            hasher.update(chunk)
            if is_tag and len(buffer) <= MAX_TAG_FILE:
                buffer.extend(chunk)

        cause = _read_entry(handle, entry, password, sink, derived)
        digests = hasher.hexdigests()  # also waits for the hashing thread
        if cause:
            collected.failed.add(entry.name)
            if cause == "password":
                wrong.append(entry)
            else:
                report.add(cause, entry.name)
            continue
        if is_tag and len(buffer) > MAX_TAG_FILE:
            collected.failed.add(entry.name)
            report.add(Message("tag file too large to be one"), entry.name,
                       f"<= {MAX_TAG_FILE} bytes", hasher.size)
            continue
        record = EntryRecord(entry.name, hasher.size, digests["sha256"], digests["sha512"])
        collected.records[entry.name] = record
        report.files.append(record)
        if is_tag:
            collected.tag_bytes[entry.name] = bytes(buffer)
    if attempted and len(wrong) == attempted:
        report.add(Message("wrong password: no entry could be decrypted with it"))
        report.not_checked += [Message("{item} (wrong password)", item=item)
                               for item in _NOT_CHECKED[1:]]
        return None
    for entry in wrong:
        report.add(Message("the password opens other entries but not this one: its "
                           "encryption header was altered or damaged"), entry.name)
    report.checked.append(Message("decryption and integrity (HMAC) of {attempted} entries",
                                  attempted=attempted))
    return collected


def _read_entry(handle: BinaryIO, entry: ScannedEntry, password: bytes,
                sink: Callable[[bytes], None], derived: Derived | None = None) -> str | None:
    """Decrypt, authenticate and inflate one entry into `sink`; the cause of a failure,
    'password' for a wrong password, or None."""
    handle.seek(entry.data_offset)
    header = handle.read(aes.SALT_LENGTH + aes.VERIFIER_LENGTH)
    try:
        decrypter = aes.AE2Decrypter(password, header, derived)
    except aes.WrongPassword:
        return "password"
    inflater = zlib.decompressobj(-15) if entry.actual_method == 8 else None
    remaining = entry.compress_size - aes.OVERHEAD
    produced, failure = 0, None
    while remaining > 0:
        chunk = handle.read(min(CHUNK, remaining))
        if not chunk:
            return Message("the entry's data is cut short")
        remaining -= len(chunk)
        plain = decrypter.decrypt(chunk)
        if failure:
            continue  # keep feeding the MAC: it tells tampering from a bad stream
        try:
            produced, failure = _emit(plain, inflater, entry.file_size, produced, sink)
        except zlib.error:
            failure = Message("the compressed data is corrupt")
    if not decrypter.mac_matches(handle.read(aes.MAC_LENGTH)):
        return Message("integrity check (HMAC) failed: the encrypted data was altered or "
                       "damaged")
    if failure:
        return failure
    if inflater is not None and (not inflater.eof or inflater.unused_data):
        return Message("the compressed data does not end where the entry ends")
    if produced != entry.file_size:
        return Message("decrypted size differs from the central directory (expected "
                       "{expected}, found {found})", expected=entry.file_size, found=produced)
    return None


def _emit(plain: bytes, inflater: zlib._Decompress | None, declared: int, produced: int,
          sink: Callable[[bytes], None]) -> tuple[int, str | None]:
    """Inflate in bounded steps, so that a zip bomb is caught at its declared size."""
    data = inflater.decompress(plain, CHUNK) if inflater else plain
    while True:
        produced += len(data)
        if produced > declared:
            return produced, Message("more data than the central directory declares")
        sink(data)
        if inflater is None or not inflater.unconsumed_tail:
            return produced, None
        data = inflater.decompress(inflater.unconsumed_tail, CHUNK)


def _check_sidecar(report: VerifyReport, sidecar: Path, bundle_name: str) -> None:
    try:
        data = sidecar.read_bytes()
    except FileNotFoundError:
        report.add(Message("the sidecar {name} is missing", name=sidecar.name))
        return
    except OSError as exc:
        report.add(Message("the sidecar {name} cannot be read ({strerror})",
                           name=sidecar.name, strerror=exc.strerror))
        return
    parsed = parse_sidecar(data)
    if parsed is None:
        report.add(Message("the sidecar {name} is not one sha256sum line", name=sidecar.name))
        return
    digest, name = parsed
    if name != bundle_name:
        report.add(Message("the sidecar {name} names another file", name=sidecar.name),
                   expected=bundle_name, found=name)
    if digest != report.sha256:
        report.add(Message("the bundle's SHA-256 differs from its sidecar: the file was "
                           "changed or damaged"), expected=digest, found=report.sha256)
    else:
        report.checked.append(Message("SHA-256 of the whole file against {name}",
                                      name=sidecar.name))
