"""A job's `record()` block leaves exactly one entry saying how the job ended."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from audit_helpers import fill

from archiver.audit import AuditLog, AuditLogDamaged, record
from archiver.errors import RefusedError, ValidationFailed

SCOPE = {"school_id": "sp7", "school_year": "2025/2026", "term": 2, "classes": ["7a"]}


def test_a_finished_job_records_ok_with_its_outputs(log: AuditLog, tmp_path: Path) -> None:
    bundle = tmp_path / "sp7-2025-2026-okres-2.zip"
    bundle.write_bytes(b"PK" + b"\0" * 100)
    with record(log, "term-end", operator="sekretariat", scope=SCOPE) as rec:
        rec.add_output(bundle, kind="bundle")
        rec.add_output_bytes("protokol.pdf", b"%PDF-1.7 ...")
    (entry,) = log.entries()
    assert entry == rec.entry
    assert (entry.command, entry.result, entry.scope) == ("term-end", "ok", SCOPE)
    assert entry.outputs[0] == {
        "name": bundle.name, "kind": "bundle", "size": 102,
        "sha256": hashlib.sha256(bundle.read_bytes()).hexdigest(),
    }  # fmt: skip
    assert entry.outputs[1]["name"] == "protokol.pdf"


@pytest.mark.parametrize(
    "error,result",
    [
        (ValueError("Kowalska Anna: bad row"), "failed"),
        (ValidationFailed("row 3 pesel 12231412345 is wrong", report=None), "failed"),
        (RefusedError("weak password"), "refused"),
        (KeyboardInterrupt(), "interrupted"),
    ],
)
def test_a_job_that_ends_early_records_why_without_its_message(
    log: AuditLog, error: BaseException, result: str
) -> None:
    with pytest.raises(type(error)):
        with record(log, "render", operator="dyrektor", scope=SCOPE):
            raise error
    (entry,) = log.entries()
    assert entry.result == result and entry.reason
    text = log.path.read_text(encoding="utf-8")
    assert "Kowalska" not in text and "12231412345" not in text


def test_a_reason_set_by_the_job_is_kept(log: AuditLog) -> None:
    with pytest.raises(RefusedError):
        with record(log, "disclose", operator="sekretariat", scope={"student_id": "S1"}) as rec:
            rec.reason = "approver is not a director"
            raise RefusedError("T2 is not a director")
    (entry,) = log.entries()
    assert (entry.result, entry.reason) == ("refused", "approver is not a director")


def test_refusals_can_be_left_out_of_the_log(log: AuditLog) -> None:
    with pytest.raises(RefusedError):
        with record(log, "disclose", operator="x", scope={"student_id": "S1"},
                    record_refusals=False):  # fmt: skip
            raise RefusedError("student does not exist")
    assert list(log.entries()) == []


def test_a_password_in_scope_stops_the_job_before_it_runs(log: AuditLog) -> None:
    ran = []
    with pytest.raises(RefusedError, match="password"):
        with record(log, "term-end", operator="x", scope={"password": "Tajne-123"}):
            ran.append(True)
    assert ran == [] and not log.path.exists()


def test_the_runs_password_never_reaches_the_log(log: AuditLog) -> None:
    password = "Zielona-Sowa-42-Lata"
    with pytest.raises(RefusedError):
        with record(log, "disclose", operator="x", scope={"student_id": "S1"},
                    case_ref=password, secrets=[password]):  # fmt: skip
            pass
    assert not log.path.exists()


def test_a_damaged_log_stops_the_job_before_it_writes_anything(log: AuditLog) -> None:
    lines = fill(log, 2)
    log.path.write_bytes(b"".join(lines)[:-3])
    ran = []
    with pytest.raises(AuditLogDamaged):
        with record(log, "term-end", operator="x", scope=SCOPE):
            ran.append(True)
    assert ran == []


def test_record_accepts_a_state_directory(state_dir: Path) -> None:
    with record(state_dir, "verify", operator="x", scope={"bundle": "b.zip"}):
        pass
    assert [e.command for e in AuditLog(state_dir).entries()] == ["verify"]
