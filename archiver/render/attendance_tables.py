"""The attendance summary's tables as blocks of monospaced lines (see textgrid.py for why).

Per-subject tables: a row per pupil, a column per subject (its short name over one or more
header lines), each cell the pupil's percentage in that subject; a cell below the school's
risk threshold is marked (bold on a grey tint: it prints in black and white).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from babel.dates import format_date
from markupsafe import Markup, escape

from archiver.render.marks import fold_height
from archiver.render.textgrid import LINE_PT, PAGE_CHARS, ruled
from archiver.views.attendance import (
    AttendanceRow,
    AttendanceSection,
    AttendanceView,
    RiskEntry,
    Share,
    SubjectTable,
)
from archiver.views.polish import month_name, percent_pl
from archiver.views.school_attendance import SchoolAttendanceView

NAME_MIN, NAME_MAX = 16, 28
PERCENT_CH = 7  # a subject column: "100,0%", and "j. ang." on one header line
SHORT_CH = 5  # an overview percentage, without its "%": "100,0"


@dataclass(frozen=True)
class TableBlock:
    """A page-wide piece of a table, ready for the template: lines and their ruled style."""

    lines: Markup
    style: str
    marks: str = ""  # the bold and tinted cells, for the <pre>'s data-marks (marks.py)


@dataclass(frozen=True)
class Column:
    """One column: header words (wrapped over lines), text width, and its group (a heavier
    rule where the group changes)."""

    head: str
    width: int  # characters of text; the cell adds one leading space
    group: int = 0


class Risk(str):
    """A cell's text marked bold on a tint (below the risk threshold)."""

    __slots__ = ()


@dataclass(frozen=True)
class Row:
    label: str  # "12 Kowalska Anna", "Razem oddział", "styczeń 2026"
    cells: tuple[str, ...]  # plain text padded to their column's width; Risk: marked
    total: bool = False  # the class total: a heavier rule above it


def _label(text: str, width: int) -> str:
    return (text if len(text) < width else text[: width - 2] + "…").ljust(width)


def _wrap(text: str, width: int) -> list[str]:
    """Words of a header into lines of at most `width` characters (a longer word is cut)."""
    lines: list[str] = []
    for word in text.split():
        word = word if len(word) <= width else word[: width - 1] + "…"
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def _style(name_ch: int, columns: list[Column], header_lines: int, total_at: int | None) -> str:
    """Width and rules: a rule under every line, one between columns (heavier between
    groups), under the header and above the class total (see textgrid.ruled)."""
    light, heavy = [], []
    x = name_ch + 0.5
    for i, column in enumerate(columns):
        (heavy if i == 0 or column.group != columns[i - 1].group else light).append(x)
        x += column.width + 1
    lines = [header_lines] + ([total_at] if total_at is not None else [])
    return ruled(x - 0.5, light, heavy, lines)


def table_blocks(name_head: str, columns: list[Column], rows: list[Row],
                 page_chars: int = PAGE_CHARS) -> list[TableBlock]:
    """The table in blocks of as many columns as fit across the page, each block repeating
    the row labels; headers bottom-aligned over as many lines as the longest needs."""
    if not columns or not rows:
        return []
    name_ch = min(max([len(r.label) + 1 for r in rows] + [NAME_MIN, len(name_head) + 1]),
                  NAME_MAX)
    chunks: list[list[int]] = [[]]
    used = name_ch
    for i, column in enumerate(columns):
        if chunks[-1] and used + column.width + 1 > page_chars:
            chunks.append([])
            used = name_ch
        chunks[-1].append(i)
        used += column.width + 1
    blocks = []
    for chosen in chunks:
        heads = [_wrap(columns[i].head, columns[i].width) for i in chosen]
        depth = max(len(h) for h in heads)
        lines = []
        for line in range(depth):
            first = name_head if line == depth - 1 else ""
            lines.append(first.ljust(name_ch) + "".join(
                " " + (h[line - depth + len(h)] if line >= depth - len(h) else "").rjust(
                    columns[i].width) for h, i in zip(heads, chosen, strict=True)))
        total_at = None
        marks = []  # the Risk cells' (render/marks.py: line:start-end:r)
        for n, row in enumerate(rows):
            if row.total:
                total_at = depth + n
            text = _label(row.label, name_ch)
            for i in chosen:
                cell = row.cells[i]
                if type(cell) is Risk and cell:
                    marks.append(f"{len(lines)}:{len(text) + 1}-{len(text) + 1 + len(cell)}:r")
                text += " " + cell
            lines.append(text)
        plain, marked = escape("\n".join(lines)), " ".join(marks)
        style = _style(name_ch, [columns[i] for i in chosen], depth, total_at)
        height = fold_height(plain, LINE_PT)  # laid out folded (render/marks.py)
        blocks.append(TableBlock(plain, "; ".join(filter(None, [style, height])), marked))
    return blocks


def _percent(share: Share | None, width: int, threshold: float | None,
             sign: bool = True) -> str:
    """A percentage right-aligned in `width`; marked (Risk) when below the threshold (None:
    never)."""
    if share is None:
        return _percent_cell(None, None, width, threshold, sign)
    return _percent_cell(share.present, share.absent, width, threshold, sign)


@lru_cache(maxsize=8192)
def _percent_cell(present: int | None, absent: int | None, width: int,
                  threshold: float | None, sign: bool) -> str:
    """_percent's cell, remembered by the counts it is made of (a summary has ~1,300 cells
    and ~19,000 on a large school's, mostly the same few shares: issue 18)."""
    share = None if present is None else Share(present, absent)
    text = percent_pl(share.percent if share else None)
    text = text if sign else text.removesuffix("%")
    cell = text.rjust(width)
    if threshold is not None and share is not None and share.below(threshold):
        return Risk(cell)
    return cell


def _number_label(number: int | None, name: str) -> str:
    return f"{number:>2} {name}" if number is not None else name


def subject_blocks(view: AttendanceView, table: SubjectTable,
                   page_chars: int = PAGE_CHARS) -> list[TableBlock]:
    """The per-subject table: a row per pupil (and the class total), a column per subject."""
    columns = [Column(s.short, PERCENT_CH) for s in view.subjects]
    rows = [Row(_number_label(r.number, r.name),
                tuple(_percent(c, PERCENT_CH, view.risk_threshold if r.number is not None
                               else None) for c in r.cells))
            for r in table.rows]
    if table.total is not None:
        rows.append(Row(table.total.name, tuple(_percent(c, PERCENT_CH, None)
                                                for c in table.total.cells), total=True))
    return table_blocks("nr uczeń", columns, rows, page_chars)


def risk_line(entry: RiskEntry) -> str:
    """`Szczęsny Mikołaj — Język angielski: 42,9%` and the lessons it comes from."""
    share = entry.share
    return (f"{entry.name} — {entry.subject}: {percent_pl(share.percent)} "
            f"(obecności: {share.present} z {share.present + share.absent} lekcji)")


_COUNTED = {"present": "jako obecność", "absent": "jako nieobecność"}


def _gender_ending(name: str) -> str | None:
    """The participle ending agreeing with a category's name ("nieobecność
    nieusprawiedliwiona" -> "a", "spóźnienie" -> "e", "urlop" -> "y"), judged by its first
    word; None when the word does not tell (an abbreviation, a number)."""
    words = name.split()
    word = words[0].casefold() if words else ""
    if not word.isalpha():
        return None
    if word.endswith(("ść", "a")):
        return "a"
    if word.endswith(("e", "o", "um", "y", "i")):  # neuter, and plurals such as "zawody"
        return "e"
    return "y"


def counts_as_phrase(name: str, counts_as: str) -> str:
    """What a category counts as, agreeing with its name: "liczona jako nieobecność",
    "liczone jako obecność", "niewliczana do frekwencji"; phrased around the name's gender
    when it cannot be told ("liczy się jako nieobecność")."""
    ending = _gender_ending(name)
    if ending is None:
        return (f"liczy się {_COUNTED[counts_as]}" if counts_as in _COUNTED
                else "nie wlicza się do frekwencji")
    if counts_as in _COUNTED:
        return f"liczon{ending} {_COUNTED[counts_as]}"
    return f"niewliczan{ending} do frekwencji"


def span_head(view: AttendanceView, section: AttendanceSection) -> str:
    """A span's short head: the month ('wrz'), 'sem. N', or 'rok' / 'okres'."""
    if section.kind == "month":
        return format_date(section.first, "LLL", locale="pl")
    if section.kind == "term":
        return f"sem. {section.term}"
    return "rok" if view.scope.whole_year else "okres"


def span_name(view: AttendanceView, section: AttendanceSection) -> str:
    """A row label of the one-pupil table: "styczeń 2026", "semestr 1", "cały rok"."""
    if section.kind == "month":
        return month_name(section.first)
    if section.kind == "term":
        return f"semestr {section.term}"
    return "cały rok" if view.scope.whole_year else "cały okres"


_GROUP = {"month": 0, "term": 1, "period": 2}
COUNT_HEADS = ("bez wp.", "obec.", "nieob.")


def _count_columns(view: AttendanceView, rows: list[AttendanceRow]) -> list[Column]:
    heads = [c.symbol for c in view.categories] + list(COUNT_HEADS)
    values = [[*r.counts, r.unmarked, r.present, r.absent] for r in rows]
    columns = []
    for i, head in enumerate(heads):
        digits = max(len(str(v[i])) for v in values)
        words = max(len(w) for w in head.split())
        columns.append(Column(head, max(digits, words, 2), 3 if i < len(view.categories) else 4))
    return columns


def _counts(row: AttendanceRow, columns: list[Column]) -> tuple[str, ...]:
    values = [*row.counts, row.unmarked, row.present, row.absent]
    return tuple(str(v).rjust(c.width) for v, c in zip(values, columns, strict=True))


def overview_blocks(view: AttendanceView, page_chars: int = PAGE_CHARS) -> list[TableBlock]:
    """One table for the whole period: per pupil the percentage of each month, each term and
    the period (without "%", the header says so), then the period's counts by category;
    the class total last. A one-pupil summary is transposed: a row per month, term and the
    period, with the counts and the percentage of each."""
    period = view.sections[-1]
    spans = list(view.sections)
    if view.scope.student_id is not None:
        rows_of = [s.rows[0] for s in spans if s.rows]
        counts = _count_columns(view, rows_of)
        columns = [*counts, Column("frekw.", PERCENT_CH, 5)]
        rows = [Row(span_name(view, s), (*_counts(s.rows[0], counts),
                                         _percent(_share(s.rows[0]), PERCENT_CH,
                                                  view.risk_threshold)))
                for s in spans if s.rows]
        return table_blocks("okres", columns, rows, page_chars)
    everyone = [*period.rows, *([period.total] if period.total is not None else [])]
    counts = _count_columns(view, everyone)
    columns = [Column(span_head(view, s), SHORT_CH, _GROUP[s.kind]) for s in spans] + counts
    by_number = [{r.number: r for r in s.rows} for s in spans]
    rows = []
    for pupil in period.rows:
        shares = [_share(found[pupil.number]) if pupil.number in found else None
                  for found in by_number]
        rows.append(Row(_number_label(pupil.number, pupil.name),
                        (*(_percent(sh, SHORT_CH, view.risk_threshold, sign=False)
                           for sh in shares), *_counts(pupil, counts))))
    if period.total is not None:
        totals = [_share(s.total) if s.total is not None else None for s in spans]
        rows.append(Row(period.total.name,
                        (*(_percent(sh, SHORT_CH, None, sign=False) for sh in totals),
                         *_counts(period.total, counts)), total=True))
    return table_blocks("nr uczeń", columns, rows, page_chars)


def _share(row: AttendanceRow) -> Share:
    return Share(row.present, row.absent)


def pupil_subject_blocks(view: AttendanceView, page_chars: int = PAGE_CHARS) -> list[TableBlock]:
    """A one-pupil summary's per-subject table, transposed: a row per subject, a column per
    term and the period (the period's lessons counted present and absent beside it)."""
    tables = [*view.by_subject[1:], view.by_subject[0]]
    tables = [t for t in tables if t.rows]
    if not tables:
        return []
    period = view.by_subject[0]
    heads = {"term": lambda t: f"sem. {t.term}", "period": lambda t: "rok"
             if view.scope.whole_year else "okres"}
    columns = [Column(heads[t.kind](t), PERCENT_CH, 1 if t.kind == "period" else 0)
               for t in tables]
    cells = [t.rows[0].cells for t in tables]
    shares = period.rows[0].cells if period.rows else ()
    width = max([len(str(s.present + s.absent)) for s in shares if s] + [len("nieob.")])
    columns += [Column("obec.", width, 2), Column("nieob.", width, 2)]
    rows = []
    for i, subject in enumerate(view.subjects):
        share = shares[i] if shares else None
        counts = (str(share.present), str(share.absent)) if share else ("—", "—")
        rows.append(Row(subject.name, (*(_percent(c[i], PERCENT_CH, view.risk_threshold)
                                         for c in cells),
                                       *(n.rjust(width) for n in counts))))
    return table_blocks("przedmiot", columns, rows, page_chars)


def school_blocks(view: SchoolAttendanceView, page_chars: int = PAGE_CHARS) -> list[TableBlock]:
    """The school-wide table: a row per class (pupils, each month's, term's and the
    period's percentage without "%", pupils at risk), the school's total last."""
    lines = [*view.classes, view.total]
    width = max(len(str(max(line.pupils, line.at_risk))) for line in lines)
    heads = {"month": lambda s: format_date(s.first, "LLL", locale="pl"),
             "term": lambda s: f"sem. {s.term}",
             "period": lambda s: "rok" if view.scope.whole_year else "okres"}
    columns = [Column("uczn.", max(width, 5), 0),
               *(Column(heads[s.kind](s), SHORT_CH, 1 + _GROUP[s.kind]) for s in view.spans),
               Column("zagr.", max(width, 5), 4)]
    rows = [Row(line.name, (str(line.pupils).rjust(columns[0].width),
                            *(_percent(sh, SHORT_CH, view.risk_threshold, sign=False)
                              for sh in line.shares),
                            str(line.at_risk).rjust(columns[-1].width)),
                total=line.class_id is None)
            for line in lines]
    return table_blocks("oddział", columns, rows, page_chars)
