"""The class register view: enrolment, groups, gaps, grades, minimisation."""

from __future__ import annotations

from datetime import date

from archiver.config import Config
from archiver.views import Period, build_register, make_scope
from archiver.views.register import MISSING, NOT_ENROLLED, NOT_IN_GROUP

WEEKS = Period(date(2025, 9, 22), date(2025, 10, 3))


def _register(small, class_id, student=None):
    return build_register(small, Config(), make_scope(small.meta, class_id, WEEKS, student))


def _names(week):
    return [r.name for r in week.rows]


def test_transfer_student_appears_only_while_enrolled(small):
    first_a, second_a = _register(small, "C7A").weeks
    first_b, second_b = _register(small, "C7B").weeks
    assert "Zieliński Dawid" in _names(first_a) and "Zieliński Dawid" not in _names(second_a)
    assert "Zieliński Dawid" not in _names(first_b) and "Zieliński Dawid" in _names(second_b)


def test_student_joining_mid_week_has_no_marks_before_joining(small):
    register = build_register(small, Config(), make_scope(
        small.meta, "C7B", Period(date(2025, 9, 22), date(2025, 10, 3))))
    week = register.weeks[1]
    dawid = next(r for r in week.rows if r.name == "Zieliński Dawid")
    assert NOT_ENROLLED not in dawid.marks  # the whole week is after 29.09
    assert len([m for m in dawid.marks if m]) == 8


def test_group_lesson_has_marks_only_for_its_group(small):
    week = _register(small, "C7A").weeks[0]
    columns = {(c.day, c.period, c.group): i for i, c in enumerate(week.columns)}
    group1 = columns[(date(2025, 9, 22), 3, "gr. 1")]
    marks = {r.name: r.marks[group1] for r in week.rows}
    assert marks["Kowalska Anna"] == "ob" and marks["Nowak Bartosz"] == "ob"
    assert marks["Wiśniewska Celina"] == NOT_IN_GROUP
    assert marks["Zieliński Dawid"] == NOT_IN_GROUP
    lesson = week.columns[group1]
    assert lesson.group_numbers == (1, 2)


def test_missing_mark_is_a_gap_not_a_symbol(small):
    week = _register(small, "C7A").weeks[0]
    column = next(i for i, c in enumerate(week.columns)
                  if c.day == date(2025, 9, 23) and c.subject == "Matematyka")
    bartosz = next(r for r in week.rows if r.name == "Nowak Bartosz")
    assert bartosz.marks[column] == MISSING


def test_cancelled_lesson_is_listed_without_a_grid_column(small):
    week = _register(small, "C7A").weeks[0]
    cancelled = [lesson for lesson in week.lessons if lesson.status == "cancelled"]
    assert [(c.day, c.subject) for c in cancelled] == [(date(2025, 9, 24), "Język polski")]
    assert cancelled[0].column is None
    assert all(c.status == "held" for c in week.columns)


def test_weighted_average_uses_configured_plus_and_minus_and_ignores_symbols(small):
    register = _register(small, "C7A")
    maths = next(s for s in register.grades if s.subject == "Matematyka")
    anna = next(s for s in maths.students if s.name == "Kowalska Anna")
    term1 = anna.terms[0]
    assert [g.value for g in term1.partials] == ["5", "4+", "np", "3-"]
    assert term1.average == (5 * 2 + 4.5 + 2.75) / 4
    assert term1.proposed == "4"


def test_grades_of_a_moved_student_follow_the_class_of_their_date(small):
    def dawid_maths(class_id):
        maths = next(s for s in _register(small, class_id).grades if s.subject == "Matematyka")
        dawid = next(s for s in maths.students if s.name == "Zieliński Dawid")
        return [g.value for g in dawid.terms[0].partials]

    assert dawid_maths("C7A") == ["3+"]
    assert dawid_maths("C7B") == ["5"]


def test_class_list_is_alphabetical_in_polish_order(small):
    names = [s.name for s in _register(small, "C7A").students]
    assert names == ["Kowalska Anna Maria", "Nowak Bartosz", "Wiśniewska Celina",
                     "Zieliński Dawid"]


def test_student_scope_holds_no_other_student(small):
    register = _register(small, "C7A", "S1")
    assert [s.name for s in register.students] == ["Kowalska Anna Maria"]
    for week in register.weeks:
        assert _names(week) == ["Kowalska Anna"]
        assert all(lesson.group_numbers == () for lesson in week.lessons)
    for subject in register.grades:
        assert [s.name for s in subject.students] == ["Kowalska Anna"]
    assert register.notes == ()  # the only 7a note is about Nowak Bartosz
    for name, frame in register.sources.items():
        if "student_id" in frame:
            assert set(frame["student_id"]) <= {"S1"}, name


def test_student_extract_holds_lessons_only_while_enrolled(small):
    register = _register(small, "C7A", "S4")  # left 7a on 26.09
    assert [w.first for w in register.weeks] == [date(2025, 9, 22)]
    assert max(lesson.day for lesson in register.weeks[0].lessons) == date(2025, 9, 26)
