"""A bordered `table.list` whose body rows are each one cell of folded lines (issue 18).

The register's front tables (the class list, teachers and subjects, the lessons held per
period) and its behaviour grades were ~800 table cells a register, each costing WeasyPrint
its cascade, automatic table layout and line layout (~2.8 ms a cell): a quarter of a
register's layout for a twentieth of its pages. Here the table is laid out as before but
in Python:

- the columns' widths are those WeasyPrint's automatic layout gives (CSS 2.1 / css-tables-3
  as `weasyprint.layout.table.auto_table_layout` runs it for a table without specified
  widths): each column's min-content and max-content width from its cells' texts, measured
  by Pango as WeasyPrint measures them (render/pango_text.py: the same font map, face and
  language, kerning included, so Polish diacritics measure exactly), then the table's width
  shared between them. The table is then laid out with these widths fixed
  (`table-layout: fixed`, a `<col>` each), so its real cells (the header, a total row, a
  row that cannot be folded) wrap as they did;
- a body row is one cell spanning the columns, holding a folded `<pre>` (render/marks.py:
  laid out as its first line only): its lines are the cells' lines, each cell's text
  wrapped by Pango in its column's room as WeasyPrint wraps it (`pango_text.wrap`,
  `white-space: normal`), each line drawn at its column's x (right-aligned in a `num`
  column, by its Pango width) and a line's height below the one before; the rules between
  the cells are drawn where the cells' borders were (FOLD_RULES). The row is as tall as its
  tallest cell was, so pages break where they did.

A row stays real cells when its first cell is empty (a folded block draws from its first
line) or a text has a character the face lacks (a fallback font could make a line taller).
The whole table stays as before (automatic layout, real cells) when a spanning cell would
widen its columns. The geometry is style.css's `table.list` (8pt, line height 1.35,
0.4pt borders #777, padding 0.6mm 1.2mm; its header cells bold); `pre.frow` draws the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from markupsafe import Markup, escape

from archiver.render.foldbreak import FOLD_CUTS
from archiver.render.fonts import advances
from archiver.render.marks import FOLD_LINES, FOLD_RULES
from archiver.render.pango_text import Face, min_content_pt, width_pt, wrap
from archiver.render.printable import Printed, printable

MM = 72 / 25.4
PORTRAIT_PT = (210 - 28) * MM  # between the margins of `@page`
WIDE_PT = (297 - 24) * MM  # and of `@page wide` (the register's pages)
BORDER_PT = 0.4  # table.list: 0.4pt solid #777 (collapsed: half on either side of an edge)
BORDER_RGB = "777777"
PAD_X, PAD_Y = 1.2 * MM, 0.6 * MM  # table.list td: padding 0.6mm 1.2mm
TEXT_PT = 8.0  # table.list: 8pt
LINE_FACTOR = 1.35  # html's line height
ASCENT, DESCENT = 1901 / 2048, 483 / 2048  # DejaVu Sans (hhea, em)

EDGE = 2 * PAD_X + BORDER_PT  # a cell's width beyond its text's
HAIR = 0.01  # pt: a rule's top that must be past a page end, not on it (rounding)

Cell = str | Sequence[str]  # a cell's text, or its paragraphs (lines broken by <br>)


def _faces(size: float) -> tuple[Face, Face]:
    """The body's and the header's (bold) face at `size` pt."""
    return Face("DejaVu Sans", size), Face("DejaVu Sans", size, bold=True)


@dataclass(frozen=True)
class Span:
    """A header or total cell across columns `first`..`first + count - 1` (measured only to
    see that it leaves the columns' widths alone)."""

    first: int
    count: int
    text: str
    bold: bool = True


@dataclass
class Table:
    """A table.list: its columns' header texts (None: a column whose header spans or is
    given as `thead`), its body rows' cells, the columns right-aligned (`num`), an extra
    class, and optional real rows after the body (`tail`, with `tail_cells` their
    non-spanning texts by column, bold, and `spans`)."""

    heads: Sequence[str | None]
    rows: Sequence[Sequence[Cell]]
    right: frozenset[int] = frozenset()
    css: str = ""
    thead: Markup | None = None
    tail: Markup = Markup("")
    tail_cells: Sequence[Sequence[str | None]] = ()
    spans: Sequence[Span] = ()
    width: float = WIDE_PT
    tail_border: float = BORDER_PT  # the width of the tail's top border
    size: float = TEXT_PT  # the text's size, pt (table.summary-table, table.behaviour: 9pt)


def _paragraphs(cell: Cell) -> list[str]:
    return [cell] if isinstance(cell, str) else list(cell)


_WHITE = re.compile("[ \t\n\r\f]+")  # HTML's white space (not U+00A0)


def _collapsed(text: str) -> str:
    """`text` as `white-space: normal` prints it: runs of white space one space, none at
    the ends."""
    return " ".join(filter(None, _WHITE.split(text)))


def _content(cell: Cell, face: Face, nowrap: bool) -> tuple[float, float]:
    """A cell's (min-content, max-content) width of its text, pt."""
    lines = [_collapsed(p) for p in _paragraphs(cell)]
    widest = max((width_pt(line, face) for line in lines), default=0.0)
    if nowrap:
        return widest, widest
    return max((min_content_pt(line, face) for line in lines if line), default=0.0), widest


def column_widths(table: Table) -> list[float] | None:
    """The columns' widths (pt, border to border) as WeasyPrint's automatic table layout
    gives them, or None when a spanning cell would take part."""
    count = len(table.heads)
    body, bold = _faces(table.size)
    mins, maxs = [0.0] * count, [0.0] * count

    def add(column: int, cell: Cell, face: Face) -> None:
        low, high = _content(cell, face, column in table.right)
        mins[column] = max(mins[column], low + EDGE)
        maxs[column] = max(maxs[column], high + EDGE)

    for column, head in enumerate(table.heads):
        if head is not None:
            add(column, head, bold)
    for row in table.rows:
        for column, cell in enumerate(row):
            add(column, cell, body)
    for row in table.tail_cells:
        for column, cell in enumerate(row):
            if cell is not None:
                add(column, cell, bold)
    for span in table.spans:
        low, high = _content(span.text, bold if span.bold else body, False)
        columns = range(span.first, span.first + span.count)
        if low + EDGE > sum(mins[c] for c in columns) or \
                high + EDGE > sum(maxs[c] for c in columns):
            return None  # it would widen its columns: WeasyPrint's own layout
    room = table.width - BORDER_PT  # the table's half borders outside its columns
    if room < sum(mins):
        return None
    if room < sum(maxs):
        ratio = (room - sum(mins)) / (sum(maxs) - sum(mins))
        return [low + (high - low) * ratio for low, high in zip(mins, maxs, strict=True)]
    widest = sum(w for w in maxs if w > 0)
    if not widest:
        return None
    return [high + (room - sum(maxs)) * high / widest for high in maxs]


def baseline(size: float, line: float) -> float:
    """A line's baseline below its line box's top (half the leading, then the ascent)."""
    return (line - size * (ASCENT + DESCENT)) / 2 + size * ASCENT


@lru_cache(maxsize=1)
def _known_chars() -> frozenset[int]:
    return frozenset(advances("DejaVuSans.ttf", TEXT_PT)[0]) & \
        frozenset(advances("DejaVuSans-Bold.ttf", TEXT_PT)[0])


def _drawable(text: str) -> bool:
    known = _known_chars()
    return all(ord(c) in known or c in "\u200b" for c in text)


@dataclass(frozen=True)
class Folded:
    """A body row's folded lines: their texts, places ((dy, dx) pt from the row's first
    line, or (dy, dx, face): FOLD_LINES' size and face, "6.5/m"), its content's height
    (pt), its text size and the border under it."""

    lines: tuple[str, ...]
    places: tuple[tuple[float, float] | tuple[float, float, str], ...]
    height: float
    size: float
    below: float


def _fold(cells: Sequence[Cell], widths: Sequence[float], right: frozenset[int],
          size: float, below: float) -> Folded | None:
    """A body row's cells as folded lines, or None when it must stay real cells."""
    face, line_pt = _faces(size)[0], size * LINE_FACTOR
    texts = [[_collapsed(p) for p in _paragraphs(cell)] for cell in cells]
    if not texts[0] or not texts[0][0] or not all(_drawable(t) for c in texts for t in c):
        return None
    lines, places, tallest = [], [], 1
    left = 0.0
    for column, (paragraphs, width) in enumerate(zip(texts, widths, strict=True)):
        room = width - EDGE
        own: list[str] = []
        for paragraph in paragraphs:
            own += [paragraph] if column in right else wrap(paragraph, room, face,
                                                            collapse=True) or [""]
        tallest = max(tallest, len(own))
        for number, line in enumerate(own):
            dx = left + (room - width_pt(line, face) if column in right else 0.0)
            places.append((number * line_pt, dx))
            lines.append(line)
        left += width
    if "\n" in "".join(lines):
        return None
    return Folded(tuple(lines), tuple(places), tallest * line_pt, size, below)


def _edges(row: Folded, widths: Sequence[float], dy: float, below_rule: bool,
           over_rule: bool) -> list[str]:
    """The table's sides and the rules between a row's cells, where the cells' borders
    were (from the top border's middle to the bottom border's, or a thicker one's top),
    `dy` pt below the block's first baseline; `below_rule`: from a hair below the top
    border (a rule of the block drawn with the row above: the rules begin in the row's own
    piece); `over_rule`: on across the rule under the row (a rule of the block: one shape
    at each crossing, as a cell's border was)."""
    top = dy - (baseline(row.size, row.size * LINE_FACTOR) + PAD_Y + BORDER_PT / 2)
    bottom = BORDER_PT if row.below == BORDER_PT else BORDER_PT / 2
    if below_rule:
        top += BORDER_PT / 2 + HAIR
        bottom -= BORDER_PT / 2 + HAIR
    if over_rule:
        bottom += BORDER_PT / 2
    edges, at = [], 0.0
    for width in [0.0, *widths]:
        at += width
        edges.append(f"{top:.4f}/{row.height + 2 * PAD_Y + bottom:.4f}/{BORDER_PT:g}/"
                     f"{BORDER_RGB}/{at - PAD_X - BORDER_PT:.4f}")
    return edges


def _places(row: Folded, dy: float, first: bool) -> list[str]:
    out = []
    for n, (y, x, *face) in enumerate(row.places):
        how = face[0] if face else "/"
        out.append(f"{y + dy:.4f}/{how}/{x:.4f}" if not first or n or y + dy or x or face
                   else "0")
    return out


def folded_body(rows: Sequence[Folded], widths: Sequence[float]) -> Markup:
    """Consecutive folded rows as ONE row of one cell holding one folded block that a page
    may end between rows of, never inside one (render/foldbreak.py: FOLD_CUTS): the
    rows' lines each at its row's place (its cells' padding and borders between them),
    the borders between the rows and between the cells drawn as FOLD_RULES. The row's
    cell is split at a page end as WeasyPrint splits a cell (its border and padding
    below the last row on the page and above the first on the next removed; the
    table's header repeated above it), each row otherwise where it stood as a row of
    its own."""
    pitch = [row.height + 2 * PAD_Y + BORDER_PT for row in rows]
    places, edges, cuts, texts, offset, first_line = [], [], [], [], 0.0, 0
    span = sum(widths) + BORDER_PT
    for number, (row, step) in enumerate(zip(rows, pitch, strict=True)):
        places += _places(row, offset, number == 0)
        edges += _edges(row, widths, offset, below_rule=number > 0,
                        over_rule=number < len(rows) - 1)
        if number:  # the border between this row and the one above (its middle): drawn
            # with the row above (above the next page's first row, the header's border)
            middle = offset - (baseline(row.size, row.size * LINE_FACTOR) + PAD_Y
                               + BORDER_PT / 2)
            edges.append(f"{middle - BORDER_PT / 2:.4f}/{BORDER_PT:g}/{span:.4f}/"
                         f"{BORDER_RGB}/{-PAD_X - BORDER_PT:.4f}")
        # a row after a page end: its top padding below the header's bottom border (where
        # WeasyPrint puts a split cell, its own border and padding removed)
        top = offset - PAD_Y if number else 0.0
        cuts.append(f"{first_line}/{top:.4f}/{offset + row.height + PAD_Y + BORDER_PT / 2:.4f}")
        texts += row.lines
        first_line += len(row.lines)
        offset += step
    height = offset - pitch[-1] + rows[-1].height
    size = rows[0].size
    size_css = "" if size == TEXT_PT else f' style="font-size: {size:g}pt"'
    return (Markup(f'<tr class="fbody"><td colspan="{len(widths)}" class="frow">'
                   f'<pre class="frow" data-fold {FOLD_LINES}="{" ".join(places)}" '
                   f'{FOLD_RULES}="{" ".join(edges)}" {FOLD_CUTS}="{height:.4f} '
                   f'{" ".join(cuts)}"{size_css}>')
            + escape("\n".join(texts)) + Markup("</pre></td></tr>"))


def body_rows(rows: Iterable[Folded | Markup], widths: Sequence[float]) -> list[Markup]:
    """A table's body rows, each folded (Folded) or as its cells (Markup): each run of
    folded rows one `folded_body`, the others as they are, in their order."""
    out: list[Markup] = []
    run: list[Folded] = []
    for row in rows:
        if isinstance(row, Folded):
            run.append(row)
            continue
        if run:
            out.append(folded_body(run, widths))
            run = []
        out.append(row)
    if run:
        out.append(folded_body(run, widths))
    return out


def _cell_html(cell: Cell, tag: str, numeric: bool) -> Markup:
    inner = Markup("<br>").join(escape(p) for p in _paragraphs(cell))
    opening = f'<{tag} class="num">' if numeric else f"<{tag}>"
    return Markup(opening) + inner + Markup(f"</{tag}>")


def render(table: Table, fold: bool = True) -> Markup:
    """The table's HTML: fixed columns and folded rows where they can be, else (or with
    `fold` False) the table as WeasyPrint lays out its cells (automatic layout)."""
    widths = column_widths(table) if fold else None
    thead = table.thead or Markup("<thead><tr>") + Markup("\n").join(
        _cell_html(head or "", "th", c in table.right) for c, head in enumerate(table.heads)
    ) + Markup("</tr></thead>")
    css = f"list {table.css}".strip()
    def row_of(number: int, row: Sequence[Cell]) -> Folded | Markup:
        below = table.tail_border if number == len(table.rows) and table.tail else BORDER_PT
        folded = _fold(row, widths, table.right, table.size, below) if widths else None
        return folded or Markup("<tr>") + Markup("\n").join(
            _cell_html(cell, "td", c in table.right) for c, cell in enumerate(row)) \
            + Markup("</tr>")

    rows = body_rows((row_of(n, row) for n, row in enumerate(table.rows, start=1)),
                     widths or [])
    if widths is None:
        head = Markup(f'<table class="{css}">')
    else:  # every column but the last its width: the last takes what is left
        head = Markup(f'<table class="{css}" style="table-layout: fixed"><colgroup>') + \
            Markup("\n").join(Markup(f'<col style="width: {w!r}pt">')
                              for w in widths[:-1]) + \
            Markup("<col></colgroup>")
    # its texts are printable already (Table's texts: `cells`, register_tables._p)
    return Printed("\n").join([head, thead, Markup("<tbody>"), *rows, table.tail,
                              Markup("</tbody></table>")])


def cells(*texts: object) -> list[str]:
    """Texts as a template printed them (`{{ ... }}` each: printable)."""
    return [printable(str(t)) for t in texts]
