"""The register view's lessons and grades made from plain columns (issue 18) are what a
record a row gives: the same printed values, missing cells included."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

from archiver.config import Config
from archiver.model import Dataset
from archiver.views import Period, build_register, make_scope, polish
from archiver.views.grades import (
    GradeMark,
    StudentGrades,
    SubjectGrades,
    TermGrades,
    numeric_value,
    weighted_average,
)
from archiver.views.register import lesson_numbers, subject_codes, subject_short_names


def _edged(ds: Dataset) -> Dataset:
    """The small export with the cells a view must print alike in each class: grades
    without weight or category, with a symbol value, a weight of 2.5, a comment; lessons
    without confirmation, substitution flag or topic, a substitution."""
    grades, lessons = ds.grades.copy(), ds.lessons.copy()
    for class_id in ds.classes["class_id"]:
        pupils = ds.students.loc[ds.students["class_id"] == class_id, "student_id"]
        edits = [("weight", pd.NA), ("value", "np"), ("weight", 2.5), ("category", pd.NA),
                 ("comment", "poprawa")]
        for at, (column, value) in zip(grades.index[grades["student_id"].isin(pupils)],
                                       edits, strict=False):
            grades.loc[at, column] = value
        les = lessons.index[lessons["class_id"] == class_id]
        lessons.loc[les[0], "confirmed_at"] = pd.NaT
        lessons.loc[les[1], "substitution"] = pd.NA
        lessons.loc[les[2], "topic"] = pd.NA
        lessons.loc[les[3], "substitution"] = True
    return replace(ds, tables={**ds.tables, "grades": grades, "lessons": lessons})


def _records(frame: pd.DataFrame) -> list:
    return list(frame.itertuples())


def _reference_lessons(ds: Dataset, view, scope) -> list[tuple]:
    """Every lesson as a record a row reads (the view's code before issue 18's columns)."""
    from archiver.views import common

    staff = common.staff_names(ds)
    subjects = dict(zip(ds.subjects["subject_id"], ds.subjects["name"], strict=True))
    lessons = common.lessons_in(ds, scope.class_id, scope)
    within = lesson_numbers(ds, scope.class_id)
    codes, shorts = subject_codes(ds), subject_short_names(ds)
    out = []
    for r in _records(lessons):
        confirmed = None if pd.isna(r.confirmed_at) else r.confirmed_at.to_pydatetime()
        out.append((r.date.date(), int(r.period), str(subjects.get(r.subject_id, r.subject_id)),
                    staff.get(str(r.teacher_id), str(r.teacher_id)), str(r.status),
                    polish.text(r.topic), polish.text(r.group),
                    bool(r.substitution) if pd.notna(r.substitution) else False, confirmed,
                    within.get(r.lesson_id), codes.get(str(r.subject_id), ""),
                    shorts.get(str(r.subject_id), "")))
    return out


def _reference_grades(ds: Dataset, view, grades: pd.DataFrame, subjects: list[str],
                      terms: list[int]) -> tuple[SubjectGrades, ...]:
    """The grades as a record a grade and a filter a term give them."""
    from archiver.views import common

    settings = Config().grades
    names = dict(zip(ds.subjects["subject_id"], ds.subjects["name"], strict=True))
    ordered = _records(grades.sort_values(["date", "grade_id"], kind="stable"))

    def mark(r) -> GradeMark:
        weight = 1.0 if pd.isna(r.weight) else float(r.weight)
        return GradeMark(str(r.value), weight, polish.text(r.category), r.date.date(),
                         numeric_value(str(r.value), settings), polish.text(r.comment))

    def last(rows: list, kind: str) -> str | None:
        values = [r.value for r in rows if r.kind == kind]
        return str(values[-1]) if values else None

    stays = common.stays(ds, view.scope.class_id, view.scope)
    result = []
    for subject in subjects:
        students = []
        for s in _records(stays):
            rows = [r for r in ordered if r.subject_id == subject and r.student_id == s.student_id]
            per_term, year = [], []
            for term in terms:
                in_term = [r for r in rows if r.term_no == term]
                partials = tuple(mark(r) for r in in_term if r.kind == "partial")
                year += partials
                per_term.append(TermGrades(term, partials, weighted_average(list(partials)),
                                           last(in_term, "midterm_proposed"),
                                           last(in_term, "midterm")))
            students.append(StudentGrades(int(s.register_number),
                                          polish.list_name(s.first_name, s.last_name),
                                          tuple(per_term), weighted_average(year),
                                          last(rows, "final_proposed"), last(rows, "final")))
        result.append(SubjectGrades(str(names.get(subject, subject)), tuple(students)))
    return tuple(result)


@pytest.mark.parametrize("class_id", ["C7A", "C7B"])
def test_lessons_and_grades_from_columns_are_what_records_give(small: Dataset,
                                                                class_id: str) -> None:
    from archiver.views import common
    from archiver.views.grades import class_grades

    ds = _edged(small)
    scope = make_scope(ds.meta, class_id, Period(None, None))
    view = build_register(ds, Config(), scope)
    lessons = [lesson for week in view.weeks for lesson in week.lessons]
    made = [(e.day, e.period, e.subject, e.teacher, e.status, e.topic, e.group, e.substitution,
             e.confirmed_at, e.number, e.code, e.short) for e in lessons]
    assert made == _reference_lessons(ds, view, scope)
    assert any(e.confirmed_at is None for e in lessons) and any(e.substitution for e in lessons)
    # a held lesson's grid column is its place among the week's held lessons
    for week in view.weeks:
        assert [e.column for e in week.columns] == list(range(1, len(week.columns) + 1))
        assert all(e.column is None for e in week.lessons if e.status != "held")
    grades = class_grades(ds, common.stays(ds, class_id, scope), scope.date_from,
                          scope.date_to)
    subjects = [s for s in dict.fromkeys(view.sources["grades"]["subject_id"])]
    by_name = {g.subject: g for g in view.grades}
    reference = _reference_grades(ds, view, grades, subjects, [1, 2])
    assert reference and all(by_name[r.subject] == r for r in reference)
    marks = [m for r in reference for st in r.students for t in st.terms for m in t.partials]
    assert {m.weight for m in marks} >= {1.0, 2.5} and any(m.numeric is None for m in marks)


def test_each_pupils_guardians_are_theirs_in_the_exports_order(small: Dataset) -> None:
    from archiver.views.register import GuardianEntry

    guardians = small.guardians.copy()
    guardians.loc[len(guardians)] = guardians.iloc[0]  # a second row of the same pupil's
    guardians.loc[len(guardians) - 1, ["first_name", "email"]] = ["Zofia", pd.NA]
    guardians.loc[len(guardians)] = guardians.iloc[1]
    guardians.loc[len(guardians) - 1, "student_id"] = pd.NA  # nobody's: printed for no one
    ds = replace(small, tables={**small.tables, "guardians": guardians})
    for class_id in ("C7A", "C7B"):
        view = build_register(ds, Config(), make_scope(ds.meta, class_id, Period(None, None)))
        by_pupil = dict(tuple(guardians.groupby("student_id", sort=False)))
        stays = view.sources["students"]
        names = dict(zip(stays["student_id"], stays["register_number"], strict=True))
        for student in view.students:
            pupil = next(k for k, v in names.items() if v == student.number)
            rows = _records(by_pupil[pupil]) if pupil in by_pupil else []
            assert student.guardians == tuple(
                GuardianEntry(polish.full_name(r.first_name, r.last_name),
                              polish.text(r.relation), polish.text(r.address),
                              polish.text(r.email), polish.text(r.phone)) for r in rows)
    assert any(len(s.guardians) > 1 for s in build_register(
        ds, Config(), make_scope(ds.meta, "C7A", Period(None, None))).students)
