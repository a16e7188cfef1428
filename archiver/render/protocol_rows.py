"""The handover protocol's list of documents: each row one cell of folded lines (issue 18).

The protocol lists every document of the bundle (a large school: ~100 rows) in a table of
five columns: number, title, file name, pages and SHA-256 (two lines of 32 characters).
As five table cells a row, WeasyPrint's cascade, table and line layout took ~0.45 CPU-s
a protocol, and a term-end makes two (one inside the bundle, one beside it): most of an
unchanged re-run. Here a row whose every text fits its column on one line (a checksum:
two lines of 32) is one cell spanning the five columns, holding a folded `<pre>`
(render/marks.py: laid out as its first line): its lines are the five cells' texts, each
drawn where its cell put it (FOLD_LINES: the column's x, the file name and checksum in
the monospaced face at their own baseline) and the four rules between the cells drawn as
the cells' borders were (FOLD_RULES). The row is as high as before (the checksum's two
lines and the cell's padding), so pages break where they did; the table keeps its header
repeated on every page. A row with a longer title or file name, or any text beyond the
plain Latin characters, stays five cells, laid out as before.

The geometry is style.css's: `table.list` (8pt text, 0.4pt borders, 0.6 x 1.2mm
padding: its constants are render/folded_table.py's), `.hash` (6.5pt/1.3 DejaVu Sans
Mono) and the protocol's fixed columns (`col.c-*` in a table as wide as the page's
content).
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup

from archiver.render.drawline import _PLAIN
from archiver.render.folded_table import (
    BORDER_PT,
    LINE_FACTOR,
    MM,
    PAD_X,
    TEXT_PT,
    Folded,
    body_rows,
    cells,
)
from archiver.render.folded_table import PORTRAIT_PT as CONTENT_PT
from archiver.render.folded_table import baseline as _baseline
from archiver.render.fonts import advances
from archiver.render.printable import Printed

TEXT_LINE_PT = TEXT_PT * LINE_FACTOR  # table.list: 8pt, line-height 1.35 (html)
MONO_PT, MONO_LINE_PT = 6.5, 6.5 * 1.3  # .hash: 6.5pt/1.3 "DejaVu Sans Mono" (the same
#                                         ascent and descent as DejaVu Sans)
# col.c-lp, c-doc (from the left); c-pages, c-hash (from the right); the file name between
LP_PT, DOC_PT, PAGES_PT, HASH_PT = 7.6 * MM, 54 * MM, 11.3 * MM, 47 * MM
HASH_LINE = 32  # characters of a checksum's line: 64 hex digits in two even lines
FIT_PT = 1.0  # a proportional text this much short of its room (kerning narrows, never
#               widens, these faces' Latin pairs by more)


def column_starts(width: float = CONTENT_PT) -> tuple[float, ...]:
    """Where each column's left border runs (its centre, pt from the first's): the fixed
    columns from the table's left and right, the file name's taking the rest."""
    right = width - BORDER_PT  # from the first column's left border to the last's right
    return (0.0, LP_PT, LP_PT + DOC_PT, right - HASH_PT - PAGES_PT, right - HASH_PT, right)


def _room(starts: Sequence[float], column: int) -> float:
    return starts[column + 1] - starts[column] - 2 * PAD_X - BORDER_PT


def _width(text: str, file_name: str, size: float) -> float:
    widths, widest = advances(file_name, size)
    return sum(widths.get(ord(c), widest) for c in text)


def _fits(text: str, room: float, mono: bool = False) -> bool:
    if not text or not set(text) <= _PLAIN:
        return False
    if mono:
        return _width(text, "DejaVuSansMono.ttf", MONO_PT) <= room
    return _width(text, "DejaVuSans.ttf", TEXT_PT) <= room - FIT_PT


def _hex(text: str) -> bool:
    return len(text) == 2 * HASH_LINE and all(c in "0123456789abcdef" for c in text)


def folded_row(number: int, title: str, name: str, pages: int, sha256: str,
               width: float = CONTENT_PT) -> Folded | None:
    """The row's folded lines, or None when a text would not print on its one line (the
    row is then laid out as five cells)."""
    starts = column_starts(width)
    texts = (str(number), title, name, str(pages))
    if not (_fits(title, _room(starts, 1)) and _fits(name, _room(starts, 2), mono=True)
            and _hex(sha256)):
        return None
    mono_dy = _baseline(MONO_PT, MONO_LINE_PT) - _baseline(TEXT_PT, TEXT_LINE_PT)
    mono = f"{MONO_PT:g}/m"
    places = ((0.0, 0.0), (0.0, starts[1]), (mono_dy, starts[2], mono), (0.0, starts[3]),
              (mono_dy, starts[4], mono), (mono_dy + MONO_LINE_PT, starts[4], mono))
    lines = (*texts, sha256[:HASH_LINE], sha256[HASH_LINE:])
    # the checksum's two lines: the row's tallest cell
    return Folded(lines, places, 2 * MONO_LINE_PT, TEXT_PT, BORDER_PT)


def document_rows(documents: Sequence[object], width: float = CONTENT_PT) -> Markup:
    """The protocol's list of documents (PackedFiles, numbered from 1) as its table's body
    rows: each run of rows that fold one folded block (folded_table.folded_body: a page
    ends between its rows, the header repeated), a row that does not five cells."""
    starts = column_starts(width)
    widths = [b - a for a, b in zip(starts, starts[1:], strict=False)]

    def row_of(number: int, doc) -> Folded | Markup:  # noqa: ANN001 (a PackedFile)
        return folded_row(number, doc.title, doc.name, doc.pages, doc.sha256, width) or \
            Markup('<tr><td>{}</td><td>{}</td><td class="hash">{}</td><td>{}</td>'
                   '<td class="hash">{}</td></tr>').format(*cells(
                       number, doc.title, doc.name, doc.pages, doc.sha256))

    out = body_rows((row_of(n, d) for n, d in enumerate(documents, start=1)), widths)
    return Printed("\n").join(out)  # its texts printable (cells), as the template's were
