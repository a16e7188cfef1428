"""The same export read from a folder, a zip, a workbook and a SQLite database."""

from __future__ import annotations

import hashlib
import sqlite3
import zipfile

import pytest
from minimal_export import write_minimal

from archiver.load import load_dataset, read_and_validate
from archiver.sources import read_export
from archiver.sources.write import write_export

FORMATS = ("folder", "zip", "xlsx", "sqlite")


def _digest(path) -> dict[str, str]:
    files = sorted(path.iterdir()) if path.is_dir() else [path]
    return {f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in files}


def test_all_four_containers_give_equal_datasets(tmp_path) -> None:
    datasets = {}
    for fmt in FORMATS:
        dataset, report = load_dataset(write_minimal(tmp_path, fmt))
        assert report.warnings == [] and dataset.source.container == fmt
        datasets[fmt] = dataset
    for fmt in FORMATS[1:]:
        assert datasets["folder"].equals(datasets[fmt]), fmt


@pytest.mark.parametrize("fmt", FORMATS)
def test_writer_output_is_byte_identical_for_the_same_input(tmp_path, fmt) -> None:
    first = write_minimal(tmp_path / "a", fmt)
    second = write_minimal(tmp_path / "b", fmt)
    assert _digest(first) == _digest(second)


def test_csv_is_rfc4180_utf8_with_the_formats_text(tmp_path) -> None:
    folder = write_minimal(tmp_path)
    lessons = (folder / "lessons.csv").read_bytes().decode("utf-8")
    assert lessons.startswith("lesson_id,class_id,date,period,")
    first = lessons.split("\r\n")[1]
    assert first == ("l1,0101,2025-09-02,1,sub1,t1,Lekcja organizacyjna,held,,false,"
                     "2025-09-02T08:50:00+02:00")
    assert '"Mickiewicz, ""Dziady"""' in lessons


def test_workbook_has_export_sheet_with_dotted_keys(tmp_path) -> None:
    from openpyxl import load_workbook

    book = load_workbook(write_minimal(tmp_path, "xlsx"), read_only=True)
    pairs = dict(list(book["export"].iter_rows(values_only=True))[1:])
    assert pairs["school.name"].startswith("Szkoła") and pairs["terms.2.start"] == "2026-02-16"
    assert pairs["terms.2.term"] == 2


def test_zip_with_one_top_folder(tmp_path) -> None:
    folder = write_minimal(tmp_path)
    path = tmp_path / "nested.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for file in sorted(folder.iterdir()):
            archive.write(file, f"eksport-2026/{file.name}")
    dataset, _ = load_dataset(path)
    assert dataset.source.container == "zip" and len(dataset.lessons) == 5


def test_container_is_detected_from_content_when_the_extension_lies(tmp_path) -> None:
    zipped = write_minimal(tmp_path, "zip")
    database = write_minimal(tmp_path, "sqlite")
    workbook = write_minimal(tmp_path, "xlsx")
    for source, lie in ((zipped, "export.db"), (database, "export.zip"),
                        (workbook, "export.sqlite")):
        target = tmp_path / "lies" / lie
        target.parent.mkdir(exist_ok=True)
        target.write_bytes(source.read_bytes())
        assert read_export(target).container == source.suffix.lstrip(".")
        target.unlink()


def test_workbook_numbers_in_identifier_columns_read_as_text(tmp_path, tables) -> None:
    tables["subjects"].loc[0, "subject_id"] = 101  # a numeric cell; lessons say "101"
    tables["lessons"].loc[[0, 4], "subject_id"] = "101"
    tables["grades"].loc[[0, 3], "subject_id"] = 101.0
    dataset, report = read_and_validate(write_minimal(tmp_path, "xlsx", tables))
    assert report.errors == []
    assert dataset.subjects["subject_id"].tolist() == ["101", "sub2"]


def test_sqlite_native_values_and_null(tmp_path) -> None:
    path = write_minimal(tmp_path, "sqlite")
    db = sqlite3.connect(path)
    db.execute("UPDATE lessons SET substitution = 1 WHERE lesson_id = 'l1'")
    db.execute("UPDATE lessons SET topic = '' WHERE lesson_id = 'l2'")
    db.execute("UPDATE grades SET weight = 2.0 WHERE grade_id = 'gr1'")
    db.commit()
    db.close()
    dataset, report = load_dataset(path)
    assert bool(dataset.lessons["substitution"].iloc[0]) is True
    assert dataset.lessons["topic"].isna().iloc[1]
    assert dataset.grades["weight"].iloc[0] == 2.0


def test_csv_with_bom_and_blank_lines(tmp_path) -> None:
    folder = write_minimal(tmp_path)
    staff = folder / "staff.csv"
    staff.write_bytes(b"\xef\xbb\xbf" + staff.read_bytes() + b"\r\n\r\n")
    dataset, report = load_dataset(folder)
    assert dataset.staff["staff_id"].tolist() == ["t1", "d1", "s1"]


def test_error_cites_the_file_line_when_quoted_fields_span_lines(tmp_path, tables) -> None:
    tables["messages"].loc[0, "body"] = "linia 1\nlinia 2\nlinia 3"
    tables["messages"].loc[2, "audience"] = "wszyscy"
    _, report = read_and_validate(write_minimal(tmp_path, tables=tables))
    problem = next(p for p in report.errors if p.rule == "enum")
    assert (problem.row, problem.line) == (3, 6)
    assert problem.message.startswith("messages row 3 (line 6), column audience")


def test_workbook_errors_cite_the_sheet_row_and_sqlite_the_data_row(tmp_path, tables) -> None:
    tables["lessons"].loc[3, "status"] = "odbyta"
    for fmt, line in (("xlsx", 5), ("sqlite", None)):
        _, report = read_and_validate(write_minimal(tmp_path, fmt, tables, name=fmt))
        problem = next(p for p in report.errors if p.rule == "enum")
        assert (problem.row, problem.line) == (4, line)


def test_rows_keep_the_exports_order(tmp_path, tables) -> None:
    tables["staff"] = tables["staff"].iloc[::-1].reset_index(drop=True)
    for fmt in FORMATS:
        dataset, _ = load_dataset(write_minimal(tmp_path, fmt, tables, name=fmt))
        assert dataset.staff["staff_id"].tolist() == ["s1", "d1", "t1"], fmt


def test_text_that_looks_like_a_formula_stays_text(tmp_path, tables) -> None:
    tables["lessons"].loc[0, "topic"] = "=SUM(A1:A2)"
    tables["notes"].loc[0, "text"] = "#N/A"
    dataset, _ = load_dataset(write_minimal(tmp_path, "xlsx", tables))
    assert dataset.lessons["topic"].iloc[0] == "=SUM(A1:A2)"
    assert dataset.notes["text"].iloc[0] == "#N/A"


def test_writer_refuses_an_unknown_format(tmp_path, tables, export) -> None:
    with pytest.raises(ValueError, match="unknown export format"):
        write_export(tables, export, tmp_path / "x.xml", "xml")


def test_zip_reader_never_extracts_to_disk(tmp_path, monkeypatch) -> None:
    path = write_minimal(tmp_path, "zip")

    def refuse(*_args, **_kwargs):
        raise AssertionError("extracted to disk")

    monkeypatch.setattr(zipfile.ZipFile, "extract", refuse)
    monkeypatch.setattr(zipfile.ZipFile, "extractall", refuse)
    dataset, _ = load_dataset(path)
    assert len(dataset.attendance) == 6
