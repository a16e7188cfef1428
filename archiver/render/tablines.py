"""Lines of proportional text in columns, wrapped in Python with the font's own advances.

Lesson lists, grade lines and notes are printed in the documents' face (DejaVu Sans
Condensed, 9pt) yet laid out as cheaply as monospaced text: every line is computed here
and a block of them is one `<pre>` (white-space: pre, so WeasyPrint breaks no line
itself). Columns are aligned by runs of em, en, word and hair spaces (U+200A, 0.8pt) whose
width is counted from the advance widths of the text before them, read with fontTools
from the same TTF files WeasyPrint embeds (kerning and ligatures are off in these blocks,
so the sum of the advances is the width Pango lays out): a column starts within 0.4pt of
its place. (Tabs were tried: WeasyPrint lays each inline run out on its own, so a tab's
stop depends on where the run began.) A text too long for its column's room wraps under
that column (a hanging indent of the same spaces).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from markupsafe import Markup, escape

from archiver.render.fonts import advances
from archiver.render.marks import FOLD_MAX_PT, LINE_KINDS, fold_height, split_marks
from archiver.render.marks import KINDS as MARK_KINDS
from archiver.render.textgrid import CHAR_PT, ruled

FONTS = {False: "DejaVuSansCondensed.ttf", True: "DejaVuSansCondensed-Bold.ttf"}
SIZE_PT = 9.0  # `.tablines` in style.css: font size
LINE_PT = 10.8  # and line height (1.2 x the size: archiver.render.rules draws the row rules
#                 at textgrid.LINE_PT x size / 7.5pt)
HAIR = "\u200a"
PAGE_PT = (297 - 24) / 25.4 * 72  # landscape A4 between the margins of `@page wide`
PORTRAIT_PT = (210 - 28) / 25.4 * 72  # portrait A4 between the margins of `@page`
GAP_PT = 8.0  # at least this much white between a column's text and the next column
EDGE_PT = 2.0  # a line is filled to this much short of its room: never a wrap by rounding

Piece = tuple[str, str]  # text, and how it is printed: "" plain, "b" bold, "gap" a gap
_OPEN = {"": "", "b": "<b>", "gap": '<b class="gap">'}
_CLOSE = {"": "", "b": "</b>", "gap": "</b>"}


def _advances(bold: bool) -> tuple[dict[int, float], float]:
    """Advance widths (pt at SIZE_PT) of the face's characters, and the widest of them."""
    return advances(FONTS[bold], SIZE_PT)


_PLAIN: dict[str, float] = {}  # text: its width, in the regular face and in the bold
_BOLD: dict[str, float] = {}
_WIDTHS_KEPT = 100_000  # texts remembered in each


def text_pt(text: str, bold: bool = False) -> float:
    """Width of `text` in points (cached: the same words recur on every page)."""
    cache = _BOLD if bold else _PLAIN
    found = cache.get(text)
    if found is None:
        widths, widest = _advances(bold)
        found = sum(widths.get(ord(c), widest) for c in text)
        if len(cache) < _WIDTHS_KEPT:
            cache[text] = found
    return found


def _piece_pt(piece: Piece) -> float:
    return text_pt(piece[0], piece[1] != "")


def fit_pt(text: str, room: float, bold: bool = False) -> str:
    """`text`, or as much of it as fits `room` points followed by "…"."""
    if text_pt(text, bold) <= room:
        return text
    keep = text
    while keep and text_pt(keep + "…", bold) > room:
        keep = keep[:-1]
    return keep + "…"


SPACES = ("\u2003", "\u2002", " ")  # em, en and word spaces, then hair spaces: few glyphs


@lru_cache(maxsize=2)
def _space_pts(bold: bool) -> tuple[float, tuple[float, ...], float]:
    """Widths of a word space, of each of SPACES, and of a hair space."""
    return text_pt(" ", bold), tuple(text_pt(c, bold) for c in SPACES), text_pt(HAIR, bold)


def _pad(x: float, target: float, bold: bool = False) -> str:
    """White space taking the pen from `x` to `target` (at least a word space): as few
    glyphs as will do, the last of them hair spaces. (pdftotext reads words from where
    glyphs stand, so the kind of space never reaches the extracted text.)"""
    space, widths, hair = _space_pts(bold)
    gap = max(target - x, space)
    out = []
    for char, width in zip(SPACES, widths, strict=True):
        count = int(gap // width)
        out.append(char * count)
        gap -= count * width
    out.append(HAIR * round(gap / hair))
    return "".join(out)


_PADS: tuple[dict[float, tuple[str, float]], dict[float, tuple[str, float]]] = ({}, {})


def _pad_pt(x: float, target: float, bold: bool = False) -> tuple[str, float]:
    """_pad(x, target, bold) and its width (cached by the gap: the same gaps recur on
    every line of a block)."""
    cache = _PADS[1 if bold else 0]
    found = cache.get(target - x)
    if found is None:
        pad = _pad(x, target, bold)
        found = (pad, text_pt(pad, bold))
        if len(cache) < 50_000:
            cache[target - x] = found
    return found


@dataclass(frozen=True)
class Layout:
    """Where columns start (pt from the line's start, each on a tab stop) and how wide the
    last one may run (to `width`, the line's room)."""

    starts: tuple[float, ...]
    width: float

    @classmethod
    def of(cls, widths: Sequence[float], width: float = PAGE_PT) -> Layout:
        """Columns as wide as the widest text in each (`widths`, pt), the last one taking
        the rest of the line."""
        starts, x = [0.0], 0.0
        for w in widths[:-1]:
            x = math.ceil(x + w + GAP_PT)
            starts.append(x)
        return cls(tuple(starts), width)

    @classmethod
    def for_rows(cls, heads: Sequence[str], rows: Sequence[Sequence[str]],
                 width: float = PAGE_PT, most: float = 150.0, last: float = 240.0) -> Layout:
        """Columns for `heads` (bold) over `rows` (a cell for each head but the last), each
        as wide as its widest text; when that leaves the last column less than `last`
        points, no column wider than `most` (cells() cuts what is longer)."""
        widths = [max([text_pt(h, True)] + [text_pt(r[i]) for r in rows])
                  for i, h in enumerate(heads[:-1])]
        layout = cls.of(widths + [0.0], width)
        if width - layout.starts[-1] < last:  # names longer than any school's: give way
            layout = cls.of([min(w, most) for w in widths] + [0.0], width)
        return layout

    def cells(self, texts: Sequence[str], first: int = 0) -> list[str]:
        """`texts` each cut to its column's room (from column `first` on; only a name
        longer than any school's is cut, see for_rows)."""
        starts = self.starts[first:]
        rooms = [b - a - GAP_PT for a, b in zip(starts, starts[1:], strict=False)]
        known = _PLAIN.get
        return [text if (width := known(text)) is not None and width <= room
                else fit_pt(text, room) for text, room in zip(texts, rooms, strict=False)]

    def line(self, cells: Sequence[Piece | str], first: int = 0) -> list[Piece]:
        """One line: each cell at its column's start (from column `first` on)."""
        return self._line(cells, first)[0]

    def bold_line(self, cells: Sequence[str]) -> list[Piece]:
        """A line all in bold (a header), as one piece: one inline box, not one a cell."""
        out, x = [], 0.0
        for column, text in enumerate(cells):
            if column:
                pad, width = _pad_pt(x, self.starts[column], True)
                out.append(pad)
                x += width
            out.append(text)
            x += text_pt(text, True)
        return [("".join(out), "b")]

    def _line(self, cells: Sequence[Piece | str], first: int) -> tuple[list[Piece], float]:
        out: list[Piece] = []
        x = 0.0
        starts = self.starts
        if starts[first]:
            pad, x = _pad_pt(0.0, starts[first])
            out.append((pad, ""))
        pads, known = _PADS[0], _PLAIN.get
        for index, cell in enumerate(cells):
            piece = (cell, "") if isinstance(cell, str) else cell
            if index:
                target = starts[first + index]
                found = pads.get(target - x)
                pad, width = found if found is not None else _pad_pt(x, target)
                out.append((pad, ""))
                x += width  # the pen as laid out, within 0.4pt of the start
            if piece[0]:
                out.append(piece)
                width = known(piece[0]) if piece[1] == "" else None
                x += width if width is not None else _piece_pt(piece)
        return out, x

    def wrapped(self, cells: Sequence[Piece | str], last: list[Piece],
                first: int = 0) -> list[list[Piece]]:
        """`cells` in the columns from `first` on, then `last` wrapped in the last column:
        its further lines start at that column."""
        column = len(self.starts) - 1
        line, x = self._line(cells, first) if cells else ([], 0.0)
        if not last:
            return [line]
        lines = wrapped_lines(tuple(last), self.width - self.starts[column])
        hang = _pad_pt(0.0, self.starts[column])[0]
        result = [line + [(_pad_pt(x, self.starts[column])[0] if cells else hang, "")]
                  + list(lines[0])]
        result += [[(hang, ""), *more] for more in lines[1:]]
        return result


_BREAKS = re.compile("( +|\u200b)")


def _words(pieces: list[Piece]) -> list[tuple[list[Piece], float, str]]:
    """Pieces cut into words (a word keeps the pieces it spans): (pieces, width, the
    spaces that follow it). Breaks are at spaces and after zero-width spaces."""
    words: list[tuple[list[Piece], float, str]] = []
    current: list[Piece] = []
    width = 0  # of `current`, added up as sum() adds its pieces' widths
    for text, how in pieces:
        bold = how != ""
        known = (_BOLD if bold else _PLAIN).get
        for token in _BREAKS.split(text):
            if token.startswith(" "):
                if current:
                    words.append((current, width, token))
                current, width = [], 0
            elif token == "\u200b":
                current.append((token, how))
                words.append((current, width + text_pt(token, bold), ""))
                current, width = [], 0
            elif token:
                current.append((token, how))
                found = known(token)
                width += found if found is not None else text_pt(token, bold)
    if current:
        words.append((current, width, ""))
    return words


def _cut(word: list[Piece], room: float) -> tuple[list[Piece], list[Piece]]:
    """The head of a word that fits `room` points (at least one character), and the rest."""
    head: list[Piece] = []
    used = 0.0
    for index, (text, how) in enumerate(word):
        for j, char in enumerate(text):
            w = text_pt(char, how != "")
            if used + w > room and (head or j):
                head.append((text[:j], how))
                return head, [(text[j:], how), *word[index + 1:]]
            used += w
        head.append((text, how))
    return head, []


def wrap(pieces: list[Piece], room: float) -> list[list[Piece]]:
    """`pieces` in lines of at most `room` points (less EDGE_PT), broken at spaces; a word
    longer than a line is cut."""
    text = _plain_text(pieces)
    if text is not None:
        fast = _wrap_plain(text, room)
        if fast is not None:
            return fast
    return _wrap_words(pieces, room)


def _wrap_words(pieces: list[Piece], room: float) -> list[list[Piece]]:
    """wrap, word by word with the pieces each spans (any pieces)."""
    room -= EDGE_PT
    lines: list[list[Piece]] = [[]]
    used = 0.0
    for word, size, spaces in _words(pieces):
        while word:
            if used + size <= room:
                lines[-1] += word
                used += size
                word = []
                continue
            if used == 0.0:  # alone on its line and still too long: cut it
                head, word = _cut(word, room)
                lines[-1] += head
                size = sum(map(_piece_pt, word))
            lines.append([])
            used = 0.0
        if spaces and used:
            space = _PLAIN.get(spaces)
            if space is None:
                space = text_pt(spaces)
            if used + space <= room:
                lines[-1].append((spaces, ""))
                used += space
    return [_trimmed(line) for line in lines]


def _plain_text(pieces: list[Piece]) -> str | None:
    """The pieces' text when they are plain and cut into the same words and spaces as
    that text (each piece after the first begins with a space, none before ends with one),
    else None."""
    if any(how for _text, how in pieces):
        return None
    if len(pieces) == 1:
        return pieces[0][0]
    for (before, _), (after, _) in zip(pieces, pieces[1:], strict=False):
        if not after.startswith(" ") or before.endswith(" "):
            return None
    return "".join([text for text, _how in pieces])


def _wrap_plain(text: str, room: float) -> list[list[Piece]] | None:
    """wrap([(text, "")], room) without its words' lists (most topics and every pupil's
    partial grades are one plain text); None when a word is wider than the room (it is
    cut) or the text holds a zero-width space: then wrap's own loop."""
    if "\u200b" in text:
        return None
    room -= EDGE_PT
    known = _PLAIN.get
    tokens = _BREAKS.split(text)  # a word, the spaces after it, a word, ...
    line: list[Piece] = []
    lines = [line]
    used = 0.0
    for at in range(0, len(tokens), 2):
        word = tokens[at]
        if word:
            size = known(word)
            if size is None:
                size = text_pt(word)
            if size > room:
                return None
            if used + size > room:
                line = []
                lines.append(line)
                used = 0.0
            line.append((word, ""))
            used += size
        if at + 1 < len(tokens) and used:
            spaces = tokens[at + 1]
            space = known(spaces)
            if space is None:
                space = text_pt(spaces)
            if used + space <= room:
                line.append((spaces, ""))
                used += space
    return [_trimmed(line) for line in lines]


WRAPPED_MOST = 4096  # wrapped topics remembered: more than a register has (~1,100 distinct)


@lru_cache(maxsize=WRAPPED_MOST)
def wrapped_lines(pieces: tuple[Piece, ...], room: float) -> tuple[tuple[Piece, ...], ...]:
    """wrap(pieces, room) as tuples, remembered (a topic or a note recurs in the same
    columns: in a class's groups, in the next week); the widths are those of the fonts
    read once, so the same pieces in the same room wrap the same way. The most recent
    WRAPPED_MOST are kept: a process-long memo of every register's topics held ~90 MB of
    the main process's peak (large demo, 36,000 entries)."""
    return tuple(tuple(line) for line in wrap(list(pieces), room))


def _trimmed(line: list[Piece]) -> list[Piece]:
    while line and line[-1][0].strip() == "":
        line = line[:-1]
    return line


def markup(line: list[Piece]) -> str:
    """The line as HTML (plain strings joined once: Markup arithmetic is slow)."""
    return "".join(_OPEN[how] + str(escape(text)) + _CLOSE[how] for text, how in line)


@dataclass(frozen=True)
class LineBlock:
    """A block of pre-wrapped lines, ready for the template: `<pre class="tablines">`."""

    lines: Markup
    style: str
    marks: str = ""  # bold, gap and cancelled text, for the <pre>'s data-marks (marks.py)
    rules: str = ""  # a folded block's rules (marks.FOLD_RULES; folded_block), and
    cuts: str = ""  # its height and pieces (foldbreak.FOLD_CUTS): no style of its own


def block(entries: Sequence[tuple[list[list[Piece]], str]], width: float = PAGE_PT,
          keep: bool = True, head: int = 0, extra: str = "") -> LineBlock:
    """Entries (an entry's lines, and a class for them or "") as one block with a light
    rule under each entry (a heavy one under the first `head` lines), not split across
    pages when `keep`."""
    made = _plain_and_marks(entries)
    if made is None:  # a piece holding a line break: as its markup reads
        plain, marks, ends = _from_markup(entries)
    else:
        plain, marks, ends = made
    style = ruled(width / CHAR_PT, [], [], [head] if head else [],
                  row_rules=[e for e in ends if e != head])
    if keep:
        style += "; break-inside: avoid"
    if extra:
        style += "; " + extra
    return LineBlock(plain, "; ".join(filter(None, [style, fold_height(plain, LINE_PT)])), marks)


RULE_COLOUR, HEAD_COLOUR = "8a8a8a", "222222"  # render/rules.py: RULE_RGB, STRONG_RGB
RULE_PT, HEAD_PT = 0.4, 0.8  # the last 0.4pt of an entry's last line; 0.8pt of a head line


@lru_cache(maxsize=1)
def _baseline_pt() -> float:
    """Where `.tablines`' first line has its baseline, pt from the block's top."""
    from archiver.render.pango_text import Face, baseline_pt

    return baseline_pt(Face("DejaVu Sans", SIZE_PT, condensed=True), LINE_PT)


def folded_block(pieces: Sequence[Sequence[tuple[list[list[Piece]], str]]],
                 width: float = PAGE_PT, head: int = 0) -> LineBlock | None:
    """Pieces of entries (as `block` takes them) as ONE folded block that a page may end
    between pieces of, never inside one (render/foldbreak.py): the rules `block` gives
    a block of these entries (a heavy one under the first `head` lines, a light one under
    each entry) drawn as FOLD_RULES, each piece laid out as if it were a block of its own
    with break-inside: avoid. The block has no style attribute (its height is in
    FOLD_CUTS), so that all such blocks share one computed style (render/styles.py).
    None when it cannot be folded so (a piece taller than FOLD_MAX_PT, a line break in a
    piece): then `block`s, as before."""
    entries = [entry for piece in pieces for entry in piece]
    made = _plain_and_marks(entries)
    if made is None:
        return None
    plain, marks, ends = made
    starts, first = [], 0  # each piece's first line
    for piece in pieces:
        starts.append(first)
        first += sum(len(lines) for lines, _css in piece)
    total = first
    if total < 2 or any((b - a) * LINE_PT > FOLD_MAX_PT
                        for a, b in zip(starts, [*starts[1:], total], strict=True)):
        return None
    base = _baseline_pt()
    rules = [f"{n * LINE_PT - RULE_PT - base:.4f}/{RULE_PT:g}/{width:.3f}/{RULE_COLOUR}"
             for n in ends if n != head]
    if head:
        rules.append(f"{head * LINE_PT - HEAD_PT - base:.4f}/{HEAD_PT:g}/{width:.3f}/"
                     f"{HEAD_COLOUR}")
    cuts = " ".join(f"{a}/{a * LINE_PT:.4f}/{b * LINE_PT:.4f}"
                    for a, b in zip(starts, [*starts[1:], total], strict=True))
    return LineBlock(plain, "", marks, " ".join(rules), f"{total * LINE_PT:.4f} {cuts}")


_MARK_KINDS = {"b": MARK_KINDS[None], "gap": MARK_KINDS["gap"]}


def _plain_and_marks(entries: Sequence[tuple[list[list[Piece]], str]]
                     ) -> tuple[Markup, str, list[int]] | None:
    """The entries' lines as escaped text and their marks (what split_marks reads from
    their markup, without writing and parsing it: the same text and marks), and where
    each entry ends; None when a piece holds a line break."""
    lines: list[str] = []
    ends: list[int] = []
    marks: list[str] = []
    for wrapped, css in entries:
        line_kind = LINE_KINDS[css] if css else ""
        for line in wrapped:
            number = len(lines)
            whole = "".join([text for text, _how in line])
            if "\n" in whole:
                return None
            if line_kind:
                marks.append(f"{number}:0-{len(whole)}:{line_kind}")
            position = 0
            for text, how in line:
                if how and text:
                    marks.append(f"{number}:{position}-{position + len(text)}:"
                                 f"{_MARK_KINDS[how]}")
                position += len(text)
            lines.append(str(escape(whole)))
        ends.append(len(lines))
    return Markup("\n".join(lines)), " ".join(marks), ends


def _from_markup(entries: Sequence[tuple[list[list[Piece]], str]]
                 ) -> tuple[Markup, str, list[int]]:
    lines: list[str] = []
    ends: list[int] = []
    for wrapped, css in entries:
        marked = [markup(line) for line in wrapped]
        if css:
            marked = [f'<span class="{css}">' + m + "</span>" for m in marked]
        lines += marked
        ends.append(len(lines))
    plain, marks = split_marks(Markup("\n".join(lines)))  # every text escaped in markup()
    return plain, marks, ends
