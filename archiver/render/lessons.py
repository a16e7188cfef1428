"""A week's lesson list as pre-wrapped lines in the documents' face, one ruled block per day.

The list used to be one `<div>` per lesson with a hanging indent, `pre-wrap`, a bottom
border and `break-inside: avoid`: WeasyPrint laid those pages out at 16 pages per
CPU-second against 37 for grid pages (issue 18). Now every line is computed here
(archiver.render.tablines: DejaVu Sans Condensed 9pt, columns aligned by tabs counted
from the font's advance widths): a lesson's columns on its first line, its topic wrapped
under the topic column. A day's lessons are one `<pre>` that is not split across pages (a
lesson is never cut in two), with a light rule under each lesson drawn as PDF rectangles
(archiver.render.rules). Columns are as wide as the week's widest entry in them.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from itertools import groupby

from archiver.render.environment import fit
from archiver.render.printable import printable
from archiver.render.tablines import PAGE_PT, Layout, LineBlock, Piece, block
from archiver.views.polish import datetime_pl, number_ranges, weekday
from archiver.views.register import LessonEntry, WeekView

HEADS = ("kol", "dzień", "lek", "przedmiot", "nr", "grupa", "nauczyciel", "potwierdzenie",
         "temat")
TOPIC_MIN_PT = 240.0  # the topic column keeps at least this much of the line


def _cells(lesson: LessonEntry, timezone: str) -> list[str]:
    confirmed = ("—" if lesson.status == "cancelled" else
                 _moment(lesson.confirmed_at, timezone) if lesson.confirmed_at
                 else "niepotwierdzona")
    return [str(lesson.column or ""), _day(lesson.day), str(lesson.period),
            _fitted(lesson.subject, 30), str(lesson.number or ""), _fitted(lesson.group, 6),
            _fitted(lesson.teacher, 28), confirmed]


# The texts of a lesson's cells that recur (its day, subject, group, teacher: each
# lesson printed them anew), each made once; a confirmation's time often recurs too.
@lru_cache(maxsize=1024)
def _day(day: date) -> str:
    return f"{weekday(day)} {day:%d.%m}"


@lru_cache(maxsize=4096)
def _fitted(text: str, width: int) -> str:
    return printable(fit(text, width).rstrip())


@lru_cache(maxsize=4096)
def _moment(moment: datetime, timezone: str) -> str:
    return datetime_pl(moment, timezone)


def _topic(lesson: LessonEntry) -> list[Piece]:
    if lesson.status == "cancelled":
        return [("ODWOŁANA (lekcja nie odbyła się)", "b")]
    pieces: list[Piece] = [("(zastępstwo)", "b"), (" ", "")] if lesson.substitution else []
    pieces.append((printable(lesson.topic), "") if lesson.topic else ("[BRAK TEMATU]", "gap"))
    if lesson.group_numbers:
        pieces.append((f" (grupa: nr {number_ranges(lesson.group_numbers)})", ""))
    return pieces


def lesson_blocks(week: WeekView, timezone: str) -> list[LineBlock]:
    """The week's lessons: a header block, a block per day, then its days off in one."""
    rows = [_cells(lesson, timezone) for lesson in week.lessons]
    layout = Layout.for_rows(HEADS, rows, PAGE_PT, 110.0, TOPIC_MIN_PT)
    header = block([([layout.bold_line(HEADS)], "")], head=1,
                   extra="break-after: avoid")
    cells = iter(rows)
    blocks = [header] + [
        block([(layout.wrapped(layout.cells(next(cells)), _topic(lesson)),
                "cancelled" if lesson.status == "cancelled" else "") for lesson in lessons])
        for _day, lessons in groupby(week.lessons, key=lambda lesson: lesson.day)
    ]
    days_off = []
    off = Layout(layout.starts[:3], PAGE_PT)  # the day in its column, the reason after it
    for day, reason in week.days_off:
        text = (f"dzień wolny: {printable(reason)}" if reason
                else "dzień wolny od zajęć dydaktycznych")
        days_off.append((off.wrapped(off.cells([f"{weekday(day)} {day:%d.%m}"], 1),
                                     [(text, "")],
                                     first=1), ""))
    if days_off:
        blocks.append(block(days_off))
    return blocks
