"""BundleWriter: an encrypted BagIt-in-ZIP bundle, written in one streaming pass.

Layout of `NAME.zip` (every entry AES-256, WinZip AE-2):

    NAME/bagit.txt
    NAME/data/...                     payload, in the order added
    NAME/<extra tag files>            add_tag_file, in the order added
    NAME/bag-info.txt
    NAME/manifest-sha256.txt, NAME/manifest-sha512.txt
    NAME/tagmanifest-sha256.txt, NAME/tagmanifest-sha512.txt
    NAME/tagmanifest-sha256.txt.p7s   seals (seal_with): signatures over the tag manifest,
                                      which therefore cannot list them

The ZIP is written to `.NAME.zip.partial-PID`, synced, verified in full (decrypted and
checked against its manifests), then renamed into place beside `NAME.zip.sha256`.
"""

from __future__ import annotations

import itertools
import os
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

import pyzipper
from pyzipper.zipfile_aes import AESZipInfo

from archiver import __version__
from archiver.bundle import bagtext
from archiver.bundle.aes import BundleZipFile
from archiver.bundle.bag import bag_top
from archiver.bundle.hashing import CHUNK, PipelinedHasher, sidecar_path, sidecar_text
from archiver.bundle.names import NameGuard
from archiver.bundle.report import EntryRecord
from archiver.bundle.timestamps import bagging_date, bagging_time, zip_date_time
from archiver.bundle.verify import verify_file
from archiver.errors import InputError, RefusedError, StorageError, UsageError, VerificationError
from archiver.files import (
    OutputFile,
    partial_path,
    publish_pair,
    remove_quietly,
    storage_error,
    write_new_file,
)
from archiver.i18n import _
from archiver.passwords import Password, as_password

#: makes the seals of a bag from its finished tagmanifest-sha256.txt: (name, content) pairs
Sealer = Callable[[bytes], Iterable[tuple[str, bytes]]]
SEAL_PREFIX = "tagmanifest-sha256.txt"


def is_seal_name(name: str) -> bool:
    """A seal's name: the tag manifest's, then `.` or `-` and more (`.p7s`, `-2.xades`)."""
    return name.startswith(SEAL_PREFIX) and name[len(SEAL_PREFIX):][:1] in (".", "-")

COMPRESS_LEVEL = 1  # on CSV text: 2.2x the speed of level 6 for a 15% larger result
_SAMPLE = 1 << 16


@dataclass(frozen=True)
class BundleResult:
    """A bundle that was written, verified and published, with its sidecar."""

    path: Path
    sidecar_path: Path
    sha256: str
    size: int
    entries: tuple[EntryRecord, ...]  # every file of the bag, bag-relative, in ZIP order
    payload_oxum: str
    created: datetime


def default_agent() -> str:
    """Bag-Software-Agent: this program and the ZIP library that packs the bundle."""
    return f"archiver {__version__} (pyzipper {pyzipper.__version__})"


def _worth_compressing(sample: bytes | memoryview) -> bool:
    # PDFs, images and ZIPs are compressed already: deflating them again costs 20x the
    # time of encrypting them and saves nothing.
    head = sample[:_SAMPLE]
    return bool(head) and len(zlib.compress(head, 1)) < 0.9 * len(head)


def _chunks_of(data: bytes) -> Iterator[memoryview]:
    view = memoryview(data)
    for start in range(0, len(view), CHUNK):
        yield view[start : start + CHUNK]


def _chunks_from(stream: BinaryIO) -> Iterator[bytes]:
    while chunk := stream.read(CHUNK):
        yield chunk


class BundleWriter:
    """Write one bundle; use as a context manager (an exception discards it).

    `bag_info` holds the caller's bag-info.txt fields (a sequence repeats a label);
    Bagging-Date, Bag-Software-Agent, Payload-Oxum and Bag-Size are added. Entry names
    are refused if unsafe or holding a token of `forbidden_name_tokens` (personal names)
    other than the words of archiver's own names (`fixed_name_words`: never a person's);
    the error names the entry by position ("entry 12" = the 12th file added) and the
    bundle is discarded. Entries keep the order they are added in, so add them in a
    deterministic order. `created` fixes every ZIP timestamp (default: SOURCE_DATE_EPOCH,
    else now); Bagging-Date is the day the bag is really made, from the clock (RFC 8493:
    the date the content was bagged; SOURCE_DATE_EPOCH must not backdate it). Entry
    names and sizes are visible without the password (ZIP's design).
    """

    def __init__(self, final_path: Path, password: Password | str,
                 bag_info: Mapping[str, str | Sequence[str]], *,
                 forbidden_name_tokens: Iterable[str] = (), created: datetime | None = None,
                 fixed_name_words: Iterable[str] = (),
                 software_agent: str | None = None) -> None:
        self.final_path = Path(final_path)
        self._password = as_password(password)
        self._bag_info = bagtext.normalise_bag_info(bag_info)
        self._guard = NameGuard(forbidden_name_tokens, fixed_name_words)
        self._created = created or bagging_time()
        self._date_time = zip_date_time(self._created)
        self._agent = software_agent or default_agent()
        self._top = bag_top(self.final_path.name)
        self._records: list[EntryRecord] = []
        self._names: set[str] = set()
        self._position = 0
        self._state = "new"
        self._zip: BundleZipFile | None = None
        self._out: OutputFile | None = None
        self._partials: list[Path] = []
        self._hash_thread = ThreadPoolExecutor(1, thread_name_prefix="bundle-hash")
        self._sealers: list[Sealer] = []
        self.result: BundleResult | None = None

    def __repr__(self) -> str:
        return f"BundleWriter({self.final_path.name!r}, state={self._state})"

    # -- life cycle -------------------------------------------------------------------

    def __enter__(self) -> BundleWriter:
        self.open()
        return self

    def __exit__(self, exc_type: object, exc: object, traceback: object) -> None:
        if exc_type is not None:
            self.abort()
        elif self._state == "open":
            self.close()

    def open(self) -> None:
        """Check the target and start the partial file (done by `with` already)."""
        if self._state != "new":
            raise UsageError(_("a BundleWriter is opened once"))
        folder = self.final_path.parent
        if self.final_path.suffix.lower() != ".zip":
            raise UsageError(_("a bundle's file name must end in .zip: {name}").format(
                                 name=self.final_path.name))
        self._guard.check_bundle_name(self.final_path.name)
        if not folder.is_dir():
            raise StorageError(_("the output folder {folder} does not exist").format(
                                   folder=folder))
        for existing in (self.final_path, sidecar_path(self.final_path)):
            if existing.exists():
                raise RefusedError(_("{existing} already exists; a bundle is never "
                                     "overwritten").format(existing=existing),
                                   hint=_("move the old bundle away or write to "
                                          "another folder"))
        partial = partial_path(self.final_path)
        with self._guarded(_("create the bundle")):
            self._out = OutputFile(partial)
            self._partials.append(partial)
            self._state = "open"
            self._zip = BundleZipFile(self._out, "w", encryption=pyzipper.WZ_AES)
            self._zip.setpassword(self._password.encode())
            self._write("bagit.txt", _chunks_of(bagtext.BAGIT_TXT), len(bagtext.BAGIT_TXT),
                        compress=False)

    def abort(self) -> None:
        """Discard the bundle: nothing stays on disk, not even the partial file."""
        if self._zip is not None:
            self._zip.fp = None  # or ZipFile.__del__ would write a directory into a closed file
        if self._out is not None:
            try:
                self._out.close()
            except OSError:
                pass
        remove_quietly(*self._partials)
        self._hash_thread.shutdown(wait=True, cancel_futures=True)
        if self._state != "closed":
            self._state = "aborted"

    # -- adding files -----------------------------------------------------------------

    @property
    def entries(self) -> tuple[EntryRecord, ...]:
        """Files written so far, bag-relative (for an index of the payload)."""
        return tuple(self._records)

    def add_bytes(self, arcname: str, data: bytes, *, compress: bool | None = None
                  ) -> EntryRecord:
        """Add `data` as `data/<arcname>`; compress=None decides from the content."""
        return self._add(f"data/{arcname}", _chunks_of(data), len(data), compress)

    def add_file(self, arcname: str, path: Path, *, compress: bool | None = None
                 ) -> EntryRecord:
        """Stream the file at `path` into `data/<arcname>` exactly as it is."""
        try:
            handle = open(path, "rb")
        except OSError as exc:
            raise InputError(_("cannot read {path}: {strerror}").format(
                                 path=path, strerror=exc.strerror)) from None
        with handle:
            size = _file_size(handle)
            record = self._add(f"data/{arcname}", _chunks_from(handle), size, compress)
        if record.size != size:
            self.abort()
            raise InputError(_("{path} changed while it was being archived; run again").format(
                                 path=path))
        return record

    def add_stream(self, arcname: str, stream: BinaryIO, *, size: int | None = None,
                   compress: bool | None = None) -> EntryRecord:
        """Stream a readable binary object into `data/<arcname>`."""
        return self._add(f"data/{arcname}", _chunks_from(stream), size, compress)

    def add_tag_file(self, name: str, data: bytes) -> EntryRecord:
        """An extra tag file at the bag root (or in a tag folder), listed in tagmanifest."""
        if name.startswith("data/") or bagtext.is_reserved_tag_name(name):
            raise UsageError(_("{name!r} is not a free tag file name").format(name=name))
        return self._add(name, _chunks_of(data), len(data), None)

    def seal_with(self, sealer: Sealer) -> None:
        """At close, call `sealer` with the finished tagmanifest-sha256.txt and write the
        files it returns (signatures over it) after it, named as is_seal_name says: a
        file made from the tag manifest cannot be listed in it."""
        self._sealers.append(sealer)

    def _write_seals(self, tag_manifest: bytes) -> None:
        try:
            sealed = [pair for sealer in self._sealers for pair in sealer(tag_manifest)]
        except BaseException:
            self.abort()  # a failed signature (key, timestamp server) leaves nothing behind
            raise
        for name, data in sealed:
            if not is_seal_name(name) or name in {r.name for r in self._records}:
                self.abort()
                raise UsageError(_("{name!r} is not a free seal name ({SEAL_PREFIX}...)").format(
                                     name=name, SEAL_PREFIX=SEAL_PREFIX))
            self._write(name, _chunks_of(data), len(data), None)

    def _add(self, relative: str, chunks: Iterator[bytes | memoryview], size: int | None,
             compress: bool | None) -> EntryRecord:
        if self._state != "open":
            raise UsageError(_("add files inside `with BundleWriter(...)`, before "
                               "close()"))
        self._position += 1
        try:
            relative = self._guard.check(relative, self._position, prefix=f"{self._top}/")
        except RefusedError:
            self.abort()
            raise
        return self._write(relative, chunks, size, compress)

    def _write(self, relative: str, chunks: Iterator[bytes | memoryview], size: int | None,
               compress: bool | None) -> EntryRecord:
        first = next(chunks, b"")
        deflate = _worth_compressing(first) if compress is None else compress
        info = AESZipInfo(f"{self._top}/{relative}", date_time=self._date_time)
        info.compress_type = pyzipper.ZIP_DEFLATED if deflate else pyzipper.ZIP_STORED
        info._compresslevel = COMPRESS_LEVEL if deflate else None
        info.file_size = size or 0
        info.external_attr = 0o600 << 16  # extracted files stay readable by their owner only
        hasher = PipelinedHasher(self._hash_thread)
        with self._guarded(_("write the bundle")):
            assert self._zip is not None
            with self._zip.open(info, "w", force_zip64=size is None) as sink:
                for chunk in itertools.chain([first], chunks):
                    hasher.update(chunk)
                    sink.write(chunk)
            digests = hasher.hexdigests()
        record = EntryRecord(relative, hasher.size, digests["sha256"], digests["sha512"])
        self._records.append(record)
        return record

    @contextmanager
    def _guarded(self, action: str) -> Iterator[None]:
        """Turn an OS error into a StorageError and discard the partial bundle."""
        try:
            yield
        except OSError as exc:
            self.abort()
            raise storage_error(exc, action, self.final_path.parent) from None
        except BaseException:
            self.abort()
            raise

    # -- closing ----------------------------------------------------------------------

    def close(self) -> BundleResult:
        """Write the tag files, verify the whole bundle, publish it and its sidecar."""
        if self._state == "closed" and self.result is not None:
            return self.result
        if self._state != "open":
            raise UsageError(_("this bundle was discarded after an error; start a new "
                               "one"))
        self._write_tag_files()
        with self._guarded(_("write the bundle")):
            assert self._zip is not None and self._out is not None
            self._zip.close()
            self._out.sync()
            self._out.close()
            sha256, size = self._verify_partial()
            sidecar_partial = partial_path(sidecar_path(self.final_path))
            self._partials.append(sidecar_partial)
            write_new_file(sidecar_partial, sidecar_text(sha256, self.final_path.name))
            # The sidecar first: a kill between the two renames then leaves an orphan
            # sidecar (removed by the next run), never a bundle without its checksum.
            publish_pair([(sidecar_partial, sidecar_path(self.final_path)),
                          (self._partials[0], self.final_path)],
                         self.final_path.parent)
        self._state = "closed"
        self._hash_thread.shutdown()
        payload = [r for r in self._records if r.name.startswith("data/")]
        self.result = BundleResult(
            self.final_path, sidecar_path(self.final_path), sha256, size,
            tuple(self._records), f"{sum(r.size for r in payload)}.{len(payload)}",
            self._created)
        return self.result

    def _write_tag_files(self) -> None:
        payload = {r.name: r for r in self._records if r.name.startswith("data/")}
        oxum_bytes = sum(r.size for r in payload.values())
        fields = list(self._bag_info)
        labels = {label for label, _ in fields}
        if "Bagging-Date" not in labels:
            fields.append(("Bagging-Date", bagging_date().isoformat()))
        if "Bag-Software-Agent" not in labels:
            fields.append(("Bag-Software-Agent", self._agent))
        fields += [("Payload-Oxum", f"{oxum_bytes}.{len(payload)}"),
                   ("Bag-Size", bagtext.human_size(oxum_bytes))]
        tags: list[tuple[str, bytes]] = [("bag-info.txt", bagtext.format_bag_info(fields))]
        for algorithm in bagtext.ALGORITHMS:
            digests = {name: getattr(r, algorithm) for name, r in payload.items()}
            tags.append((f"manifest-{algorithm}.txt", bagtext.format_manifest(digests)))
        for name, data in tags:
            self._write(name, _chunks_of(data), len(data), None)
        tag_records = [r for r in self._records if not r.name.startswith("data/")]
        for algorithm in bagtext.ALGORITHMS:
            digests = {r.name: getattr(r, algorithm) for r in tag_records}
            data = bagtext.format_manifest(digests)
            self._write(f"tagmanifest-{algorithm}.txt", _chunks_of(data), len(data), None)
            if algorithm == "sha256":
                tag_manifest = data
        self._write_seals(tag_manifest)

    def _verify_partial(self) -> tuple[str, int]:
        """Decrypt and check the whole partial file; it must hold exactly our records."""
        # SHA-256 proves the decrypted bytes are the ones hashed while writing, so the
        # SHA-512 values taken in that same pass hold too: computing them again would
        # cost a fifth of the run. `archiver verify` checks both manifests.
        # Each entry's keys as derived while writing it (the same PBKDF2 of the same
        # password and salt): the salts, verifiers, HMACs and plaintexts are read back.
        assert self._zip is not None
        report = verify_file(self._partials[0], self._password,
                             bundle_name=self.final_path.name, sidecar=None,
                             algorithms=("sha256",), derived=getattr(self._zip, "derived", None))
        prefix = f"{self._top}/"
        found = {r.name.removeprefix(prefix): (r.size, r.sha256) for r in report.files}
        wanted = {r.name: (r.size, r.sha256) for r in self._records}
        if not report.ok or found != wanted:
            raise VerificationError(
                _("the bundle just written does not verify; nothing was published "
                  "({problems} problems, first: {first})").format(
                    problems=len(report.problems),
                    first=report.problems[0] if report.problems else _("contents differ")),
                problems=[str(p) for p in report.problems])
        assert report.sha256 is not None
        return report.sha256, report.size


def _file_size(handle: BinaryIO) -> int:
    return os.fstat(handle.fileno()).st_size
