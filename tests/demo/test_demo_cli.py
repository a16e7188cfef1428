"""`archiver demo`: writes the container asked for, prints counts only, refuses overwrites."""

from __future__ import annotations

import pytest

from archiver.cli import main
from archiver.demo import generate
from archiver.errors import ExitCode


def run(capsys, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as stop:
        main(["demo", *args])
    out, err = capsys.readouterr()
    return stop.value.code, out, err


def test_writes_a_folder_and_prints_counts_but_no_names(tmp_path, capsys, tables) -> None:
    code, out, _err = run(capsys, str(tmp_path / "demo"))
    assert code == ExitCode.OK
    assert (tmp_path / "demo" / "students.csv").is_file()
    assert "2 classes, 24 students" in out and "lessons" in out and "messages" in out
    people = set(tables["students"]["last_name"]) | set(tables["staff"]["last_name"])
    assert not any(name in out for name in people)


@pytest.mark.parametrize("name,fmt", [("d.zip", "zip"), ("d.xlsx", "xlsx"), ("d.sqlite", "sqlite")])
def test_the_format_follows_the_file_name(tmp_path, capsys, name, fmt) -> None:
    code, _out, _err = run(capsys, str(tmp_path / name), "--seed", "3")
    assert code == ExitCode.OK and (tmp_path / name).is_file()
    code, _out, _err = run(capsys, str(tmp_path / "x" / name), "--format", fmt)
    assert code == ExitCode.OK


def test_format_and_name_that_disagree_are_a_usage_error(tmp_path, capsys) -> None:
    code, _out, err = run(capsys, str(tmp_path / "d.zip"), "--format", "sqlite")
    assert code == ExitCode.USAGE
    assert "sqlite format needs a file name ending with .sqlite" in err
    assert "Traceback" not in err and not (tmp_path / "d.zip").exists()


def test_refuses_a_non_empty_target(tmp_path, capsys) -> None:
    target = tmp_path / "d.zip"
    target.write_bytes(b"old")
    code, _out, err = run(capsys, str(target))
    assert code == ExitCode.REFUSED and "not empty" in err
    assert target.read_bytes() == b"old"


def test_same_seed_via_the_command_matches_the_library(tmp_path, capsys) -> None:
    run(capsys, str(tmp_path / "a"), "--seed", "9")
    tables, _export = generate("small", 9)
    header, *rows = (tmp_path / "a" / "classes.csv").read_text(encoding="utf-8").splitlines()
    assert [r.split(",")[1] for r in rows] == list(tables["classes"]["name"])
