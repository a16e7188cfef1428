"""Pack rendered documents, the source export, an index and the handover protocol into one
encrypted bundle, then write the printable protocol copy beside it (the protocol's and the
index's words: views/handover.py); the bag-info fields and JAK-OTWORZYC.txt beside it.

Shared by term-end and disclose. Documents arrive as an iterator and go from memory
straight into the encrypted ZIP: nothing readable is written to disk.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from archiver import SOFTWARE_NAME, __version__, files
from archiver.audit.record import AuditRecord
from archiver.bundle import BundleResult, BundleWriter
from archiver.config import Config
from archiver.files import write_whole
from archiver.i18n import N_
from archiver.model import Dataset, SourceInfo
from archiver.passwords import Password
from archiver.render import (
    FILE_NAME_WORDS,
    PageHeader,
    RenderedDocument,
    RunContext,
    render_html,
    render_pdf,
)
from archiver.render.protocol_rows import document_rows
from archiver.schema.tables import TABLES
from archiver.sign import Signer, sign_pdf
from archiver.sign.bundles import seal_bag
from archiver.sign.clock import check_can_sign
from archiver.sign.vendor import FOLDER as VENDOR_FOLDER
from archiver.sign.vendor import VendorFile
from archiver.views import DOCUMENT_KINDS
from archiver.views.handover import (
    Description,
    PackedFile,
    VendorRow,
    bundle_size,
    ignored_files_row,
    index_page,
    protocol_page,
    retention_until,
    vendor_rows,
)
from archiver.views.how_to_open import FILE_NAME as HOW_TO_OPEN
from archiver.views.how_to_open import how_to_open

PROTOCOL_NAME = "protokol-przekazania.pdf"
DOCUMENTS_FOLDER = "dokumenty"
SOURCE_FOLDER = "zrodlo"
INDEX_NAME = "index.html"
# PDFs are stored, not deflated: their streams are compressed already; what deflate still
# finds is WeasyPrint's many small form-XObject dictionaries (a fifth of a file), which made
# the content sniffing of BundleWriter choose deflate and packing 1.7x slower (issue 6).
PDF_DEFLATE = False


@dataclass
class PackResult:
    bundle: BundleResult
    protocol_path: Path
    documents: list[PackedFile] = field(default_factory=list)
    source_files: list[PackedFile] = field(default_factory=list)
    ignored_sources: int = 0  # files beside a folder export's own, left out (never named)

    @property
    def total_pages(self) -> int:
        return sum(d.pages for d in self.documents)


def _vendor_rows(writer: BundleWriter, vendor: VendorFile) -> list[VendorRow]:
    """Store one vendor file byte for byte under data/zrodlo-dziennika/; its rows."""
    record = writer.add_bytes(f"{VENDOR_FOLDER}/{vendor.name}", vendor.data, compress=None)
    return vendor_rows(VENDOR_FOLDER, vendor.name, record.size, record.sha256,
                       vendor.signatures or ())


def fixed_name_words(*more: str) -> tuple[str, ...]:
    """Every word of the names archiver itself gives files in a bundle and bundles (the
    kinds' file words, its folders, 'rok', 'sem', the contract's table files): these
    are never compared with people's names, only the parts that come from the export."""
    return (PROTOCOL_NAME, DOCUMENTS_FOLDER, SOURCE_FOLDER, INDEX_NAME, VENDOR_FOLDER,
            *(kind.file_word for kind in DOCUMENT_KINDS.values()), *FILE_NAME_WORDS,
            *(f"{table}.csv" for table in TABLES), "export.json", "eksport.zip",
            "eksport.xlsx", "eksport.sqlite", "eksport.db", "eksport.bin", *more)


def _export_files() -> set[str]:
    """The files a folder export consists of: export.json and one TABLE.csv per table."""
    return {"export.json", *(f"{table}.csv" for table in TABLES)}


def base_bag_info(ds: Dataset, config: Config, run_ctx: RunContext, identifier: str,
                  description: str) -> dict[str, str]:
    """bag-info.txt fields common to every bundle (the writer adds dates, oxum, agent)."""
    meta = ds.meta
    info = {
        "Source-Organization": config.school.name or meta.school.name,
        "Organization-Address": meta.school.address,
        "External-Identifier": identifier,
        "External-Description": description,
        "School-Id": meta.school.id,
        "School-REGON": meta.school.regon,
        "School-Year": meta.school_year,
        "Archive-Category": config.archive.category,
        "Retention-Until": retention_until(ds, config).isoformat(),
        "Source-System": meta.source_system,
        "Data-Exported-At": meta.exported_at.isoformat(),
        "Software": f"{SOFTWARE_NAME} {__version__}",
        "Operator": run_ctx.operator,
    }
    return {k: one_line(v) for k, v in info.items() if v}


def one_line(text: str) -> str:
    """A bag-info value as RFC 8493 tag files need it: one line of printable text. Line
    breaks (an address typed on two lines) become spaces, other control and format
    characters U+FFFD, so an export's odd text can never stop the archiving."""
    return "".join(c if c.isprintable() else "\ufffd" for c in " ".join(text.split()))


def write_how_to_open(rec: AuditRecord, bundle_name: str, folders: Iterable[Path], *,
                      disclosure: bool = False) -> None:
    """JAK-OTWORZYC.txt in each folder holding the bundle or a copy, noted in the entry."""
    text = how_to_open(bundle_name, disclosure=disclosure).encode("utf-8")
    for folder in dict.fromkeys(Path(f) for f in folders):
        note = files.write_whole(folder / HOW_TO_OPEN, text, replace=True,
                                 what=N_("the how-to-open note"), kind="how-to-open")
        rec.add_output(note, kind="how-to-open")


def source_paths(source: SourceInfo) -> list[tuple[str, Path]]:
    """(name in the bag, path) of every file of the export exactly as received. Of a
    folder, only its own files (export.json, the format's TABLE.csv): anything else lying
    there (a scanned opinion named after the pupil) would be stored under its own name,
    which ZIP shows without the password; it is left out (ignored_source_files)."""
    path = Path(source.path)
    if path.is_dir():
        own = _export_files()
        files = sorted(p for p in path.iterdir()
                       if p.name in own and p.is_file() and not p.is_symlink())
        return [(f"{SOURCE_FOLDER}/{p.name}", p) for p in files]
    suffix = path.suffix.lower() or ".bin"
    return [(f"{SOURCE_FOLDER}/eksport{suffix}", path)]


def ignored_source_files(source: SourceInfo) -> int:
    """How many files (and other entries) of a folder export are not its own: counted for
    the summary and the protocol, never named (a name may be personal data)."""
    path = Path(source.path)
    if not path.is_dir():
        return 0
    own = _export_files()
    found = 0
    for entry in path.rglob("*"):
        if entry.is_dir() and not entry.is_symlink():
            continue
        if entry.parent != path or entry.name not in own or entry.is_symlink():
            found += 1
    return found


def _protocol_pdf(description: Description, header: PageHeader, run_ctx: RunContext) -> bytes:
    context = protocol_page(description, header)
    context["document_rows"] = document_rows(description.documents)  # folded blocks of rows
    pdf, _pages = render_pdf("handover", context, run_ctx, title=description.heading)
    return pdf


def _index_html(description: Description) -> bytes:
    return render_html("bundle-index", **index_page(description)).encode("utf-8")


def pack_bundle(
    *,
    bundle_path: Path,
    password: Password,
    bag_info: dict[str, str],
    description: Description,
    header: PageHeader,
    documents: Iterable[RenderedDocument],
    title_of: Callable[[RenderedDocument], str],
    source: SourceInfo,
    forbidden_name_tokens: Iterable[str],
    run_ctx: RunContext,
    extra_documents: Iterable[tuple[str, str, bytes, int]] = (),
    include_source: bool = True,
    signer: Signer | None = None,
    exported_at: datetime | None = None,
    vendor_files: Iterable[VendorFile] = (),
    media: Callable[[int | None], tuple[tuple[str, str], ...]] | None = None,
    fixed_words: Iterable[str] = (),
) -> PackResult:
    """Write the bundle (verified, under its final name) and the protocol copy beside it.

    `extra_documents` are (file name, title, pdf, pages) placed before the documents,
    e.g. a disclosure's cover letter. `include_source=False` leaves out the whole export
    (a disclosure: it holds other pupils' data; each document still embeds its own slice).
    With a `signer`, every PDF gets a PAdES signature and the manifest a detached CAdES,
    dated by the clock (never SOURCE_DATE_EPOCH), refused before `exported_at`.
    `media(size)` gives the printed protocol's rows about the media (the bundle's size
    given); the protocol inside the bundle has none (the same bytes in any folder).
    """
    signing_time = check_can_sign(signer, exported_at) if signer else None

    def signed(pdf: bytes) -> bytes:
        return sign_pdf(pdf, signer, signing_time=signing_time) if signer else pdf

    packed: list[PackedFile] = []
    sources: list[PackedFile] = []
    writer = BundleWriter(bundle_path, password, bag_info,
                          forbidden_name_tokens=forbidden_name_tokens,
                          fixed_name_words=fixed_name_words(*fixed_words),
                          created=run_ctx.printed_at)
    with writer:
        for name, title, pdf, pages in extra_documents:
            rec = writer.add_bytes(name, signed(pdf), compress=PDF_DEFLATE)
            packed.append(PackedFile(name, rec.size, rec.sha256, title, pages))
        for doc in documents:
            name = f"{DOCUMENTS_FOLDER}/{doc.file_name}"
            rec = writer.add_bytes(name, signed(doc.pdf), compress=PDF_DEFLATE)
            packed.append(PackedFile(name, rec.size, rec.sha256, title_of(doc), doc.pages))
        for name, path in source_paths(source) if include_source else ():
            rec = writer.add_file(name, path)
            sources.append(PackedFile(name, rec.size, rec.sha256))
        ignored = ignored_source_files(source) if include_source else 0
        vendor_rows = [row for vendor in vendor_files for row in _vendor_rows(writer, vendor)]
        inside = replace(description, documents=tuple(packed), source_files=tuple(sources),
                         vendor_files=tuple(vendor_rows),
                         extra=description.extra + ignored_files_row(ignored))
        # The media (folders, free space) only on the printed protocol beside the bundle:
        # inside, they would make the same documents pack to different bytes in another
        # folder (a re-run from the cache, a cluster run) and carry a local path along.
        writer.add_bytes(INDEX_NAME, _index_html(inside))
        writer.add_bytes(PROTOCOL_NAME, signed(_protocol_pdf(inside, header, run_ctx)),
                         compress=PDF_DEFLATE)
        if signer:
            seal_bag(writer, signer, signing_time)
    result = writer.result
    assert result is not None
    outside = replace(inside, bundle_name=result.path.name, bundle_size=bundle_size(result.size),
                      bundle_sha256=result.sha256,
                      extra=description.extra + ignored_files_row(ignored)
                      + (media(result.size) if media else ()))
    protocol_path = result.path.with_name(result.path.name.removesuffix(".zip") + "-protokol.pdf")
    write_whole(protocol_path, signed(_protocol_pdf(outside, header, run_ctx)),
                what=N_("the handover protocol"), kind="protocol")
    return PackResult(result, protocol_path, packed, sources, ignored)
