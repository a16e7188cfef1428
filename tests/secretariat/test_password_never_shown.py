"""No run of a command that takes a bundle password prints it, on a terminal or off it:
everything written to stdout and stderr is searched."""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

import pexpect
import pytest
from click.testing import CliRunner

from archiver.cli import main_group
from archiver.passwords import ENV_VAR

PASSWORD = "tarcza-Wrzos-kompas-Lipa-93-zegar-Pstrag"
WEAK = "szkola2026"


@pytest.fixture(scope="module")
def archived(tmp_path_factory, demo_export):
    root = tmp_path_factory.mktemp("pw")
    (root / "out").mkdir()
    (root / "pw.txt").write_text(PASSWORD + "\n")
    (root / "weak.txt").write_text(WEAK + "\n")
    (root / "wrong.txt").write_text("zupelnie-inne-haslo-77-lipa\n")
    result = CliRunner().invoke(main_group, [
        "term-end", str(demo_export), "--term", "1", "--out", str(root / "out"),
        "--password-file", str(root / "pw.txt"), "--state-dir", str(root / "st"), "-j", "1"])
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.stdout + result.stderr
    return root, next((root / "out").glob("*.zip")), demo_export


def _a_pupil(export: Path) -> str:
    from archiver.load import load_dataset

    return str(load_dataset(export)[0].students["student_id"].iloc[0])


def _not_a_signature(root: Path) -> Path:
    path = root / "podpis.p7s"
    path.write_bytes(b"to nie jest podpis\n")
    return path


def _runs(root: Path, bundle: Path, export: Path) -> list[list[str]]:
    st = ["--state-dir", str(root / "st")]
    return [
        ["disclose", str(export), "--student", _a_pupil(export), "--recipient",
         "Sąd Rejonowy w Lipowie", "--legal-basis", "art. 15 ust. 1", "--case-ref",
         "III Nsm 1/26", "--document", "attendance", "--out", str(root / "udostepnienia"),
         "--create-out", "--password-file", str(root / "pw.txt"), "-j", "1", *st],
        ["sign-attach", str(bundle), str(_not_a_signature(root)), "--password-file",
         str(root / "pw.txt")],
        ["verify", str(bundle), "--password-file", str(root / "pw.txt"), *st],
        ["verify", str(bundle), "--password-file", str(root / "wrong.txt"), *st],
        ["verify", str(bundle), "--json", "--password-file", str(root / "pw.txt"), *st],
        ["sign-request", str(bundle), "--out", str(root / "m.txt"), "--password-file",
         str(root / "pw.txt")],
        ["term-end", str(export), "--term", "1", "--out", str(root / "out"),
         "--password-file", str(root / "weak.txt"), *st],
    ]


@pytest.mark.parametrize("index", range(7))
def test_off_a_terminal_nothing_printed_holds_the_password(archived, index) -> None:
    root, bundle, export = archived
    args = _runs(root, bundle, export)[index]
    for lang in ("pl", "en"):
        if args[0] == "disclose":  # a second disclosure would be refused: a new folder
            args[args.index("--out") + 1] = str(root / f"udostepnienia-{lang}")
        result = CliRunner().invoke(main_group, args, env={"ARCHIVER_LANG": lang})
        printed = result.stdout + result.stderr
        assert PASSWORD not in printed and WEAK not in printed, args
        if args[0] == "disclose":
            assert result.exit_code == 0, printed
        if args[0] == "sign-attach":
            assert result.exit_code != 0, printed  # read with the password, then refused
    if args[0] == "term-end":
        assert result.exit_code == 4  # the weak password is refused, without echoing it


def test_the_environment_password_is_not_printed_either(archived, monkeypatch) -> None:
    root, bundle, _ = archived
    monkeypatch.setenv(ENV_VAR, PASSWORD)
    result = CliRunner().invoke(main_group, ["verify", str(bundle), "--state-dir",
                                             str(root / "st")])
    assert result.exit_code == 0
    assert PASSWORD not in result.stdout + result.stderr


@pytest.mark.parametrize("typed", [PASSWORD, "zle-haslo-wpisane-z-kartki"])
def test_on_a_terminal_neither_the_prompt_nor_the_verdict_shows_it(archived, typed) -> None:
    root, bundle, _ = archived
    env = {**os.environ, "ARCHIVER_LANG": "pl", "ARCHIVER_STATE_DIR": str(root / "st")}
    env.pop(ENV_VAR, None)
    for args in (["verify", str(bundle)],
                 ["sign-request", str(bundle), "--out", str(root / f"m-{len(typed)}.txt")],
                 ["sign-attach", str(bundle), str(_not_a_signature(root))]):
        child = pexpect.spawn(sys.executable, ["-m", "archiver", *args], env=env,
                              encoding="utf-8", timeout=300, dimensions=(40, 200))
        child.logfile_read = shown = io.StringIO()
        child.expect("Hasło paczki")
        child.sendline(typed)
        child.expect(pexpect.EOF)
        child.close()
        assert typed not in shown.getvalue(), args
        assert PASSWORD not in shown.getvalue(), args
