"""Unique keys (a duplicate names both rows) and referential integrity."""

from __future__ import annotations

import pandas as pd
import pytest
from problem_checks import only_error


def _append(tables, name, row) -> None:
    frame = tables[name]
    tables[name] = pd.concat([frame, pd.DataFrame([row], columns=frame.columns, dtype=object)],
                             ignore_index=True)


def test_duplicate_id_names_both_rows(check, tables) -> None:
    tables["staff"].loc[2, "staff_id"] = "t1"
    problem = only_error(check(tables), "unique", "staff", 3, "staff_id")
    assert "'t1'" in problem.message and "repeats row 1" in problem.message


def test_duplicate_attendance_of_one_student_at_one_lesson(check, tables) -> None:
    _append(tables, "attendance", ["l1", "st1", "nb", "t1", None])
    problem = only_error(check(tables), "unique", "attendance", 7, "lesson_id, student_id")
    assert "repeats row 1" in problem.message


def test_register_number_is_unique_within_a_class(check, tables) -> None:
    tables["students"].loc[1, "register_number"] = 1
    problem = only_error(check(tables), "unique", "students", 2, "class_id, register_number")
    assert "repeats row 1" in problem.message


def test_same_register_number_in_two_classes_is_fine(check, tables) -> None:
    tables["students"].loc[3, "register_number"] = 2  # c2 has 1 and 2; 0101 has 1 and 2
    assert check(tables).errors == []


def test_same_school_day_off_twice_is_a_duplicate(check, tables) -> None:
    _append(tables, "days_off", [tables["days_off"].loc[0, "date"], "again", None])
    only_error(check(tables), "unique", "days_off", 3, "date, class_id")


def test_two_held_lessons_in_one_slot(check, tables) -> None:
    tables["lessons"].loc[1, "status"] = "held"  # l2 shared l1's slot as a cancelled lesson
    tables["lessons"].loc[1, "topic"] = "Drugi temat"
    tables["lessons"].loc[1, "confirmed_at"] = "2025-09-02T09:00:00+02:00"
    _append(tables, "attendance", ["l2", "st1", "ob", None, None])
    problem = only_error(check(tables), "unique.held_slot", "lessons", 2,
                         "class_id, date, period, group")
    assert "repeats row 1" in problem.message


def test_two_groups_may_share_a_slot(check, tables) -> None:
    _append(tables, "lessons", ["l6", "c2", tables["lessons"].loc[2, "date"], 2, "sub1", "t1",
                                "Temat", "held", "gr. 2", None, "2026-02-17T10:00:00+01:00"])
    assert check(tables).errors == []


@pytest.mark.parametrize("table,row,column", [
    ("classes", 0, "homeroom_teacher_id"),
    ("students", 0, "class_id"),
    ("guardians", 2, "student_id"),
    ("lessons", 0, "class_id"),
    ("lessons", 0, "subject_id"),
    ("lessons", 0, "teacher_id"),
    ("attendance", 0, "lesson_id"),
    ("attendance", 0, "student_id"),
    ("attendance", 0, "symbol"),
    ("attendance", 0, "recorded_by"),
    ("grades", 0, "student_id"),
    ("grades", 0, "subject_id"),
    ("grades", 0, "teacher_id"),
    ("behaviour", 0, "student_id"),
    ("behaviour", 0, "teacher_id"),
    ("notes", 0, "student_id"),
    ("notes", 0, "teacher_id"),
    ("days_off", 1, "class_id"),
    ("messages", 0, "sender_id"),
    ("messages", 3, "audience_class_id"),
    ("messages", 2, "approved_by"),
    ("messages", 1, "reply_to"),
    ("message_recipients", 1, "message_id"),
    ("message_recipients", 0, "recipient_id"),
    ("message_attachments", 0, "message_id"),
    ("changes", 0, "changed_by"),
])
def test_id_pointing_nowhere_is_an_error(check, tables, table, row, column) -> None:
    tables[table].loc[row, column] = "nikt"
    report = check(tables)
    refs = [p for p in report.errors if p.rule == "reference"]
    assert [(p.table, p.row, p.column, p.value) for p in refs] == [(table, row + 1, column,
                                                                    "nikt")]
    assert "'nikt'" in refs[0].message


@pytest.mark.parametrize("table,row,id_column,kind_column,kind,target", [
    ("messages", 1, "sender_id", "sender_kind", "staff", "staff"),       # g1 is a guardian
    ("messages", 0, "sender_id", "sender_kind", "student", "students"),  # t1 is staff
    ("message_recipients", 0, "recipient_id", "recipient_kind", "student", "students"),
    ("message_recipients", 1, "recipient_id", "recipient_kind", "guardian", "guardians"),
])
def test_person_id_must_be_of_the_stated_kind(check, tables, table, row, id_column,
                                              kind_column, kind, target) -> None:
    tables[table].loc[row, kind_column] = kind
    problem = only_error(check(tables), "reference", table, row + 1, id_column)
    assert target in problem.message


def test_approval_by_someone_who_is_not_director(check, tables) -> None:
    tables["messages"].loc[2, "approved_by"] = "t1"
    problem = only_error(check(tables), "approval.director", "messages", 3, "approved_by")
    assert "director" in problem.message
