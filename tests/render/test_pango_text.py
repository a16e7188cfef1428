"""Text wrapped in Python by Pango (render/pango_text.py) breaks where WeasyPrint breaks
it, so that transcripts' folded lines print as their wrapped paragraphs did."""

from __future__ import annotations

import pytest
from weasyprint import HTML

from archiver.render.lines import CELL_FACE, MESSAGE_PT, _cell_rows, _pad
from archiver.render.pango_text import Face, width_pt, wrap

BODY = Face("DejaVu Sans", 9.5)
TEXTS = [
    "Szanowni Państwo,\n\nzapraszam na zebranie z rodzicami, które odbędzie się 19.09.2025 o "
    "godz. 17:00 w sali nr 105, a po nim na rozmowy z wychowawcą i nauczycielami przedmiotów "
    "(Marat-Dytrych, Dziechciarz-Paluszak) w salach 12–14.\n1. Sprawy organizacyjne.",
    "link: https://szkola.example/ogloszenia?id=12&typ=wf/" + "bardzo/dlugi/adres/" * 12,
    "Ż" * 300 + " a potem zwykłe słowa, " + "i" * 500,
    "tab\tstop\tpo\ttabulatorze " * 20,
    "z\u0301o\u0301l\u0301w " * 60 + " \u05e9\u05dc\u05d5\u05dd \u05e2\u05d5\u05dc\u05dd" * 20,
    "spacje   na   końcu    " * 25 + "     ",
    "",
]


def _weasyprint_lines(text: str, css: str) -> list[str]:
    """The lines WeasyPrint lays `text` out in, in a box of MESSAGE_PT."""
    html = (f'<html lang="pl"><body style="margin:0"><div style="width:{MESSAGE_PT}pt;{css}">'
            f"{text.replace('&', '&amp;').replace('<', '&lt;')}</div></body></html>")
    document = HTML(string=html).render(stylesheets=[], presentational_hints=False)
    lines: list[str] = []

    def walk(box) -> None:  # noqa: ANN001
        if type(box).__name__ == "LineBox":
            lines.append("".join(t.text for t in _texts(box)))
            return
        for child in getattr(box, "children", ()):
            walk(child)

    for page in document.pages:
        walk(page._page_box)
    return lines


def _texts(box):  # noqa: ANN001, ANN202
    if type(box).__name__ == "TextBox":
        yield box
    for child in getattr(box, "children", ()):
        yield from _texts(child)


@pytest.mark.parametrize("text", TEXTS, ids=range(len(TEXTS)))
def test_a_body_wraps_where_weasyprint_wraps_it(text: str) -> None:
    css = "font: 9.5pt/1.4 'DejaVu Sans'; white-space: pre-wrap; overflow-wrap: anywhere"
    ours = wrap(text, MESSAGE_PT, BODY)
    assert "".join(ours) == text.replace("\n", "")  # every character, in order
    expected = _weasyprint_lines(text, css)
    assert [line.rstrip("\n") for line in expected] == ours or (
        not text and ours == [""])


def test_a_run_of_names_wraps_where_weasyprint_wraps_it_bold_head_included() -> None:
    names = ", ".join(f"Imię{n} Nazwisko-Dwuczłonowe{n}" for n in range(40))
    head = "nie przeczytało (40):"
    ours = wrap(f"{head}  {names}", MESSAGE_PT, CELL_FACE, bold=len(head), collapse=True)
    html_text = f"<b>{head}</b> {names}"
    document = HTML(string=(
        f'<html lang="pl"><body style="margin:0"><p style="width:{MESSAGE_PT}pt; '
        f"font: 8pt/1.25 'DejaVu Sans'; font-stretch: condensed; margin: 0\">{html_text}</p>"
        "</body></html>")).render()
    expected = []
    for line in document.pages[0]._page_box.descendants():
        if type(line).__name__ == "LineBox":
            expected.append("".join(t.text for t in _texts(line)).strip(" "))
    assert ours == expected


def test_read_recipients_stand_in_four_columns_a_long_one_in_two() -> None:
    texts = [f"Osoba{n} Nazwisko 12.01 13:{n:02}" for n in range(9)]
    texts[2] = "Anna Maria Marat-Dytrych-Kowalska 12.01 13:02"  # wider than a column
    rows = _cell_rows(texts)
    quarter = MESSAGE_PT / 4
    found, position = [], 0
    for number, row in enumerate(rows):
        position = 0
        for text in texts:
            at = row.find(text, position)
            if at >= 0:
                found.append((number, width_pt(row[:at], CELL_FACE) / quarter, text))
                position = at + len(text)
    assert [text for _n, _x, text in found] == texts  # all, in order
    columns = [(n, round(x)) for n, x, _t in found]
    assert columns == [(0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (1, 2), (1, 3), (2, 0), (2, 1)]
    assert all(abs(x - round(x)) * quarter <= 0.36 for _n, x, _t in found)


def test_padding_reaches_its_column_within_half_a_hair_space() -> None:
    for x in (0.0, 13.37, 61.5, 117.2):
        target = 124.4
        assert abs(x + width_pt(_pad(x, target), CELL_FACE) - target) <= 0.36
