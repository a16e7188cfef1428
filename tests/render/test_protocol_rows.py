"""The handover protocol's list of documents as folded rows (render/protocol_rows.py)
prints what its five table cells a row printed, where they printed it."""

from __future__ import annotations

import hashlib
import subprocess
import tempfile
from pathlib import Path

from render_helpers import CTX, pdf_pages, pdf_words

from archiver.jobs.packing import _protocol_pdf
from archiver.render import PageHeader, render_pdf
from archiver.render.protocol_rows import document_rows, folded_row
from archiver.views.handover import TERM_END_HEADING, Description, PackedFile, protocol_page

KINDS = [("Dziennik lekcyjny oddziału {c}", "dziennik", 101),
         ("Zestawienie frekwencji oddziału {c}", "frekwencja", 6),
         ("Wiadomości – oddział {c}", "wiadomosci", 12)]
LONG_NAME = PackedFile("dokumenty/szkola_frekwencja-szkoly_2025-2026.pdf", 39009,
                       hashlib.sha256(b"school").hexdigest(), "Zestawienie frekwencji szkoły", 3)
LONG_TITLE = PackedFile("dokumenty/7-b_frekwencja_2025-2026.pdf", 1200,
                        hashlib.sha256(b"long").hexdigest(),
                        "Zestawienie frekwencji oddziału 7 b (klasa dwujęzyczna, grupa druga)", 6)


def _documents() -> tuple[PackedFile, ...]:
    rows = [PackedFile(f"dokumenty/{c.replace(' ', '-')}_{kind}_2025-2026.pdf", 1000 + n,
                       hashlib.sha256(f"{c}{kind}".encode()).hexdigest(),
                       title.format(c=c), pages)
            for n, c in enumerate(f"{year} {letter}" for year in "1234567" for letter in "ab")
            for title, kind, pages in KINDS]
    return (*rows[:20], LONG_NAME, *rows[20:30], LONG_TITLE, *rows[30:])


def _protocol() -> tuple[Description, PageHeader]:
    description = Description(
        heading=TERM_END_HEADING, intro="Przekazuje się do archiwum szkolnego paczkę.",
        school="Szkoła Podstawowa nr 3 w Lipowie", school_id="sp3", school_year="2025/2026",
        period="rok szkolny 2025/2026", category="B5", retention_until="31.12.2031",
        data_as_of="27.06.2026 15:30", source_system="demo", operator="Jan Testowy",
        made_at="27.06.2026 16:00", documents=_documents(), bundle_name="sp3_rok.zip",
        bundle_size="47 770 996", bundle_sha256=hashlib.sha256(b"bundle").hexdigest())
    header = PageHeader(description.school, description.heading, description.period,
                        description.data_as_of, description.made_at, "Jan Testowy", "0.1.0")
    return description, header


def _as_cells(description: Description, header: PageHeader) -> bytes:
    """The protocol with every row of the list as its five table cells."""
    return render_pdf("handover", protocol_page(description, header), CTX,
                      title=description.heading)[0]


def _text(pdf: bytes, mode: str) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        return subprocess.run(["pdftotext", *([mode] if mode else []), handle.name, "-"],
                              check=True, capture_output=True, text=True).stdout


def _raster(pdf: bytes, folder: Path, name: str) -> list[bytes]:
    (folder / f"{name}.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "60", "-gray", str(folder / f"{name}.pdf"),
                    str(folder / name)], check=True)
    return [p.read_bytes() for p in sorted(folder.glob(f"{name}-*.pgm"))]


def test_rows_that_fit_are_folded_and_the_others_stay_cells() -> None:
    description, _header = _protocol()
    documents = description.documents
    kept = [d for d in documents
            if folded_row(1, d.title, d.name, d.pages, d.sha256) is None]
    assert kept == [LONG_NAME, LONG_TITLE]
    html = str(document_rows(documents))
    # the runs of folded rows between the two kept ones: three blocks of one cell each
    assert html.count('<tr class="fbody"><td colspan="5"') == 3
    assert html.count("<tr><td>") == 2
    assert f'<td class="hash">{LONG_NAME.name}</td>' in html
    blocks = html.split('<tr class="fbody">')[1:]
    pieces = [len(b.split('data-fold-cuts="', 1)[1].split('"', 1)[0].split()) - 1
              for b in blocks]
    assert pieces == [20, 10, len(documents) - 32]  # a piece per document


def test_folded_rows_print_every_word_where_the_cells_printed_it(tmp_path: Path) -> None:
    description, header = _protocol()
    cells, folded = _as_cells(description, header), _protocol_pdf(description, header, CTX)
    assert len(pdf_pages(folded)) == len(pdf_pages(cells)) > 1  # the list runs over pages
    for mode in ("", "-layout", "-raw"):
        assert _text(folded, mode) == _text(cells, mode), mode
    before, after = pdf_words(cells), pdf_words(folded)
    assert [w for w, _x, _y in after] == [w for w, _x, _y in before]
    for (word, x0, y0), (_w, x1, y1) in zip(before, after, strict=True):
        assert abs(x0 - x1) < 0.05 and abs(y0 - y1) < 0.05, word
    # the rules between the cells, the header repeated on every page: the same pixels
    assert _raster(folded, tmp_path, "folded") == _raster(cells, tmp_path, "cells")
