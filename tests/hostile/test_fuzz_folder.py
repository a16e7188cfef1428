"""Folder exports (CSV + export.json) broken at random: a clean load or one clear error,
never a traceback, never a file written anywhere."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hostile_mutations import baseline_files, broken_export
from hostile_support import load_in_sandbox, sandbox
from hypothesis import example, given
from hypothesis import strategies as st


def write_folder(folder: Path, files: dict[str, bytes]) -> Path:
    folder.mkdir()
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return folder


def test_the_unbroken_baseline_loads() -> None:
    with sandbox() as box:
        assert load_in_sandbox(box, write_folder(box.input / "e", baseline_files())) == "ok"


@given(broken_export())
@example({**baseline_files(), "notes.csv": b"note_id,student_id\r\nn1,\x00st1\r\n"})
@example({**baseline_files(), "export.json": b"\xff\xfe{\x00}\x00"})
@example({**baseline_files(), "notes.csv": b"note_id,student_id,teacher_id,date,kind,text\r\n"
          b"n1,st1,t1,9999-12-31,positive,x\r\n"})
@example({**baseline_files(), "export.json": baseline_files()["export.json"].replace(
    b'"Europe/Warsaw"', b'"Europe"')})
@example({**baseline_files(), "classes.csv": b"class_id,name,grade\r\nc1,1a,"
          b"99999999999999999999999\r\n"})
@example({**baseline_files(), "subjects.csv": b'subject_id,name\r\nsub1,"' + b"x" * 500_000})
def test_a_broken_folder_export_loads_or_is_refused_cleanly(files: dict[str, bytes]) -> None:
    with sandbox() as box:
        load_in_sandbox(box, write_folder(box.input / "e", files))


@given(st.sampled_from(sorted(n for n in baseline_files() if n.endswith(".csv"))),
       st.sampled_from(["link-out", "link-dir", "link-loop", "link-dangling", "fifo", "dir"]))
def test_odd_entries_in_the_export_folder_are_refused_without_reading_them(
        name: str, kind: str) -> None:
    with sandbox() as box:
        folder = write_folder(box.input / "e", baseline_files())
        target = folder / name
        target.unlink()
        secret = box.root / "outside.csv"
        secret.write_bytes(baseline_files()[name])
        if kind == "link-out":
            os.symlink(secret, target)
        elif kind == "link-dir":
            os.symlink(box.root, target)
        elif kind == "link-loop":
            os.symlink(target, target)
        elif kind == "link-dangling":
            os.symlink(box.root / "gone.csv", target)
        elif kind == "fifo":
            os.mkfifo(target)  # reading it would block for ever
        else:
            target.mkdir()
        assert load_in_sandbox(box, folder) == "unreadable"


def test_a_symlink_to_a_file_inside_the_folder_is_read() -> None:
    with sandbox() as box:
        folder = write_folder(box.input / "e", baseline_files())
        (folder / "real-notes.data").write_bytes((folder / "notes.csv").read_bytes())
        (folder / "notes.csv").unlink()
        os.symlink("real-notes.data", folder / "notes.csv")
        assert load_in_sandbox(box, folder) == "ok"


@pytest.mark.parametrize("name", ["../students.csv", "sub/../../x.csv"])
def test_a_table_name_with_dots_is_only_a_file_name(name: str) -> None:
    # Folder exports are listed, never asked for by a name from the data: a file called
    # "..something.csv" is just an unknown table.
    with sandbox() as box:
        folder = write_folder(box.input / "e", baseline_files())
        (folder / name.replace("/", "_")).write_bytes(b"a,b\r\n1,2\r\n")
        assert load_in_sandbox(box, folder) == "ok"
