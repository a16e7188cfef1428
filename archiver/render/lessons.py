"""A week's lesson list as pre-wrapped monospaced lines, one ruled block per day.

The list used to be one `<div>` per lesson with a hanging indent, `pre-wrap`,
`overflow-wrap: anywhere`, a bottom border and `break-inside: avoid`: WeasyPrint laid
those pages out at 16 pages per CPU-second against 37 for grid pages (issue 18). The face
is DejaVu Sans Mono, every character one advance wide (bold too), so the wrap is computed
here exactly: a lesson's columns on its first line, its topic wrapped under the topic
column. A day's lessons are one `<pre>` that is not split across pages (a lesson is never
cut in two, as before), with a light rule under each lesson drawn as PDF rectangles
(archiver.render.rules).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from itertools import groupby

from markupsafe import Markup, escape

from archiver.render.environment import fit
from archiver.render.printable import printable
from archiver.render.textgrid import CHAR_PT, ruled
from archiver.views.polish import datetime_pl, number_ranges, weekday
from archiver.views.register import LessonEntry, WeekView

# landscape A4 between the margins of style.css's `@page wide` (297 - 2 x 12 mm), in
# characters; lines are filled to LINE_CHARS (a character short of it: never a wrap by
# rounding)
WIDTH_CH = (297 - 24) / 25.4 * 72 / CHAR_PT
LINE_CHARS = int(WIDTH_CH) - 1
HANG = 113  # characters before the topic column: a topic's further lines start there
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufe0e\ufe0f"

Piece = tuple[str, str]  # text, and how it is printed: "" plain, "b" bold, "gap" a gap


@dataclass(frozen=True)
class LessonBlock:
    """One day's lessons (or the days off), ready for the template."""

    lines: Markup
    style: str


_WIDTHS: dict[str, int] = {}


def _char_width(char: str) -> int:
    found = _WIDTHS.get(char)
    if found is None:
        found = _WIDTHS[char] = (
            0 if char in _ZERO_WIDTH or unicodedata.combining(char)
            else 2 if unicodedata.east_asian_width(char) in "WF" else 1)
    return found


def width(text: str) -> int:
    """Advances `text` takes in the monospaced face: none for combining marks and
    zero-width characters, two for wide (East Asian) ones, which a fallback font draws."""
    if text.isascii():
        return len(text)
    return sum(map(_char_width, text))


_BREAKS = re.compile("( |\u200b)")


def _words(pieces: list[Piece]) -> list[tuple[list[Piece], int, bool]]:
    """Pieces cut into words (a word keeps the pieces it spans): (pieces, width, a space
    follows). Breaks are at spaces and after zero-width spaces."""
    words: list[tuple[list[Piece], int, bool]] = []
    current: list[Piece] = []
    for text, how in pieces:
        for token in _BREAKS.split(text):
            if token == " ":
                if current:
                    words.append((current, sum(width(t) for t, _ in current), True))
                current = []
            elif token == "\u200b":
                current.append((token, how))
                words.append((current, sum(width(t) for t, _ in current), False))
                current = []
            elif token:
                current.append((token, how))
    if current:
        words.append((current, sum(width(t) for t, _ in current), False))
    return words


def _cut(word: list[Piece], room: int) -> tuple[list[Piece], list[Piece]]:
    """The head of a word that fits `room` advances, and the rest."""
    head: list[Piece] = []
    used = 0
    for index, (text, how) in enumerate(word):
        for j, char in enumerate(text):
            w = width(char)
            if used + w > room and (head or j):
                head.append((text[:j], how))
                return head, [(text[j:], how), *word[index + 1:]]
            used += w
        head.append((text, how))
    return head, []


def wrap(first: str, pieces: list[Piece], line_chars: int = LINE_CHARS,
         hang: int = HANG) -> list[list[Piece]]:
    """`first` (the fixed columns, never broken) followed by `pieces`, in lines of at most
    `line_chars` advances; every further line starts with `hang` spaces."""
    lines: list[list[Piece]] = [[(first, "")]]
    used = start = width(first)
    for word, size, spaced in _words(pieces):
        while word:
            if used + size <= line_chars:
                lines[-1] += word
                used += size
                word = []
                continue
            if used <= start:  # alone on its line and still too long: cut it
                head, word = _cut(word, line_chars - used)
                lines[-1] += head
                size = sum(width(t) for t, _ in word)
            lines.append([(" " * hang, "")])
            used = start = hang
        if spaced and used < line_chars:
            lines[-1].append((" ", ""))
            used += 1
    return [_trimmed(line) for line in lines]


def _trimmed(line: list[Piece]) -> list[Piece]:
    while line and line[-1][0].strip() == "" and len(line) > 1:
        line = line[:-1]
    return line


_OPEN = {"": "", "b": "<b>", "gap": '<b class="gap">'}
_CLOSE = {"": "", "b": "</b>", "gap": "</b>"}


def _markup(line: list[Piece]) -> str:
    """The line as HTML (plain strings joined once: Markup arithmetic is slow)."""
    return "".join(_OPEN[how] + str(escape(text)) + _CLOSE[how] for text, how in line)


def _columns(lesson: LessonEntry, timezone: str) -> str:
    day = f"{weekday(lesson.day)} {lesson.day:%d.%m}"
    confirmed = ("—" if lesson.status == "cancelled" else
                 datetime_pl(lesson.confirmed_at, timezone) if lesson.confirmed_at
                 else "niepotwierdzona")
    return (f"{lesson.column or '':>3}  {day:<8}  {lesson.period:>3}  "
            f"{printable(fit(lesson.subject, 30))}  {lesson.number or '':>3}  "
            f"{printable(fit(lesson.group, 6))}  "
            f"{printable(fit(lesson.teacher, 28))}  {confirmed:<16}  ")


def _topic(lesson: LessonEntry) -> list[Piece]:
    if lesson.status == "cancelled":
        return [("ODWOŁANA (lekcja nie odbyła się)", "b")]
    pieces: list[Piece] = [("(zastępstwo)", "b"), (" ", "")] if lesson.substitution else []
    pieces.append((printable(lesson.topic), "") if lesson.topic else ("[BRAK TEMATU]", "gap"))
    if lesson.group_numbers:
        pieces.append((f" (grupa: nr {number_ranges(lesson.group_numbers)})", ""))
    return pieces


def _block(entries: list[tuple[list[list[Piece]], bool]]) -> LessonBlock:
    lines: list[str] = []
    ends: list[int] = []
    for wrapped, cancelled in entries:
        marked = [_markup(line) for line in wrapped]
        if cancelled:
            marked = ['<span class="cancelled">' + m + "</span>" for m in marked]
        lines += marked
        ends.append(len(lines))
    style = ruled(WIDTH_CH, [], [], [], row_rules=ends) + "; break-inside: avoid"
    return LessonBlock(Markup("\n".join(lines)), style)  # every text escaped in _markup


def lesson_blocks(week: WeekView, timezone: str) -> list[LessonBlock]:
    """The week's lessons, a block per day, then its days off in one block."""
    blocks = [
        _block([(wrap(_columns(lesson, timezone), _topic(lesson)),
                 lesson.status == "cancelled") for lesson in lessons])
        for _day, lessons in groupby(week.lessons, key=lambda lesson: lesson.day)
    ]
    days_off = []
    for day, reason in week.days_off:
        text = (f"dzień wolny: {printable(reason)}" if reason
                else "dzień wolny od zajęć dydaktycznych")
        days_off.append((wrap(f"     {weekday(day)} {day:%d.%m}  ", [(text, "")]), False))
    if days_off:
        blocks.append(_block(days_off))
    return blocks
