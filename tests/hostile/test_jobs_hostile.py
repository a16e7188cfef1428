"""Hostile ids and names through the jobs (render, term-end, disclose), as a data
protection auditor would check them: files only inside the output folders, safe file
names, owner-only permissions, no personal data in logs at any level, the password
nowhere but on the slip."""

from __future__ import annotations

import logging
import re
import stat
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hostile_support import snapshot
from minimal_export import minimal_export, minimal_tables, write_minimal

from archiver.bundle import verify_bundle
from archiver.cli import main_group

# Class, school and student ids and class names that try to leave the output folder.
RENAMES = {"0101": "../../klasa", "c2": "/tmp/hostile-c2", "st1": "../st1/..", "st3": "COM1",
           "7a": "..\\..\\CON", "8 b": "NUL"}
SCHOOL_ID = "../../szkola\\..\\x"
SCHOOL_NAME = "Szkoła\x07 <b>nr 1</b> \u202eodwrócona"
RECIPIENT = "Sąd Rejonowy\nWydział III\x1b[2J"
STUDENT = RENAMES["st1"]
PASSWORD = "tarcza-Wrzos-kompas-Lipa-93-zegar-Pstrag"
SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
DEVICES = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)),
           *(f"lpt{i}" for i in range(10))}


def hostile_tables() -> dict:
    tables = minimal_tables()
    for frame in tables.values():
        for column in frame.columns:
            frame[column] = frame[column].map(lambda v: RENAMES.get(v, v)
                                              if isinstance(v, str) else v)
    return tables


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.name} {record.getMessage()} {record.exc_text or ''}")


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory):
    """render, render --student, term-end (generated password) and disclose of the hostile
    export, every logger at DEBUG; (root, files before, results, log lines)."""
    root = tmp_path_factory.mktemp("hostile-jobs")
    (root / "work").mkdir()
    (root / "sentinel.txt").write_text("x")
    meta = minimal_export()
    meta["school"]["id"] = SCHOOL_ID
    meta["school"]["name"] = SCHOOL_NAME
    meta["school"]["address"] = "ul. Testowa 1\n43-300 Testowo"  # typed on two lines
    export = write_minimal(root / "work", "zip", hostile_tables(), meta)
    (root / "work" / "pw.txt").write_text(PASSWORD + "\n")
    (root / "work" / "slips").mkdir()
    (root / "work" / "tmp").mkdir()
    before = snapshot(root)
    collect = Collect()
    logger = logging.getLogger()
    old_level, previous_tmp = logger.level, tempfile.tempdir
    logger.addHandler(collect)
    logger.setLevel(logging.DEBUG)
    tempfile.tempdir = str(root / "work" / "tmp")
    w = root / "work"
    common = ["--state-dir", str(w / "state"), "-j", "1"]
    commands = {
        "render": ["render", str(export), "--out", str(w / "wydruki"), *common],
        "render-student": ["render", str(export), "--out", str(w / "wydruki-uczen"),
                           "--student", STUDENT, *common],
        "term-end": ["term-end", str(export),
                     "--create-out", "--out", str(w / "archiwum"), "--slip-out",
                     str(w / "slips" / "haslo.txt"), *common],
        "disclose": ["disclose", str(export), "--student", STUDENT, "--recipient",
                     RECIPIENT, "--legal-basis", "art. 1", "--case-ref", "../../X",
                     "--approved-by", "d1", "--create-out", "--out", str(w / "udostepnienia"),
                     "--password-file", str(w / "pw.txt"), *common],
    }
    try:
        results = {name: CliRunner().invoke(main_group, args, env={"SOURCE_DATE_EPOCH":
                                                                   "1782570600"})
                   for name, args in commands.items()}
    finally:
        logger.removeHandler(collect)
        logger.setLevel(old_level)
        tempfile.tempdir = previous_tmp
    return root, before, results, collect.lines


def test_every_job_succeeds_on_hostile_ids(runs) -> None:
    _root, _before, results, _ = runs
    for name, result in results.items():
        assert result.exit_code == 0, f"{name}: {result.output}"


def test_files_appear_only_inside_the_output_and_state_folders(runs) -> None:
    root, before, _, _ = runs
    added = sorted(set(snapshot(root)) - set(before))
    allowed = ("work/wydruki", "work/wydruki-uczen", "work/archiwum", "work/udostepnienia",
               "work/state", "work/slips/haslo.txt")
    assert added and [p for p in added if not p.startswith(allowed)] == []
    assert not list(Path("/tmp").glob("hostile-c2*")) and not Path("/etc/c2").exists()


def test_file_names_are_plain_and_never_device_names(runs) -> None:
    root, before, _, _ = runs
    for relative in set(snapshot(root)) - set(before):
        name = Path(relative).name
        assert SAFE_NAME.match(name) and ".." not in name, relative
        assert name.split(".")[0].lower() not in DEVICES, relative


def test_bundles_verify(runs) -> None:
    root = runs[0]
    bundles = list((root / "work").glob("*/*.zip"))
    assert len(bundles) == 2
    slip = (root / "work" / "slips" / "haslo.txt").read_text()
    generated = re.search(r"Hasło:\s+(\S+)", slip)[1]
    for bundle in bundles:
        password = generated if bundle.parent.name == "archiwum" else PASSWORD
        assert verify_bundle(bundle, password).ok


def test_everything_written_is_readable_by_its_owner_only(runs) -> None:
    root, before, _, _ = runs
    for relative in set(snapshot(root)) - set(before):
        path = root / relative
        mode = stat.S_IMODE(path.lstat().st_mode)
        wanted = 0o700 if path.is_dir() else 0o600
        assert mode == wanted, f"{relative}: {oct(mode)}"


def test_no_personal_data_or_password_in_log_output_at_debug(runs) -> None:
    _, _, results, lines = runs
    tables = minimal_tables()
    people = {str(v) for t, c in (("students", "last_name"), ("students", "first_name"),
                                  ("guardians", "last_name"), ("students", "address"))
              for v in tables[t][c].dropna()}
    generated = [r.output for r in results.values()]
    text = "\n".join(lines)
    assert not [p for p in people if p in text]
    assert PASSWORD not in text and not any(PASSWORD in g for g in generated)


def test_the_password_is_nowhere_but_on_the_slip(runs) -> None:
    root = runs[0]
    slip = root / "work" / "slips" / "haslo.txt"
    generated = re.search(rb"Has\xc5\x82o:\s+(\S+)", slip.read_bytes())[1]
    for path in (root / "work").rglob("*"):
        if path.is_file() and path not in (slip, root / "work" / "pw.txt"):
            data = path.read_bytes()
            assert generated not in data and PASSWORD.encode() not in data, path


def test_odd_text_reaches_bag_info_as_one_printable_line(runs) -> None:
    import pyzipper

    root = runs[0]
    slip = (root / "work" / "slips" / "haslo.txt").read_text()
    passwords = {"archiwum": re.search(r"Hasło:\s+(\S+)", slip)[1], "udostepnienia": PASSWORD}
    for folder, password in passwords.items():
        bundle = next((root / "work" / folder).glob("*.zip"))
        with pyzipper.AESZipFile(bundle) as archive:
            archive.setpassword(password.encode())
            name = next(n for n in archive.namelist() if n.endswith("/bag-info.txt"))
            info = archive.read(name).decode()
        unfolded = info.replace("\n ", " ")
        assert "Source-Organization: Szkoła\ufffd <b>nr 1</b> \ufffdodwrócona" in unfolded
        assert "Organization-Address: ul. Testowa 1 43-300 Testowo" in unfolded
        if folder == "udostepnienia":
            assert "Disclosure-Recipient: Sąd Rejonowy Wydział III\ufffd[2J" in unfolded
