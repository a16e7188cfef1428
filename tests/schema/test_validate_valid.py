"""The minimal valid export passes, and the Dataset has the declared dtypes."""

from __future__ import annotations

from datetime import date

import pandas as pd
from minimal_export import write_minimal

from archiver.load import load_dataset, read_and_validate
from archiver.schema.tables import TABLES


def test_valid_export_has_no_error_and_no_warning(check) -> None:
    report = check()
    assert report.errors == [] and report.warnings == []


def test_dataset_has_every_table_with_declared_dtypes(tmp_path) -> None:
    dataset, report = load_dataset(write_minimal(tmp_path))
    assert set(dataset.tables) == set(TABLES)
    for name, table in TABLES.items():
        frame = dataset.tables[name]
        assert list(frame.columns) == list(table.column_names)
        assert [str(t) for t in frame.dtypes] == [str(pd.Series([], dtype=c.dtype).dtype)
                                                  for c in table.columns], name
        assert isinstance(frame.index, pd.RangeIndex)


def test_values_are_typed_and_times_in_utc(tmp_path) -> None:
    dataset, _ = load_dataset(write_minimal(tmp_path))
    lessons = dataset.lessons
    assert lessons["class_id"].tolist()[:2] == ["0101", "0101"]  # an id keeps its leading zero
    assert lessons["date"].iloc[0] == pd.Timestamp("2025-09-02")
    assert str(lessons["confirmed_at"].iloc[0]) == "2025-09-02 06:50:00+00:00"
    assert lessons["substitution"].tolist() == [False, pd.NA, True, False, pd.NA]
    assert dataset.grades["weight"].tolist() == [2.0, pd.NA, 1.5, pd.NA]
    assert dataset.messages["body"].iloc[0] == "Dzień dobry,\nzapraszam na zebranie."
    assert dataset.meta.terms[1].start == date(2026, 2, 16)
    assert dataset.meta.school.regon == "000000000"
    assert dataset.source.container == "folder"


def test_optional_tables_may_be_absent(check, tables) -> None:
    for name in ("behaviour", "notes", "message_attachments", "changes"):
        del tables[name]
    report = check(tables)
    assert report.errors == []


def test_unknown_tables_and_columns_are_ignored(tmp_path, tables) -> None:
    tables["timetable"] = pd.DataFrame({"x": ["1"]})
    tables["lessons"]["room"] = "12"
    dataset, report = read_and_validate(write_minimal(tmp_path, tables=tables))
    assert report.errors == []
    assert "timetable" not in dataset.tables and "room" not in dataset.lessons.columns


def test_load_dataset_raises_with_the_whole_report(tmp_path, tables) -> None:
    import pytest

    from archiver.errors import ExitCode, ValidationFailed

    tables["lessons"].loc[0, "status"] = "odbyta"
    tables["lessons"].loc[1, "period"] = "x"
    with pytest.raises(ValidationFailed) as caught:
        load_dataset(write_minimal(tmp_path, tables=tables))
    assert caught.value.exit_code == ExitCode.INVALID
    assert len(caught.value.report.errors) == 2
    assert "2 error(s)" in caught.value.message and "archiver validate" in str(caught.value)
