"""The handover protocol (protokół przekazania) and the bundle's index: what they say.

One protocol for every bundle: a term-end handover to the school archive, or a disclosure
to an authorized recipient. No personal data beyond the operator's and, for a disclosure,
the recipient's and the approving director's names. Packing (jobs/packing.py) fills in the
files it stored; the words are here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from archiver.config import Config
from archiver.model import Dataset
from archiver.views.common import school_name
from archiver.views.kinds import PAGE_KINDS
from archiver.views.polish import counted, datetime_pl

if TYPE_CHECKING:
    from archiver.render.context import RunContext

TERM_END_HEADING = "Protokół przekazania dokumentacji do archiwum szkolnego"
DISCLOSURE_HEADING = "Protokół przekazania danych ucznia uprawnionemu odbiorcy"


@dataclass(frozen=True)
class PackedFile:
    """A file of the bag as listed in the index and the protocol."""

    name: str  # path under data/
    size: int
    sha256: str
    title: str = ""
    pages: int = 0

    @property
    def href(self) -> str:
        return self.name


@dataclass(frozen=True)
class VendorRow:
    """One signed file of the vendor's export as the protocol and the index list it."""

    name: str  # path under data/
    size: int
    sha256: str
    signer: str
    signed_at: str
    status: str

    @property
    def href(self) -> str:
        return self.name


@dataclass(frozen=True)
class Description:
    """What the protocol, the index and bag-info say about the bundle (no personal data
    beyond the operator's and, for a disclosure, the recipient's names)."""

    heading: str
    intro: str
    school: str
    school_id: str
    school_year: str
    period: str
    category: str
    retention_until: str
    data_as_of: str
    source_system: str
    operator: str
    made_at: str
    seal: str = ""
    extra: tuple[tuple[str, str], ...] = ()
    documents: tuple[PackedFile, ...] = ()
    source_files: tuple[PackedFile, ...] = ()
    vendor_files: tuple[VendorRow, ...] = ()  # the register vendor's own signed export
    bundle_name: str = ""
    bundle_size: str = ""
    bundle_sha256: str = ""

    @property
    def total_pages(self) -> int:
        return sum(d.pages for d in self.documents)


def retention_until(ds: Dataset, config: Config) -> date:
    """Last day of retention: full years counted from 1 January after the year ends."""
    return date(ds.meta.year_end.year + config.archive.retention_years, 12, 31)


def data_as_of(ds: Dataset) -> str:
    """The export's time as every protocol and letter prints it."""
    return datetime_pl(ds.meta.exported_at, ds.meta.timezone)


def made_at(ds: Dataset, run_ctx: RunContext) -> str:
    """The run's time as every protocol and letter prints it."""
    return datetime_pl(run_ctx.printed_at, ds.meta.timezone)


def local_time(ds: Dataset, run_ctx: RunContext) -> datetime:
    """The run's time in the school's time zone (what every printed time shows)."""
    return run_ctx.printed_at.astimezone(ZoneInfo(ds.meta.timezone))


def _description(ds: Dataset, config: Config, run_ctx: RunContext, *, heading: str,
                 intro: str, period: str, seal: str = "",
                 extra: tuple[tuple[str, str], ...] = ()) -> Description:
    meta = ds.meta
    return Description(
        heading=heading, intro=intro, school=school_name(ds, config), school_id=meta.school.id,
        school_year=meta.school_year, period=period, category=config.archive.category,
        retention_until=retention_until(ds, config).strftime("%d.%m.%Y"),
        data_as_of=data_as_of(ds), source_system=meta.source_system,
        operator=run_ctx.operator_label, made_at=made_at(ds, run_ctx), seal=seal, extra=extra)


def term_label(term: int | None) -> str:
    """The period a term-end bundle holds, in the protocol's first sentence."""
    return f"semestr {term}" if term is not None else "cały rok szkolny"


def same_medium_warnings(copies: Sequence[Path], slip: bool) -> tuple[tuple[str, str], ...]:
    """The protocol's warnings: a copy or the password slip on the bundle's own disk."""
    rows = [("Uwaga", f"kopia w folderze {folder} jest na tym samym dysku co paczka: "
             "chroni przed mniejszą liczbą awarii niż kopia na innym nośniku")
            for folder in copies]
    if slip:
        rows.append(("Uwaga", "kartkę z hasłem zapisano na tym samym dysku co paczka: "
                     "wydrukuj ją i usuń plik"))
    return tuple(rows)


def media_rows(out_dir: Path, copies: Sequence[Path], slip_folder: Path | None,
               free_after: dict[Path, int] | None = None) -> tuple[tuple[str, str], ...]:
    """The protocol's rows naming each medium: where the bundle and each copy went, the
    free space left on it (`free_after`, once the bundle's size is known) and the folder
    of the password slip (to be printed and removed; never beside the bundle)."""
    def place(folder: Path) -> str:
        free = None if free_after is None else free_after.get(Path(folder))
        return str(folder) if free is None else (
            f"{folder} (wolne miejsce po zapisaniu: {gigabytes(free)})")

    rows = [("Paczka zapisana w", place(out_dir))]
    rows += [(f"Kopia {n}", place(folder)) for n, folder in enumerate(copies, start=1)]
    if slip_folder is not None:
        rows.append(("Kartka z hasłem w folderze", f"{slip_folder} (wydrukować, plik usunąć)"))
    return tuple(rows)


def gigabytes(size: int) -> str:
    """`12,3 GB` (`0,4 MB` below a gigabyte)."""
    if size >= 10**9:
        return f"{size / 10**9:.1f} GB".replace(".", ",")
    return f"{size / 10**6:.1f} MB".replace(".", ",")


def ignored_files_row(count: int) -> tuple[tuple[str, str], ...]:
    """The protocol's row for files beside a folder export's own, left out of the bundle:
    counted, never named (a name may be personal data)."""
    if not count:
        return ()
    return (("Pominięte pliki", counted(count, "plik", "pliki", "plików")
             + " w folderze eksportu spoza plików formatu eksportu (export.json, tabele "
             "CSV); nie umieszczono ich w paczce"),)


def term_end_protocol(ds: Dataset, config: Config, run_ctx: RunContext, period: str,
                      term: int | None, *, extra: tuple[tuple[str, str], ...] = ()
                      ) -> Description:
    """The protocol of a term-end bundle handed over to the school archive (`extra`: rows
    of the table, such as same_medium_warnings)."""
    return _description(
        ds, config, run_ctx, heading=TERM_END_HEADING,
        intro=("Przekazuje się do archiwum szkolnego zaszyfrowaną paczkę archiwalną z "
               f"dokumentacją przebiegu nauczania prowadzoną w dzienniku elektronicznym: "
               f"{term_label(term)}. Zawartość paczki wymieniono poniżej."),
        period=period, seal=config.school.seal, extra=extra)


def disclosure_protocol(ds: Dataset, config: Config, run_ctx: RunContext, period: str, *,
                        recipient: str, legal_basis: str, case_ref: str, student_id: str,
                        approved_by: str) -> Description:
    """The protocol of a disclosure to an authorized recipient (`approved_by`: a name)."""
    recipient, legal_basis, case_ref = recipient.strip(), legal_basis.strip(), case_ref.strip()
    return _description(
        ds, config, run_ctx, heading=DISCLOSURE_HEADING,
        intro=f"Na podstawie {legal_basis} (sprawa {case_ref}) "
              f"przekazuje się odbiorcy: {recipient} zaszyfrowaną paczkę z "
              f"danymi ucznia o identyfikatorze {student_id}.",
        period=period,
        extra=(("Odbiorca", recipient), ("Podstawa prawna", legal_basis),
               ("Sygnatura sprawy", case_ref), ("Zatwierdził(a)", approved_by)))


def vendor_rows(folder: str, file_name: str, size: int, sha256: str,
                signatures: Sequence[Any]) -> list[VendorRow]:
    """The rows of one vendor file stored as `folder/file_name` under data/: one a
    signature it holds, or one row for a detached signature file."""
    rows = [VendorRow(f"{folder}/{signature.name}", size, sha256,
                      signature.signer or "nieznany",
                      signature.signing_time.strftime("%d.%m.%Y %H:%M UTC")
                      if signature.signing_time else "brak", signature.status())
            for signature in signatures]
    return rows or [VendorRow(f"{folder}/{file_name}", size, sha256, "", "",
                              "podpis zewnętrzny do pliku XML obok")]


def bundle_size(size: int) -> str:
    """`1 234 567`: the protocol's size in bytes."""
    return f"{size:,}".replace(",", " ")


def protocol_page(description: Description, header: Any) -> dict[str, Any]:
    """What handover.html gets."""
    return {"protocol": description, "header": header}


def index_page(description: Description) -> dict[str, Any]:
    """What bundle_index.html (the bag's data/index.html) gets."""
    return {"index": description, "title": PAGE_KINDS["bundle-index"].title}
