"""A state directory another account could have planted (issue 13, findings 1 and 12):
its owner and modes are checked before use, symlinks in it are never followed, and every
folder archiver makes is 0700, parents included, whatever the umask."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from minimal_export import write_minimal

from archiver.audit import AuditLog
from archiver.cli import main_group
from archiver.errors import ExitCode, RefusedError
from archiver.render.cache import CACHE_FOLDER, KEY_FILE, CachedDocument, RenderCache

PASSWORD = "tarcza-Wrzos-kompas-Lipa-93-zegar-Pstrag"


@pytest.fixture(scope="module")
def other_uid() -> Iterator[int]:
    """The uid of another local account, made with useradd (root only)."""
    if os.geteuid() != 0:
        pytest.skip("making another account and its files needs root")
    name = f"arch13-{os.getpid()}"
    made = shutil.which("useradd") and subprocess.run(
        ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name],
        capture_output=True).returncode == 0
    if not made:
        pytest.skip("useradd is not available or failed here")
    try:
        yield int(subprocess.run(["id", "-u", name], capture_output=True, text=True,
                                 check=True).stdout)
    finally:
        subprocess.run(["userdel", name], capture_output=True)


@pytest.fixture
def work(tmp_path: Path) -> Path:
    write_minimal(tmp_path, "zip")
    (tmp_path / "pw.txt").write_text(PASSWORD + "\n")
    return tmp_path


def term_end(work: Path, out: Path, state: Path, *extra: str):
    args = ["term-end", str(work / "export.zip"), "--create-out", "--out", str(out), "--state-dir",
            str(state), "-j", "1", "--password-file", str(work / "pw.txt"), *extra]
    return CliRunner().invoke(main_group, args, env={"SOURCE_DATE_EPOCH": "1782570600"})


def refused_in_one_line(result, *words: str) -> str:
    assert result.exit_code == ExitCode.REFUSED, result.output
    errors = [ln for ln in result.output.splitlines() if ln.startswith("archiver: error:")]
    assert len(errors) == 1 and "Traceback" not in result.output, result.output
    for word in words:
        assert word in errors[0], errors[0]
    return errors[0]


def chown_tree(folder: Path, uid: int) -> None:
    for path in (folder, *folder.rglob("*")):
        os.chown(path, uid, -1, follow_symlinks=False)


def test_a_state_dir_made_by_another_account_is_refused_before_anything_is_packed(
        work: Path, other_uid: int) -> None:
    state = work / "state"
    assert term_end(work, work / "out", state).exit_code == 0  # fills the render cache
    # As the probe did: the other account owns the folder, its key and entries, 0755.
    chown_tree(state, other_uid)
    state.chmod(0o755)
    result = term_end(work, work / "out2", state)
    refused_in_one_line(result, str(state), "another user", "--state-dir")
    assert not (work / "out2").exists() or not any((work / "out2").glob("*.zip"))


def test_a_cache_key_or_entry_of_another_account_is_refused(tmp_path: Path,
                                                             other_uid: int) -> None:
    cache = RenderCache.open(tmp_path)
    cache.put("material", CachedDocument("a.pdf", b"%PDF-1.7 x", 1, "register"))
    entry = cache.entry_path("material")
    os.chown(entry, other_uid, -1)  # a forged entry planted by someone else
    with pytest.raises(RefusedError, match="another user"):
        RenderCache.open(tmp_path).get("material")
    os.chown(entry, 0, -1)
    os.chown(tmp_path / CACHE_FOLDER / KEY_FILE, other_uid, -1)
    with pytest.raises(RefusedError, match="key belongs to another user"):
        RenderCache.open(tmp_path)


def test_a_state_dir_writable_by_others_is_refused_with_the_fix(work: Path) -> None:
    state = work / "state"
    state.mkdir()
    state.chmod(0o777)
    line = refused_in_one_line(term_end(work, work / "out", state), str(state))
    assert f"chmod go-w {state}" in line


def test_the_refusals_issue_13_added_speak_polish(work: Path, tmp_path: Path) -> None:
    """The state dir refusal, the copy refusal and the no-home line, under a Polish
    locale (the program's default language)."""
    state = work / "state"
    state.mkdir()
    state.chmod(0o777)
    polish = {"SOURCE_DATE_EPOCH": "1782570600", "ARCHIVER_LANG": "pl"}
    args = ["term-end", str(work / "export.zip"), "--create-out", "--out", str(work / "out"),
            "--state-dir", str(state), "-j", "1", "--password-file", str(work / "pw.txt")]
    result = CliRunner().invoke(main_group, args, env=polish)
    assert result.exit_code == ExitCode.REFUSED, result.output
    assert f"katalog stanu {state} mogą zmieniać inni użytkownicy" in result.output
    state.chmod(0o700)
    (work / "out").mkdir(exist_ok=True)
    result = CliRunner().invoke(main_group, [*args, "--copy-to", str(work / "out")],
                                env=polish)
    assert result.exit_code == ExitCode.REFUSED, result.output
    assert "nie jest drugą kopią" in result.output and "na innym nośniku" in result.output
    from archiver.config import load_config
    from archiver.errors import ConfigError
    from archiver.i18n import set_language

    set_language("pl")
    try:
        with pytest.MonkeyPatch.context() as patch:
            for name in ("ARCHIVER_STATE_DIR", "XDG_STATE_HOME"):
                patch.delenv(name, raising=False)
            patch.setattr(Path, "home", classmethod(lambda cls: (_ for _ in ()).throw(
                RuntimeError("no home"))))
            with pytest.raises(ConfigError, match="nie ma folderu domowego"):
                load_config(None).state_dir()
    finally:
        set_language(None)


def test_a_cache_folder_writable_by_the_group_is_refused(tmp_path: Path) -> None:
    RenderCache.open(tmp_path)
    (tmp_path / CACHE_FOLDER).chmod(0o770)
    with pytest.raises(RefusedError, match="mode 0770"):
        RenderCache.open(tmp_path)


def test_under_umask_000_every_folder_archiver_makes_is_owner_only(work: Path) -> None:
    old = os.umask(0)
    try:
        result = term_end(work, work / "a" / "b" / "out", work / "s1" / "s2" / "state")
    finally:
        os.umask(old)
    assert result.exit_code == 0, result.output
    for folder in ("a", "a/b", "a/b/out", "s1", "s1/s2", "s1/s2/state",
                   f"s1/s2/state/{CACHE_FOLDER}"):
        assert stat.S_IMODE((work / folder).stat().st_mode) == 0o700, folder


def test_an_audit_log_symlinked_out_of_the_state_dir_is_never_written(tmp_path: Path) -> None:
    state, elsewhere = tmp_path / "state", tmp_path / "elsewhere.txt"
    state.mkdir()
    elsewhere.write_text("keep me\n")
    elsewhere.chmod(0o644)
    (state / "audit.jsonl").symlink_to(elsewhere)
    with pytest.raises(RefusedError, match="symbolic link"):
        AuditLog(state).append({"command": "verify", "operator": "x", "result": "ok"})
    with pytest.raises(RefusedError, match="symbolic link"):
        AuditLog(state).recover("x")
    assert elsewhere.read_text() == "keep me\n"
    assert stat.S_IMODE(elsewhere.stat().st_mode) == 0o644


def test_a_dangling_audit_log_symlink_creates_nothing(tmp_path: Path) -> None:
    state, target = tmp_path / "state", tmp_path / "made-by-verify.jsonl"
    state.mkdir()
    (state / "audit.jsonl").symlink_to(target)
    with pytest.raises(RefusedError, match="symbolic link"):
        AuditLog(state).append({"command": "verify", "operator": "x", "result": "ok"})
    assert not target.exists()


def test_a_symlinked_cache_entry_is_never_read(tmp_path: Path) -> None:
    cache = RenderCache.open(tmp_path)
    cache.put("material", CachedDocument("a.pdf", b"%PDF-1.7 x", 1, "register"))
    entry = cache.entry_path("material")
    moved = tmp_path / "outside.enc"
    entry.rename(moved)
    entry.symlink_to(moved)
    with pytest.raises(RefusedError, match="symbolic link"):
        RenderCache.open(tmp_path)


def _slip(name: str = "x.zip"):
    from datetime import UTC, datetime

    from archiver.passwords import Password, PasswordSlip

    return PasswordSlip(name, "0" * 64, Password(PASSWORD), datetime(2026, 6, 27, tzinfo=UTC),
                        "Ewa Wiśniewska")


@pytest.mark.parametrize("kind", ["dangling", "to-a-file"])
def test_a_slip_is_never_written_through_a_symlink(tmp_path: Path, kind: str) -> None:
    """A symlink where the slip goes (planted before the run, or between the check and
    the writing) would put the password wherever it points (issue 13, finding 12)."""
    from archiver.errors import ArchiverError
    from archiver.passwords import write_slip

    slips, elsewhere, out = tmp_path / "hasla", tmp_path / "gdzie-indziej", tmp_path / "out"
    for folder in (slips, elsewhere, out):
        folder.mkdir()
    target = elsewhere / "haslo.txt"
    if kind == "to-a-file":
        target.write_text("notatki\n")
    (slips / "haslo.txt").symlink_to(target)
    with pytest.raises(ArchiverError):
        write_slip(_slip(), slips / "haslo.txt", bundle_dir=out)
    assert (target.read_text() == "notatki\n") if kind == "to-a-file" else not target.exists()
    assert (slips / "haslo.txt").is_symlink()
    assert sorted(p.name for p in slips.iterdir()) == ["haslo.txt"]  # no partial left


def test_a_slip_symlink_given_as_slip_out_is_refused_before_any_work(work: Path) -> None:
    (work / "hasla").mkdir()
    (work / "hasla" / "haslo.txt").symlink_to(work / "gdzie-indziej.txt")  # dangling
    args = ["term-end", str(work / "export.zip"), "--create-out", "--out", str(work / "out"),
            "--state-dir", str(work / "state"), "-j", "1", "--slip-out",
            str(work / "hasla" / "haslo.txt")]
    result = CliRunner().invoke(main_group, args, env={"SOURCE_DATE_EPOCH": "1782570600"})
    assert result.exit_code in (ExitCode.USAGE, ExitCode.REFUSED), result.output
    assert "Traceback" not in result.output
    assert not (work / "gdzie-indziej.txt").exists()
    assert not (work / "out").exists() or not list((work / "out").iterdir())
