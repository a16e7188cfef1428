"""shelf scan: check every copy of every bundle on the given media and update the index.

A copy is good when nothing is wrong with it and its SHA-256 is the bundle's reference
(what its sidecars say). A copy that was indexed under a scanned medium and is not
found any more is missing (unless it only moved on that medium). A changed copy is
compared with a good twin, and the byte ranges that differ are kept in the index.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from archiver.audit import AuditLog, record
from archiver.config import Config
from archiver.errors import InputError, UsageError
from archiver.i18n import Message, _
from archiver.passwords import Password, read_password, read_slip
from archiver.shelf.check import CopyCheck, check_copy, describe_difference
from archiver.shelf.find import find_bundles
from archiver.shelf.index import (
    DAMAGED,
    MISSING,
    OK,
    BundleRecord,
    CopyRecord,
    ShelfIndex,
    index_path,
    locked_index,
)

SLIP_GLOB = "*-haslo.txt"
AUDIT_OUTPUTS = 900  # copies listed per audit entry; a larger scan writes several
_TERM_END_NAME = re.compile(r"^(?P<school>.+)_(?P<year>\d{4}-\d{4})_(?P<which>sem\d+|rok)_"
                            r"\d{8}T\d{6}Z$")
_DISCLOSURE_NAME = re.compile(r"^(?P<school>.+)_udostepnienie_.+_\d{8}T\d{6}Z$")


@dataclass
class ScanRequest:
    """What to scan, how deeply, with which passwords."""

    media: Sequence[Path]
    operator: str
    deep: bool = False
    password_file: Path | None = None
    slips: Path | None = None  # a folder of password slips (BUNDLE-haslo.txt)
    state_dir: Path | None = None


@dataclass
class ScanResult:
    index: ShelfIndex
    index_path: Path
    checked: list[tuple[str, CopyRecord]] = field(default_factory=list)  # (bundle id, copy)
    unreadable: list[str] = field(default_factory=list)  # folders that could not be read
    no_password: list[str] = field(default_factory=list)  # bundle ids left quick in --deep

    def bundles(self) -> list[BundleRecord]:
        """The bundles this scan saw a copy of, by id."""
        ids = sorted({bundle_id for bundle_id, _ in self.checked})
        return [self.index.bundles[i] for i in ids]


class Passwords:
    """The password of a bundle in a deep scan: one for all, or each from its slip."""

    def __init__(self, common: Password | None, slips: dict[str, Password]) -> None:
        self.common, self.slips = common, slips

    @classmethod
    def of(cls, request: ScanRequest) -> Passwords | None:
        if not request.deep:
            if request.password_file or request.slips:
                raise UsageError(_("--password-file and --slips are for --deep scans"))
            return None
        common = read_password(request.password_file)
        slips = read_slips(request.slips) if request.slips else {}
        if common is None and not slips:
            raise UsageError(_("a --deep scan needs the bundles' passwords"),
                             hint=_("give --password-file FILE (or ARCHIVER_PASSWORD) or "
                                    "--slips DIR, the folder of the password slips"))
        return cls(common, slips)

    def of_bundle(self, bundle_id: str) -> Password | None:
        return self.slips.get(f"{bundle_id}.zip", self.common)

    def secrets(self) -> list[str]:
        found = [p.reveal() for p in self.slips.values()]
        return found + ([self.common.reveal()] if self.common else [])


def read_slips(folder: Path) -> dict[str, Password]:
    """{bundle file name: password} of every password slip in `folder`."""
    if not Path(folder).is_dir():
        raise InputError(_("the slip folder {path} does not exist or is not a folder"
                           ).format(path=folder))
    slips: dict[str, Password] = {}
    for path in sorted(Path(folder).glob(SLIP_GLOB)):
        try:
            parsed = read_slip(path.read_text("utf-8"))
        except (OSError, UnicodeDecodeError):
            parsed = None
        if parsed is not None:
            slips[parsed[0]] = parsed[1]
    return slips


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def _metadata_from_name(bundle: BundleRecord) -> None:
    if match := _TERM_END_NAME.match(bundle.bundle_id):
        which = match["which"]
        bundle.kind = bundle.kind or "term-end"
        bundle.school_id = bundle.school_id or match["school"]
        bundle.school_year = bundle.school_year or match["year"].replace("-", "/")
        bundle.term = bundle.term or ("year" if which == "rok" else which[3:])
    elif match := _DISCLOSURE_NAME.match(bundle.bundle_id):
        bundle.kind = bundle.kind or "disclosure"
        bundle.school_id = bundle.school_id or match["school"]


def _metadata_from_bag(bundle: BundleRecord, info: dict[str, str]) -> None:
    """What the index takes from bag-info.txt: no operator, no recipient, no pupil."""
    bundle.school = info.get("Source-Organization", bundle.school)
    bundle.school_id = info.get("School-Id", bundle.school_id)
    bundle.school_year = info.get("School-Year", bundle.school_year)
    bundle.term = info.get("Term", bundle.term)
    bundle.category = info.get("Archive-Category", bundle.category)
    bundle.retention_until = info.get("Retention-Until", bundle.retention_until)
    bundle.bagging_date = info.get("Bagging-Date", bundle.bagging_date)
    if "Disclosure-Student-Id" in info:
        bundle.kind = "disclosure"


def _reference(bundle: BundleRecord, checks: list[CopyCheck]) -> str | None:
    """The bundle's true SHA-256: what its sidecars say, the majority when they differ."""
    votes = Counter(c.sidecar_sha256 for c in checks if c.sidecar_sha256)
    if bundle.sha256:
        votes[bundle.sha256] += 1
    if not votes:  # no sidecar anywhere: the copies' own digests vote
        votes = Counter(c.sha256 for c in checks if c.sha256)
    return votes.most_common(1)[0][0] if votes else None


def _copy_record(check: CopyCheck, medium: Path, reference: str | None, now: str,
                 before: CopyRecord | None) -> CopyRecord:
    problems = list(check.problems)
    if not problems and check.sha256 != reference:
        problems.append(Message("differs from the bundle's other copies (SHA-256 {sha256}, "
                                "expected {reference})",
                                sha256=check.sha256, reference=reference))
    outcome = MISSING if check.missing else (DAMAGED if problems else OK)
    return CopyRecord(
        path=str(check.found.where), medium=str(medium), outcome=outcome, checked_at=now,
        sha256=check.sha256 or (before.sha256 if before else check.sidecar_sha256),
        size=check.size or (before.size if before else 0), deep=check.deep,
        renamed=check.renamed, problems=problems,
        last_good_at=now if outcome == OK else (before.last_good_at if before else None))


def _update_bundle(bundle: BundleRecord, checks: list[tuple[Path, CopyCheck]], now: str
                   ) -> list[CopyRecord]:
    _metadata_from_name(bundle)
    for _medium, check in checks:
        if check.bag_info and not check.problems:
            _metadata_from_bag(bundle, check.bag_info)
            bundle.timestamp_expires = check.timestamp_expires
            bundle.deep_checked_at = now
    reference = _reference(bundle, [c for _, c in checks])
    bundle.sha256 = bundle.sha256 or reference
    bundle.first_seen = bundle.first_seen or now
    records = []
    for medium, check in checks:
        path = str(check.found.where)
        copy = _copy_record(check, medium, reference, now, bundle.copies.get(path))
        bundle.copies[path] = copy
        if copy.good and not bundle.size:
            bundle.size = copy.size
        records.append(copy)
    _describe_changes(bundle, records)
    return records


def _describe_changes(bundle: BundleRecord, records: list[CopyRecord]) -> None:
    twins = [c for c in bundle.good_copies() if Path(c.path).is_file()]
    for copy in records:
        if copy.outcome != DAMAGED or not twins or not Path(copy.path).is_file():
            continue
        try:
            copy.differs, copy.differing_bytes = describe_difference(Path(copy.path),
                                                                     Path(twins[0].path))
        except OSError:
            copy.problems.append(Message("could not be compared with a good copy (read error)"))


def _mark_missing(index: ShelfIndex, medium: Path, seen: set[str], now: str
                  ) -> list[tuple[str, CopyRecord]]:
    """Copies indexed under `medium` that this scan did not find: missing, or dropped
    when the same bytes were found elsewhere on the medium (the copy moved)."""
    missed: list[tuple[str, CopyRecord]] = []
    for bundle in index.bundles.values():
        for path, copy in list(bundle.copies.items()):
            if path in seen or not Path(path).is_relative_to(medium):
                continue
            moved = any(other.medium == copy.medium and other.path in seen and other.good
                        and other.sha256 == copy.sha256 for other in bundle.copies.values())
            if moved:
                del bundle.copies[path]
                continue
            if copy.outcome != MISSING:
                copy.problems = ["not found on its medium at the last scan"]
            copy.outcome, copy.checked_at = MISSING, now
            copy.differs, copy.differing_bytes = [], 0
            missed.append((bundle.bundle_id, copy))
    return missed


def _scan_medium(index: ShelfIndex, medium: Path, passwords: Passwords | None,
                 result: ScanResult, now: str) -> None:
    by_bundle: dict[str, list[tuple[Path, CopyCheck]]] = {}
    for found in find_bundles(medium, result.unreadable):
        password = passwords.of_bundle(found.bundle_id) if passwords else None
        if passwords and password is None:
            result.no_password.append(found.bundle_id)
        by_bundle.setdefault(found.bundle_id, []).append((medium, check_copy(found, password)))
    seen: set[str] = set()
    for bundle_id, checks in sorted(by_bundle.items()):
        for copy in _update_bundle(index.bundle(bundle_id), checks, now):
            seen.add(copy.path)
            result.checked.append((bundle_id, copy))
    result.checked += _mark_missing(index, medium, seen, now)


def _media(request: ScanRequest) -> list[Path]:
    if not request.media:
        raise UsageError(_("give the folders or mount points of the media to scan"))
    media = []
    for medium in request.media:
        path = Path(medium).expanduser().resolve()
        if not path.is_dir():
            raise UsageError(_("{medium} is not a folder").format(medium=medium),
                             hint=_("connect or mount the medium, then give its folder"))
        if path not in media:
            media.append(path)
    return media


def _audit_outputs(checked: list[tuple[str, CopyRecord]]) -> list[dict[str, object]]:
    outputs = []
    for _bundle_id, copy in checked:
        if copy.sha256:
            outputs.append({"name": copy.path, "sha256": copy.sha256, "size": copy.size,
                            "kind": f"copy-{copy.outcome}"})
    return outputs


def _counts(result: ScanResult, deep: bool) -> dict[str, object]:
    outcomes = Counter(copy.outcome for _, copy in result.checked)
    return {"deep": deep, "bundles": len({b for b, _ in result.checked}),
            "copies": len(result.checked), "good": outcomes[OK],
            "damaged": outcomes[DAMAGED], "missing": outcomes[MISSING]}


def scan_shelf(request: ScanRequest, config: Config) -> ScanResult:
    """Scan the media, update the shelf index, record the scan in the audit log."""
    media = _media(request)
    passwords = Passwords.of(request)
    state_dir = config.state_dir(request.state_dir)
    log = AuditLog.for_config(config, request.state_dir)
    secrets = passwords.secrets() if passwords else []
    scope: dict[str, object] = {"media": [str(m) for m in media]}
    with record(log, "shelf-scan", operator=request.operator, scope=scope,
                secrets=secrets) as rec:
        with locked_index(state_dir) as index:
            result = ScanResult(index, index_path(state_dir))
            now = _now()
            for medium in media:
                _scan_medium(index, medium, passwords, result, now)
            index.updated_at = now
        rec.add_output(result.index_path, kind="shelf-index")
        outputs = [*rec.outputs, *_audit_outputs(result.checked)]
        rec.scope["shelf"] = {**_counts(result, request.deep),
                              "parts": max(1, -(-len(outputs) // AUDIT_OUTPUTS))}
        rec.outputs = outputs[:AUDIT_OUTPUTS]
    for part, start in enumerate(range(AUDIT_OUTPUTS, len(outputs), AUDIT_OUTPUTS), 2):
        with record(log, "shelf-scan", operator=request.operator,
                    scope={**scope, "shelf": {"part": part}}) as more:
            more.outputs = outputs[start:start + AUDIT_OUTPUTS]
    return result
