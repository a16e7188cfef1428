"""Polish formatting, the one module for it: dates, date-times in the school's zone, months,
numbers with a decimal comma, percentages, sizes, plural forms, names and collation.

Views and templates print through these; `FILTERS` registers them as Jinja filters (the
render environment takes them from here). Pure functions, no I/O.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo

import pandas as pd
from babel import Locale
from babel.dates import format_date

DASH = "—"  # printed where there is no value
_WEEKDAYS = ("pn", "wt", "śr", "cz", "pt", "sb", "nd")
# Polish alphabetical order; letters outside it sort after, by code point.
_ALPHABET = "aąbcćdeęfghijklłmnńoóprsśtuvwxyzźż"
_RANK = {ch: i for i, ch in enumerate(_ALPHABET)}
_SIZE_UNITS = ("B", "kB", "MB", "GB", "TB")


# --- dates and times ---------------------------------------------------------------------

def date_pl(value: date | datetime | None) -> str:
    """27.06.2026"""
    return DASH if value is None else value.strftime("%d.%m.%Y")


def date_long(value: date | datetime | None) -> str:
    """27 czerwca 2026 (month in the genitive)."""
    return DASH if value is None else format_date(value, "d MMMM y", locale="pl")


def date_formal(value: date | datetime | None) -> str:
    """4 grudnia 2026 r.: the long date of a letter, a protocol or a certification."""
    return DASH if value is None else f"{date_long(value)} r."


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
        # The hour repeated when the clocks go back: 02:30 happens twice that night, so
        # the offset says which (26.10.2025 02:30 (UTC+02:00) and 02:30 (UTC+01:00)).
        if value.replace(fold=1 - value.fold).utcoffset() != value.utcoffset():
            return _day_and_time(value) + _offset(value)
    return _day_and_time(value)


def _day_and_time(value: datetime) -> str:
    """value.strftime("%d.%m.%Y %H:%M"), from its fields (strftime costs ~4 µs, and a
    register prints a lesson's confirmation time on every line); years before 1000 as
    strftime writes them."""
    if value.year < 1000:
        return value.strftime("%d.%m.%Y %H:%M")
    return f"{value.day:02d}.{value.month:02d}.{value.year} {value.hour:02d}:{value.minute:02d}"


def _offset(value: datetime) -> str:
    minutes = int(value.utcoffset().total_seconds() // 60)  # type: ignore[union-attr]
    sign = "+" if minutes >= 0 else "-"
    return f" (UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d})"


# --- numbers -----------------------------------------------------------------------------

def decimal_pl(value: float | None, places: int = 2) -> str:
    """4,31: rounded half up, decimal comma."""
    if value is None:
        return DASH
    return _decimal_text(repr(value), places)


@lru_cache(maxsize=8192)
def _decimal_text(written: str, places: int) -> str:
    """The number Python writes as `written` (repr: -0.0 and 0.0 apart), rounded half up
    to `places` decimals, with a decimal comma. Remembered: a summary prints some 1,300
    percentages, most of them over and over (100,0%)."""
    quantum = Decimal(1).scaleb(-places)
    return str(Decimal(written).quantize(quantum, rounding=ROUND_HALF_UP)).replace(".", ",")


def percent_pl(value: float | None) -> str:
    """87,5%: one decimal, decimal comma; a dash when there is nothing to divide by."""
    return DASH if value is None else f"{decimal_pl(value, 1)}%"


def number_pl(value: float | None) -> str:
    """A weight or count: 2 rather than 2,0; 1,5 with a comma."""
    if value is None:
        return DASH
    return str(int(value)) if float(value).is_integer() else decimal_pl(value, 2).rstrip("0")


def size_pl(num_bytes: int) -> str:
    """1,3 MB: decimal units (1 kB = 1000 B), one decimal with a comma; 512 B whole."""
    if num_bytes < 1000:
        return f"{num_bytes} B"
    value = num_bytes / 1000
    for unit in _SIZE_UNITS[1:-1]:
        if Decimal(repr(value)).quantize(Decimal("0.1"), ROUND_HALF_UP) < 1000:
            return f"{decimal_pl(value, 1)} {unit}"
        value /= 1000
    return f"{decimal_pl(value, 1)} {_SIZE_UNITS[-1]}"


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


# --- plural forms (Babel's CLDR rules for pl) --------------------------------------------

@lru_cache(maxsize=1)
def _polish() -> Locale:
    return Locale.parse("pl")


def plural(n: float, one: str, few: str, many: str) -> str:
    """The form of a word for n by Polish rules: plural(5, "strona", "strony", "stron") ->
    "stron"; 1 one, 2-4 and 22-24 few, 0, 5-21, 25... many; a fraction takes `few`
    (the genitive singular of most nouns: 1,5 strony)."""
    form = _polish().plural_form(n)
    return {"one": one, "few": few, "many": many}.get(form, few)


def counted(n: int, one: str, few: str, many: str) -> str:
    """The number and its word: counted(12, "strona", "strony", "stron") -> "12 stron"."""
    return f"{n} {plural(n, one, few, many)}"


# --- names and collation -----------------------------------------------------------------

def text(value: object) -> str:
    """A cell of the export as printed text ('' when missing)."""
    if type(value) is str:  # most cells: never missing, and pd.isna costs a microsecond
        return value
    if value is None or pd.isna(value):
        return ""
    return str(value)


def full_name(first: object, last: object) -> str:
    """First name first: Anna Kowalska."""
    return f"{text(first)} {text(last)}".strip()


def list_name(first: object, last: object) -> str:
    """Surname first, as on a class list: Kowalska Anna."""
    return f"{text(last)} {text(first)}".strip()


def polish_key(value: str) -> tuple[int, ...]:
    """Sort key for Polish text (ą after a, ł after l, ż last), case-insensitive."""
    return tuple(_RANK.get(ch, 100 + ord(ch)) for ch in value.casefold())


FILTERS = {
    "date_pl": date_pl, "date_long": date_long, "date_formal": date_formal,
    "month_name": month_name, "weekday": weekday, "datetime_pl": datetime_pl,
    "decimal_pl": decimal_pl, "percent_pl": percent_pl, "number_pl": number_pl,
    "size_pl": size_pl, "number_ranges": number_ranges, "plural": plural, "counted": counted,
    "list_name": list_name, "full_name": full_name,
}
