"""Every file archiver leaves under a final name is in an audit entry (issue 13, finding 2).

A write fails, in turn, at each file term-end and disclose write (bundle, sidecar,
protocol, cover letter, slip, copy, copy sidecar, the audit log itself): afterwards every
file left under a final name in any output folder is listed, with its SHA-256, by the
run's audit entry; when the entry itself cannot be written, nothing is left at all.
"""

from __future__ import annotations

import errno
import hashlib
import os
from pathlib import Path

import pytest
from bundle_faults import can_mount, tmpfs
from click.testing import CliRunner
from minimal_export import write_minimal

from archiver.audit import AuditLog
from archiver.cli import main_group
from archiver.errors import ExitCode

PASSWORD = "tarcza-Wrzos-kompas-Lipa-93-zegar-Pstrag"
_real_write = os.write


class FailNthFile:
    """ENOSPC on every write into the `nth` distinct file (0-based) the run writes under
    `root` (partial files and the audit log): a medium that fills up just there."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, root: Path, nth: int | None) -> None:
        self.root, self.nth, self.files = str(root.resolve()), nth, []
        monkeypatch.setattr(os, "write", self._write)

    def _write(self, fd: int, data: bytes) -> int:
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            return _real_write(fd, data)
        if not target.startswith(self.root) or not (".partial-" in target
                                                    or target.endswith("audit.jsonl")):
            return _real_write(fd, data)
        if target not in self.files:
            self.files.append(target)
        if self.files.index(target) == self.nth:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return _real_write(fd, data)


@pytest.fixture
def work(tmp_path: Path) -> Path:
    write_minimal(tmp_path, "zip")
    (tmp_path / "pw.txt").write_text(PASSWORD + "\n")
    for folder in ("out", "copy", "slips"):
        (tmp_path / folder).mkdir()
    return tmp_path


def term_end(work: Path, state: Path | None = None):
    args = ["term-end", str(work / "export.zip"), "--out", str(work / "out"), "--state-dir",
            str(state or work / "state"), "-j", "1", "--copy-to", str(work / "copy"),
            "--slip-out", str(work / "slips" / "haslo.txt"), "--no-cache"]
    return CliRunner().invoke(main_group, args, env={"SOURCE_DATE_EPOCH": "1782570600"})


def disclose(work: Path, state: Path | None = None):
    args = ["disclose", str(work / "export.zip"), "--student", "st1", "--recipient",
            "Sąd Rejonowy w Testowie", "--legal-basis", "art. 1", "--case-ref", "III K 1/26",
            "--approved-by", "d1", "--out", str(work / "out"), "--slip-out",
            str(work / "slips" / "haslo.txt"), "--state-dir", str(state or work / "state"),
            "-j", "1"]
    return CliRunner().invoke(main_group, args, env={"SOURCE_DATE_EPOCH": "1782570600"})


def left_under_final_names(work: Path) -> dict[str, str]:
    """name -> sha256 of every file in the output folders, none partial."""
    found = {}
    for folder in ("out", "copy", "slips"):
        for path in (work / folder).iterdir():
            assert ".partial-" not in path.name, path
            found[f"{folder}/{path.name}"] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def recorded(state: Path) -> set[tuple[str, str]]:
    log = AuditLog(state)
    if not log.path.exists():
        return set()
    assert log.verify().ok
    entries = list(log.entries())
    return {(o["name"], o["sha256"]) for o in entries[-1].outputs} if entries else set()


def assert_everything_left_is_recorded(work: Path, state: Path) -> dict[str, str]:
    left = left_under_final_names(work)
    listed = recorded(state)
    for name, sha in left.items():
        assert (Path(name).name, sha) in listed, f"{name} exists but is not in the audit entry"
    return left


def one_error_line(result) -> str:
    errors = [ln for ln in result.output.splitlines() if ln.startswith("archiver: error:")]
    assert len(errors) == 1 and "Traceback" not in result.output, result.output
    return errors[0]


@pytest.mark.parametrize("command", [term_end, disclose], ids=["term-end", "disclose"])
def test_a_failure_at_each_file_written_leaves_only_recorded_files(
        work: Path, monkeypatch: pytest.MonkeyPatch, command) -> None:
    counting = FailNthFile(monkeypatch, work, None)
    assert command(work, work / "count").exit_code == 0
    files = len(counting.files)
    assert files >= 5  # bundle, sidecar, protocol (, letter), slip (, copy), audit log
    for nth in range(files):
        for folder in ("out", "copy", "slips"):
            for path in (work / folder).iterdir():
                path.unlink()
        state = work / f"state-{nth}"
        FailNthFile(monkeypatch, work, nth)
        result = command(work, state)
        assert result.exit_code == ExitCode.STORAGE, (nth, result.output)
        line = one_error_line(result)
        left = assert_everything_left_is_recorded(work, state)
        assert "nothing was left under a final name" not in result.output or not left, line
        for name in left:
            assert str(work / name) in result.output, (name, result.output)


def test_a_full_state_disk_withdraws_the_published_bundle(
        work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    FailNthFile(monkeypatch, work / "state", 0)  # the audit log is the only file there
    result = term_end(work)
    assert result.exit_code == ExitCode.STORAGE, result.output
    line = one_error_line(result)
    assert "audit entry could not be written" in line and "withdrawn" in line, line
    assert left_under_final_names(work) == {}


@pytest.mark.skipif(not can_mount(), reason="a full tmpfs needs mount(8) as root")
@pytest.mark.parametrize("command", [term_end, disclose], ids=["term-end", "disclose"])
def test_a_really_full_state_disk_leaves_nothing_unrecorded(work: Path, command) -> None:
    with tmpfs(work / "small", "size=256k") as small:
        state = small / "state"
        state.mkdir(mode=0o700)
        fd = os.open(small / "filler", os.O_WRONLY | os.O_CREAT, 0o600)
        try:  # fill every block: the audit append gets ENOSPC
            while True:
                os.write(fd, b"\0" * 4096)
        except OSError:
            pass
        finally:
            os.close(fd)
        result = command(work, state)
        assert result.exit_code == ExitCode.STORAGE, result.output
        line = one_error_line(result)
        assert "audit" in line, line
        assert left_under_final_names(work) == {}


def test_a_full_copy_medium_names_the_files_that_exist_and_records_them(
        work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    FailNthFile(monkeypatch, work / "copy", 0)
    result = term_end(work)
    assert result.exit_code == ExitCode.STORAGE, result.output
    assert "nothing was left under a final name" not in result.output
    left = assert_everything_left_is_recorded(work, work / "state")
    assert any(n.endswith(".zip") for n in left) and "slips/haslo.txt" in left
    entry = list(AuditLog(work / "state").entries())[-1]
    assert entry.result == "failed"
    assert {o.get("kind") for o in entry.outputs} >= {"bundle", "protocol", "password-slip"}


@pytest.mark.parametrize("where", ["out", "link-to-out", "out/inside", "above", "copy-twice"])
def test_a_copy_that_would_be_no_second_copy_is_refused_before_any_work(
        work: Path, where: str) -> None:
    """--copy-to the output folder (or a symlink to it, a folder inside or above it, or
    the same copy folder twice) printed 'Copy: ... (verified)' for a file that was one."""
    (work / "out" / "inside").mkdir()
    (work / "link-to-out").symlink_to(work / "out")
    copies = {"out": [work / "out"], "link-to-out": [work / "link-to-out"],
              "out/inside": [work / "out" / "inside"], "above": [work],
              "copy-twice": [work / "copy", work / "copy"]}[where]
    args = ["term-end", str(work / "export.zip"), "--out", str(work / "out"), "--state-dir",
            str(work / "state"), "-j", "1", "--password-file", str(work / "pw.txt")]
    (work / "pw.txt").write_text(PASSWORD + "\n")
    for folder in copies:
        args += ["--copy-to", str(folder)]
    result = CliRunner().invoke(main_group, args, env={"SOURCE_DATE_EPOCH": "1782570600"})
    assert result.exit_code == ExitCode.REFUSED, result.output
    line = one_error_line(result)
    assert "no second copy" in line and str(copies[-1]) in line, line
    assert not list((work / "out").glob("*.zip"))


@pytest.mark.parametrize("where", ["out/hasla", "above-out", "copy/hasla", "above-copy",
                                   "link-to-out"])
def test_a_slip_in_or_above_an_output_or_copy_folder_is_refused_before_any_work(
        work: Path, where: str) -> None:
    """`--out med --slip-out med/hasla/s.txt` and `--out med2/paczki --slip-out med2/s.txt`
    both put the password on the bundle's medium (issue 13, finding 6)."""
    (work / "out" / "hasla").mkdir()
    (work / "copy" / "hasla").mkdir()
    (work / "med").mkdir()
    (work / "link-to-out").symlink_to(work / "out")
    out, copy = work / "out", work / "copy"
    slip = {"out/hasla": out / "hasla" / "s.txt", "above-out": work / "s.txt",
            "copy/hasla": copy / "hasla" / "s.txt", "above-copy": work / "s.txt",
            "link-to-out": work / "link-to-out" / "hasla" / "s.txt"}[where]
    if where == "above-out":
        out, copy = work / "med" / "paczki", work / "copy"
        out.mkdir()
    if where == "above-copy":
        out, copy = work / "out", work / "med" / "kopia"
        copy.mkdir()
        slip = work / "med" / "s.txt"
    args = ["term-end", str(work / "export.zip"), "--out", str(out), "--state-dir",
            str(work / "state"), "-j", "1", "--copy-to", str(copy), "--slip-out", str(slip),
            "--no-cache"]
    result = CliRunner().invoke(main_group, args, env={"SOURCE_DATE_EPOCH": "1782570600"})
    assert result.exit_code == ExitCode.REFUSED, result.output
    line = one_error_line(result)
    assert str(slip) in line and "password slip" in line, line
    assert "another medium" in result.output  # what to do
    assert not list(out.rglob("*.zip")) and not list(copy.rglob("*.zip"))
    assert not slip.exists()


def test_a_copy_and_slip_on_the_bundles_file_system_are_warned_of(work: Path) -> None:
    """A second copy on the same disk protects against less: the summary and the handover
    protocol say so (the run itself goes on: README's demo keeps working)."""
    from hostile_support import pdf_text

    result = term_end(work)
    assert result.exit_code == 0, result.output
    warnings = [ln for ln in result.output.splitlines() if ln.startswith("archiver: warning:")]
    assert any(str(work / "copy") in ln and "same" in ln for ln in warnings), result.output
    assert any(str(work / "slips" / "haslo.txt") in ln and "same" in ln
               for ln in warnings), result.output
    protocol = next((work / "out").glob("*-protokol.pdf"))
    text = " ".join(pdf_text(protocol.read_bytes()).split())
    assert "na tym samym dysku" in text and "kopia" in text and "hasł" in text, text


@pytest.mark.slow
def test_a_disclosures_slip_on_the_bundles_file_system_is_warned_of(work: Path) -> None:
    result = disclose(work)
    assert result.exit_code == 0, result.output
    assert any(ln.startswith("archiver: warning: the password slip") and "same disk" in ln
               for ln in result.output.splitlines()), result.output


@pytest.mark.slow
@pytest.mark.skipif(not can_mount(), reason="needs root to mount a tmpfs as another disk")
def test_a_copy_and_slip_on_other_media_get_no_warning(work: Path) -> None:
    from hostile_support import pdf_text

    with tmpfs(work / "copy", "size=8m"), tmpfs(work / "slips", "size=1m"):
        result = term_end(work)
        assert result.exit_code == 0, result.output
        assert "archiver: warning:" not in result.output, result.output
        protocol = next((work / "out").glob("*-protokol.pdf"))
        assert "na tym samym dysku" not in " ".join(pdf_text(protocol.read_bytes()).split())
