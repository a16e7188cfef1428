"""The school year, days off, stays in classes and terms."""

from __future__ import annotations

from datetime import date

import pytest
from problem_checks import find, only_error


@pytest.mark.parametrize("table,row,column,value", [
    ("lessons", 0, "date", date(2025, 8, 29)),
    ("grades", 2, "date", date(2026, 6, 29)),
    ("behaviour", 0, "date", date(2026, 7, 1)),
    ("notes", 0, "date", date(2025, 8, 31)),
    ("days_off", 0, "date", date(2026, 8, 15)),
    ("messages", 3, "sent_at", "2026-06-27T08:00:00+02:00"),
])
def test_date_outside_the_school_year(check, tables, table, row, column, value) -> None:
    tables[table].loc[row, column] = value
    errors = [p for p in check(tables).errors if p.rule == "date.school_year"]
    assert [(p.table, p.row, p.column) for p in errors] == [(table, row + 1, column)]
    assert "2025-09-01 to 2026-06-26" in errors[0].message


def test_message_time_is_judged_in_the_schools_time_zone(check, tables) -> None:
    # 22:30 UTC on the last day is already the next day in Warsaw.
    tables["messages"].loc[3, "sent_at"] = "2026-06-26T22:30:00Z"
    only_error(check(tables), "date.school_year", "messages", 4, "sent_at")


def test_later_times_and_birth_dates_are_exempt(check, tables) -> None:
    tables["attendance"].loc[0, "recorded_at"] = "2026-08-01T10:00:00+02:00"
    tables["lessons"].loc[0, "confirmed_at"] = "2026-06-30T10:00:00+02:00"
    tables["changes"].loc[0, "changed_at"] = "2026-06-28T10:00:00+02:00"
    tables["students"].loc[0, "birth_date"] = date(2012, 5, 14)
    assert check(tables).errors == []


def test_lesson_on_a_school_wide_day_off(check, tables) -> None:
    tables["lessons"].loc[0, "date"] = date(2025, 11, 10)
    problem = only_error(check(tables), "date.day_off", "lessons", 1, "date")
    assert "'2025-11-10'" in problem.message


def test_lesson_on_a_day_off_of_its_own_class_only(check, tables) -> None:
    tables["lessons"].loc[3, "date"] = date(2026, 3, 3)  # l4 of c2: c2 is away that day
    only_error(check(tables), "date.day_off", "lessons", 4, "date")


def test_lesson_of_another_class_on_a_class_day_off_is_fine(check, tables) -> None:
    tables["lessons"].loc[4, "date"] = date(2026, 3, 3)  # l5 of 0101
    assert check(tables).errors == []


def test_overlapping_stays_of_a_student_name_both_rows(check, tables) -> None:
    tables["students"].loc[2, "enrolled_on"] = date(2026, 1, 15)  # before leaving 0101
    problem = only_error(check(tables), "date.stay_overlap", "students", 3, "enrolled_on")
    assert "row 2" in problem.message


def test_stay_ending_before_it_starts(check, tables) -> None:
    tables["students"].loc[3, "enrolled_on"] = date(2026, 3, 1)
    tables["students"].loc[3, "left_on"] = date(2026, 2, 1)
    errors = find(check(tables).errors, "date.stay_order")
    assert [(p.table, p.row, p.column) for p in errors] == [("students", 4, "left_on")]


def test_grade_term_that_contradicts_its_date(check, tables) -> None:
    tables["grades"].loc[0, "term"] = 2  # dated 2025-09-10, inside term 1
    problem = only_error(check(tables), "term.mismatch", "grades", 1, "term")
    assert "2025-09-10" in problem.message


def test_grade_in_the_break_may_name_the_term_before(check, tables) -> None:
    tables["grades"].loc[1, "term"] = 1
    assert check(tables).errors == []


def test_grade_term_that_does_not_exist(check, tables) -> None:
    tables["grades"].loc[0, "term"] = 3
    only_error(check(tables), "term.unknown", "grades", 1, "term")


@pytest.mark.parametrize("value", ["3", "roczna", "0"])
def test_behaviour_term_is_a_term_number_or_year(check, tables, value) -> None:
    tables["behaviour"].loc[0, "term"] = value
    only_error(check(tables), "term.unknown", "behaviour", 1, "term")
