"""Inputs that cannot be read at all: one clear InputError line, nothing extracted."""

from __future__ import annotations

import os
import sqlite3
import zipfile

import pytest
from minimal_export import write_minimal

from archiver.errors import InputError
from archiver.load import load_dataset
from archiver.sources import archive


def _refused(path, *words: str) -> str:
    with pytest.raises(InputError) as caught:
        load_dataset(path)
    message = str(caught.value)
    assert "\n" not in caught.value.message and "Traceback" not in message
    for word in words:
        assert word in message, message
    return message


def _zip(path, entries: dict[str, bytes]):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in entries.items():
            out.writestr(name, data)
    return path


def test_missing_path(tmp_path) -> None:
    _refused(tmp_path / "brak.zip", "no such file")


def test_bad_utf8_names_file_and_line(tmp_path) -> None:
    folder = write_minimal(tmp_path)
    data = (folder / "subjects.csv").read_bytes()
    data = data.replace("Język".encode(), "Język".encode("cp1250"))
    (folder / "subjects.csv").write_bytes(data)
    _refused(folder, "subjects.csv", "UTF-8", "line 2")


def test_missing_export_json_in_folder(tmp_path) -> None:
    folder = write_minimal(tmp_path)
    (folder / "export.json").unlink()
    _refused(folder, "export.json")


def test_export_json_that_is_not_json(tmp_path) -> None:
    folder = write_minimal(tmp_path)
    (folder / "export.json").write_text("{format: register-export", encoding="utf-8")
    _refused(folder, "export.json", "JSON", "line 1")


def test_csv_row_with_too_many_fields(tmp_path) -> None:
    folder = write_minimal(tmp_path)
    with (folder / "subjects.csv").open("ab") as out:
        out.write(b"sub3,Fizyka,fiz.,extra\r\n")
    _refused(folder, "subjects.csv", "line 4")


def test_symlink_pointing_outside_the_folder(tmp_path) -> None:
    folder = write_minimal(tmp_path)
    secret = tmp_path / "secret.csv"
    secret.write_text("subject_id,name\nx,y\n", encoding="utf-8")
    (folder / "subjects.csv").unlink()
    os.symlink(secret, folder / "subjects.csv")
    _refused(folder, "subjects.csv", "outside")


def test_not_a_zip(tmp_path) -> None:
    path = tmp_path / "eksport.zip"
    path.write_text("to nie jest zip", encoding="utf-8")
    _refused(path, "eksport.zip", "not a zip")


def test_truncated_zip(tmp_path) -> None:
    path = write_minimal(tmp_path, "zip")
    path.write_bytes(path.read_bytes()[:300])
    _refused(path, "export.zip")


def test_zip_without_export_json(tmp_path) -> None:
    _refused(_zip(tmp_path / "e.zip", {"staff.csv": b"staff_id\n"}), "export.json")


@pytest.mark.parametrize("name", ["../export.json", "/etc/export.json", "a/../../x.csv"])
def test_zip_entry_escaping_the_archive(tmp_path, name) -> None:
    folder = write_minimal(tmp_path)
    entries = {f.name: f.read_bytes() for f in folder.iterdir()}
    entries[name] = b"x"
    _refused(_zip(tmp_path / "evil.zip", entries), "outside the archive")


def test_zip_bomb_by_ratio(tmp_path) -> None:
    folder = write_minimal(tmp_path)
    entries = {f.name: f.read_bytes() for f in folder.iterdir()}
    entries["notes.csv"] = b"note_id,student_id\r\n" + b"0" * (20 * 1024**2)
    _refused(_zip(tmp_path / "bomb.zip", entries), "bomb")


def test_zip_over_the_total_size_cap(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(archive, "MAX_TOTAL_BYTES", 1000)
    _refused(write_minimal(tmp_path, "zip"), "GiB")


def test_corrupt_workbook(tmp_path) -> None:
    path = tmp_path / "eksport.xlsx"
    _zip(path, {"[Content_Types].xml": b"<nope", "xl/workbook.xml": b"<broken"})
    _refused(path, "eksport.xlsx", "workbook")


def test_workbook_that_is_not_a_zip(tmp_path) -> None:
    path = tmp_path / "eksport.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0 an old .xls file")
    _refused(path, "eksport.xlsx", "not an .xlsx workbook")


def test_workbook_without_export_sheet(tmp_path) -> None:
    from openpyxl import load_workbook

    path = write_minimal(tmp_path, "xlsx")
    book = load_workbook(path)
    del book["export"]
    book.save(path)
    _refused(path, "export")


def test_file_that_is_not_sqlite(tmp_path) -> None:
    path = tmp_path / "eksport.sqlite"
    path.write_bytes(b"nothing here")
    _refused(path, "eksport.sqlite", "not a SQLite database")


def test_locked_database(tmp_path) -> None:
    path = write_minimal(tmp_path, "sqlite")
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        holder.execute("DELETE FROM notes")
        _refused(path, "locked")
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_database_without_export_table(tmp_path) -> None:
    path = write_minimal(tmp_path, "sqlite")
    with sqlite3.connect(path) as db:
        db.execute("DROP TABLE export")
    _refused(path, "export")


def test_unknown_kind_of_file(tmp_path) -> None:
    path = tmp_path / "eksport.pdf"
    path.write_bytes(b"%PDF-1.7")
    _refused(path, "not a register export")


def test_database_text_that_is_not_utf8(tmp_path) -> None:
    path = write_minimal(tmp_path, "sqlite")
    with sqlite3.connect(path) as db:
        db.execute("UPDATE subjects SET name = CAST(X'4aea7a796b' AS TEXT) "
                   "WHERE subject_id = 'sub1'")
    _refused(path, "export.sqlite", "UTF-8")
