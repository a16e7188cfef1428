"""Elements with the same `style` attribute share one computed style (render/styles.py):
the same bytes as WeasyPrint's own cascade, and elements of different styles keep theirs."""

from __future__ import annotations

import pytest
from render_helpers import CTX, pdf_pages, spec_for
from weasyprint import css

from archiver.config import Config
from archiver.render import render_document
from archiver.render.pdfa import html_to_pdfa


def _weasyprint_cascade(monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(css, "find_style_attributes", css.find_style_attributes.__wrapped__)
    monkeypatch.setattr(css, "preprocess_declarations",
                        css.preprocess_declarations.__wrapped__)


@pytest.mark.parametrize("kind,class_id", [("register", "C7A"), ("attendance", "C7A"),
                                           ("messages", "C7A")])
def test_documents_are_the_same_bytes_as_with_weasyprints_own_cascade(small, monkeypatch,
                                                                      kind, class_id):
    spec = spec_for(small, kind, class_id)
    shared = render_document(spec, small, Config(), CTX).pdf
    _weasyprint_cascade(monkeypatch)
    assert render_document(spec, small, Config(), CTX).pdf == shared


def test_elements_of_the_same_style_print_alike_and_others_as_their_own(monkeypatch):
    body = "".join(f'<p style="{style}">{text}</p>' for style, text in [
        ("color: #c00; margin-left: 40mm", "pierwszy"), ("margin-left: 80mm", "drugi"),
        ("color: #c00; margin-left: 40mm", "trzeci"), ("margin-left: 80mm", "czwarty"),
        ("font-weight: bold; margin-left: 40mm", "piąty")])
    html = f"<!DOCTYPE html><html lang='pl'><body>{body}</body></html>"
    shared = html_to_pdfa(html, title="t", run_ctx=CTX)[0]
    _weasyprint_cascade(monkeypatch)
    assert html_to_pdfa(html, title="t", run_ctx=CTX)[0] == shared
    lines = pdf_pages(shared)[0].splitlines()
    indent = {w: len(line) - len(line.lstrip()) for line in lines for w in line.split()}
    assert indent["pierwszy"] == indent["trzeci"] == indent["piąty"] < indent["drugi"]
    assert indent["drugi"] == indent["czwarty"]
