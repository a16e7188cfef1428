"""Font subsetting asks cffi for one array type, not one per size (render/cffi_arrays.py):
the same bytes as with WeasyPrint's own `ffi`, and no C type parsed per glyph count."""

from __future__ import annotations

import pytest
from render_helpers import CTX, spec_for
from weasyprint.pdf import fonts

from archiver.config import Config
from archiver.render import render_document
from archiver.render.pdfa import html_to_pdfa


def _stock(monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(fonts, "ffi", fonts.ffi._ffi)


@pytest.mark.parametrize("kind", ["register", "attendance"])
def test_documents_are_the_same_bytes_as_with_weasyprints_own_ffi(small, monkeypatch, kind):
    spec = spec_for(small, kind, "C7A")
    ours = render_document(spec, small, Config(), CTX).pdf
    _stock(monkeypatch)
    assert render_document(spec, small, Config(), CTX).pdf == ours


def test_documents_of_new_glyph_counts_parse_no_new_c_type() -> None:
    parsed = fonts.ffi._ffi._parsed_types
    words = ["Zażółć gęślą jaźń", "abc", "Ala ma kota 0123456789", "Źdźbło, łódź; ŻÓŁW!"]
    html_to_pdfa(f"<html lang='pl'><body><p>{words[0]}</p></body></html>", title="t",
                 run_ctx=CTX)  # the types every document needs
    before = set(parsed)
    for text in words[1:]:  # each a different set of glyphs
        html_to_pdfa(f"<html lang='pl'><body><p>{text}</p><p><b>{text}</b></p></body></html>",
                     title="t", run_ctx=CTX)
    assert not [t for t in set(parsed) - before if t.startswith("hb_codepoint_t[")]
    array = fonts.ffi.new("hb_codepoint_t[3]", [7, 5, 9])
    assert list(array) == [7, 5, 9] and len(array) == 3
