"""Attendance, PESEL, grade values, ranges and message audience."""

from __future__ import annotations

import pandas as pd
import pytest
from problem_checks import only_error


def test_attendance_at_a_cancelled_lesson(check, tables) -> None:
    tables["attendance"].loc[0, "lesson_id"] = "l2"
    problem = only_error(check(tables), "attendance.held", "attendance", 1, "lesson_id")
    assert "cancelled" in problem.message


def test_attendance_of_a_student_who_left_the_class(check, tables) -> None:
    tables["attendance"].loc[5, "student_id"] = "st2"  # l5 is in 0101 on 2026-02-17
    problem = only_error(check(tables), "attendance.enrolled", "attendance", 6, "student_id")
    assert "2026-02-17" in problem.message


def test_attendance_of_a_student_before_joining(check, tables) -> None:
    tables["students"].loc[3, "enrolled_on"] = "2026-03-05"  # st3 joins c2 after l4
    only_error(check(tables), "attendance.enrolled", "attendance", 5, "student_id")


def test_attendance_of_a_student_of_another_class(check, tables) -> None:
    tables["attendance"].loc[4, "student_id"] = "st1"  # l4 is c2's; st1 is in 0101
    only_error(check(tables), "attendance.enrolled", "attendance", 5, "student_id")


@pytest.mark.parametrize("value", ["12251412340", "1225141234", "1225141234a"])
def test_invalid_pesel(check, tables, value) -> None:
    tables["students"].loc[0, "pesel"] = value
    problem = only_error(check(tables), "pesel", "students", 1, "pesel")
    assert problem.value == value


@pytest.mark.parametrize("value", ["7", "0", "4.5", "10", "-1"])
def test_numeric_grade_outside_one_to_six(check, tables, value) -> None:
    tables["grades"].loc[0, "value"] = value
    only_error(check(tables), "grade.value", "grades", 1, "value")


@pytest.mark.parametrize("value", ["1", "6", "4+", "3-", "np", "bz", "+", "-", "nb", "zw."])
def test_grades_and_school_symbols_accepted(check, tables, value) -> None:
    tables["grades"].loc[0, "value"] = value
    assert check(tables).errors == []


def test_overlong_grade_symbol_is_refused(check, tables) -> None:
    tables["grades"].loc[0, "value"] = "nieprzygotowany do lekcji"
    only_error(check(tables), "grade.value", "grades", 1, "value")


@pytest.mark.parametrize("table,row,column,value", [
    ("classes", 0, "grade", 9),
    ("classes", 0, "grade", 0),
    ("lessons", 0, "period", 13),
    ("lessons", 0, "period", -1),
    ("grades", 0, "weight", 0),
    ("students", 0, "register_number", 0),
    ("message_attachments", 0, "size_bytes", -5),
])
def test_number_out_of_range(check, tables, table, row, column, value) -> None:
    tables[table].loc[row, column] = value
    only_error(check(tables), "range", table, row + 1, column)


def test_class_message_needs_its_class(check, tables) -> None:
    tables["messages"].loc[3, "audience_class_id"] = None
    only_error(check(tables), "audience_class", "messages", 4, "audience_class_id")


def test_messages_never_dump_a_whole_row(check, tables) -> None:
    tables["messages"].loc[0, "body"] = None
    tables["students"].loc[0, "pesel"] = "12345678901"
    report = check(tables)
    text = "\n".join(p.message for p in report.errors)
    assert "Zebranie" not in text and "Adamska" not in text and "Ola" not in text
    assert "12345678901" in text  # the offending value itself is shown


def test_long_value_is_cut_in_the_message(check, tables) -> None:
    tables["lessons"].loc[0, "status"] = "x" * 500
    problem = check(tables).errors[0]
    assert len(problem.message) < 200 and problem.value == "x" * 500


def test_warnings_keep_the_export_valid(check, tables) -> None:
    tables["lessons"].loc[0, "topic"] = None
    tables["lessons"].loc[3, "confirmed_at"] = None
    tables["attendance"] = tables["attendance"][tables["attendance"]["lesson_id"] != "l5"]
    tables["messages"].loc[2, ["approved_by", "approved_at"]] = None
    report = check(tables)
    assert report.errors == []
    found = sorted((p.rule, p.table, p.row, p.column) for p in report.warnings)
    assert found == [
        ("approval.missing", "messages", 3, "approved_by"),
        ("attendance.none", "lessons", 5, "lesson_id"),
        ("confirmation.missing", "lessons", 4, "confirmed_at"),
        ("topic.missing", "lessons", 1, "topic"),
    ]


def test_group_lesson_without_attendance_is_no_warning(check, tables) -> None:
    tables["attendance"] = tables["attendance"][tables["attendance"]["lesson_id"] != "l3"]
    assert check(tables).warnings == []


def test_empty_table_with_header_only_is_fine(check, tables) -> None:
    tables["notes"] = tables["notes"].iloc[0:0]
    tables["message_attachments"] = pd.DataFrame(columns=["message_id", "file_name"])
    assert check(tables).errors == []
