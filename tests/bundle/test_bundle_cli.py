"""`archiver verify`: verdict, exit status, and the password never printed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bundle_zip_tools import data_span, flip_byte, refresh_sidecar

from archiver.bundle import BundleResult
from archiver.cli import main
from archiver.errors import ExitCode
from archiver.passwords import ENV_VAR, Password

BIG = "SP25-2025-2026-okres-1/data/dokumenty/duzy.bin"


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(args)
    out, err = capsys.readouterr()
    return int(exited.value.code or 0), out, err


@pytest.fixture
def password_file(tmp_path: Path, password: Password) -> Path:
    path = tmp_path / "haslo.txt"
    path.write_text(password.reveal() + "\n")
    return path


def test_an_intact_bundle_verifies_with_exit_0(bundle: BundleResult, password_file: Path,
                                              password: Password,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["verify", str(bundle.path), "--password-file", str(password_file)],
                         capsys)
    assert code == ExitCode.OK, out + err
    assert "VERDICT: OK, the bundle is complete and unchanged" in out
    assert bundle.sha256 in out
    assert password.reveal() not in out + err


def test_the_password_may_come_from_the_environment(bundle: BundleResult, password: Password,
                                                    monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv(ENV_VAR, password.reveal())
    code, out, _ = run(["verify", str(bundle.path)], capsys)
    assert code == ExitCode.OK and "NOT checked" not in out


def test_without_a_password_it_says_what_it_did_not_check(
        bundle: BundleResult, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv(ENV_VAR, raising=False)
    code, out, _ = run(["verify", str(bundle.path)], capsys)
    assert code == ExitCode.OK
    assert "NOT checked: decryption and integrity (HMAC) of each entry (no password given)" in out
    assert "contents were NOT checked" in out


def test_damage_exits_3_naming_the_entry_and_cause(bundle: BundleResult, password_file: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    _, start, end = data_span(bundle.path, BIG)
    flip_byte(bundle.path, (start + end) // 2)
    refresh_sidecar(bundle.path)
    code, out, err = run(["verify", str(bundle.path), "--password-file", str(password_file)],
                         capsys)
    assert code == ExitCode.VERIFY_FAILED
    assert f"entry {BIG}: integrity check (HMAC) failed" in out
    assert err.startswith(f"archiver: error: {bundle.path.name} does not verify: entry {BIG}")


def test_a_wrong_password_exits_3(bundle: BundleResult, tmp_path: Path,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("not-the-password-at-all\n")
    code, out, err = run(["verify", str(bundle.path), "--password-file", str(wrong)], capsys)
    assert code == ExitCode.VERIFY_FAILED
    assert "wrong password" in err and "not-the-password-at-all" not in out + err


def test_a_missing_bundle_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["verify", str(tmp_path / "nothing.zip")], capsys)
    assert code == ExitCode.INVALID and "does not exist" in err


def test_json_output_lists_problems(bundle: BundleResult, password_file: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    bundle.sidecar_path.write_text("0" * 64 + f"  {bundle.path.name}\n")
    code, out, _ = run(["verify", str(bundle.path), "--password-file", str(password_file),
                        "--json"], capsys)
    report = json.loads(out)
    assert code == ExitCode.VERIFY_FAILED and report["ok"] is False
    assert report["problems"][0]["expected"] == "0" * 64
    assert report["problems"][0]["found"] == bundle.sha256
