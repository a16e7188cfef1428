"""Line builders the templates call: recipient lists, read tallies, grade codes."""

from __future__ import annotations

import re
from datetime import datetime
from functools import lru_cache

from markupsafe import Markup, escape

from archiver.render.pango_text import Face, width_pt, wrap
from archiver.render.printable import printable
from archiver.render.tablines import PORTRAIT_PT
from archiver.views.grades import SubjectGrades
from archiver.views.messages import MessageEntry, RecipientGroup
from archiver.views.polish import datetime_pl

# A recipient cell (.rc in style.css): a quarter of a message box on portrait A4, less its
# padding, in pt; a text wider than that at 8pt DejaVu Sans Condensed takes two quarters.
CELL_PT = 116.0
CELL_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed.ttf"
CELL_SIZE = 8.0


@lru_cache(maxsize=1)
def _advances() -> tuple[dict[int, float], float]:
    """Advance widths (in em) of the cell font's characters, and the widest of them."""
    try:
        from fontTools.ttLib import TTFont

        font = TTFont(CELL_FONT, lazy=True)
        scale = 1 / font["head"].unitsPerEm
        metrics = font["hmtx"].metrics
        widths = {code: metrics[name][0] * scale for code, name in font.getBestCmap().items()}
        return widths, max(widths.values())
    except (OSError, ImportError, KeyError):
        return {}, 0.75  # no font file: every character counted as wide


def text_pt(text: str) -> float:
    """Width of `text` in a recipient cell, in pt (unknown characters counted as widest)."""
    widths, widest = _advances()
    return sum(widths.get(ord(c), widest) for c in text) * CELL_SIZE


def read_tally(read: int, total: int) -> str:
    """przeczytał 1 z 5 odbiorców; przeczytało 3 z 5 odbiorców; przeczytało 0 z 1 odbiorcy."""
    verb = "przeczytał" if read == 1 else "przeczytało"
    noun = "odbiorcy" if total == 1 else "odbiorców"
    return f"{verb} {read} z {total} {noun}"


def read_time(read_at: datetime, sent_at: datetime) -> str:
    """12.09 17:45 within the year the message was sent, else 02.01.2026 17:45."""
    if read_at.year == sent_at.year:
        return read_at.strftime("%d.%m %H:%M")
    return read_at.strftime("%d.%m.%Y %H:%M")


def recipient_lines(message: MessageEntry, timezone: str) -> Markup:
    """One line per named recipient with the read time or "nieprzeczytana"; then the count
    of recipients left out by student-scoped minimisation."""
    lines = []
    for receipt in message.recipients:
        who = receipt.person.name + (f" ({receipt.person.role})" if receipt.person.role else "")
        status = ("przeczytana " + datetime_pl(receipt.read_at, timezone)
                  if receipt.read_at else "nieprzeczytana")
        lines.append(Markup("<div>") + escape(f"{who} – ")
                     + (escape(status) if receipt.read_at
                        else Markup("<b>") + escape(status) + Markup("</b>"))
                     + Markup("</div>"))
    return Markup("").join(lines)


# The folded recipient lines (.rlines in style.css): the face of .rcols and .unread.
CELL_FACE = Face("DejaVu Sans", CELL_SIZE, condensed=True)
LINE_PT = 10.0  # their line height (8pt x 1.25)
MESSAGE_PT = PORTRAIT_PT - 2 * 0.6 - 2 * 3 / 25.4 * 72  # a message box's content (.message)
COLUMNS = 4  # cells a row (.rc: 25% each)
PAD_PT = 2 / 25.4 * 72  # .rc's padding-right
CHUNK = 6  # lines a folded block at most: where a page may end within a class's recipients
_SPACES = ("\u2003", "\u2002", " ", "\u200a")  # em, en, word and hair spaces
_COLLAPSED = re.compile("[ \t\n\r\f]+")


def _collapsed(text: str) -> str:
    """A text as CSS white-space: normal or nowrap prints it: runs of white space as one
    space, none at its ends."""
    return _COLLAPSED.sub(" ", text).strip(" ")


def _pad(x: float, target: float) -> str:
    """Spaces taking the pen from `x` to `target` in the cell face (within half a hair
    space, 0.35pt): as few glyphs as will do."""
    out, gap = [], target - x
    for char in _SPACES:
        width = width_pt(char, CELL_FACE)
        count = int(gap // width) if char != _SPACES[-1] else max(0, round(gap / width))
        out.append(char * count)
        gap -= count * width
    return "".join(out)


def _cell_rows(texts: list[str]) -> list[str]:
    """The read recipients' cells in rows, as the inline blocks of .rc flowed: four columns,
    a text wider than CELL_PT two of them, a row full or a wide cell past the last column
    going on to the next row. A text too wide even for two columns (longer than any name)
    has rows of its own, wrapped to the whole width, where a cell clipped it before."""
    rows: list[str] = []
    column, line, x = 0, "", 0.0
    quarter = MESSAGE_PT / COLUMNS
    for text in texts:
        span = 2 if text_pt(text) > CELL_PT else 1
        if width_pt(text, CELL_FACE) > 2 * quarter - PAD_PT:
            if line:
                rows.append(line)
            rows += wrap(text, MESSAGE_PT, CELL_FACE)
            column, line, x = 0, "", 0.0
            continue
        if column + span > COLUMNS:
            rows.append(line)
            column, line, x = 0, "", 0.0
        if column:
            pad = _pad(x, column * quarter)
            line += pad
            x += width_pt(pad, CELL_FACE)
        line += text
        x += width_pt(text, CELL_FACE)
        column += span
    if line:
        rows.append(line)
    return rows


def _unread_lines(names: str, count: int) -> tuple[list[str], int]:
    """The "nie przeczytało (N):" run, wrapped as its paragraph wrapped it; and the length
    of its bold head."""
    head = f"nie przeczytało ({count}):"
    return wrap(f"{head} {names}", MESSAGE_PT, CELL_FACE, bold=len(head),
                collapse=True), len(head)


def _folded(lines: list[str], bold: dict[int, int], last: str) -> list[Markup]:
    """Lines as folded `<pre class="rlines">` blocks (render/marks.py) of at most CHUNK
    lines (never a last block of one line when two can be had): each block stays on its
    page, a page may end between them. `bold`: line -> length of its bold head; `last`: the
    class of the last block (its margin)."""
    count = -(-len(lines) // CHUNK)
    size = -(-len(lines) // count)
    blocks = []
    for first in range(0, len(lines), size):
        chunk = lines[first:first + size]
        text = "\n".join(chunk)
        marks = " ".join(f"{n - first}:0-{bold[n]}:b" for n in range(first, first + len(chunk))
                         if bold.get(n))
        height = f"height: {len(chunk) * LINE_PT:.4f}pt"
        css = "rlines" + (" " + last if first + size >= len(lines) else "")
        blocks.append(Markup('<pre class="{}" data-fold data-marks="{}" style="{}">\n').format(
            css, marks, height) + escape(text) + Markup("</pre>"))
    return blocks


def compact_recipients(group: RecipientGroup, sent_at: datetime) -> Markup:
    """A class's recipients: first those who did not read the message, as one run of
    names, then the read ones as cells of a few columns, row by row, each with the day and
    time it was read. Pre-wrapped here with Pango's own widths and breaks (render/pango_text)
    and folded (render/marks.py): laid out as one line a block, where the run's lines and
    an inline block per cell cost WeasyPrint half a millisecond to a millisecond each (a
    school-wide transcript is mostly recipients). Texts are made printable here, before
    they are measured (the template's finalize then finds nothing to change)."""
    parts = []
    if group.unread:
        lines, head = _unread_lines(printable(", ".join(r.person.name for r in group.unread)),
                                    len(group.unread))
        parts += _folded(lines, {0: head}, "unread-end")
    if group.read:
        rows = _cell_rows([printable(_collapsed(f"{r.person.name} {read_time(r.read_at, sent_at)}"))
                           for r in group.read])
        parts += _folded(rows, {}, "rcols-end")
    return Markup("").join(parts)


def category_codes(subject: SubjectGrades) -> dict[str, str]:
    """Short, unique codes for the grade categories of one subject: S, K, O, Od..."""
    names = sorted({g.category for s in subject.students for t in s.terms for g in t.partials
                    if g.category})
    codes: dict[str, str] = {}
    for name in names:
        letters = [c for c in name if c.isalpha()] or ["?"]
        for size in range(1, len(letters) + 1):
            code = "".join(letters[:size]).capitalize()
            if code not in codes.values():
                break
        else:
            code = f"{code}{len(codes) + 1}"
        codes[name] = code
    return codes
