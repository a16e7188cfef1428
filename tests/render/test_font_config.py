"""One font configuration per thread for every document it lays out (render/pdfa.py): the
same bytes as with a fresh one per document, and fontconfig loaded once, not per part."""

from __future__ import annotations

import threading

import pytest
from render_helpers import CTX, spec_for
from weasyprint import document
from weasyprint.text import fonts

from archiver.config import Config
from archiver.render import pdfa, render_document


def _fresh_each_time(monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(pdfa, "_font_config", fonts.FontConfiguration)


@pytest.mark.parametrize("kind", ["register", "messages"])
def test_documents_are_the_same_bytes_as_with_a_fresh_font_configuration(small, monkeypatch,
                                                                         kind):
    spec = spec_for(small, kind, "C7A")
    kept = [render_document(spec, small, Config(), CTX).pdf for _ in range(2)]
    _fresh_each_time(monkeypatch)
    assert kept == [render_document(spec, small, Config(), CTX).pdf] * 2


def test_a_thread_makes_its_font_configuration_once(monkeypatch) -> None:
    made = []
    original = fonts.FontConfiguration

    def counted() -> fonts.FontConfiguration:
        made.append(threading.get_ident())
        return original()

    monkeypatch.setattr(fonts, "FontConfiguration", counted)
    monkeypatch.setattr(document, "FontConfiguration", counted)  # WeasyPrint's own, per render
    html = "<html lang='pl'><body><p>Zażółć gęślą jaźń</p></body></html>"

    def three() -> None:
        for _ in range(3):
            pdfa.html_to_pdfa(html, title="t", run_ctx=CTX)

    worker = threading.Thread(target=three)
    worker.start()
    worker.join()
    three()
    assert len(made) <= 2 and len(set(made)) == len(made)  # at most one a thread
    assert worker.ident in made
