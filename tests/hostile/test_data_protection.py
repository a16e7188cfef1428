"""What a data protection auditor checks beyond the issue's list: an error about a bad row
quotes that cell and nothing else of the person, and no process archiver starts can see
the bundle password (not in its environment, not in its command line)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from minimal_export import minimal_tables, write_minimal

from archiver.load import read_and_validate

PASSWORD = "kompas-Lipa-93-zegar-Pstrag-tarcza-Wrzos"
# The personal data of student st1 (row 1 of students.csv).
PERSON = {"first_name": "Ola", "last_name": "Adamska", "birth_place": "Bielsko-Biała",
          "pesel": "12251412341", "address": "ul. Leśna 2"}


@pytest.mark.parametrize(("column", "bad"), [
    ("birth_date", "14.05.2012"), ("pesel", "1225141234X"), ("register_number", "pierwszy"),
    ("class_id", "nieznana"), ("enrolled_on", "wrzesień"),
])
def test_an_error_about_a_pupils_row_quotes_only_the_bad_cell(tmp_path: Path, column: str,
                                                              bad: str) -> None:
    tables = minimal_tables()
    tables["students"].loc[0, column] = bad
    _dataset, report = read_and_validate(write_minimal(tmp_path, "folder", tables))
    mine = [p for p in report.errors if p.table == "students" and p.row == 1]
    assert mine and bad in mine[0].message
    for problem in report.errors + report.warnings:
        leaked = [k for k, v in PERSON.items() if k != column and v in problem.message]
        assert not leaked, problem.message


def _descendants_see(process: psutil.Process, secret: str) -> tuple[int, list[str]]:
    """How many descendants were seen, and where the secret showed in any of them: its
    environment as the kernel shows it (the block it started with: a forked process shows
    its parent's) or its command line."""
    seen, found = set(), []
    while process.is_running() and process.status() != psutil.STATUS_ZOMBIE:
        for child in process.children(recursive=True):
            try:
                environ = child.environ()
                cmdline = " ".join(child.cmdline())
            except psutil.Error:
                continue
            seen.add(child.pid)
            if any(secret in v for v in environ.values()) or secret in cmdline:
                found.append(f"{child.pid}: {cmdline[:80]}")
        time.sleep(0.05)
    return len(seen), found


def test_worker_processes_never_see_the_password(tmp_path: Path) -> None:
    export = write_minimal(tmp_path, "zip")
    env = {**os.environ, "ARCHIVER_PASSWORD": PASSWORD, "TMPDIR": str(tmp_path)}
    run = subprocess.Popen(
        [sys.executable, "-m", "archiver", "term-end", str(export), "--create-out", "--out",
         str(tmp_path / "out"), "--state-dir", str(tmp_path / "state"), "-j", "2",
         "--no-cache"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    seen, found = _descendants_see(psutil.Process(run.pid), PASSWORD)
    out, err = run.communicate(timeout=600)
    assert run.returncode == 0, err.decode()
    assert seen >= 2, "no worker process was observed"
    assert found == []
    assert PASSWORD.encode() not in out + err
