"""Fixtures of the audit tests: a state directory, a log with a stepping clock, the CLI."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from audit_helpers import StepClock, run_cli

from archiver.audit import AuditLog


@pytest.fixture
def state_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh state directory, also the default of every CLI run of the test."""
    path = tmp_path / "state"
    monkeypatch.setenv("ARCHIVER_STATE_DIR", str(path))
    monkeypatch.delenv("ARCHIVER_CONFIG", raising=False)
    return path


@pytest.fixture
def clock() -> StepClock:
    return StepClock(datetime(2026, 6, 1, 8, 0, tzinfo=UTC))


@pytest.fixture
def log(state_dir: Path, clock: StepClock) -> AuditLog:
    return AuditLog(state_dir, clock=clock)


@pytest.fixture
def cli(capsys: pytest.CaptureFixture):
    """Run `archiver ARGS...`; returns (exit code, stdout, stderr)."""

    def invoke(*args: str) -> tuple[int, str, str]:
        return run_cli(list(args), capsys)

    return invoke
