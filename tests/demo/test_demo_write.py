"""Writing the demo: byte-identical per seed, valid in every container, never overwriting."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from archiver.demo import build_demo, write_demo
from archiver.errors import RefusedError, UsageError
from archiver.load import read_and_validate

NAMES = {"folder": "demo", "zip": "demo.zip", "xlsx": "demo.xlsx", "sqlite": "demo.sqlite"}
# The demo shows each warning the format allows on purpose, and nothing else.
DELIBERATE_WARNINGS = {"topic.missing", "confirmation.missing", "approval.missing",
                       "attendance.none"}


def _contents(path: Path) -> dict[str, bytes]:
    if path.is_dir():
        return {p.name: p.read_bytes() for p in sorted(path.iterdir())}
    return {path.name: path.read_bytes()}


@pytest.mark.parametrize("fmt", list(NAMES))
def test_same_seed_gives_byte_identical_output(tmp_path, fmt) -> None:
    one = write_demo(tmp_path / "a" / NAMES[fmt], "small", 5, fmt)
    two = write_demo(tmp_path / "b" / NAMES[fmt], "small", 5, fmt)
    other = write_demo(tmp_path / "c" / NAMES[fmt], "small", 6, fmt)
    assert _contents(one) == _contents(two)
    assert _contents(one) != _contents(other)


@pytest.mark.parametrize("fmt", list(NAMES))
def test_small_demo_is_valid_in_every_container(tmp_path, fmt) -> None:
    path = write_demo(tmp_path / NAMES[fmt], "small", 2026, fmt)
    dataset, report = read_and_validate(path)
    assert report.errors == [], [p.message for p in report.errors[:5]]
    assert dataset is not None and dataset.source.container == fmt
    assert {p.rule for p in report.warnings} == DELIBERATE_WARNINGS


def test_counts_describe_what_was_written(tmp_path) -> None:
    result = build_demo(tmp_path / "demo", "small", 2026, "folder")
    dataset, _ = read_and_validate(result.path)
    assert result.classes == len(dataset.classes) == 2
    assert result.students == dataset.students["student_id"].nunique()
    assert result.lessons == len(dataset.lessons) and result.messages == len(dataset.messages)


def test_refuses_to_overwrite_a_non_empty_target(tmp_path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "keep.txt").write_text("mine")
    with pytest.raises(RefusedError, match="not empty"):
        write_demo(folder)
    assert [p.name for p in folder.iterdir()] == ["keep.txt"]
    archive = tmp_path / "out.zip"
    archive.write_bytes(b"data")
    with pytest.raises(RefusedError):
        write_demo(archive, fmt="zip")
    assert archive.read_bytes() == b"data"


def test_an_empty_folder_or_file_is_filled(tmp_path) -> None:
    (tmp_path / "empty").mkdir()
    assert (write_demo(tmp_path / "empty") / "export.json").is_file()
    (tmp_path / "empty.sqlite").touch()
    assert write_demo(tmp_path / "empty.sqlite", fmt="sqlite").stat().st_size > 0


@pytest.mark.parametrize("name,fmt", [("demo.zip", "xlsx"), ("demo", "zip"),
                                      ("demo.xlsx", "folder"), ("demo.csv", "sqlite")])
def test_a_name_that_does_not_fit_the_format_is_a_usage_error(tmp_path, name, fmt) -> None:
    with pytest.raises(UsageError):
        write_demo(tmp_path / name, fmt=fmt)
    assert list(tmp_path.iterdir()) == []


# A workbook of the large school (870,000 attendance rows) takes minutes to write and read
# back with openpyxl; the folder, zip and SQLite forms cover it.
FULL_YEAR = [(size, fmt) for size in ("school", "large") for fmt in NAMES
             if (size, fmt) != ("large", "xlsx")]


@pytest.mark.slow
@pytest.mark.parametrize("size,fmt", FULL_YEAR)
def test_full_year_demos_are_valid(tmp_path, size, fmt) -> None:
    path = write_demo(tmp_path / NAMES[fmt], size, 2026, fmt)
    _dataset, report = read_and_validate(path)
    assert report.errors == [], [p.message for p in report.errors[:5]]
    assert {p.rule for p in report.warnings} == DELIBERATE_WARNINGS


def test_identical_across_processes_whatever_the_hash_seed(tmp_path) -> None:
    """Reruns on another day are separate processes, with another str hash seed."""
    script = ("import sys; from archiver.demo import write_demo; "
              "write_demo(sys.argv[1], 'small', 2026, 'zip')")
    outputs = []
    for hash_seed in ("1", "2"):
        out = tmp_path / f"run{hash_seed}.zip"
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        subprocess.run([sys.executable, "-c", script, str(out)], env=env, check=True)
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
