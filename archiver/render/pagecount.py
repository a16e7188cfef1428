""""Dokument zawiera N stron": the page count written into the certification block after
layout.

Why after layout: the count is known only when every page is laid out, and a long document
is laid out in parts on several processes (archiver.render.chunks), so no template can
print it. The certification block leaves one empty line of fixed height under the anchor
`PAGE_COUNT_ANCHOR`; WeasyPrint writes every anchor as a named destination holding its
page and position. Once the total is known, the phrase (with its Polish plural form) is
laid out alone on a page of the same size, by WeasyPrint with the same stylesheet, at
that position, and drawn over the anchor's page as a Form XObject: the same font and size
as the rest of the block, extractable text, and a PDF/A file still.

A single-part document is stamped right after its layout, in the process that laid it out;
a document in parts has its last part stamped (with the whole document's total) before
the parts are merged.
"""

from __future__ import annotations

import io
from functools import lru_cache

import pikepdf

from archiver.i18n import _
from archiver.render.context import RunContext
from archiver.render.pdfa import RenderError, html_to_pdfa
from archiver.views.certification import PAGE_COUNT_ANCHOR, page_count_phrase

_FORM_NAME = pikepdf.Name("/ArchiverPageCount")
_OVERLAY = ('<!DOCTYPE html><html lang="pl"><head><meta charset="utf-8"><title>strony</title>'
            "<style>@page {{ size: {w:.3f}pt {h:.3f}pt !important; margin: 0 !important; "
            "@top-left {{ content: none !important }} @top-right {{ content: none !important }} "
            "@bottom-left {{ content: none !important }} "
            "@bottom-right {{ content: none !important }} }}</style></head><body>"
            '<p class="cert-pages" style="position: absolute; left: {x:.3f}pt; top: {y:.3f}pt; '
            'width: {width:.3f}pt">{text}</p></body></html>')
# A tag no font subset of the document has: the phrase's fonts are renamed with it.
_FONT_INDEX = 1_000_003


def has_anchor(html: str) -> bool:
    """Whether a document's (or part's) HTML holds the page-count line."""
    return f'id="{PAGE_COUNT_ANCHOR}"' in html


def _named_destination(pdf: pikepdf.Pdf, name: str) -> pikepdf.Array | None:
    names = pdf.Root.get("/Names")
    tree = names.get("/Dests") if names is not None else None
    stack = [tree] if tree is not None else []
    while stack:
        node = stack.pop()
        entries = node.get("/Names", [])
        for i in range(0, len(entries) - 1, 2):
            if str(entries[i]) == name:
                found = entries[i + 1]
                return found.get("/D") if isinstance(found, pikepdf.Dictionary) else found
        stack.extend(node.get("/Kids", []))
    return None


@lru_cache(maxsize=64)
def _phrase_pdf(width: float, height: float, x: float, y: float, text: str,
                run_ctx: RunContext) -> bytes:
    html = _OVERLAY.format(w=width, h=height, x=x, y=y, width=max(width - x, 10), text=text)
    pdf, pages = html_to_pdfa(html, title="strony", run_ctx=run_ctx, pdf_tags=False,
                              running=False)
    if pages != 1:
        raise RenderError(_("the page count phrase did not fit one page"))
    return pdf


def stamp_page_count(pdf: bytes, total: int, run_ctx: RunContext) -> bytes:
    """`pdf` with "Dokument zawiera `total` stron" written at its page-count anchor (the
    PDF unchanged when it has none)."""
    with pikepdf.open(io.BytesIO(pdf)) as target:
        if not stamp_into(target, total, run_ctx):
            return pdf
        out = io.BytesIO()
        target.save(out, deterministic_id=True, fix_metadata_version=False,
                    compress_streams=True, stream_decode_level=pikepdf.StreamDecodeLevel.none,
                    object_stream_mode=pikepdf.ObjectStreamMode.generate)
        return out.getvalue()


def anchor_of(target: pikepdf.Pdf) -> tuple[int, float, float] | None:
    """The page (index) and position (pt from its lower left corner) of the open PDF's
    page-count anchor; None when it has none."""
    dest = _named_destination(target, PAGE_COUNT_ANCHOR)
    if dest is None:
        return None
    index = next((i for i, p in enumerate(target.pages) if p.obj.objgen == dest[0].objgen),
                 None)
    if index is None:
        raise RenderError(_("the page count's anchor points at no page of the document"))
    box = [float(v) for v in target.pages[index].mediabox]
    return index, float(dest[2]) - box[0], box[3] - float(dest[3])


def stamp_into(target: pikepdf.Pdf, total: int, run_ctx: RunContext) -> bool:
    """Write "Dokument zawiera `total` stron" at the open PDF's page-count anchor; False
    when it has none."""
    found = anchor_of(target)
    if found is None:
        return False
    stamp_at(target, *found, total, run_ctx)
    return True


def stamp_at(target: pikepdf.Pdf, index: int, x: float, y: float, total: int,
             run_ctx: RunContext) -> None:
    """Write the page-count phrase on page `index` of the open PDF at (x, y)."""
    # imported here: chunks imports this module
    from archiver.render.chunks import _rename_fonts

    page = target.pages[index]
    box = [float(v) for v in page.mediabox]
    width, height = box[2] - box[0], box[3] - box[1]
    phrase = _phrase_pdf(round(width, 3), round(height, 3), round(x, 3), round(y, 3),
                         page_count_phrase(total), run_ctx)
    with pikepdf.open(io.BytesIO(phrase)) as overlay:
        form = target.copy_foreign(overlay.pages[0].as_form_xobject())
    _rename_fonts(form.get("/Resources"), _FONT_INDEX, set())
    resources = pikepdf.Dictionary(page.obj.Resources)
    resources.XObject = pikepdf.Dictionary(resources.get("/XObject", pikepdf.Dictionary()))
    resources.XObject[_FORM_NAME] = form
    page.obj.Resources = resources
    page.contents_add(target.make_stream(b"q"), prepend=True)
    page.contents_add(target.make_stream(
        b"Q q /Artifact BMC " + bytes(_FORM_NAME.unparse()) + b" Do EMC Q"))
