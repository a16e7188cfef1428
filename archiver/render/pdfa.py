"""HTML to PDF/A-3u with WeasyPrint: embedded sources, embedded fonts, sRGB, deterministic.

Why PDF/A-3u: part 3 is the only PDF/A part that lets us embed the document's source data
(CSV, JSON) as associated files (AFRelationship Source/Data), so every printout carries
what it was made from. Conformance level "u" adds to "b" (visual appearance only) the
requirement that every glyph maps to Unicode: the text stays searchable and extractable
decades from now, which an archive read in 50 years needs. Level "a" (and PDF/UA) would
claim a logical structure faithful to the content; see `PDF_TAGS`.

Determinism: no clock and no randomness reach the file. Creation and modification dates
(document and attachments) are the run's time (SOURCE_DATE_EPOCH when set); the file
identifier is derived from a hash of the content; fonts are subset deterministically.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from functools import cache, lru_cache

from weasyprint import CSS, HTML, Attachment

from archiver.errors import RenderError
from archiver.i18n import _
from archiver.render import (
    attendance_svg,
    cffi_arrays,
    deflate,
    foldbreak,
    htmlparse,
    margins,
    marks,
    styles,
    tag_pages,
)
from archiver.render.context import RunContext
from archiver.render.fetcher import TEMPLATES_DIR, RefusedFetch, SafeFetcher
from archiver.render.printable import printable
from archiver.render.rules import draw_rules

PDF_VARIANT = "pdf/a-3u"
# Tagged PDF (headings, paragraphs, lists, the small tables as Table/TR/TH/TD): measured
# with archiver/bench/grid.py it costs 5-7% on grid pages (about 30 instead of 32 pages/s)
# and some 20% in file size, well within the speed goal, and lets a screen reader navigate
# by heading and read every grid line in order. It is NOT a PDF/UA (nor PDF/A "a") claim:
# the attendance grid is lines of text, and PDF/UA would need it tagged as a table with a
# cell per mark, which is the very layout that runs 20 times slower. So the XMP carries no
# pdfuaid, and the documents say no more about themselves than is true.
PDF_TAGS = True
STYLESHEET = TEMPLATES_DIR / "style.css"
deflate.install()  # level 6, each distinct stream deflated once (see render/deflate.py)
marks.install()  # bold marks on a tint drawn without a <b> box each (render/marks.py)
attendance_svg.install()  # the attendance charts' SVG drawn as a whole (after marks' check)
margins.install()  # no margin boxes made for pages without a margin rule (render/margins.py)
styles.install()  # elements with the same style attribute share one computed style
foldbreak.install()  # pages end between a folded block's pieces (render/foldbreak.py)
htmlparse.install()  # the HTML parser's patterns kept, not made again per run of text
cffi_arrays.install()  # font subsetting parses one C array type, not one per size
tag_pages.install()  # tagging reads the PDF's page references once, not per element


@dataclass(frozen=True)
class EmbeddedFile:
    """A file attached to the PDF as an associated file of the document."""

    name: str
    data: bytes
    description: str = ""
    relationship: str = "Source"  # Source, Data, Supplement, Alternative, Unspecified


@lru_cache(maxsize=1)
def _stylesheet() -> CSS:
    # Parsed once per process; WeasyPrint only reads it during layout.
    return CSS(string=STYLESHEET.read_text(encoding="utf-8"), url_fetcher=SafeFetcher())


def _identifier(html: str, title: str, attachments: list[EmbeddedFile], ctx: RunContext) -> bytes:
    digest = hashlib.sha256()
    for part in (html, title, ctx.printed_at.isoformat(), ctx.software_version):
        digest.update(part.encode("utf-8") + b"\0")
    for file in attachments:
        digest.update(file.name.encode("utf-8") + b"\0" + hashlib.sha256(file.data).digest())
    return digest.hexdigest()[:32].encode("ascii")


def _w3c(ctx: RunContext) -> str:
    return ctx.printed_at.strftime("%Y-%m-%dT%H:%M:%SZ")


_LANGUAGE = (b'<rdf:Description xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
             b'xmlns:dc="http://purl.org/dc/elements/1.1/" rdf:about="">'
             b"<dc:language><rdf:Bag><rdf:li>pl</rdf:li></rdf:Bag></dc:language>"
             b"</rdf:Description>")


@cache
def _serialised_once(cls: type) -> type:
    """A subclass of pydyf object class `cls` that serialises an object once: pydyf
    serialises every object a second time to hash the file for its identifier."""
    serialise = cls.data.fget

    def data(self):  # noqa: ANN001, ANN202 (pydyf's own signature)
        found = self.__dict__.get("_archiver_data")
        if found is None:
            found = self.__dict__["_archiver_data"] = serialise(self)
        return found

    return type(cls.__name__, (cls,), {"data": property(data), "__module__": __name__})


def _serialise_once(pdf) -> None:
    for obj in pdf.objects:
        if isinstance(getattr(type(obj), "data", None), property):
            obj.__class__ = _serialised_once(type(obj))


def _finish(document, pdf) -> None:
    """Last touches before the file is written: the rules of ruled blocks drawn
    (archiver.render.rules); dc:language in the XMP packet; each associated file listed
    once in the catalog's /AF (WeasyPrint 70 lists them twice); every object serialised
    once (after this nothing changes them)."""
    draw_rules(document, pdf)
    number = int(pdf.catalog["Metadata"].split()[0])
    stream = pdf.objects[number]
    data = b"".join(stream.stream)
    stream.stream = [data.replace(b"</rdf:RDF>", _LANGUAGE + b"</rdf:RDF>", 1)]
    if "AF" in pdf.catalog:
        unique = list(dict.fromkeys(pdf.catalog["AF"]))
        pdf.catalog["AF"].clear()
        pdf.catalog["AF"].extend(unique)
    _serialise_once(pdf)


def html_to_pdfa(html: str, *, title: str, attachments: list[EmbeddedFile] | tuple = (),
                 run_ctx: RunContext, pdf_tags: bool = PDF_TAGS,
                 running: bool = True) -> tuple[bytes, int]:
    """Lay out `html` with the project stylesheet and write PDF/A-3u: (pdf bytes, pages),
    with the running header, footer and page numbers drawn (archiver.render.running)
    unless `running` is False.

    Only the template assets can be fetched; anything else stops the rendering.
    """
    pdf, frames = write_pdfa(html, title=title, attachments=attachments, run_ctx=run_ctx,
                             pdf_tags=pdf_tags)
    if running:
        from archiver.render.running import draw_pdf  # running lays out through this module

        pdf = draw_pdf(pdf, frames, run_ctx)
    return pdf, len(frames)


_FONTS = threading.local()


def _font_config():  # noqa: ANN202 (weasyprint.text.fonts.FontConfiguration)
    """This thread's font configuration, made once and kept for every document (Pango's
    objects are not thread-safe)."""
    found = getattr(_FONTS, "config", None)
    if found is None:
        from weasyprint.text.fonts import FontConfiguration

        found = _FONTS.config = FontConfiguration()
    return found


def write_pdfa(html: str, *, title: str, attachments: list[EmbeddedFile] | tuple = (),
               run_ctx: RunContext, pdf_tags: bool = PDF_TAGS) -> tuple[bytes, tuple]:
    """Lay out `html` and write PDF/A-3u without running texts: (pdf bytes, the pages'
    running.PageFrame, which say what to draw on each page)."""
    from archiver.render.running import page_frames

    attachments = list(attachments)
    created = run_ctx.printed_at.replace(tzinfo=None)  # WeasyPrint writes these as UTC ("Z")
    fetcher = SafeFetcher()
    options = {"pdf_variant": PDF_VARIANT, "pdf_tags": pdf_tags}
    try:
        source = HTML(string=html, url_fetcher=fetcher, base_url=None)
        marks.fold(source.etree_element)  # blocks laid out as one line each (render/marks.py)
        document = source.render(stylesheets=[_stylesheet()], font_config=_font_config(),
                                 **options)
        meta = document.metadata
        meta.title, meta.lang = printable(title), "pl"  # XMP is XML: no control characters
        meta.created = meta.modified = _w3c(run_ctx)
        meta.generator = f"archiver {run_ctx.software_version}"
        meta.authors, meta.keywords, meta.attachments = [], [], []
        pdf_files = [Attachment(string=f.data, name=f.name, description=f.description or None,
                                created=created, modified=created, relationship=f.relationship,
                                url_fetcher=fetcher)
                     for f in attachments]
        pdf = document.write_pdf(
            attachments=pdf_files, finisher=_finish,
            pdf_identifier=_identifier(html, title, attachments, run_ctx), **options)
    except RefusedFetch as exc:
        raise RenderError(_("a document template asked for an outside resource: {exc}").format(
                              exc=exc),
                          hint=_("only files in report_templates/assets may be loaded")) from None
    return pdf, page_frames(document)
