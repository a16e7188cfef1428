"""Tagging reads the PDF's page references once (render/tag_pages.py): the same bytes as
with WeasyPrint's own add_tags, and pydyf's page_references no longer read per element."""

from __future__ import annotations

import pydyf
import pytest
import weasyprint.pdf as wpdf
from render_helpers import CTX, spec_for

from archiver.config import Config
from archiver.render import render_document
from archiver.render.pdfa import html_to_pdfa


@pytest.mark.parametrize("kind", ["register", "attendance"])
def test_documents_are_the_same_bytes_as_with_weasyprints_own_tagging(small, monkeypatch, kind):
    spec = spec_for(small, kind, "C7A")
    ours = render_document(spec, small, Config(), CTX).pdf
    monkeypatch.setattr(wpdf, "add_tags", wpdf.add_tags.archiver_tag_pages)
    assert render_document(spec, small, Config(), CTX).pdf == ours


def test_tagging_many_elements_on_many_pages_reads_the_page_references_once(monkeypatch):
    reads = []
    stock = pydyf.PDF.page_references.fget
    monkeypatch.setattr(pydyf.PDF, "page_references",
                        property(lambda pdf: reads.append(1) or stock(pdf)))
    pages = "".join(f"<p><b>Strona {n}</b></p><p>Akapit {n}.</p><ul><li>a</li><li>b</li></ul>"
                    f"<p style='break-after: page'>Koniec {n}.</p>" for n in range(8))
    _pdf, pages_made = html_to_pdfa(f"<html lang='pl'><body>{pages}</body></html>", title="t",
                               run_ctx=CTX, running=False)
    assert pages_made >= 8
    assert len(reads) == 1
