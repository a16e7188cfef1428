"""Tables, columns, required values, types and enumerations: one broken rule per test."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import pytest
from problem_checks import only_error


def test_missing_required_table_is_named(check, tables) -> None:
    del tables["subjects"]
    report = check(tables)
    only_error(report, "table.missing", "subjects", None, None)
    assert "subjects" in report.errors[0].message


def test_missing_required_column_is_named(check, tables) -> None:
    tables["lessons"] = tables["lessons"].drop(columns=["status"])
    only_error(check(tables), "column.missing", "lessons", None, "status")


def test_column_given_twice_is_an_error(check, tables) -> None:
    frame = tables["subjects"]
    tables["subjects"] = pd.concat([frame, frame[["name"]]], axis=1)
    only_error(check(tables), "column.duplicate", "subjects", None, "name")


def test_missing_required_value_names_row_and_column(check, tables) -> None:
    tables["students"].loc[2, "last_name"] = None
    problem = only_error(check(tables), "required", "students", 3, "last_name")
    assert problem.line == 4


@pytest.mark.parametrize("table,row,column,value,rule", [
    ("lessons", 0, "date", "2025-13-01", "type.date"),
    ("lessons", 0, "date", "2025-09-31", "type.date"),
    ("lessons", 0, "date", "02.09.2025", "type.date"),
    ("lessons", 1, "period", "drugi", "type.int"),
    ("lessons", 2, "substitution", "yes", "type.bool"),
    ("lessons", 3, "confirmed_at", "2026-03-02T10:40:00", "type.datetime"),
    ("lessons", 3, "confirmed_at", "wczoraj", "type.datetime"),
    ("attendance", 0, "recorded_at", "2025-09-02 08:05", "type.datetime"),
    ("grades", 0, "weight", "ciężka", "type.float"),
])
def test_value_of_wrong_type_is_an_error(check, tables, table, row, column, value, rule) -> None:
    tables[table].loc[row, column] = value
    problem = only_error(check(tables), rule, table, row + 1, column)
    assert problem.value == value and repr(value) in problem.message


def test_naive_datetime_is_refused_with_a_hint(check, tables) -> None:
    tables["messages"].loc[1, "sent_at"] = datetime(2025, 9, 3, 18, 30)  # no time zone
    problem = only_error(check(tables), "type.datetime", "messages", 2, "sent_at")
    assert "no UTC offset" in problem.message


def test_datetime_with_z_is_utc(check, tables) -> None:
    tables["messages"].loc[1, "sent_at"] = "2025-09-03T16:30:00Z"
    assert check(tables).errors == []


@pytest.mark.parametrize("table,row,column,value", [
    ("lessons", 0, "status", "odbyta"),
    ("attendance_types", 0, "counts_as", "obecny"),
    ("messages", 0, "sender_kind", "teacher"),
    ("messages", 0, "audience", "all"),
    ("grades", 1, "kind", "zwykła"),
    ("behaviour", 0, "value", "super"),
    ("notes", 0, "kind", "bad"),
    ("message_recipients", 0, "recipient_kind", "parent"),
])
def test_value_outside_enumeration_is_an_error(check, tables, table, row, column, value) -> None:
    tables[table].loc[row, column] = value
    errors = check(tables).errors
    enum_errors = [p for p in errors if p.rule == "enum"]
    assert [(p.table, p.row, p.column, p.value) for p in enum_errors] == [
        (table, row + 1, column, value)]


def test_roles_are_checked_one_by_one(check, tables) -> None:
    tables["staff"].loc[2, "roles"] = "secretary;janitor"
    only_error(check(tables), "enum", "staff", 3, "roles")


def test_every_error_is_collected_not_only_the_first(check, tables) -> None:
    tables["lessons"].loc[0, "date"] = "zly"
    tables["students"].loc[0, "first_name"] = None
    tables["grades"].loc[2, "value"] = "9"
    tables["staff"].loc[2, "roles"] = "boss"
    report = check(tables)
    assert sorted(p.rule for p in report.errors) == ["enum", "grade.value", "required",
                                                     "type.date"]
