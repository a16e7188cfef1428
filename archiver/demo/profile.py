"""Demo sizes: how many classes and students, which weeks, how busy the year is."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from archiver.errors import UsageError
from archiver.i18n import _


@dataclass(frozen=True)
class SizeProfile:
    """One demo size: the classes (name, grade), students per class and the terms."""

    name: str
    classes: tuple[tuple[str, int], ...]
    students_per_class: int
    terms: tuple[tuple[date, date], ...]
    # Spread of class sizes around students_per_class (0 = every class the same size).
    class_size_spread: int = 0

    @property
    def year_start(self) -> date:
        return self.terms[0][0]

    @property
    def year_end(self) -> date:
        return self.terms[-1][1]

    @property
    def full_year(self) -> bool:
        return (self.year_end - self.year_start).days > 200


FULL_YEAR = ((date(2025, 9, 1), date(2026, 1, 30)), (date(2026, 2, 16), date(2026, 6, 26)))
# The small demo keeps both terms but two weeks each, around the real turn of the terms,
# so a whole export is written and read in well under a second by the tests.
SHORT_YEAR = ((date(2026, 1, 5), date(2026, 1, 16)), (date(2026, 2, 16), date(2026, 2, 27)))


def _class_names(per_grade: int, spaced: bool) -> tuple[tuple[str, int], ...]:
    letters = "abcdefgh"[:per_grade]
    sep = " " if spaced else ""
    return tuple((f"{grade}{sep}{letter}", grade) for grade in range(1, 9) for letter in letters)


SIZES: dict[str, SizeProfile] = {
    # Two parallel classes of grade 7 (students may write messages from grade 6 on, and a
    # transfer needs a parallel class). Both spellings of a class name occur: `7a`, `7 b`.
    "small": SizeProfile("small", (("7a", 7), ("7 b", 7)), 12, SHORT_YEAR),
    "school": SizeProfile("school", _class_names(2, spaced=False), 25, FULL_YEAR, 3),
    "large": SizeProfile("large", _class_names(4, spaced=True), 28, FULL_YEAR, 2),
}


def get_profile(size: str) -> SizeProfile:
    """The profile of a demo size, or a UsageError naming the sizes there are."""
    try:
        return SIZES[size]
    except KeyError:
        raise UsageError(
            _("unknown demo size {size!r}; choose one of: {SIZES}").format(
                size=size, SIZES=', '.join(SIZES))
        ) from None
