"""Helpers of the audit tests: a controllable clock, sample entries, running the CLI."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from archiver.audit import AuditLog
from archiver.cli import main

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "school_small"


class StepClock:
    """A clock that starts at `start` and moves `step` forward at every reading."""

    def __init__(self, start: datetime, step: timedelta = timedelta(hours=1)) -> None:
        self.now = start
        self.step = step

    def __call__(self) -> datetime:
        current = self.now
        self.now += self.step
        return current


SAMPLE_COMMANDS = ("render", "term-end", "disclose", "verify", "render", "term-end")


def sample_fields(number: int) -> dict:
    """Varied, realistic fields for the `number`-th sample entry."""
    command = SAMPLE_COMMANDS[number % len(SAMPLE_COMMANDS)]
    fields = {
        "command": command,
        "operator": f"sekretariat-{number}",
        "scope": {"school_id": "sp7", "school_year": "2025/2026", "term": 2,
                  "classes": ["7a", "7b"]},
        "outputs": [{"name": f"plik-{number}.zip", "sha256": f"{number:064x}", "size": number}],
    }  # fmt: skip
    if command == "disclose":
        fields.update(
            scope={"student_id": "S1", "documents": ["register", "messages"],
                   "period": {"from": "2025-09-01", "to": "2026-01-30"}},
            recipient="Sąd Rejonowy, III Wydział Rodzinny i Nieletnich",
            legal_basis="art. 6 ust. 1 lit. c RODO", case_ref=f"III Nsm {number}/26",
            approved_by="T1",
        )  # fmt: skip
    return fields


def fill(log: AuditLog, count: int) -> list[bytes]:
    """Append `count` sample entries; returns the log's lines (newline included)."""
    for number in range(1, count + 1):
        log.append(sample_fields(number))
    return log.path.read_bytes().splitlines(keepends=True)


def run_cli(args: list[str], capsys: pytest.CaptureFixture) -> tuple[int, str, str]:
    """Run `archiver ARGS` as the console script does; returns (exit code, stdout, stderr)."""
    with pytest.raises(SystemExit) as exited:
        main(args)
    captured = capsys.readouterr()
    return int(exited.value.code or 0), captured.out, captured.err
