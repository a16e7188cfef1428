"""Attendance grids as lines of monospaced text: one line per student, no cell per mark.

WeasyPrint lays out a table with a cell per mark at well under 1 page/s; the same grid as
one `<pre>` of fixed-width text runs some 20 times faster. Grid lines are drawn as PDF
rectangles while the file is written (archiver.render.rules), so a block needs only its
geometry: name width, column width, day boundaries, counted in characters.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from markupsafe import Markup, escape

from archiver.render.marks import KINDS as MARK_KINDS
from archiver.render.marks import fold_height
from archiver.views.polish import weekday
from archiver.views.register import MISSING, NOT_ENROLLED, NOT_IN_GROUP, WeekView

PAGE_CHARS = 170  # characters of 7.5pt DejaVu Sans Mono across landscape A4 between margins
MAX_ROWS = 38  # student lines per block, so a block (with its header) fits one page
NAME_MIN, NAME_MAX = 20, 28
GAP_TEXT = "?"  # printed for a missing mark (also explained in the legend)
OUT_TEXT = "—"  # printed outside the student's enrolment in the class


@dataclass(frozen=True)
class GridBlock:
    """One page-sized piece of a week's grid, ready for the template."""

    lines: Markup  # header lines and student lines, joined by newlines
    name_ch: int
    col_ch: int
    columns: int
    day_starts: tuple[int, ...]  # column indexes where a new day begins (not the first)
    count_columns: int = 0  # the week's absences and lateness after the last column
    scale: float = 1.0  # font size over 7.5pt: the block set larger to fill the page width
    shorts: tuple[str, ...] = ()  # each column's subject, its short name (grid_heads.py)
    marks: str = ""  # the bold and tinted marks, for the <pre>'s data-marks (marks.py)


def _cell(text: str, width: int) -> str:
    return text.center(width - 1).rjust(width) if len(text) < width else text[:width]


@lru_cache(maxsize=4096)  # a school's marks are a few symbols in a few widths
def _mark_text(mark: str, width: int, emphasis: str = "") -> tuple[str, str]:
    """A mark's cell, and the kind of its emphasis (marks.KINDS; "" for none), which
    covers all of the cell but its first space: bold on a tint for a gap and an absence,
    bold for lateness, excused or excluded marks."""
    if mark == MISSING:
        return " " + _cell(GAP_TEXT, width)[1:], MARK_KINDS["gap"]
    shown = OUT_TEXT if mark == NOT_ENROLLED else ("" if mark == NOT_IN_GROUP else mark)
    if emphasis == "absent":
        return " " + _cell(shown, width)[1:], MARK_KINDS["absent"]
    if emphasis:
        return " " + _cell(shown, width)[1:], MARK_KINDS[None]
    return _cell(shown, width), ""


def _day_labels(week: WeekView, cols: range, col_ch: int) -> str:
    line, start = [], cols.start
    while start < cols.stop:
        day = week.columns[start].day
        end = start
        while end < cols.stop and week.columns[end].day == day:
            end += 1
        span = (end - start) * col_ch - 1
        for label in (f"{weekday(day)} {day:%d.%m}", f"{day:%d.%m}", f"{day:%d}"):
            if len(label) <= span:
                break
        line.append(" " + label[:span].ljust(span))
        start = end
    return "".join(line)


def _name(number: int, name: str, width: int) -> str:
    text = f"{number:>2} {name}"
    return (text if len(text) < width else text[: width - 2] + "…").ljust(width)


COUNT_CH = 4  # the week's absences and lateness per pupil, after the last column
MAX_SCALE = 10 / 7.5  # a narrow week's grid is set up to 10pt to use the page's width
BLOCK_HEIGHT_PT = 390.0  # and no taller than this, so that it (and its names) fits its page


def blocks(week: WeekView, page_chars: int = PAGE_CHARS, max_rows: int = MAX_ROWS,
           marks: dict[str, str] | None = None) -> list[GridBlock]:
    """The week's grid split into blocks of at most `max_rows` students and as many columns
    as fit across the page; each column headed by day and lesson number (and, above the
    block, by the subject's short name: grid_heads.py); the last block ends with each
    pupil's absences and lateness of the week."""
    if not week.columns or not week.rows:
        return []
    longest = max(len(f"{r.number:>2} {r.name}") for r in week.rows) + 1
    name_ch = min(max(longest, NAME_MIN), NAME_MAX)
    widest = max([len(m) for r in week.rows for m in r.marks if not m.startswith("\x00")]
                 + [len(c.code) for c in week.columns] + [1])
    col_ch = max(3, widest + 1, len(str(len(week.columns))) + 1)
    counts = bool(week.absent)
    per_block = max(1, (page_chars - name_ch) // col_ch)
    if counts and len(week.columns) <= per_block and \
            name_ch + col_ch * len(week.columns) + 2 * COUNT_CH > page_chars:
        per_block = max(1, (page_chars - name_ch - 2 * COUNT_CH) // col_ch)
    result = []
    for c0 in range(0, len(week.columns), per_block):
        cols = range(c0, min(c0 + per_block, len(week.columns)))
        last = counts and cols.stop == len(week.columns)
        tail = ["", "nb.".rjust(COUNT_CH - 1) + " " + "sp.".rjust(COUNT_CH - 1) + " ", ""] \
            if last else ["", "", ""]
        header = [
            "dzień".ljust(name_ch) + _day_labels(week, cols, col_ch),
            "lekcja".ljust(name_ch) + "".join(_cell(str(week.columns[i].period), col_ch)
                                              for i in cols) + tail[1],
        ]
        starts = tuple(i - c0 for i in cols
                       if i > c0 and week.columns[i].day != week.columns[i - 1].day)
        emphasis = marks or {}
        made: dict[tuple[str, ...], tuple[str, tuple[tuple[int, int, str], ...]]] = {}
        for r0 in range(0, len(week.rows), max_rows):
            # the lines as text and their marks, as split_marks would read them from
            # <b> markup (not written and parsed again: the same text and marks)
            lines = list(header)
            found: list[str] = []
            for index in range(r0, min(r0 + max_rows, len(week.rows))):
                row = week.rows[index]
                name = _name(row.number, row.name, name_ch)
                row_marks = row.marks[cols.start:cols.stop]
                cells = made.get(row_marks)
                if cells is None:  # the same marks recur (a week all present): made once
                    cells = made[row_marks] = _row_cells(row_marks, col_ch, emphasis)
                text, emphasised = cells
                at = len(name)
                number = len(lines)
                found += [f"{number}:{at + start}-{at + end}:{kind}"
                          for start, end, kind in emphasised]
                if last:
                    text += (f"{week.absent[index]:>{COUNT_CH - 1}} "
                             f"{week.late[index]:>{COUNT_CH - 1}} ")
                lines.append(name + text)
            chars = name_ch + 0.5 + col_ch * len(cols) + (2 * COUNT_CH if last else 0)
            rows = min(max_rows, len(week.rows) - r0) + HEADER_LINES
            scale = max(1.0, min(MAX_SCALE, (page_chars - 1) / chars,
                                 BLOCK_HEIGHT_PT / (rows * LINE_PT)))
            plain = Markup("\n".join([str(escape(line)) for line in lines]))
            marked = " ".join(found)
            result.append(GridBlock(plain, name_ch, col_ch, len(cols),
                                    starts, 2 if last else 0, round(scale, 3),
                                    tuple(week.columns[i].short for i in cols), marked))
    return result


def _row_cells(marks: tuple[str, ...], col_ch: int, emphasis: dict[str, str]
               ) -> tuple[str, tuple[tuple[int, int, str], ...]]:
    """A row's cells as text, and where its emphasised marks are (from, to, kind: the
    characters from its start, each cell but its first space)."""
    texts, found, position = [], [], 0
    for mark in marks:
        text, kind = _mark_text(mark, col_ch, emphasis.get(mark, ""))
        if kind and len(text) > 1:
            found.append((position + 1, position + len(text), kind))
        position += len(text)
        texts.append(text)
    return "".join(texts), tuple(found)


LINE_PT = 9.0  # line height of .grid in style.css
# Advance of one character of DejaVu Sans Mono (1233/2048 em) at 7.5pt. WeasyPrint's `ch`
# unit is not the monospaced advance, so positions are computed in pt.
CHAR_PT = 7.5 * 1233 / 2048


def _x(chars: float) -> str:
    return f"{chars * CHAR_PT:.3f}pt"
HEADER_LINES = 2  # day, lesson number (the subjects' names stand above the block)


def block_style(block: GridBlock) -> str:
    """Inline CSS of the block: its width, size and rules (drawn by render/rules.py), and
    its height, as its lines make it (it is laid out folded: render/marks.py)."""
    line_pt = LINE_PT if block.scale == 1.0 else round(LINE_PT * block.scale, 3)
    return "; ".join(filter(None, [_scaled(_block_rules(block), block.scale),
                                   fold_height(block.lines, line_pt)]))


def _scaled(style: str, scale: float) -> str:
    """A ruled block's style for a font `scale` times 7.5pt: its width scaled, and its
    font size and line height (rules.py reads the size back from the laid-out box)."""
    if scale == 1.0:
        return style
    width, rest = style.split(";", 1)
    points = float(width.split(":")[1].strip().removesuffix("pt")) * scale
    return (f"width: {points:.3f}pt; font-size: {7.5 * scale:.3f}pt; "
            f"line-height: {LINE_PT * scale:.3f}pt;{rest}")


def _block_rules(block: GridBlock) -> str:
    style = rule_style(block.name_ch, block.col_ch, block.columns, HEADER_LINES,
                       block.day_starts)
    if not block.count_columns:
        return style
    # the count columns: wider block, a heavy rule before them, light rules between
    name = block.name_ch + 0.5
    end = name + block.col_ch * block.columns
    return ruled(end + COUNT_CH * block.count_columns,
                 [name + k * block.col_ch for k in range(block.columns)] + [end + COUNT_CH],
                 [name + s * block.col_ch for s in block.day_starts] + [end], [HEADER_LINES],
                 light_from_line=1)


def ruled(width_ch: float, light: list[float], heavy: list[float], under_lines: list[int],
          light_from_line: int = 0, row_rules: list[int] | None = None) -> str:
    """Inline style of a ruled monospaced block `width_ch` characters wide: a light rule
    under every line, light column rules at the `light` positions (in characters from the
    left, from below line `light_from_line` down), heavy ones at `heavy` (full height) and
    heavy rules under the lines numbered in `under_lines` (`row_rules`: light rules only
    under the lines numbered there, not under every line). The rules are drawn by
    archiver.render.rules while the PDF is written (CSS gradients cost a fifth of a
    register's time); the block carries their geometry in the custom property `--rules`."""
    def group(values: list[float] | list[int]) -> str:
        return " ".join(f"{v:g}" for v in values) or "-"

    rows = "*" if row_rules is None else group(row_rules)
    return (f"width: {_x(width_ch)}; --rules: {light_from_line} / {group(light)} / "
            f"{group(heavy)} / {group(under_lines)} / {rows}")


def rule_style(name: float, col: int, columns: int, header_lines: int,
               strong: tuple[int, ...] = ()) -> str:
    """Width and rules of a monospaced block: a row rule under every line, a column rule
    every `col` characters after the first `name` (not across the first line, whose labels
    span their day's columns), heavier rules at `strong` columns and under the header."""
    # Rules sit half a character into each cell's leading space, so that a two-character
    # symbol is centred between its rules.
    name += 0.5
    return ruled(name + col * columns, [name + k * col for k in range(columns)],
                 [name + s * col for s in strong], [header_lines], light_from_line=1)
