"""A register's grade lines and notes as pre-wrapped lines in the documents' face.

Like the lesson list (archiver.render.lessons): every line computed here with the font's
advance widths (archiver.render.tablines), a light rule under each pupil. A subject's
lines are ONE folded `<pre>` (tablines.folded_block; issue 18: a block per pupil was
~3.5 ms of layout each, 45 ms a page) that a page ends in only between two pupils, as it
ended between the blocks they were: its pieces are the header line with the first pupil
(the header never alone at a page's foot), then each pupil's lines. The notes likewise,
a piece every NOTES_PER_BLOCK notes.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from archiver.render.printable import printable
from archiver.render.tablines import Layout, LineBlock, Piece, block, folded_block
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
    texts = [_grade_text(g.value, codes.get(g.category, g.category) if g.category else None,
                         g.weight) for g in partials]
    return [(GRADE_SEP.join(texts) or DASH, "")]


@lru_cache(maxsize=4096)  # a school's grades are a few values, categories and weights
def _grade_text(value: str, code: str | None, weight: float) -> str:
    """5\u00a0S×2: the value, its category's code (None: no category) and its weight."""
    text = printable(value)
    if code is not None:
        text += "\u00a0" + printable(code)
    if weight != 1:
        text += "×" + number_pl(weight)
    return text


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
    pupils, start = [], 0
    for end in ends:
        pupils.append([line for cells, last in rows[start:end]
                       for line in layout.wrapped(layout.cells(cells), last)])
        start = end
    return _blocks(layout, GRADE_HEADS, [[(lines, "")] for lines in pupils])


def _blocks(layout: Layout, heads: Sequence[str],
            pieces: list[list[tuple[list[list[Piece]], str]]]) -> list[LineBlock]:
    """The header line and `pieces` (each: entries a page does not end between) as one
    folded block, the header with the first piece; or, when they cannot be folded so, a
    header block (break-after: avoid) and a block per piece (break-inside: avoid)."""
    head = ([layout.bold_line(heads)], "")
    if pieces:
        folded = folded_block([[head, *pieces[0]], *pieces[1:]], head=1)
        if folded is not None:
            return [folded]
    return [_header(layout, heads)] + [block(piece) for piece in pieces]


def note_blocks(notes: Sequence[NoteEntry]) -> list[LineBlock]:
    """The notes: a header block, then blocks of a few notes each, a rule under each."""
    rows = [[date_pl(n.day), str(n.number), printable(n.name), NOTE_KINDS[n.kind]]
            for n in notes]
    layout = Layout.for_rows(NOTE_HEADS, rows)
    entries = [(layout.wrapped(layout.cells(cells),
                               [(f"{printable(n.text)} ({printable(n.teacher)})", "")]), "")
               for cells, n in zip(rows, notes, strict=True)]
    return _blocks(layout, NOTE_HEADS, [entries[i:i + NOTES_PER_BLOCK]
                                        for i in range(0, len(entries), NOTES_PER_BLOCK)])
