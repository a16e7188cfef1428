"""README's Polish quick-start, run verbatim in a terminal (a pseudo-terminal): every
command succeeds, the last verify is answered at the hidden prompt with the password from
the (printed, then deleted) slip, and the password never appears on the screen."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pexpect

ROOT = Path(__file__).resolve().parents[2]
PROMPT = "QUICKSTART-READY> "


def quickstart_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Szybki start dla sekretariatu (po polsku)", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section.split("\n## ", 1)[0], re.S)
    assert block, "the Polish quick-start has no ```sh block"
    return [line for line in block.group(1).splitlines() if line.strip()]


def test_the_polish_quickstart_works_verbatim_ending_with_verify(tmp_path) -> None:
    (tmp_path / ".venv").symlink_to(ROOT / ".venv")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARCHIVER_")}
    env.update({"LANG": "C", "PS1": PROMPT, "ARCHIVER_STATE_DIR": str(tmp_path / "stan")})
    shell = pexpect.spawn("bash", ["--norc", "--noprofile"], cwd=str(tmp_path), env=env,
                          encoding="utf-8", timeout=600, dimensions=(40, 200))
    shell.logfile_read = screen = io.StringIO()
    shell.expect_exact(PROMPT)
    password = None
    commands = quickstart_commands()
    assert commands[-1].startswith("archiver verify ") and "--slip" not in commands[-1]
    for command in commands:
        shell.sendline(command)
        if command == commands[-1]:
            shell.expect("Hasło paczki")
            assert password, "the slip was never read"
            shell.sendline(password)
        shell.expect_exact(PROMPT)
        shell.sendline("echo rc=$?")
        shell.expect(r"rc=(\d+)")
        assert shell.match.group(1) == "0", f"{command!r} failed:\n{screen.getvalue()[-3000:]}"
        shell.expect_exact(PROMPT)
        if command.startswith("archiver term-end"):
            slip = tmp_path / "hasla" / "haslo-sem1.txt"
            password = slip.read_text(encoding="utf-8").split("Hasło:")[1].split()[0]
    shell.sendline("exit")
    shell.expect(pexpect.EOF)
    shown = screen.getvalue()
    assert shown.count("WYNIK: POPRAWNA, paczka jest kompletna i niezmieniona") == 2
    assert "Kartka z hasłem:" in shown and "Użycie" not in shown
    assert password not in shown
    assert not (tmp_path / "hasla" / "haslo-sem1.txt").exists()
