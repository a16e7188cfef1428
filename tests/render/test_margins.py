"""Margin boxes are made only for pages that have one with content (render/margins.py):
the same bytes as WeasyPrint's own layout, and a margin rule still prints."""

from __future__ import annotations

import subprocess
import tempfile

import pytest
from render_helpers import CTX, spec_for
from weasyprint import layout

from archiver.config import Config
from archiver.render import render_document
from archiver.render.pdfa import html_to_pdfa


@pytest.mark.parametrize("kind,class_id", [("register", "C7A"), ("attendance", "C7A"),
                                           ("messages", "C7A")])
def test_documents_are_the_same_bytes_as_with_every_margin_box_made(small, monkeypatch,
                                                                     kind, class_id):
    spec = spec_for(small, kind, class_id)
    skipping = render_document(spec, small, Config(), CTX).pdf
    monkeypatch.setattr(layout, "make_margin_boxes", layout.make_margin_boxes.__wrapped__)
    assert render_document(spec, small, Config(), CTX).pdf == skipping


def test_a_page_with_a_margin_rule_still_prints_it():
    html = ("<html lang='pl'><head><style>@page { @bottom-right { content: 'Margines '"
            " counter(page) } }</style></head><body>"
            + "<p style='break-after: page'>Protokół</p>" * 2 + "</body></html>")
    pdf, pages = html_to_pdfa(html, title="Protokół przekazania", run_ctx=CTX)
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        text = subprocess.run(["pdftotext", handle.name, "-"], capture_output=True,
                              text=True, check=True).stdout
    assert pages == 2
    assert "Margines 1" in text and "Margines 2" in text
