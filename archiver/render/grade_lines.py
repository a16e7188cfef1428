"""A register's grade lines and notes as pre-wrapped lines in the documents' face.

Like the lesson list (archiver.render.lessons): every line computed here with the font's
advance widths (archiver.render.tablines), a block of lines one `<pre>`; a pupil's lines
in one block that is not split across pages, a light rule under each pupil.
"""

from __future__ import annotations

from collections.abc import Sequence

from archiver.render.printable import printable
from archiver.render.tablines import Layout, LineBlock, Piece, block
from archiver.views.grades import NoteEntry, SubjectGrades
from archiver.views.polish import DASH, date_pl, decimal_pl, number_pl

GRADE_HEADS = ("nr", "uczeń", "okres", "średnia", "prop.", "okr.", "oceny cząstkowe")
NOTE_HEADS = ("data", "nr", "uczeń", "rodzaj", "treść (nauczyciel)")
NOTE_KINDS = {"positive": "pozytywna", "negative": "negatywna", "neutral": "neutralna"}
NOTES_PER_BLOCK = 12
GRADE_SEP = "   "  # between two partial grades


def _header(layout: Layout, heads: Sequence[str]) -> LineBlock:
    return block([([layout.bold_line(heads)], "")], head=1,
                 extra="break-after: avoid")


def _partials(partials, codes: dict[str, str]) -> list[Piece]:
    """5\u00a0S×2   4+\u00a0K   np: value, category code and weight, a grade never split."""
    texts = []
    for g in partials:
        text = printable(g.value)
        if g.category:
            text += "\u00a0" + printable(codes.get(g.category, g.category))
        if g.weight != 1:
            text += "×" + number_pl(g.weight)
        texts.append(text)
    return [(GRADE_SEP.join(texts) or DASH, "")]


def grade_blocks(subject: SubjectGrades, codes: dict[str, str],
                 show_year: bool) -> list[LineBlock]:
    """A subject's grades: a header block, then a block per pupil (a line per term, and
    the year's line when the period is the whole year)."""
    rows: list[tuple[list[str], list[Piece]]] = []
    ends: list[int] = []
    for st in subject.students:
        for index, t in enumerate(st.terms):
            first = index == 0
            rows.append(([str(st.number) if first else "", printable(st.name) if first else "",
                          f"sem. {t.term}", decimal_pl(t.average), printable(t.proposed or DASH),
                          printable(t.final or DASH)], _partials(t.partials, codes)))
        if show_year:
            rows.append((["", "", "rok", decimal_pl(st.year_average),
                          printable(st.year_proposed or DASH),
                          printable(st.year_final or DASH)], []))
        ends.append(len(rows))
    layout = Layout.for_rows(GRADE_HEADS, [cells for cells, _ in rows])
    blocks, start = [_header(layout, GRADE_HEADS)], 0
    for end in ends:
        lines = [line for cells, last in rows[start:end]
                 for line in layout.wrapped(layout.cells(cells), last)]
        blocks.append(block([(lines, "")]))
        start = end
    return blocks


def note_blocks(notes: Sequence[NoteEntry]) -> list[LineBlock]:
    """The notes: a header block, then blocks of a few notes each, a rule under each."""
    rows = [[date_pl(n.day), str(n.number), printable(n.name), NOTE_KINDS[n.kind]]
            for n in notes]
    layout = Layout.for_rows(NOTE_HEADS, rows)
    entries = [(layout.wrapped(layout.cells(cells),
                               [(f"{printable(n.text)} ({printable(n.teacher)})", "")]), "")
               for cells, n in zip(rows, notes, strict=True)]
    return [_header(layout, NOTE_HEADS)] + [
        block(entries[i:i + NOTES_PER_BLOCK]) for i in range(0, len(entries), NOTES_PER_BLOCK)]
