"""What an auditor re-checks in the stored log: fields, chain, permissions, torn tails."""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from pathlib import Path

import pytest
from audit_helpers import fill, sample_fields

from archiver import __version__
from archiver.audit import AuditLog, AuditLogDamaged
from archiver.errors import ExitCode, RefusedError, StorageError, UsageError


def test_entries_carry_every_field_and_chain_from_the_genesis_value(log: AuditLog) -> None:
    lines = fill(log, 3)
    previous = hashlib.sha256(b"archiver-audit-genesis-v1").hexdigest()
    for seq, line in enumerate(lines, 1):
        entry = json.loads(line)
        body = {k: v for k, v in entry.items() if k != "hash"}
        canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        assert entry["seq"] == seq
        assert entry["prev"] == previous
        assert entry["hash"] == hashlib.sha256(canonical.encode()).hexdigest()
        assert entry["software"] == {"name": "archiver", "version": __version__}
        assert entry["os_user"] and entry["host"] and entry["result"] == "ok"
        previous = hashlib.sha256(line.rstrip(b"\n")).hexdigest()
    disclose = json.loads(lines[1])
    assert disclose["command"] == "disclose" and disclose["approved_by"] == "T1"
    assert disclose["legal_basis"] == "art. 6 ust. 1 lit. c RODO"
    assert disclose["case_ref"] == "III Nsm 2/26"


def test_time_is_utc_from_the_real_clock_not_source_date_epoch(
    state_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    entry = AuditLog(state_dir).append(sample_fields(1))
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", entry.time)
    assert not entry.time.startswith("1970")


def test_the_state_directory_is_0700_and_the_log_and_lock_0600(log: AuditLog) -> None:
    old_umask = os.umask(0o022)
    try:
        fill(log, 1)
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(log.state_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE(log.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(log.lock_path.stat().st_mode) == 0o600


def test_an_append_after_a_torn_last_line_is_refused_and_changes_nothing(
    log: AuditLog, cli
) -> None:
    lines = fill(log, 3)
    torn = b"".join(lines)[:-30]
    log.path.write_bytes(torn)
    with pytest.raises(AuditLogDamaged) as refused:
        log.append(sample_fields(4))
    assert refused.value.exit_code == ExitCode.VERIFY_FAILED
    assert "line 3" in str(refused.value) and "archiver audit verify" in str(refused.value)
    assert log.path.read_bytes() == torn


def test_an_append_after_an_edited_last_line_is_refused(log: AuditLog) -> None:
    lines = fill(log, 2)
    lines[-1] = lines[-1].replace(b'"result":"ok"', b'"result":"failed"')
    log.path.write_bytes(b"".join(lines))
    with pytest.raises(AuditLogDamaged, match="line 2"):
        log.append(sample_fields(3))


def test_recover_sets_the_torn_line_aside_and_records_that(log: AuditLog, cli) -> None:
    lines = fill(log, 3)
    torn_tail = lines[-1][:-10]
    log.path.write_bytes(b"".join(lines[:-1]) + torn_tail)
    code, out, _err = cli("audit", "recover", "--operator", "admin")
    assert code == ExitCode.OK
    kept = [p for p in log.state_dir.iterdir() if p.name.startswith("audit-torn-")]
    assert len(kept) == 1 and kept[0].read_bytes() == torn_tail
    assert stat.S_IMODE(kept[0].stat().st_mode) == 0o600
    entries = list(log.entries())
    assert [e.seq for e in entries] == [1, 2, 3]
    recovery = entries[-1]
    assert (recovery.command, recovery.operator) == ("audit-recover", "admin")
    assert recovery.outputs[0]["sha256"] == hashlib.sha256(torn_tail).hexdigest()
    assert log.verify().ok and kept[0].name in out
    log.append(sample_fields(4))  # appending works again
    assert log.verify().count == 4


def test_recover_refuses_a_log_changed_in_any_other_way(log: AuditLog, cli) -> None:
    lines = fill(log, 3)
    lines[0] = lines[0].replace(b"sekretariat-1", b"sekretariat-9")
    log.path.write_bytes(b"".join(lines))
    before = log.path.read_bytes()
    code, _out, err = cli("audit", "recover")
    assert code == ExitCode.REFUSED and "line 1" in err and "evidence" in err
    assert log.path.read_bytes() == before


def test_recover_has_nothing_to_do_on_an_intact_log(log: AuditLog) -> None:
    fill(log, 2)
    before = log.path.read_bytes()
    with pytest.raises(UsageError, match="nothing to recover"):
        log.recover("admin")
    assert log.path.read_bytes() == before


def test_a_failed_write_leaves_the_log_as_it_was(
    log: AuditLog, monkeypatch: pytest.MonkeyPatch
) -> None:
    fill(log, 2)
    before = log.path.read_bytes()

    def disk_full(_fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(StorageError, match="No space left"):
        log.append(sample_fields(3))
    monkeypatch.undo()
    assert log.path.read_bytes() == before
    assert log.verify().ok


@pytest.mark.parametrize(
    "scope",
    [
        {"student_id": "S1", "password": "Tajne-Haslo-123"},
        {"student_id": "S1", "haslo": "Tajne-Haslo-123"},
        {"period": {"from": "2025-09-01", "zip_password": "Tajne-Haslo-123"}},
    ],
)
def test_a_password_passed_by_mistake_is_refused_and_not_written(
    log: AuditLog, scope: dict
) -> None:
    fill(log, 1)
    before = log.path.read_bytes()
    with pytest.raises(RefusedError, match="password") as refused:
        log.append({**sample_fields(2), "scope": scope})
    assert "Tajne" not in str(refused.value)
    assert log.path.read_bytes() == before


def test_the_runs_password_is_refused_in_any_field(log: AuditLog) -> None:
    secret = "kot-Ala-ma-7-lodzi"
    fields = {**sample_fields(3), "case_ref": f"III Nsm {secret}"}
    with pytest.raises(RefusedError) as refused:
        log.append(fields, secrets=[secret])
    assert secret not in str(refused.value)
    assert not log.path.exists() or secret.encode() not in log.path.read_bytes()


def test_a_students_name_cannot_enter_the_scope(log: AuditLog) -> None:
    with pytest.raises(ValueError, match="student_name"):
        log.append({**sample_fields(1), "scope": {"student_name": "Anna Kowalska"}})
    with pytest.raises(ValueError, match="longer than"):
        log.append({**sample_fields(1), "recipient": "x" * 5000})
    assert not log.path.exists()
