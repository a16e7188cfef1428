"""Grades, behaviour and notes of a class register: per subject, per student, per term."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

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


def _last_value(rows: list, kind: str) -> str | None:
    """The latest grade of `kind` among `rows` (sorted by date), as recorded."""
    values = [r.value for r in rows if r.kind == kind]
    return str(values[-1]) if values else None


def _mark(r, settings: GradeSettings) -> GradeMark:
    weight = 1.0 if pd.isna(r.weight) else float(r.weight)
    return GradeMark(str(r.value), weight, polish.text(r.category), r.date.date(),
                     numeric_value(str(r.value), settings), polish.text(r.comment))


def _student(number: int, name: str, rows: list, term_numbers: list[int],
             settings: GradeSettings) -> StudentGrades:
    terms, year_marks = [], []
    for term in term_numbers:
        in_term = [r for r in rows if r.term_no == term]
        partials = [_mark(r, settings) for r in in_term if r.kind == "partial"]
        year_marks += partials
        terms.append(TermGrades(term, tuple(partials), weighted_average(partials),
                                _last_value(in_term, "midterm_proposed"),
                                _last_value(in_term, "midterm")))
    return StudentGrades(number, name, tuple(terms), weighted_average(year_marks),
                         _last_value(rows, "final_proposed"), _last_value(rows, "final"))


# what _student, _mark and _last_value read of a grade (no other column made into values)
_READ = ("subject_id", "student_id", "term_no", "kind", "value", "weight", "category",
         "date", "comment")


def build_grades(ds: Dataset, grades: pd.DataFrame, stays: pd.DataFrame, subject_ids: list[str],
                 term_numbers: list[int], settings: GradeSettings) -> tuple[SubjectGrades, ...]:
    """Per subject (in the given order), every student of the stays with their grades."""
    names = dict(zip(ds.subjects["subject_id"], ds.subjects["name"], strict=True))
    # Plain records grouped once: thousands of tiny pandas filters would cost seconds.
    by_key: dict[tuple[str, str], list] = {}
    for r in common.rows(grades.sort_values(["date", "grade_id"], kind="stable"), *_READ):
        by_key.setdefault((r.subject_id, r.student_id), []).append(r)
    people = [(s.student_id, int(s.register_number), polish.list_name(s.first_name, s.last_name))
              for s in common.rows(stays, *common.PUPIL)]
    return tuple(
        SubjectGrades(str(names.get(subject_id, subject_id)), tuple(
            _student(number, name, by_key.get((subject_id, student_id), []), term_numbers,
                     settings)
            for student_id, number, name in people))
        for subject_id in subject_ids
    )


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
