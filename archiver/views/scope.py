"""What one document covers: a class (or the whole school), maybe one student, a period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from archiver.errors import UsageError
from archiver.i18n import _
from archiver.model import ExportMeta


@dataclass(frozen=True)
class Period:
    """A period as asked for: explicit dates, a term number, or nothing (the school year)."""

    date_from: date | None = None
    date_to: date | None = None
    term: int | None = None


@dataclass(frozen=True)
class Scope:
    """A resolved scope: concrete first and last day, plus how the period is named.

    `class_id` None means the whole school (the school-wide message transcript).
    `student_id` set means student-scoped minimisation: nobody else's data appears.
    `term` is the term number when the period is exactly one term, else None;
    `whole_year` is True when the period is the whole school year.
    """

    class_id: str | None
    date_from: date
    date_to: date
    student_id: str | None = None
    term: int | None = None
    whole_year: bool = False


def resolve_period(meta: ExportMeta, period: Period) -> tuple[date, date, int | None, bool]:
    """Concrete (first day, last day, term, whole_year) of a period within the school year.

    A term runs from its start to the day before the next term starts (a break belongs to
    the term before it, as the export format says of grades); explicit dates are clipped
    to the school year.
    """
    start, end = meta.year_start, meta.year_end
    if period.term is not None:
        if period.date_from or period.date_to:
            raise UsageError(_("give either a term or a date range (--from/--to), not "
                               "both"))
        numbers = [t.number for t in meta.terms]
        if period.term not in numbers:
            raise UsageError(
                _("term {term} does not exist in the export").format(term=period.term),
                hint=_("terms: {terms}").format(terms=", ".join(str(n) for n in numbers)),
            )
        index = numbers.index(period.term)
        term = meta.terms[index]
        last = meta.terms[index + 1].start - timedelta(days=1) if index + 1 < len(numbers) \
            else term.end
        return term.start, last, period.term, False
    first = period.date_from or start
    last = period.date_to or end
    if first > last:
        raise UsageError(_("--from {first} is after --to {last}").format(
                             first=first.isoformat(), last=last.isoformat()))
    if last < start or first > end:
        raise UsageError(
            _("the period {first}..{last} lies outside the school year {school_year} "
              "({start}..{end})").format(
                first=first.isoformat(), last=last.isoformat(),
                school_year=meta.school_year, start=start.isoformat(),
                end=end.isoformat())
        )
    first, last = max(first, start), min(last, end)
    return first, last, None, (first, last) == (start, end)


def make_scope(meta: ExportMeta, class_id: str | None, period: Period,
               student_id: str | None = None) -> Scope:
    """A Scope for a class (None: whole school) and period, optionally for one student."""
    first, last, term, whole = resolve_period(meta, period)
    return Scope(class_id, first, last, student_id, term, whole)
