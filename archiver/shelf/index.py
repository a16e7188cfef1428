"""The shelf index: `shelf-index.json` in the state directory, replaced whole on each save.

What it holds is what the bundle's file name, ZIP directory and bag-info.txt say about
it, never a document's content: bundle id, school (name and id), school year, term,
category, retention end, bagging date, the whole-file SHA-256 and size, and per copy
its path, the medium (the scanned folder it lies under), when and how deeply it was
last checked, the outcome, the problems (entry names and causes) and the byte ranges in
which it differs from a good twin. A bundle id is its bag's top folder: the name it was
written under, kept inside the ZIP however the file is renamed later.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from archiver.audit.locking import exclusive_lock
from archiver.errors import InputError, StorageError
from archiver.files import write_whole
from archiver.i18n import N_, _

INDEX_NAME = "shelf-index.json"
LOCK_NAME = "shelf-index.lock"
FORMAT = 1
LOCK_TIMEOUT = 600.0  # a scan of a large shelf holds the index while it runs

OK, DAMAGED, MISSING = "ok", "damaged", "missing"


@dataclass
class CopyRecord:
    """One copy of a bundle where the last scan of its medium saw it (or missed it)."""

    path: str  # absolute path of the file
    medium: str  # the scanned folder it lies under
    outcome: str  # ok | damaged | missing
    checked_at: str  # ISO 8601 UTC, the last check (or the scan that missed it)
    sha256: str | None = None
    size: int = 0
    deep: bool = False  # decrypted and checked against both manifests
    renamed: bool = False  # its file name is not the bundle's own
    problems: list[str] = field(default_factory=list)
    differs: list[dict[str, Any]] = field(default_factory=list)  # {start, end, where}
    differing_bytes: int = 0  # against a good twin, in all (differs lists the first ranges)
    last_good_at: str | None = None  # the last check it passed

    @property
    def good(self) -> bool:
        return self.outcome == OK


@dataclass
class BundleRecord:
    """A bundle, known by its id, and every copy of it the scans found."""

    bundle_id: str
    sha256: str | None = None  # the reference: what its sidecars say
    size: int = 0
    school: str = ""
    school_id: str = ""
    school_year: str = ""
    term: str = ""  # "1", "2", "year", or "" when not known
    kind: str = ""  # "term-end", "disclosure" or ""
    category: str = ""  # from bag-info (a deep scan), "" until known
    retention_until: str = ""  # ISO date from bag-info, "" until known
    bagging_date: str = ""
    timestamp_expires: str = ""  # newest seal timestamp's TSA certificate end (deep scan)
    first_seen: str = ""
    deep_checked_at: str = ""
    destroyed_at: str = ""  # when `shelf destroy` removed it (the record stays)
    destruction_list: str = ""  # the number of the list it was destroyed on
    copies: dict[str, CopyRecord] = field(default_factory=dict)  # by path

    def good_copies(self) -> list[CopyRecord]:
        return [c for c in self.sorted_copies() if c.good]

    def sorted_copies(self) -> list[CopyRecord]:
        return [self.copies[p] for p in sorted(self.copies)]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BundleRecord:
        copies = {p: CopyRecord(**c) for p, c in data.get("copies", {}).items()}
        return cls(**{**data, "copies": copies})


@dataclass
class ShelfIndex:
    """Every bundle the shelf knows, and the destruction lists made from it."""

    bundles: dict[str, BundleRecord] = field(default_factory=dict)
    lists: dict[str, dict[str, Any]] = field(default_factory=dict)  # number -> list
    updated_at: str = ""

    def bundle(self, bundle_id: str) -> BundleRecord:
        """The record of `bundle_id`, made if new."""
        if bundle_id not in self.bundles:
            self.bundles[bundle_id] = BundleRecord(bundle_id)
        return self.bundles[bundle_id]

    def require(self, bundle_id: str) -> BundleRecord:
        """The record of a bundle the user named; an unknown id is their mistake."""
        try:
            return self.bundles[bundle_id]
        except KeyError:
            raise InputError(_("the shelf index knows no bundle {bundle!r}").format(
                bundle=bundle_id), hint=_("run `archiver shelf scan` on the media first; "
                                          "`archiver shelf report` lists the bundle ids")
            ) from None

    def to_json(self) -> bytes:
        data = {"format": FORMAT, "updated_at": self.updated_at,
                "bundles": {k: asdict(v) for k, v in sorted(self.bundles.items())},
                "lists": self.lists}
        return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
                ).encode("utf-8")

    @classmethod
    def from_json(cls, data: bytes, where: Path) -> ShelfIndex:
        try:
            parsed = json.loads(data)
            if parsed.get("format") != FORMAT:
                raise ValueError("unknown format")
            bundles = {k: BundleRecord.from_dict(v) for k, v in parsed["bundles"].items()}
            return cls(bundles, dict(parsed.get("lists", {})), parsed.get("updated_at", ""))
        except (ValueError, KeyError, TypeError, AttributeError):
            raise InputError(_("the shelf index {path} is damaged or of another version"
                               ).format(path=where),
                             hint=_("move it away and scan the media again: the index is "
                                    "rebuilt from the bundles themselves")) from None


def index_path(state_dir: Path) -> Path:
    return Path(state_dir) / INDEX_NAME


def load_index(state_dir: Path) -> ShelfIndex:
    """The shelf index of `state_dir`; an empty one if none was saved yet."""
    path = index_path(state_dir)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return ShelfIndex()
    except OSError as exc:
        raise StorageError(_("cannot read the shelf index {path}: {reason}").format(
            path=path, reason=exc.strerror)) from None
    return ShelfIndex.from_json(data, path)


def save_index(index: ShelfIndex, state_dir: Path) -> Path:
    """Replace the index whole: a partial file, synced, renamed over the old one."""
    return write_whole(index_path(state_dir), index.to_json(), what=N_("the shelf index"),
                       replace=True, output=False)


@contextmanager
def locked_index(state_dir: Path) -> Iterator[ShelfIndex]:
    """Load the index, hold it against other runs while the block changes it, save it."""
    state_dir = Path(state_dir)
    try:
        state_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise StorageError(_("cannot create the state directory {path}: {reason}").format(
            path=state_dir, reason=exc.strerror)) from None
    with exclusive_lock(state_dir / LOCK_NAME, LOCK_TIMEOUT):
        index = load_index(state_dir)
        yield index
        save_index(index, state_dir)
