"""term-end end to end on failing storage: a full disk, a read-only output folder, a copy
destination unplugged mid-copy, a slip folder that cannot be written. Each gives exit 5
with one clear line (no traceback), nothing half-written under a final name, nothing lost.

(tests/bundle/test_bundle_storage.py and test_bundle_copy.py test the bundle layer; these
run the whole command.)
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from bundle_faults import DiskFault, can_mount, tmpfs
from click.testing import CliRunner
from minimal_export import write_minimal

from archiver.audit import AuditLog
from archiver.bundle import verify_bundle
from archiver.cli import main_group
from archiver.errors import ExitCode

PASSWORD = "tarcza-Wrzos-kompas-Lipa-93-zegar-Pstrag"


@pytest.fixture
def work(tmp_path: Path) -> Path:
    write_minimal(tmp_path, "zip")
    (tmp_path / "pw.txt").write_text(PASSWORD + "\n")
    return tmp_path


def term_end(work: Path, out: Path, *extra: str):
    args = ["term-end", str(work / "export.zip"), "--create-out", "--out", str(out), "--state-dir",
            str(work / "state"), "-j", "1", *extra]
    if "--slip-out" not in extra:
        args += ["--password-file", str(work / "pw.txt")]
    return CliRunner().invoke(main_group, args, env={"SOURCE_DATE_EPOCH": "1782570600"})


def one_clear_line(result, *words: str) -> None:
    assert result.exit_code == ExitCode.STORAGE, result.output
    lines = result.output.strip().splitlines()
    error = [line for line in lines if line.startswith("archiver: error:")]
    assert len(error) == 1 and "Traceback" not in result.output, result.output
    for word in words:
        assert word in error[0], error[0]


def final_names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))


def audit_says(work: Path) -> str:
    log = AuditLog(work / "state")
    assert log.verify().ok
    return list(log.entries())[-1].result


def _full_disk(work: Path, monkeypatch: pytest.MonkeyPatch, size: str):
    if can_mount():
        return tmpfs(work / "small", f"size={size}")
    folder = work / "small"  # no mount here: the same ENOSPC at the write seam
    folder.mkdir()
    DiskFault(monkeypatch, folder, budget=150_000)
    return _Same(folder)


class _Same:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def __enter__(self) -> Path:
        return self.folder

    def __exit__(self, *exc: object) -> None:
        return None


def test_a_full_disk_gives_exit_5_and_leaves_nothing_under_a_final_name(
        work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with _full_disk(work, monkeypatch, "150k") as small:
        result = term_end(work, small)
        one_clear_line(result, "disk is full", str(small))
        assert final_names(small) == [] and not list(small.iterdir())
    assert audit_says(work) == "failed"
    assert (work / "export.zip").stat().st_size > 0  # the source is untouched


@pytest.mark.skipif(not can_mount(), reason="root ignores permission bits; a read-only "
                    "mount needs mount(8)")
def test_a_read_only_output_folder_gives_exit_5(work: Path) -> None:
    with tmpfs(work / "ro", "ro,size=1m") as folder:
        result = term_end(work, folder)
        one_clear_line(result, "read-only")
        assert list(folder.iterdir()) == []


def test_a_copy_destination_unplugged_mid_copy_loses_nothing(
        work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stick = work / "pendrive"
    stick.mkdir()
    if can_mount():
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(stick)],
                       check=True)
        unplug = lambda: subprocess.run(["umount", "-l", str(stick)], check=True)  # noqa: E731
    else:
        unplug = lambda: shutil.rmtree(stick)  # noqa: E731
    try:
        DiskFault(monkeypatch, stick, action=unplug)
        result = term_end(work, work / "out", "--copy-to", str(stick))
    finally:
        subprocess.run(["umount", "-l", str(stick)], capture_output=True)
    one_clear_line(result, str(stick))
    # The bundle in --out is whole and verifies: the failed copy took nothing with it.
    bundles = list((work / "out").glob("*.zip"))
    assert len(bundles) == 1 and verify_bundle(bundles[0], PASSWORD).complete
    assert not stick.exists() or list(stick.iterdir()) == []
    assert audit_says(work) == "failed"


def test_a_slip_that_cannot_be_written_leaves_no_bundle_nobody_can_open(
        work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    slips = work / "slips"
    slips.mkdir()
    real_open = __import__("os").open

    def failing_open(path, flags, *args):
        if str(path).startswith(str(slips)):
            raise OSError(28, "No space left on device")
        return real_open(path, flags, *args)

    monkeypatch.setattr("os.open", failing_open)
    result = term_end(work, work / "out", "--slip-out", str(slips / "haslo.txt"))
    one_clear_line(result, "slip")
    # A generated password that reached no paper must not leave a bundle behind that
    # looks archived but can never be opened.
    assert not list((work / "out").glob("*.zip"))
