"""The destruction list (spis dokumentacji niearchiwalnej przeznaczonej do brakowania)
and the destruction protocol (protokół zniszczenia) of bundles whose retention ended.

Pure: from shelf index records to what the two documents say. A bundle of category A
(materiały archiwalne, kept for ever and handed to the state archive) is never listed;
neither is one whose category or retention end is not known (never deep-checked).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from archiver.views.polish import counted, date_pl, size_pl
from archiver.views.shelf_report import term_label

LIST_TITLE = "Spis dokumentacji niearchiwalnej przeznaczonej do brakowania"
PROTOCOL_TITLE = "Protokół zniszczenia dokumentacji niearchiwalnej"


def is_archival(category: str) -> bool:
    """Category A: archival material, never destroyed (nor listed for it)."""
    return category.strip().upper().startswith("A")


def listable(bundle: Any, until: date) -> bool:
    """Retention ended before `until`, category known and not A, not destroyed yet."""
    if not bundle.category or not bundle.retention_until or is_archival(bundle.category):
        return False
    if getattr(bundle, "destroyed_at", ""):
        return False
    return date.fromisoformat(bundle.retention_until) < until


def unknown(bundles: Iterable[Any]) -> list[str]:
    """Ids of bundles that cannot be judged: category or retention end unknown."""
    return sorted(b.bundle_id for b in bundles if not b.category or not b.retention_until)


@dataclass(frozen=True)
class ListRow:
    bundle_id: str
    title: str
    years: str  # the school year's calendar years: "2025–2026"
    category: str
    retention_until: str
    size: str
    copies: tuple[str, ...]  # where the copies are (paths)


@dataclass(frozen=True)
class DestructionDocument:
    number: str
    made_on: str
    until: str
    school: str
    rows: tuple[ListRow, ...]
    total_size: str
    summary: tuple[str, ...]  # per category and years: "B5, 2025–2026: 2 paczki"
    consent: str = ""  # the state archive's consent reference (the protocol only)
    destroyed: tuple[str, ...] = ()  # files removed (the protocol only)
    kept: tuple[str, ...] = ()  # copies left on media not named (the protocol only)

    @property
    def count(self) -> str:
        return counted(len(self.rows), "paczka archiwalna", "paczki archiwalne",
                       "paczek archiwalnych")


def _years(school_year: str) -> str:
    return school_year.replace("/", "–") if school_year else "—"


def _title(bundle: Any) -> str:
    if bundle.kind == "disclosure":
        return f"Udostępnienie danych ucznia, rok szkolny {bundle.school_year}"
    period = (f"rok szkolny {bundle.school_year}" if bundle.term in ("year", "") else
              f"{term_label(bundle.term)} roku szkolnego {bundle.school_year}")
    return f"Dokumentacja przebiegu nauczania z dziennika elektronicznego ({period})"


def list_row(bundle: Any) -> ListRow:
    return ListRow(bundle.bundle_id, _title(bundle), _years(bundle.school_year),
                   bundle.category, date_pl(date.fromisoformat(bundle.retention_until)),
                   size_pl(bundle.size), tuple(c.path for c in bundle.sorted_copies()))


def destruction_document(bundles: Iterable[Any], *, number: str, made_on: date, until: date,
                         school: str, consent: str = "", destroyed: Iterable[str] = (),
                         kept: Iterable[str] = ()) -> DestructionDocument:
    """The list (or, with `consent` and `destroyed`, the protocol) of these bundles."""
    ordered = sorted(bundles, key=lambda b: (b.category, b.school_year, b.bundle_id))
    groups = Counter((b.category, _years(b.school_year)) for b in ordered)
    summary = tuple(f"kategoria {category}, lata {years}: "
                    f"{counted(n, 'paczka', 'paczki', 'paczek')}"
                    for (category, years), n in sorted(groups.items()))
    return DestructionDocument(
        number, date_pl(made_on), date_pl(until), school,
        tuple(list_row(b) for b in ordered), size_pl(sum(b.size for b in ordered)), summary,
        consent, tuple(destroyed), tuple(kept))
