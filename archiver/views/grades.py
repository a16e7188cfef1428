"""Grades, behaviour and notes of a class register: per subject, per student, per term."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from archiver.config import GradeSettings
from archiver.model import Dataset
from archiver.views import common, polish

_NUMERIC = re.compile(r"^\s*([1-6])\s*([+-]?)\s*$")


@dataclass(frozen=True)
class GradeMark:
    value: str  # as recorded: "4+", "np"
    weight: float
    category: str
    day: date
    numeric: float | None  # None for symbols without a numeric value (np, bz, +, -)
    comment: str = ""


@dataclass(frozen=True)
class TermGrades:
    term: int
    partials: tuple[GradeMark, ...]
    average: float | None
    proposed: str | None  # midterm_proposed
    final: str | None  # midterm


@dataclass(frozen=True)
class StudentGrades:
    number: int
    name: str
    terms: tuple[TermGrades, ...]
    year_average: float | None
    year_proposed: str | None  # final_proposed
    year_final: str | None  # final


@dataclass(frozen=True)
class SubjectGrades:
    subject: str
    students: tuple[StudentGrades, ...]

    @property
    def has_grades(self) -> bool:
        """Whether any pupil has any grade in the subject (else no table is printed)."""
        return any(t.partials or t.proposed or t.final for st in self.students
                   for t in st.terms) or any(st.year_proposed or st.year_final
                                             for st in self.students)


@dataclass(frozen=True)
class BehaviourEntry:
    number: int
    name: str
    grades: tuple[tuple[str, str, str], ...]  # (term "1"/"2"/"year", kind, value)

    def value(self, term: str, kind: str) -> str:
        """The latest grade of that term and kind ("proposed"/"final"), "" when none."""
        found = [v for t, k, v in self.grades if t == term and k == kind]
        return found[-1] if found else ""


def behaviour_terms(entries: tuple[BehaviourEntry, ...]) -> list[str]:
    """The terms behaviour grades were given for, in order: "1", "2", …, "year"."""
    terms = {t for e in entries for t, _k, _v in e.grades}
    return sorted(terms, key=lambda t: (t == "year", int(t) if t.isdigit() else 0, t))


@dataclass(frozen=True)
class NoteEntry:
    day: date
    number: int
    name: str
    kind: str  # positive / negative / neutral
    text: str
    teacher: str


def numeric_value(value: str, settings: GradeSettings) -> float | None:
    """The value a grade adds to an average (4+ = 4 + plus), None for a symbol."""
    match = _NUMERIC.match(value)
    if not match:
        return None
    base = float(match.group(1))
    return base + {"+": settings.plus, "-": settings.minus, "": 0.0}[match.group(2)]


def weighted_average(marks: list[GradeMark]) -> float | None:
    """Weighted mean of the marks that have a numeric value; None when there are none."""
    counted = [(m.numeric, m.weight) for m in marks if m.numeric is not None]
    total = sum(w for _, w in counted)
    return None if not counted or total <= 0 else sum(v * w for v, w in counted) / total


def in_stays(frame: pd.DataFrame, day_column: str, stays: pd.DataFrame) -> pd.DataFrame:
    """Rows whose student was in one of the stays on the row's date."""
    joined = frame.merge(stays[["student_id", "first_day", "last_day"]], on="student_id")
    ok = (joined[day_column] >= joined["first_day"]) & (joined[day_column] <= joined["last_day"])
    return joined[ok].drop(columns=["first_day", "last_day"])


def class_grades(ds: Dataset, stays: pd.DataFrame, first: date, last: date) -> pd.DataFrame:
    """The grades given while the students were in this class, within [first, last]."""
    grades = ds.grades[ds.grades["date"].between(pd.Timestamp(first), pd.Timestamp(last))]
    grades = in_stays(grades, "date", stays).copy()
    terms = common.terms_of(ds, grades["date"])
    grades["term_no"] = grades["term"].fillna(pd.Series(terms, index=grades.index, dtype="Int64"))
    return grades


class _Cell:
    """What a pupil has in a subject: per term its partial grades and its latest proposed
    and given term grades, and the latest proposed and given year grades (each the last
    of its kind in date order, as recorded)."""

    __slots__ = ("terms", "final_proposed", "final")

    def __init__(self) -> None:
        self.terms: dict[object, list] = {}  # term: [partials, proposed, final]
        self.final_proposed: str | None = None
        self.final: str | None = None


_EMPTY_TERM = ((), None, None)


def _marks(ordered: pd.DataFrame, partial: list[int],
           settings: GradeSettings) -> dict[int, GradeMark]:
    """The GradeMark of each row of `ordered` at the positions `partial`, its columns read
    once (a mark made from a record a grade at a time cost ~5 µs): the weight 1 where none
    is given, the day a date, the numeric value of each distinct value once."""
    rows = ordered.iloc[partial] if len(partial) < len(ordered) else ordered
    weights = rows["weight"].to_numpy(dtype="float64", na_value=np.nan)
    weights = np.where(np.isnan(weights), 1.0, weights).tolist()
    numeric: dict[str, float | None] = {}
    marks = {}
    for row, value, weight, category, day, comment in zip(
            partial, rows["value"].tolist(), weights, common.texts(rows["category"]),
            common.dates(rows["date"]), common.texts(rows["comment"]), strict=True):
        value = str(value)
        number = numeric.get(value, False)
        if number is False:
            number = numeric[value] = numeric_value(value, settings)
        marks[row] = GradeMark(value, weight, category, day, number, comment)
    return marks


def build_grades(ds: Dataset, grades: pd.DataFrame, stays: pd.DataFrame, subject_ids: list[str],
                 term_numbers: list[int], settings: GradeSettings) -> tuple[SubjectGrades, ...]:
    """Per subject (in the given order), every student of the stays with their grades."""
    names = dict(zip(ds.subjects["subject_id"], ds.subjects["name"], strict=True))
    # Plain columns read once, grouped by subject, pupil and term in one pass: thousands
    # of tiny pandas filters (or a record and a filter per term per pupil) cost seconds.
    ordered = grades.sort_values(["date", "grade_id"], kind="stable")
    kinds = ordered["kind"].tolist()
    partial = [i for i, k in enumerate(kinds) if k == "partial"]
    marks = _marks(ordered, partial, settings)
    cells: dict[tuple, _Cell] = {}
    for row, (subject_id, student_id, term, kind, value) in enumerate(zip(
            ordered["subject_id"].tolist(), ordered["student_id"].tolist(),
            ordered["term_no"].tolist(), kinds, ordered["value"].tolist(), strict=True)):
        cell = cells.get((subject_id, student_id))
        if cell is None:
            cell = cells[(subject_id, student_id)] = _Cell()
        if kind == "final_proposed":
            cell.final_proposed = str(value)
        elif kind == "final":
            cell.final = str(value)
        else:
            found = cell.terms.get(term)
            if found is None:
                found = cell.terms[term] = [[], None, None]
            if kind == "partial":
                found[0].append(marks[row])
            elif kind == "midterm_proposed":
                found[1] = str(value)
            elif kind == "midterm":
                found[2] = str(value)
    people = [(s.student_id, int(s.register_number), polish.list_name(s.first_name, s.last_name))
              for s in common.rows(stays, *common.PUPIL)]
    return tuple(
        SubjectGrades(str(names.get(subject_id, subject_id)), tuple(
            _student(number, name, cells.get((subject_id, student_id)), term_numbers)
            for student_id, number, name in people))
        for subject_id in subject_ids
    )


def _student(number: int, name: str, cell: _Cell | None,
             term_numbers: list[int]) -> StudentGrades:
    terms, year_marks = [], []
    for term in term_numbers:
        partials, proposed, final = _EMPTY_TERM if cell is None else \
            cell.terms.get(term, _EMPTY_TERM)
        partials = tuple(partials)
        year_marks += partials
        terms.append(TermGrades(term, partials, weighted_average(partials), proposed, final))
    return StudentGrades(number, name, tuple(terms), weighted_average(year_marks),
                         None if cell is None else cell.final_proposed,
                         None if cell is None else cell.final)


def build_behaviour(ds: Dataset, stays: pd.DataFrame, first: date,
                    last: date) -> tuple[tuple[BehaviourEntry, ...], pd.DataFrame]:
    """Behaviour grades of the stays; an undated one is placed at its term's end."""
    beh = ds.behaviour.copy()
    ends = {str(t.number): pd.Timestamp(t.end) for t in ds.meta.terms}
    ends["year"] = pd.Timestamp(ds.meta.year_end)
    beh["on"] = beh["date"].fillna(beh["term"].map(ends))
    beh = beh[beh["on"].between(pd.Timestamp(first), pd.Timestamp(last))]
    beh = in_stays(beh, "on", stays)
    entries = []
    # each pupil's rows taken once, in their order, then sorted by (on, kind) as
    # sort_values on the two columns sorts them (a stable sort); read as plain values once
    # (a frame per pupil cost a millisecond each)
    by_student: dict[object, list[tuple]] = {}
    for record in common.rows(beh, "student_id", "on", "kind", "term", "value"):
        by_student.setdefault(record.student_id, []).append(record)
    plain = not (beh["on"].isna().any() or beh["kind"].isna().any())
    for stay in common.rows(stays, *common.PUPIL):
        mine = by_student.get(stay.student_id)
        if not mine:
            continue
        if plain:
            mine = sorted(mine, key=lambda r: (r.on, r.kind))
        else:  # missing values: as pandas places them
            frame = beh[beh["student_id"] == stay.student_id].sort_values(["on", "kind"])
            mine = common.rows(frame, "student_id", "on", "kind", "term", "value")
        grades = tuple((str(r.term), str(r.kind), str(r.value)) for r in mine)
        entries.append(BehaviourEntry(int(stay.register_number),
                                      polish.list_name(stay.first_name, stay.last_name), grades))
    return tuple(entries), beh.drop(columns=["on"])


def build_notes(ds: Dataset, stays: pd.DataFrame, first: date,
                last: date) -> tuple[tuple[NoteEntry, ...], pd.DataFrame]:
    """Notes (uwagi) of the stays within [first, last], in date order."""
    notes = ds.notes[ds.notes["date"].between(pd.Timestamp(first), pd.Timestamp(last))]
    notes = in_stays(notes, "date", stays).sort_values(["date", "note_id"], kind="stable")
    staff = common.staff_names(ds)
    by_id = {s.student_id: s for s in common.rows(stays, *common.PUPIL)}
    entries = tuple(
        NoteEntry(r.date.date(), int(by_id[r.student_id].register_number),
                  polish.list_name(by_id[r.student_id].first_name,
                                   by_id[r.student_id].last_name),
                  str(r.kind), str(r.text), staff.get(str(r.teacher_id), str(r.teacher_id)))
        for r in common.rows(notes)
    )
    return entries, notes
