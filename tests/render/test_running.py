"""Running headers, footers and page numbers drawn after layout (archiver.render.running):
what each page prints, where the strings come from, and texts the glyph font cannot print."""

from __future__ import annotations

import io
import subprocess
import tempfile

import pikepdf
from render_helpers import CTX, pdf_pages

from archiver.render import running
from archiver.render.pdfa import html_to_pdfa


def _frame(*assigned: tuple[str, str], at_start: tuple[str, ...] = ()) -> running.PageFrame:
    return running.PageFrame(595.0, 842.0, (68.0, 40.0, 45.0, 40.0), assigned, at_start)


def test_section_is_the_one_a_page_starts_in_and_others_run_on():
    frames = [
        _frame(("school", "Szkoła"), ("doctitle", "Dziennik")),
        _frame(("section", "Tydzień 1"), at_start=("section",)),
        _frame(),  # nothing set: the last values run on
        _frame(("section", "Tydzień 2")),  # set below the top: the page is still in week 1
        _frame(("section", "Oceny"), ("section", "Uwagi"), at_start=("section",)),
    ]
    values = running.resolve(frames)
    assert [v["section"] for v in values] == ["", "Tydzień 1", "Tydzień 1", "Tydzień 1",
                                              "Oceny"]
    assert {v["school"] for v in values} == {"Szkoła"}
    assert {v["doctitle"] for v in values} == {"Dziennik"}
    assert running.resolve([_frame(), *frames[4:]])[1]["section"] == "Oceny"


def _document(school: str, pages: int = 3) -> str:
    sections = "".join(f'<section class="section"><h2 class="running-section">Część {i}</h2>'
                       f"<p>treść {i}</p></section>" for i in range(1, pages + 1))
    return ('<!DOCTYPE html><html lang="pl"><head><meta charset="utf-8"><title>t</title>'
            '<style>.section { break-before: page }</style></head><body>'
            '<div class="running"><div class="r-school">' + school + "</div>"
            '<div class="r-title">Dziennik lekcyjny oddziału 7a</div>'
            '<div class="r-period">rok szkolny 2025/2026</div>'
            '<div class="r-asof">stan danych na 27.06.2026</div>'
            '<div class="r-printed">wydrukowano 27.06.2026 · osoba drukująca: Zażółć</div>'
            "</div>" + sections + "</body></html>")


def test_every_page_prints_its_header_footer_and_number():
    pdf, pages = html_to_pdfa(_document("Szkoła Podstawowa nr 3"), title="t", run_ctx=CTX)
    texts = pdf_pages(pdf, layout=False)
    assert pages == len(texts) == 4  # the running block's page, then one per section
    for number, text in enumerate(texts, start=1):
        assert f"strona {number} z 4" in text
        for line in ("Szkoła Podstawowa nr 3", "Dziennik lekcyjny oddziału 7a",
                     "rok szkolny 2025/2026", "stan danych na 27.06.2026",
                     "wydrukowano 27.06.2026 · osoba drukująca: Zażółć"):
            assert line in text, (number, line)
        if number > 1:  # under the title: the section the page starts in
            assert f"Dziennik lekcyjny oddziału 7a\nCzęść {number - 1}\n" in text


def test_running_texts_are_artifacts_in_embedded_fonts():
    pdf, _pages = html_to_pdfa(_document("Szkoła"), title="t", run_ctx=CTX)
    document = pikepdf.open(io.BytesIO(pdf))
    for page in document.pages:
        tail = page.Contents[-1].read_bytes() if isinstance(page.Contents, pikepdf.Array) \
            else page.Contents.read_bytes()
        assert tail.startswith(b"Q q /Artifact BMC") and tail.endswith(b"EMC Q")
        for font in page.Resources.Font.values():
            descriptor = font.DescendantFonts[0].FontDescriptor
            assert "/FontFile2" in descriptor and "/ToUnicode" in font
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        check = subprocess.run(["qpdf", "--check", handle.name], capture_output=True)
    assert check.returncode == 0, check.stdout


def test_a_header_one_glyph_per_character_cannot_print_is_laid_out_by_weasyprint():
    # right-to-left letters, a combining accent, a character outside DejaVu Sans's
    # Latin subset of the document
    school = "Szkoła \u05e9\u05dc\u05d5\u05dd e\u0301 \u2603"
    pdf, pages = html_to_pdfa(_document(school, pages=1), title="t", run_ctx=CTX)
    texts = pdf_pages(pdf, layout=False)
    assert pages == 2
    for number, text in enumerate(texts, start=1):
        assert f"strona {number} z 2" in text
        assert "Szkoła" in text and "\u2603" in text
    document = pikepdf.open(io.BytesIO(pdf))
    assert all(any(str(name).startswith("/ArchiverRunning") for name in page.Resources.XObject)
               for page in document.pages)
