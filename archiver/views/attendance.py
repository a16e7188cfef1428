"""Attendance summary (zestawienie frekwencji): counts per category and % per student.

Per month, per term (when the period spans more than one) and for the whole period, with
class totals; per subject (the 50% rule of the school's assessment provisions is decided per
subject) and the pupils below the configured threshold in some subject. A student who moved
is counted per stay: only this class's lessons count. In a lesson split into groups only the
pupils marked in it (the group is known only from its attendance rows) have a cell.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction
from functools import lru_cache
from typing import Generic, TypeVar

import numpy as np
import pandas as pd

from archiver.config import Config
from archiver.model import Dataset
from archiver.views import common, polish
from archiver.views.scope import Scope

Row = TypeVar("Row")


@dataclass(frozen=True)
class Category:
    symbol: str
    name: str
    counts_as: str  # present / absent / excluded, after the configuration's overrides
    overridden: bool = False


@dataclass(frozen=True)
class AttendanceRow:
    """One student's (or the class's) counts in one section."""

    number: int | None  # register number; None for the class total
    name: str
    counts: tuple[int, ...]  # per category, in AttendanceView.categories order
    unmarked: int  # enrolled at a held whole-class lesson but no mark (not in the %)
    present: int
    absent: int

    @property
    def percent(self) -> float | None:
        return Share(self.present, self.absent).percent


@dataclass(frozen=True)
class Span(Generic[Row]):
    """A table over a span of days (a month, a term, the period): a row per pupil and the
    class total."""

    kind: str  # month / term / period
    first: date
    last: date
    rows: tuple[Row, ...]
    total: Row | None  # class total; None in a student-scoped document
    term: int | None = None


@dataclass(frozen=True)
class AttendanceSection(Span[AttendanceRow]):
    """Counts per category over a span."""


@dataclass(frozen=True)
class Share:
    """Lessons counted present and absent; the percentage present ÷ (present + absent)."""

    present: int
    absent: int

    @property
    def percent(self) -> float | None:
        total = self.present + self.absent
        return None if total == 0 else self.present * 100.0 / total

    def below(self, threshold: float) -> bool:
        """Strictly below `threshold` percent (exact: 50,0% is not below 50)."""
        total = self.present + self.absent
        if total <= 0:
            return False
        numerator, denominator = _ratio(threshold)  # present/total*100 < n/d, in integers
        return self.present * 100 * denominator < numerator * total


@lru_cache(maxsize=64)
def _ratio(threshold: float) -> tuple[int, int]:
    """The threshold as the exact fraction its decimal digits write (50.5: 101/2)."""
    exact = Fraction(str(threshold))
    return exact.numerator, exact.denominator


@dataclass(frozen=True)
class SubjectColumn:
    subject_id: str
    name: str  # Język polski
    short: str  # j. pol. (the name when the export has no short name)


@dataclass(frozen=True)
class SubjectRow:
    """One pupil's (or the class's) share in each subject; None: no lesson counted."""

    number: int | None  # register number; None for the class total
    name: str
    cells: tuple[Share | None, ...]  # in AttendanceView.subjects order
    student_id: str = ""  # not printed


@dataclass(frozen=True)
class SubjectTable(Span[SubjectRow]):
    """Shares per subject over a span (period / term)."""


@dataclass(frozen=True)
class RiskEntry:
    """A pupil below the threshold in one subject over the document's period."""

    number: int
    name: str
    subject: str  # full name
    share: Share
    student_id: str = ""  # not printed: counts a pupil at risk in two classes once


@dataclass(frozen=True)
class AttendanceView:
    school: str
    class_name: str
    school_year: str
    scope: Scope
    categories: tuple[Category, ...]
    sections: tuple[AttendanceSection, ...]
    subjects: tuple[SubjectColumn, ...] = ()
    by_subject: tuple[SubjectTable, ...] = ()  # the period first, then each term of it
    risk_threshold: float = 50.0
    at_risk: tuple[RiskEntry, ...] = ()
    sources: dict[str, pd.DataFrame] = field(default_factory=dict, compare=False, repr=False)

    def at_risk_cells(self) -> frozenset[tuple[int, str]]:
        """(register number, subject name) of every at-risk entry: cells to mark."""
        return frozenset((e.number, e.subject) for e in self.at_risk)


def categories_of(ds: Dataset, config: Config) -> tuple[Category, ...]:
    mapping = common.counts_as(ds, config)
    overrides = config.attendance.counts_as
    return tuple(
        Category(str(s), str(n), mapping[str(s)], str(s) in overrides)
        for s, n in zip(ds.attendance_types["symbol"].tolist(),
                        ds.attendance_types["name"].tolist(), strict=True)
    )


def mark_emphasis(ds: Dataset, config: Config) -> dict[str, str]:
    """How each attendance symbol stands out in a register's grid: "absent" (counted as an
    absence), "late" (lateness), "other" (any other mark than a plain presence: excused,
    excluded), "" (a plain presence such as ob)."""
    mapping = common.counts_as(ds, config)
    types = ds.attendance_types
    result = {}
    for symbol, late, excused in zip(map(str, types["symbol"].tolist()), types["late"].tolist(),
                                     types["excused"].tolist(), strict=True):
        if mapping[symbol] == "absent":
            result[symbol] = "absent"
        elif _flag(late):
            result[symbol] = "late"
        elif mapping[symbol] != "present" or _flag(excused):
            result[symbol] = "other"
        else:
            result[symbol] = ""
    return result


def _flag(value: object) -> bool:
    return value is not None and not pd.isna(value) and bool(value)


def _months(first: date, last: date) -> list[tuple[date, date]]:
    spans, day = [], first.replace(day=1)
    while day <= last:
        following = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
        spans.append((max(day, first), min(following - timedelta(days=1), last)))
        day = following
    return spans


_EPOCH_DAY = date(1970, 1, 1).toordinal()


def _ns(day: date) -> int:
    """Midnight of `day` as datetime64[ns] holds it (nanoseconds since the epoch): a
    sorted array of days is searched as integers, without a Timestamp for each bound."""
    return (day.toordinal() - _EPOCH_DAY) * 86_400_000_000_000


def _any_between(days: np.ndarray, first: date, last: date) -> bool:
    """Whether any of the sorted `days` (datetime64[ns]) is within first..last (inclusive)."""
    as_ns = days.view(np.int64)
    at = int(as_ns.searchsorted(_ns(first), side="left"))
    return at < len(as_ns) and int(as_ns[at]) <= _ns(last)


def _terms(ds: Dataset, scope: Scope) -> list[tuple[int, date, date]]:
    terms, spans = ds.meta.terms, []
    for i, term in enumerate(terms):
        end = terms[i + 1].start - timedelta(days=1) if i + 1 < len(terms) else term.end
        if term.start <= scope.date_to and end >= scope.date_from:
            spans.append((term.number, max(term.start, scope.date_from), min(end, scope.date_to)))
    return spans


class _Marks:
    """The cells of a summary as codes (day, pupil, symbol), counted per section with
    numpy: the same counts as a pandas groupby per section, at a fraction of the cost
    (a year's summary has some fifteen sections). The cells come in day order, so that a
    section's are one run of them (found by a binary search, not a mask of all)."""

    def __init__(self, days: np.ndarray, pupil_codes: np.ndarray, pupils: list[str],
                 symbols: np.ndarray) -> None:
        self.days = days  # sorted
        self.pupil_codes = pupil_codes  # positions in `pupils`
        symbol_codes, symbols = pd.factorize(symbols)
        self.symbol_codes = symbol_codes
        self.pupil_index = {p: i for i, p in enumerate(pupils)}
        self.symbols = [str(y) for y in symbols.tolist()]
        self.symbol_index = {y: i for i, y in enumerate(self.symbols)}
        # each cell's bin of a (pupil + 1) x (symbol + 1) table: a last column for the
        # unmarked cells, a last row for the cells of no pupil: a section is one bincount
        width = len(self.symbols) + 1
        self._shape = (len(pupils) + 1, width)
        rows = np.where(pupil_codes >= 0, pupil_codes, len(pupils))
        self._bins = rows * width + np.where(symbol_codes >= 0, symbol_codes, width - 1)

    def count(self, first: date, last: date) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
        """Between first and last (inclusive): marks per (pupil, symbol), unmarked cells
        per pupil, marks per symbol, unmarked cells in all."""
        rows, width = self._shape
        table = np.bincount(self._bins[self.run(first, last)],
                            minlength=rows * width).reshape(rows, width)
        return (table[:-1, :-1], table[:-1, -1], table[:, :-1].sum(axis=0),
                int(table[:, -1].sum()))

    def run(self, first: date, last: date) -> slice:
        """The cells between first and last (inclusive)."""
        days = self.days.view(np.int64)
        return slice(int(days.searchsorted(_ns(first), "left")),
                     int(days.searchsorted(_ns(last), "right")))


def _codes(known: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Each of `values`' position in `known` (distinct values), -1 where it is not there:
    one factorize of both (object arrays hash faster than pandas' string arrays)."""
    codes, _uniques = pd.factorize(np.concatenate([known, values]))
    found = codes[len(known):]
    return np.where(found < len(known), found, -1)


@dataclass(frozen=True)
class _Cells:
    """The register's cells of the summary, as codes: each cell's lesson (its position in
    the lessons), pupil (a position in `pupils`, the stays' student ids) and symbol
    (None: an unmarked cell of a whole-class lesson); `marked`: the marks counted, a
    mask over the dataset's attendance."""

    marked: np.ndarray
    pupils: list[str]
    at: np.ndarray
    pupil_codes: np.ndarray
    symbols: np.ndarray


def _cells(ds: Dataset, lessons: pd.DataFrame, held: pd.Series,
           stays: pd.DataFrame) -> _Cells:
    """The register's cells of the summary, as common.lesson_cells has them (the same rows,
    in another order): the marks of the held lessons by the class's pupils, and an
    unmarked cell for each pupil staying on the day of a held whole-class lesson without a
    mark. With numpy and codes, not a cross merge and an outer merge of frames."""
    att = ds.attendance
    held_at = held.to_numpy(dtype=bool)
    lesson_ids = lessons["lesson_id"].to_numpy(dtype=object)  # distinct: the lessons' key
    stay_ids = stays["student_id"].to_numpy(dtype=object)
    pupils = pd.unique(stay_ids)
    at_all = _codes(lesson_ids, att["lesson_id"].to_numpy(dtype=object))
    pupil_all = _codes(pupils, att["student_id"].to_numpy(dtype=object))
    marked = (at_all >= 0) & (pupil_all >= 0)
    marked[marked] = held_at[at_all[marked]]
    marked_at, marked_pupil = at_all[marked], pupil_all[marked]
    marked_symbols = att["symbol"].to_numpy(dtype=object)[marked]
    whole = np.flatnonzero(held_at & lessons["group"].isna().to_numpy(dtype=bool))
    days = lessons["date"].to_numpy(dtype="datetime64[ns]")[whole]
    first = stays["first_day"].to_numpy(dtype="datetime64[ns]")
    last = stays["last_day"].to_numpy(dtype="datetime64[ns]")
    lesson, stay = np.nonzero((days[:, None] >= first[None, :]) & (days[:, None] <= last[None, :]))
    pair_at = whole[lesson]
    pair_pupil = _codes(pupils, stay_ids)[stay]
    pupil_list = [str(p) for p in pupils.tolist()]
    pair_keys = pair_at * len(pupils) + pair_pupil
    if len(pupils) != len(stay_ids) and len(np.unique(pair_keys)) != len(pair_keys):
        # a pupil's overlapping stays: the cells as the merges have them
        cells = common.lesson_cells(ds, lessons, stays)
        return _Cells(marked, pupil_list,
                      _codes(lesson_ids, cells["lesson_id"].to_numpy(dtype=object)),
                      _codes(pupils, cells["student_id"].to_numpy(dtype=object)),
                      cells["symbol"].to_numpy(dtype=object))
    gap = ~np.isin(pair_keys, marked_at * len(pupils) + marked_pupil)
    return _Cells(marked, pupil_list, np.concatenate([marked_at, pair_at[gap]]),
                  np.concatenate([marked_pupil, pair_pupil[gap]]),
                  np.concatenate([marked_symbols, np.full(int(gap.sum()), None, dtype=object)]))


@dataclass(frozen=True)
class _Pupil:
    """A stay in the class, read once per summary (common.rows of the stays)."""

    student_id: str
    number: int
    name: str
    first_day: int  # as _ns has it
    last_day: int


def _pupils(stays: pd.DataFrame) -> list[_Pupil]:
    return [_Pupil(s.student_id, int(s.register_number),
                   polish.list_name(s.first_name, s.last_name), s.first_day.value,
                   s.last_day.value)
            for s in common.rows(stays, *common.PUPIL, "first_day", "last_day")]


def _staying(pupils: list[_Pupil], first: date, last: date) -> list[_Pupil]:
    """The stays overlapping first..last, in the stays' order."""
    first_day, last_day = _ns(first), _ns(last)
    return [p for p in pupils if p.first_day <= last_day and p.last_day >= first_day]


def _by_category(counts: np.ndarray, categories: tuple[Category, ...],
                 at: list[int | None]) -> tuple[list[list[int]], list[int], list[int]]:
    """Counts per symbol (a row each, in `counts`) as counts per category (`at`: each
    category's symbol's index in them), with the present and absent sums of each row:
    in one go with numpy (a Python loop per cell was a fifth of the view)."""
    zero = counts.shape[1]  # a column of zeros for a category no cell has
    table = np.concatenate([counts, np.zeros((counts.shape[0], 1), dtype=counts.dtype)],
                           axis=1)[:, [zero if i is None else i for i in at]]
    present = table[:, [c.counts_as == "present" for c in categories]].sum(axis=1)
    absent = table[:, [c.counts_as == "absent" for c in categories]].sum(axis=1)
    return table.tolist(), present.tolist(), absent.tolist()


def _section(kind: str, first: date, last: date, marks: _Marks, pupils: list[_Pupil],
             categories: tuple[Category, ...], with_total: bool,
             term: int | None = None) -> AttendanceSection:
    per_pupil, blank, per_symbol, unmarked = marks.count(first, last)
    at = [marks.symbol_index.get(c.symbol) for c in categories]
    table, present, absent = _by_category(per_pupil, categories, at)
    blanks = blank.tolist()
    rows = []
    for pupil in _staying(pupils, first, last):
        index = marks.pupil_index.get(pupil.student_id)
        if index is None:
            rows.append(AttendanceRow(pupil.number, pupil.name, (0,) * len(categories), 0, 0,
                                      0))
        else:
            rows.append(AttendanceRow(pupil.number, pupil.name, tuple(table[index]),
                                      blanks[index], present[index], absent[index]))
    total = None
    if with_total:
        (counts,), (present_all,), (absent_all,) = _by_category(per_symbol[None, :],
                                                                categories, at)
        total = AttendanceRow(None, "Razem oddział", tuple(counts), unmarked, present_all,
                              absent_all)
    return AttendanceSection(kind, first, last, tuple(rows), total, term)


def _subjects(ds: Dataset, subject_ids: set[str]) -> tuple[SubjectColumn, ...]:
    """The subjects in the register's order (Polish alphabetical by name)."""
    table = ds.subjects
    columns = []
    for sid, name, short in zip(table["subject_id"], table["name"], table["short_name"],
                                strict=True):
        if str(sid) in subject_ids:
            columns.append(SubjectColumn(str(sid), str(name), polish.text(short) or str(name)))
    known = {c.subject_id for c in columns}
    columns += [SubjectColumn(s, s, s) for s in subject_ids - known]  # never without a name
    return tuple(sorted(columns, key=lambda c: (polish.polish_key(c.name), c.subject_id)))


class _Shares:
    """The cells counted present or absent, by pupil and subject, counted per span with
    numpy (the same shares as a pandas groupby per span and a sum per cell)."""

    PRESENT, ABSENT = 1, 2

    def __init__(self, marks: _Marks, subject_codes: np.ndarray, subjects: list[str],
                 counted: np.ndarray) -> None:
        self.marks = marks
        self.subject_index = {s: i for i, s in enumerate(subjects)}
        # each cell's bin of a pupil x subject x (present, absent) table, or one past its
        # end (not counted, no pupil or no subject): a span is one bincount
        self._shape = (len(marks.pupil_index), len(subjects), 2)
        self._size = self._shape[0] * self._shape[1] * 2
        inside = (counted > 0) & (marks.pupil_codes >= 0) & (subject_codes >= 0)
        self._bins = np.where(inside, (marks.pupil_codes * len(subjects) + subject_codes) * 2
                              + counted - 1, self._size)
        self.made: dict[tuple[int, int], Share] = {}  # _share's

    def count(self, first: date, last: date) -> np.ndarray:
        """Lessons present [..., 0] and absent [..., 1] per (pupil, subject)."""
        found = np.bincount(self._bins[self.marks.run(first, last)], minlength=self._size + 1)
        return found[:-1].reshape(self._shape)


def _share(counts: list[list[int]] | None, subject: int | None,
           made: dict[tuple[int, int], Share]) -> Share | None:
    """The share of one pupil's (or the class's) counts, [present, absent] per subject;
    equal shares are one object (`made`: those of a summary)."""
    if counts is None or subject is None:
        return None
    present, absent = counts[subject]
    if not present + absent:
        return None
    share = made.get((present, absent))
    if share is None:
        share = made[present, absent] = Share(present, absent)
    return share


def _subject_table(kind: str, first: date, last: date, shares: _Shares,
                   pupils: list[_Pupil], subjects: tuple[SubjectColumn, ...], with_total: bool,
                   term: int | None = None) -> SubjectTable:
    """Per pupil and subject, the present and absent lessons between first and last."""
    counts = shares.count(first, last)
    columns = [shares.subject_index.get(c.subject_id) for c in subjects]
    listed = _staying(pupils, first, last)
    indexes = [shares.marks.pupil_index.get(p.student_id) for p in listed]
    per_pupil, made = counts.tolist(), shares.made
    rows = tuple(
        SubjectRow(p.number, p.name,
                   tuple(_share(None if i is None else per_pupil[i], c, made) for c in columns),
                   str(p.student_id))
        for p, i in zip(listed, indexes, strict=True)
    )
    total = None
    if with_total:  # every stay's lessons (a pupil back in the class: each stay)
        everyone = counts[[i for i in indexes if i is not None]].sum(axis=0).tolist()
        total = SubjectRow(None, "Razem oddział",
                           tuple(_share(everyone, c, made) for c in columns))
    return SubjectTable(kind, first, last, rows, total, term)


def _at_risk(table: SubjectTable, subjects: tuple[SubjectColumn, ...],
             threshold: float) -> tuple[RiskEntry, ...]:
    return tuple(
        RiskEntry(row.number, row.name, column.name, cell, row.student_id)
        for row in table.rows if row.number is not None
        for column, cell in zip(subjects, row.cells, strict=True)
        if cell is not None and cell.below(threshold)
    )


def build_attendance(ds: Dataset, config: Config, scope: Scope) -> AttendanceView:
    """The attendance summary of scope.class_id over the scope's period."""
    assert scope.class_id is not None, "an attendance summary belongs to a class"
    categories = categories_of(ds, config)
    stays = common.stays(ds, scope.class_id, scope)
    lessons = common.lessons_in(ds, scope.class_id, scope)
    held = lessons["status"] == "held"
    att = ds.attendance
    cells = _cells(ds, lessons, held, stays)
    at = cells.at  # each cell's lesson
    days = lessons["date"].to_numpy(dtype="datetime64[ns]")[at]
    order = np.argsort(days, kind="stable")  # the cells in day order (_Marks)
    at, pupil_codes, symbols, days = (at[order], cells.pupil_codes[order],
                                      cells.symbols[order], days[order])
    with_total = scope.student_id is None
    # Months without a single held lesson (holidays) are left out, not printed as zeros.
    held_days = np.sort(lessons.loc[held, "date"].to_numpy(dtype="datetime64[ns]"))
    marks = _Marks(days, pupil_codes, cells.pupils, symbols)
    pupils = _pupils(stays)
    sections = [_section("month", a, b, marks, pupils, categories, with_total)
                for a, b in _months(scope.date_from, scope.date_to)
                if _any_between(held_days, a, b)]
    terms = _terms(ds, scope)
    if len(terms) > 1:
        sections += [_section("term", a, b, marks, pupils, categories, with_total, n)
                     for n, a, b in terms]
    # A month or term in which no listed student was in the class (a student's extract
    # after they left) says nothing: leave it out. The whole period always stays.
    sections = [s for s in sections if s.rows]
    sections.append(_section("period", scope.date_from, scope.date_to, marks, pupils,
                             categories, with_total, scope.term))
    # Per subject: each cell's category after the configuration's overrides.
    kinds = {"present": _Shares.PRESENT, "absent": _Shares.ABSENT}
    counted_as = [kinds.get(c.counts_as, 0) for c in categories]
    by_symbol = {c.symbol: k for c, k in zip(categories, counted_as, strict=True)}
    counted = np.array([0] + [by_symbol.get(y, 0) for y in marks.symbols],
                       dtype=np.int64)[marks.symbol_codes + 1]
    lesson_subjects, subject_ids = pd.factorize(lessons["subject_id"].to_numpy(dtype=object))
    cell_subjects = lesson_subjects[at]
    shares = _Shares(marks, cell_subjects, [str(s) for s in subject_ids.tolist()], counted)
    subjects = _subjects(ds, {str(subject_ids[c]) for c in np.unique(cell_subjects) if c >= 0}
                         if scope.student_id is not None
                         else set(lessons.loc[held, "subject_id"]))
    by_subject = [_subject_table("period", scope.date_from, scope.date_to, shares, pupils,
                                 subjects, with_total, scope.term)]
    if len(terms) > 1:
        by_subject += [_subject_table("term", a, b, shares, pupils, subjects, with_total, n)
                       for n, a, b in terms]
        by_subject = [by_subject[0], *(t for t in by_subject[1:] if t.rows)]
    threshold = config.attendance.risk_threshold
    # the marks the summary counted: those of its held lessons by its pupils (every
    # marked cell; lesson_cells adds the unmarked ones), in the export's order
    used = att[cells.marked].reset_index(drop=True)
    sources = {
        "attendance_types": ds.attendance_types,
        "students": stays.drop(columns=["first_day", "last_day", "pesel"]),
        "lessons": lessons[held],
        "attendance": used,
        "subjects": ds.subjects[ds.subjects["subject_id"].isin([c.subject_id for c in subjects])],
    }
    return AttendanceView(
        school=common.school_name(ds, config), class_name=common.class_name(ds, scope.class_id),
        school_year=ds.meta.school_year, scope=scope, categories=categories,
        sections=tuple(sections), subjects=subjects, by_subject=tuple(by_subject),
        risk_threshold=threshold, at_risk=_at_risk(by_subject[0], subjects, threshold),
        sources=sources,
    )
