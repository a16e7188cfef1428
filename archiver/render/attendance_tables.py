"""The attendance summary's tables as blocks of monospaced lines (see textgrid.py for why).

Per-subject tables: a row per pupil, a column per subject (its short name over one or more
header lines), each cell the pupil's percentage in that subject; a cell below the school's
risk threshold is marked (bold on a grey tint: it prints in black and white).
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

from archiver.render.textgrid import PAGE_CHARS, rule_style
from archiver.views.attendance import (
    AttendanceView,
    RiskEntry,
    Share,
    SubjectColumn,
    SubjectTable,
)
from archiver.views.polish import percent_pl

NAME_MIN, NAME_MAX = 16, 28
HEAD_CH = 7  # characters of a subject column: "100,0%", and "j. ang." on one header line


@dataclass(frozen=True)
class TableBlock:
    """A page-wide piece of a table, ready for the template: lines and their ruled style."""

    lines: Markup
    style: str


def _label(number: int | None, name: str, width: int) -> str:
    text = f"{number:>2} {name}" if number is not None else name
    return (text if len(text) < width else text[: width - 2] + "…").ljust(width)


def _name_width(names: list[str]) -> int:
    return min(max([len(n) + 1 for n in names] + [NAME_MIN]), NAME_MAX)


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


def _cell(share: Share | None, col: int, marked: bool) -> Markup:
    text = escape(f"{percent_pl(share.percent if share else None):>{col - 2}}")
    if marked:
        return Markup(' <b class="risk">') + text + Markup("</b> ")
    return Markup(" ") + text + Markup(" ")


def subject_blocks(view: AttendanceView, table: SubjectTable,
                   page_chars: int = PAGE_CHARS) -> list[TableBlock]:
    """The per-subject table in blocks of as many subject columns as fit across the page."""
    subjects: tuple[SubjectColumn, ...] = view.subjects
    if not subjects or not table.rows:
        return []
    rows = [*table.rows, *([table.total] if table.total is not None else [])]
    labels = [f"{r.number:>2} {r.name}" if r.number is not None else r.name for r in rows]
    name_ch = _name_width(labels)
    col = HEAD_CH + 2
    per_block = max(1, (page_chars - name_ch) // col)
    blocks = []
    for c0 in range(0, len(subjects), per_block):
        chosen = range(c0, min(c0 + per_block, len(subjects)))
        heads = [_wrap(subjects[i].short, col - 2) for i in chosen]
        depth = max(len(h) for h in heads)
        lines = []
        for line in range(depth):
            first = "nr uczeń" if line == depth - 1 else ""
            lines.append(escape(first.ljust(name_ch) + "".join(
                f" {(h[line - depth + len(h)] if line >= depth - len(h) else ''):>{col - 2}} "
                for h in heads)))
        for row in rows:
            cells = Markup("").join(
                _cell(row.cells[i], col, row.number is not None and row.cells[i] is not None
                      and row.cells[i].below(view.risk_threshold))
                for i in chosen)
            lines.append(escape(_label(row.number, row.name, name_ch)) + cells)
        style = rule_style(name_ch, col, len(chosen), depth)
        blocks.append(TableBlock(Markup("\n").join(lines), style))
    return blocks


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
