"""`verify` with the slip term-end printed, or the password typed at a hidden prompt; a
bundle copied under another name ("paczka (1).zip", as Windows names copies) verifies."""

from __future__ import annotations

import os
import shutil
import sys
from datetime import datetime
from pathlib import Path

import pexpect
import pytest

from archiver.bundle import BundleResult
from archiver.cli import main
from archiver.errors import ExitCode
from archiver.passwords import ENV_VAR, Password, PasswordSlip


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(args)
    out, err = capsys.readouterr()
    return int(exited.value.code or 0), out, err


@pytest.fixture
def slip(tmp_path: Path, bundle: BundleResult, password: Password) -> Path:
    path = tmp_path / "haslo-sem1.txt"
    path.write_text(PasswordSlip(bundle.path.name, bundle.sha256, password,
                                 datetime(2026, 6, 27, 15, 30), "Sekretariat").text())
    return path


@pytest.fixture(autouse=True)
def _no_env_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_VAR, raising=False)


@pytest.mark.parametrize("option", ["--slip", "--password-file"])
def test_the_slip_as_term_end_wrote_it_opens_the_bundle(option, bundle, slip, password,
                                                         capsys) -> None:
    code, out, err = run(["verify", str(bundle.path), option, str(slip)], capsys)
    assert code == ExitCode.OK, out + err
    assert "VERDICT: OK, the bundle is complete and unchanged" in out
    assert password.reveal() not in out + err


def test_a_file_that_is_no_slip_is_refused_clearly(bundle, tmp_path, capsys) -> None:
    other = tmp_path / "notatka.txt"
    other.write_text("zakupy: kreda\n")
    code, _, err = run(["verify", str(bundle.path), "--slip", str(other)], capsys)
    assert code == ExitCode.INVALID
    assert "is not a password slip written by archiver" in err


def test_a_copy_under_another_name_verifies_and_says_so(bundle, password, tmp_path,
                                                        capsys) -> None:
    copies = tmp_path / "pendrive"
    copies.mkdir()
    copy = copies / f"{bundle.path.stem} (1).zip"
    shutil.copyfile(bundle.path, copy)
    shutil.copyfile(bundle.sidecar_path, copies / bundle.sidecar_path.name)  # as it was
    pw = tmp_path / "pw.txt"
    pw.write_text(password.reveal())
    code, out, err = run(["verify", str(copy), "--password-file", str(pw)], capsys)
    assert code == ExitCode.OK, out + err
    assert "VERDICT: OK, the bundle is complete and unchanged" in out
    assert f"note: the file is named {copy.name} but holds the bag {bundle.path.stem}" in out
    assert "problem" not in out
    # its sidecar renamed along with it ("(1)" copies of both) is found too
    (copies / bundle.sidecar_path.name).rename(copies / f"{copy.name}.sha256")
    code, out, err = run(["verify", str(copy), "--password-file", str(pw)], capsys)
    assert code == ExitCode.OK, out + err


def test_a_renamed_copy_that_was_changed_still_fails(bundle, password, tmp_path,
                                                     capsys) -> None:
    copy = tmp_path / "paczka (1).zip"
    data = bytearray(bundle.path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    copy.write_bytes(bytes(data))
    pw = tmp_path / "pw.txt"
    pw.write_text(password.reveal())
    code, out, _ = run(["verify", str(copy), "--password-file", str(pw)], capsys)
    assert code == ExitCode.VERIFY_FAILED
    assert "VERDICT: FAILED" in out


def _spawn_verify(bundle: Path, tmp_path: Path) -> pexpect.spawn:
    env = {**os.environ, "ARCHIVER_LANG": "pl", "ARCHIVER_STATE_DIR": str(tmp_path / "st")}
    env.pop(ENV_VAR, None)
    return pexpect.spawn(sys.executable, ["-m", "archiver", "verify", str(bundle)], env=env,
                         encoding="utf-8", timeout=120, dimensions=(40, 200))


def test_on_a_terminal_the_password_is_asked_for_hidden(bundle, password, tmp_path) -> None:
    child = _spawn_verify(bundle.path, tmp_path)
    child.expect("Hasło paczki")
    child.sendline(password.reveal())
    child.expect(pexpect.EOF)
    child.close()
    shown = child.before
    assert child.exitstatus == ExitCode.OK, shown
    assert "WYNIK: POPRAWNA, paczka jest kompletna i niezmieniona" in shown
    assert password.reveal() not in shown  # no echo, never printed


def test_on_a_terminal_enter_alone_checks_without_the_password(bundle, tmp_path) -> None:
    child = _spawn_verify(bundle.path, tmp_path)
    child.expect("Hasło paczki")
    child.sendline("")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == ExitCode.OK, child.before
    assert "zawartości NIE sprawdzono" in child.before
