"""The shelf report: what the archive's binder says about every bundle and its copies.

Pure: from the shelf index's records and the day of the report to rows of Polish text
(for the PDF) and plain values (for CSV). No personal data reaches it: the index holds
none.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from archiver.views.polish import date_pl, datetime_pl

SCHOOL_ZONE = "Europe/Warsaw"  # the index keeps UTC; Polish schools print local time
LOCAL_ZONE = ZoneInfo(SCHOOL_ZONE)
DUE_WITHIN = timedelta(days=365)  # renewals and retention ends due within a year
NO_TIMESTAMP = "brak znacznika czasu"
OUTCOMES = {"ok": "poprawna", "damaged": "uszkodzona", "missing": "brak pliku"}
TERMS = {"year": "cały rok szkolny", "": "—"}


@dataclass(frozen=True)
class CopyRow:
    path: str
    medium: str
    outcome: str  # Polish
    checked: str  # Polish date-time of the last check
    deep: bool
    renamed: bool
    good: bool
    differs: tuple[str, ...] = ()  # Polish: where the changed copy differs
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class BundleRow:
    bundle_id: str
    school: str
    school_year: str
    term: str
    category: str
    retention_until: str
    good: int
    copies: tuple[CopyRow, ...]
    last_check: str
    last_outcome: str
    renewal: str
    flags: tuple[str, ...] = ()
    values: dict[str, Any] = field(default_factory=dict)  # plain values for CSV


@dataclass(frozen=True)
class ShelfReport:
    as_of: date
    rows: tuple[BundleRow, ...]
    schools: tuple[str, ...]

    @property
    def flagged(self) -> int:
        return sum(1 for row in self.rows if row.flags)

    @property
    def copies(self) -> int:
        return sum(len(row.copies) for row in self.rows)

    @property
    def good_copies(self) -> int:
        return sum(row.good for row in self.rows)


def local(moment: str) -> str:
    """An ISO UTC time of the index as the school's local date and time."""
    if not moment:
        return "—"
    return datetime_pl(datetime.fromisoformat(moment), SCHOOL_ZONE)


def term_label(term: str) -> str:
    return TERMS.get(term, f"semestr {term}")


def _differs(copy: Any) -> tuple[str, ...]:
    parts = [f"bajty {d['start']}–{d['end'] - 1} ({_where_pl(d['where'])})" if
             d["end"] - d["start"] > 1 else f"bajt {d['start']} ({_where_pl(d['where'])})"
             for d in copy.differs]
    if copy.differing_bytes:
        parts.append(f"różnych bajtów łącznie: {copy.differing_bytes}")
    return tuple(parts)


def _where_pl(where: str) -> str:
    for english, polish in (("local header of ", "nagłówek pliku "), ("data of ", "dane pliku "),
                            ("ZIP central directory or end record",
                             "katalog centralny ZIP"), ("between entries", "między plikami")):
        if where.startswith(english):
            return polish + where[len(english):]
    return where


def _copy_row(copy: Any) -> CopyRow:
    return CopyRow(copy.path, copy.medium, OUTCOMES.get(copy.outcome, copy.outcome),
                   local(copy.checked_at), copy.deep, copy.renamed, copy.good,
                   _differs(copy), tuple(copy.problems))


def retention_text(retention_until: str, as_of: date) -> tuple[str, str | None]:
    """The retention end as printed, and its flag when passed or due within a year."""
    if not retention_until:
        return "nieznany (skan --deep)", None
    until = date.fromisoformat(retention_until)
    if until < as_of:
        return date_pl(until), f"okres przechowywania upłynął {date_pl(until)}"
    if until - as_of <= DUE_WITHIN:
        return date_pl(until), f"okres przechowywania upływa {date_pl(until)}"
    return date_pl(until), None


def renewal_text(expires: str | None, as_of: date, known: bool = True
                 ) -> tuple[str, str | None]:
    """The newest timestamp's certificate end, and its flag when due within a year;
    not `known` before a deep scan opened the bundle's seal."""
    if not expires:
        return (NO_TIMESTAMP if known else "nieznane (skan --deep)"), None
    until = date.fromisoformat(expires[:10])
    if until - as_of <= DUE_WITHIN:
        return date_pl(until), f"znacznik czasu do odnowienia (certyfikat do {date_pl(until)})"
    return date_pl(until), None


def _flags(bundle: Any, copies: list[CopyRow], good: int, retention_flag: str | None,
           renewal_flag: str | None) -> tuple[str, ...]:
    flags = []
    if good < 2:
        flags.append(f"mniej niż dwie dobre kopie (dobrych: {good})")
    for copy in copies:
        if copy.differs:
            flags.append(f"kopia zmieniona: {copy.path}")
        elif copy.outcome == OUTCOMES["damaged"]:
            flags.append(f"kopia uszkodzona: {copy.path}")
        if copy.outcome == OUTCOMES["missing"]:
            flags.append(f"brak kopii: {copy.path}")
        if copy.renamed:
            flags.append(f"kopia pod inną nazwą: {copy.path}")
    if bundle.destroyed_at:
        flags.append(f"paczka zniszczona według spisu nr {bundle.destruction_list}, a kopie "
                     "pozostały")
    return tuple(flags + [f for f in (retention_flag, renewal_flag) if f])


def bundle_row(bundle: Any, as_of: date, timestamp_expiry: str | None = None) -> BundleRow:
    """One bundle of the report, flagged as the archive needs to see it."""
    copies = [_copy_row(c) for c in bundle.sorted_copies()]
    good = sum(1 for c in copies if c.good)
    retention, retention_flag = retention_text(bundle.retention_until, as_of)
    renewal, renewal_flag = renewal_text(timestamp_expiry, as_of,
                                         bool(getattr(bundle, "deep_checked_at", "")))
    latest = max(bundle.copies.values(), key=lambda c: c.checked_at, default=None)
    values = {
        "bundle_id": bundle.bundle_id, "school": bundle.school,
        "school_id": bundle.school_id, "school_year": bundle.school_year,
        "term": bundle.term, "category": bundle.category,
        "retention_until": bundle.retention_until, "sha256": bundle.sha256 or "",
        "size": bundle.size, "good_copies": good, "copies": len(copies),
        "good_copy_paths": " | ".join(c.path for c in copies if c.good),
        "last_check": latest.checked_at if latest else "",
        "timestamp_expires": timestamp_expiry or "",
    }
    return BundleRow(
        bundle.bundle_id, bundle.school or bundle.school_id, bundle.school_year,
        term_label(bundle.term), bundle.category or "nieznana (skan --deep)", retention,
        good, tuple(copies), local(latest.checked_at) if latest else "—",
        ("wszystkie kopie poprawne" if good == len(copies) else
         f"poprawnych {good} z {len(copies)}"), renewal,
        _flags(bundle, copies, good, retention_flag, renewal_flag), values)


def shelf_report(bundles: Iterable[Any], as_of: date,
                 timestamp_expiry: dict[str, str] | None = None) -> ShelfReport:
    """Every bundle of the index, by school, year, term and id."""
    expiry = timestamp_expiry or {}
    kept = [b for b in bundles if not b.destroyed_at or b.copies]  # destroyed: on record
    ordered = sorted(kept, key=lambda b: (b.school_id, b.school_year, b.term, b.bundle_id))
    rows = tuple(bundle_row(b, as_of, expiry.get(b.bundle_id, b.timestamp_expires))
                 for b in ordered)
    schools = tuple(sorted({row.school for row in rows if row.school}))
    return ShelfReport(as_of, rows, schools)


CSV_COLUMNS = ("bundle_id", "school", "school_id", "school_year", "term", "category",
               "retention_until", "sha256", "size", "good_copies", "copies",
               "good_copy_paths", "last_check", "timestamp_expires", "flags")


def csv_rows(report: ShelfReport) -> list[dict[str, Any]]:
    """One CSV row per bundle: plain values, the flags in Polish joined by ' | '."""
    return [{**row.values, "flags": " | ".join(row.flags)} for row in report.rows]
