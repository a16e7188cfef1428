"""The Jinja2 environment of the documents: autoescape on, StrictUndefined, Polish filters."""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo

import jinja2
from babel.dates import format_date

from archiver.render.fetcher import TEMPLATES_DIR
from archiver.render.printable import finalize

_WEEKDAYS = ("pn", "wt", "śr", "cz", "pt", "sb", "nd")
DASH = "—"


def date_pl(value: date | datetime | None) -> str:
    """27.06.2026"""
    return DASH if value is None else value.strftime("%d.%m.%Y")


def date_long(value: date | datetime | None) -> str:
    """27 czerwca 2026 (month in the genitive)."""
    return DASH if value is None else format_date(value, "d MMMM y", locale="pl")


def month_name(value: date) -> str:
    """wrzesień 2025 (month in the nominative)."""
    return format_date(value, "LLLL y", locale="pl")


def weekday(value: date) -> str:
    """pn, wt, śr, cz, pt, sb, nd"""
    return _WEEKDAYS[value.weekday()]


def datetime_pl(value: datetime | None, timezone: str | None = None) -> str:
    """27.06.2026 15:30, in `timezone` when given (else as the value's own offset)."""
    if value is None:
        return DASH
    if timezone is not None and value.tzinfo is not None:
        value = value.astimezone(ZoneInfo(timezone))
    return value.strftime("%d.%m.%Y %H:%M")


def decimal_pl(value: float | None, places: int = 2) -> str:
    """4,31: rounded half up, decimal comma."""
    if value is None:
        return DASH
    quantum = Decimal(1).scaleb(-places)
    return str(Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP)).replace(".", ",")


def percent_pl(value: float | None) -> str:
    """87,5%: one decimal, decimal comma; a dash when there is nothing to divide by."""
    return DASH if value is None else f"{decimal_pl(value, 1)}%"


def number_pl(value: float | None) -> str:
    """A weight or count: 2 rather than 2,0; 1,5 with a comma."""
    if value is None:
        return DASH
    return str(int(value)) if float(value).is_integer() else decimal_pl(value, 2).rstrip("0")


def fit(value: object, width: int) -> str:
    """Text padded to `width` characters, or cut with "…" so a column stays aligned (for
    names also printed in full elsewhere in the document)."""
    text = str(value)
    return text.ljust(width) if len(text) <= width else text[: width - 1] + "…"


def number_ranges(numbers: list[int] | tuple[int, ...]) -> str:
    """1, 2, 3, 5, 7, 8 -> "1–3, 5, 7, 8": register numbers of a group, shorter."""
    parts: list[str] = []
    values = sorted(numbers)
    i = 0
    while i < len(values):
        j = i
        while j + 1 < len(values) and values[j + 1] == values[j] + 1:
            j += 1
        if j - i >= 2:
            parts.append(f"{values[i]}–{values[j]}")
        else:
            parts += [str(v) for v in values[i:j + 1]]
        i = j + 1
    return ", ".join(parts)


FILTERS = {
    "date_pl": date_pl, "date_long": date_long, "month_name": month_name, "weekday": weekday,
    "datetime_pl": datetime_pl, "decimal_pl": decimal_pl, "percent_pl": percent_pl,
    "number_pl": number_pl, "fit": fit, "number_ranges": number_ranges,
}


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """One environment per process (templates compile once); autoescape everything."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        finalize=finalize,  # control characters printed visibly, bidi overrides closed
    )
    env.filters.update(FILTERS)
    return env
