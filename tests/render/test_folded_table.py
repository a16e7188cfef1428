"""The register's bordered tables as folded rows (render/folded_table.py,
render/register_tables.py) print what their table cells printed, where they printed it."""

from __future__ import annotations

import html as html_lib
import subprocess
from datetime import date
from pathlib import Path
from types import SimpleNamespace

from markupsafe import Markup
from render_helpers import CTX, pdf_text, pdf_words

from archiver.render import register_tables
from archiver.render.folded_table import EDGE, Table, column_widths, render
from archiver.render.pango_text import Face, width_pt
from archiver.render.pdfa import html_to_pdfa
from archiver.views.register import GuardianEntry, StudentEntry

LONG = ("Anna Maria Marat-Dytrych (matka), tel. +48 881 551 101, "
        "anna.maria.marat-dytrych@poczta.example, ul. Żółkiewskiego 14/3, 83-771 Głogów")


def _guardian(name: str, relation: str = "matka", phone: str | None = "530 743 170",
              email: str | None = None, address: str | None = None) -> GuardianEntry:
    return GuardianEntry(name=name, relation=relation, address=address, email=email,
                         phone=phone)


def _students() -> list[StudentEntry]:
    home = "ulica Słowiańska 86, 00-950 Lipowo"
    rows = []
    for number in range(1, 41):
        guardians = (_guardian(f"Grażyna Łęcka-{number}", email=f"g.lecka{number}@poczta.example"),)
        if number % 3 == 0:  # a long line that wraps inside its column, twice
            guardians += (_guardian("Anna Maria Marat-Dytrych", phone="+48 881 551 101",
                                    email="anna.maria.marat-dytrych@poczta.example",
                                    address="ul. Żółkiewskiego 14/3, 83-771 Głogów"),)
        if number % 7 == 0:
            guardians = ()
        rows.append(StudentEntry(
            number=number, name=f"Ściegienny-Źrebięcki Józef {number}",
            birth_date=date(2011, 1 + number % 12, 1 + number % 28),
            birth_place="Ostrów Mazowiecka" if number % 2 else None,
            address=home if number % 5 else None,
            enrolled_on=date(2025, 10, 1) if number == 4 else None,
            left_on=date(2026, 3, 31) if number in (4, 9) else None, guardians=guardians))
    return rows


def _pdf(body: Markup) -> bytes:
    html = ('<!DOCTYPE html><html lang="pl"><head><meta charset="utf-8"><title>t</title>'
            f'</head><body class="wide"><h2>Lista uczniów</h2>{body}</body></html>')
    return html_to_pdfa(html, title="t", run_ctx=CTX)[0]


def _raster(pdf: bytes, folder: Path, name: str) -> list[bytes]:
    (folder / f"{name}.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "60", "-gray", str(folder / f"{name}.pdf"),
                    str(folder / name)], check=True)
    return [p.read_bytes() for p in sorted(folder.glob(f"{name}-*.pgm"))]


def _student_table(fold: bool) -> Markup:
    table = register_tables.student_table(_students())
    if fold:
        return table
    original = register_tables.render
    try:  # the same table as the template's cells (automatic layout)
        register_tables.render = lambda t: original(t, fold=False)
        return register_tables.student_table(_students())
    finally:
        register_tables.render = original


def _pieces(html: str) -> list[list[str]]:
    """The lines of each piece (a row) of the table's one folded block."""
    block = html.split('<tr class="fbody">', 1)[1]
    cuts = block.split('data-fold-cuts="', 1)[1].split('"', 1)[0].split()[1:]
    lines = html_lib.unescape(block.split(">", 2)[2].split("</pre>")[0]).split("\n")
    starts = [int(cut.split("/")[0]) for cut in cuts] + [len(lines)]
    return [lines[a:b] for a, b in zip(starts, starts[1:], strict=False)]


def test_the_class_list_is_one_folded_block_and_its_header_stays_cells() -> None:
    html = str(_student_table(True))
    # every pupil's row a piece of one block of lines, a page may end between them
    assert html.count('class="frow"><pre') == 1 and html.count('<tr class="fbody">') == 1
    pieces = _pieces(html)
    assert len(pieces) == 40
    assert [piece[0] for piece in pieces] == [str(n) for n in range(1, 41)]  # "Nr"
    assert all(piece[1].startswith("Ściegienny") for piece in pieces)
    assert html.count("<th>") == 6 and 'style="table-layout: fixed"' in html
    assert "<td>" not in html


def test_the_class_list_prints_every_word_where_its_cells_printed_it(tmp_path: Path) -> None:
    folded, cells = _pdf(_student_table(True)), _pdf(_student_table(False))
    for options in ((), ("-layout",), ("-raw",)):
        assert pdf_text(folded, *options) == pdf_text(cells, *options)
    words, expected = pdf_words(folded), pdf_words(cells)
    assert [w for w, _x, _y in words] == [w for w, _x, _y in expected]
    assert "Żółkiewskiego" in {w for w, _x, _y in words}
    assert max(max(abs(x - a), abs(y - b)) for (_w, x, y), (_v, a, b)
               in zip(words, expected, strict=True)) < 0.05
    pages = _raster(folded, tmp_path, "folded")
    assert len(pages) >= 3  # the header repeated on the pages the list runs onto
    assert pages == _raster(cells, tmp_path, "cells")


def test_a_long_guardian_line_wraps_inside_its_column() -> None:
    students = _students()
    table = Table(register_tables.STUDENT_HEADS, [
        [str(s.number), s.name, "", "", [register_tables._guardian(g, s.address)
                                         for g in s.guardians] or ["—"], ""]
        for s in students])
    widths = column_widths(table)
    assert widths is not None
    room = widths[4] - EDGE
    assert LONG in [register_tables._guardian(g, None) for g in students[2].guardians]
    lines = _pieces(str(render(table)))[2]  # the third pupil's
    at = lines.index(next(line for line in lines if line.startswith("Anna Maria")))
    pieces = [lines[at]]
    while " ".join([*pieces, lines[at + len(pieces)]]) in LONG:
        pieces.append(lines[at + len(pieces)])
    assert " ".join(pieces) == LONG and len(pieces) >= 2  # wrapped, every word kept
    for piece, after in zip(pieces, pieces[1:], strict=False):
        # each line within the column's room, and the next line's first word would not fit
        assert width_pt(piece, Face("DejaVu Sans", 8.0)) <= room
        assert width_pt(f"{piece} {after.split()[0]}", Face("DejaVu Sans", 8.0)) > room


def test_rows_that_cannot_be_folded_stay_cells_in_the_same_columns(tmp_path: Path) -> None:
    rows = [["1", "Kowalski Jan", "matematyka"], ["", "bez numeru", "fizyka"],
            ["3", "Nowak 🙂 Ewa", "chemia"], ["4", "Wiśniewska Zofia", "biologia, geografia"]]
    table = Table(("Nr", "Nazwisko", "Przedmioty"), rows)
    html = render(table)
    assert html.count('class="frow"><pre') == 2  # an empty first cell, a face's missing glyph
    assert "<td>bez numeru</td>" in html and "<td>Nowak 🙂 Ewa</td>" in html
    folded, cells = _pdf(html), _pdf(render(table, fold=False))
    for options in ((), ("-layout",), ("-raw",)):
        assert pdf_text(folded, *options) == pdf_text(cells, *options)
    words, expected = pdf_words(folded), pdf_words(cells)
    assert max(max(abs(x - a), abs(y - b)) for (_w, x, y), (_v, a, b)
               in zip(words, expected, strict=True)) < 0.05


def test_lessons_held_with_a_total_row_print_as_their_cells(tmp_path: Path) -> None:
    rows = [SimpleNamespace(subject=s, group=g, teachers=t, held=h, cancelled=c,
                            substitution=u, missing_topic=m)
            for s, g, t, h, c, u, m in [
                ("Język polski", None, ["Cyprian Glenc"], 98, 0, 1, 1),
                ("Wychowanie fizyczne", "dz.", ["Bianka Dyda", "Roksana Łanga"], 57, 1, 1, 0),
                ("Edukacja dla bezpieczeństwa", None, [], 19, 0, 0, 0),
                ("Wiedza o społeczeństwie", "gr. 2",
                 ["Adrianna Cheba", "Elżbieta Pindral", "Julita Rutowicz"], 40, 0, 2, 0)]]
    period = SimpleNamespace(rows=rows, total_held=sum(r.held for r in rows))
    html = register_tables.summary_table(period)
    assert html.count('class="frow"><pre') == 1 and len(_pieces(str(html))) == 4
    assert '<tr class="total">' in html
    original = register_tables.render
    try:
        register_tables.render = lambda t: original(t, fold=False)
        cells = register_tables.summary_table(period)
    finally:
        register_tables.render = original
    folded_pdf, cells_pdf = _pdf(html), _pdf(cells)
    for options in ((), ("-layout",), ("-raw",)):
        assert pdf_text(folded_pdf, *options) == pdf_text(cells_pdf, *options)
    words, expected = pdf_words(folded_pdf), pdf_words(cells_pdf)
    assert max(max(abs(x - a), abs(y - b)) for (_w, x, y), (_v, a, b)
               in zip(words, expected, strict=True)) < 0.05
    assert _raster(folded_pdf, tmp_path, "folded") == _raster(cells_pdf, tmp_path, "cells")
