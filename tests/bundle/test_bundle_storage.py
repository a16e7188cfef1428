"""Nothing is lost or half-written: full disks, read-only folders, existing bundles and
killed runs leave nothing under a final name."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from bundle_faults import DiskFault, can_mount, tmpfs
from bundle_fixtures import BAG_INFO, CREATED, write_bundle

from archiver.bundle import BundleWriter, remove_stale_partials, verify_bundle
from archiver.errors import RefusedError, StorageError
from archiver.files import OutputFile, partial_path, remove_quietly
from archiver.passwords import Password

NAME = "SP25-2025-2026-okres-1.zip"


@pytest.fixture
def out(tmp_path: Path) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_an_existing_bundle_is_never_overwritten(out: Path, password: Password) -> None:
    (out / NAME).write_bytes(b"the archive's earlier bundle")
    with pytest.raises(RefusedError, match="never overwritten"):
        write_bundle(out / NAME, password)
    assert (out / NAME).read_bytes() == b"the archive's earlier bundle"
    assert listing(out) == [NAME]


def test_an_existing_sidecar_alone_also_refuses(out: Path, password: Password) -> None:
    (out / f"{NAME}.sha256").write_text("old\n")
    with pytest.raises(RefusedError):
        write_bundle(out / NAME, password)
    assert listing(out) == [f"{NAME}.sha256"]


def test_a_bundle_appearing_while_writing_is_not_overwritten(out: Path,
                                                             password: Password) -> None:
    with pytest.raises(RefusedError, match="never overwritten"):
        with BundleWriter(out / NAME, password, BAG_INFO, created=CREATED) as bundle:
            bundle.add_bytes("a.txt", b"first run")
            (out / NAME).write_bytes(b"another run finished first")
    assert (out / NAME).read_bytes() == b"another run finished first"
    assert listing(out) == [NAME]


def test_an_error_inside_the_with_block_leaves_nothing(out: Path, password: Password) -> None:
    with pytest.raises(RuntimeError):
        with BundleWriter(out / NAME, password, BAG_INFO) as bundle:
            bundle.add_bytes("a.pdf", os.urandom(10_000))
            raise RuntimeError("rendering failed")
    assert listing(out) == []


def _full_size(tmp_path: Path, password: Password) -> int:
    (tmp_path / "ref").mkdir()
    return write_bundle(tmp_path / "ref" / NAME, password).size


@pytest.mark.parametrize("share", [0.0, 0.5, 0.995, 1.0])
def test_a_full_disk_gives_a_storage_error_and_leaves_nothing(
        out: Path, tmp_path: Path, password: Password, monkeypatch: pytest.MonkeyPatch,
        share: float) -> None:
    budget = int(_full_size(tmp_path, password) * share)  # 1.0: only the sidecar fails
    DiskFault(monkeypatch, out, budget=budget)
    with pytest.raises(StorageError, match="disk is full") as caught:
        write_bundle(out / NAME, password)
    assert str(out) in str(caught.value)
    assert listing(out) == []


def test_a_failing_sidecar_rename_withdraws_the_bundle(out: Path, password: Password,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    real_link = os.link

    def link(source: str | Path, target: str | Path) -> None:
        if str(target).endswith(".sha256"):
            raise OSError(5, "Input/output error")
        real_link(source, target)

    monkeypatch.setattr(os, "link", link)
    with pytest.raises(StorageError, match="input/output error"):
        write_bundle(out / NAME, password)
    assert listing(out) == []


@pytest.mark.skipif(not can_mount(), reason="a real full disk needs root to mount a tmpfs; "
                    "the simulated full disk above covers the same code")
def test_a_really_full_tmpfs_gives_a_storage_error(tmp_path: Path, password: Password) -> None:
    with tmpfs(tmp_path / "small", "size=1m") as small:
        with pytest.raises(StorageError, match="disk is full"):
            write_bundle(small / NAME, password)  # a 2.6 MB payload
        assert listing(small) == []


def test_a_read_only_folder_gives_a_storage_error(tmp_path: Path, password: Password) -> None:
    if os.geteuid() == 0:  # root ignores permission bits: mount a read-only tmpfs
        if not can_mount():
            pytest.skip("running as root without mount(8)")
        with tmpfs(tmp_path / "ro", "ro,size=1m") as folder:
            with pytest.raises(StorageError, match="read-only") as caught:
                write_bundle(folder / NAME, password)
            assert listing(folder) == []
    else:
        folder = tmp_path / "ro"
        folder.mkdir(mode=0o555)
        with pytest.raises(StorageError, match="permission denied") as caught:
            write_bundle(folder / NAME, password)
        assert listing(folder) == []
    assert str(folder) in str(caught.value)


def test_a_missing_output_folder_gives_a_storage_error(tmp_path: Path,
                                                       password: Password) -> None:
    with pytest.raises(StorageError, match="does not exist"):
        write_bundle(tmp_path / "nowhere" / NAME, password)


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_stale_partials_are_removed_and_live_ones_kept(out: Path) -> None:
    """Stale means no run holds the partial's lock: a pid in its name decides nothing."""
    dead = out / f".{NAME}.partial-{_dead_pid()}"
    unlocked = out / f".old.zip.partial-{os.getpid()}-0a1b2c3d"  # our pid, nobody's lock
    live = partial_path(out / NAME)
    writing = OutputFile(live)  # a run writing it now: it holds the lock
    keep = [out / "notes.partial-12", out / ".hidden", out / "b.zip"]
    for path in [dead, unlocked, *keep]:
        path.write_bytes(b"x")
    (out / ".dir.zip.partial-1").mkdir()
    try:
        removed = remove_stale_partials(out)
        assert sorted(removed) == sorted([dead, unlocked])
        assert listing(out) == sorted([live.name, *(p.name for p in keep),
                                       ".dir.zip.partial-1"])
        writing.close()  # written, not yet published: still held
        assert remove_stale_partials(out) == [] and live.exists()
    finally:
        writing.close()
        remove_quietly(live)  # released: the next cleaner may take it
    live.write_bytes(b"x")
    assert remove_stale_partials(out) == [live]


CHILD = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from archiver.bundle import BundleWriter
    with BundleWriter(Path(sys.argv[1]), sys.argv[2], {}) as bundle:
        bundle.add_bytes("dokument.txt", b"PLAINTEXT-MARKER " * 50_000)
        print("READY", flush=True)
        time.sleep(60)
""")


def test_a_killed_run_leaves_only_an_unreadable_partial_that_the_next_run_removes(
        out: Path, password: Password) -> None:
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(out / NAME), password.reveal()],
                             stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None and child.stdout.readline().strip() == "READY"
    child.send_signal(signal.SIGKILL)
    child.wait()
    names = listing(out)
    assert len(names) == 1 and names[0].startswith(f".{NAME}.partial-{child.pid}-")
    partial = (out / names[0]).read_bytes()
    assert b"PLAINTEXT-MARKER" not in partial and len(partial) > 1000
    assert remove_stale_partials(out) == [out / names[0]]
    write_bundle(out / NAME, password)
    assert verify_bundle(out / NAME, password).complete



def test_only_archivers_own_leftovers_are_deleted_never_a_users_files(out: Path) -> None:
    """A sidecar whose bundle someone renamed (`mv X.zip archiwum-kopia.zip`) is kept; the
    sidecar a run killed between its two renames left beside its stale partial is not."""
    (out / "archiwum-kopia.zip").write_bytes(b"renamed by the secretariat")
    renamed = out / "X.zip.sha256"
    renamed.write_text("0" * 64 + "  X.zip\n")
    other = out / "cokolwiek.zip.sha256"  # any *.zip.sha256 without its zip
    other.write_text("notes\n")
    killed = out / f"{NAME}.sha256"
    killed.write_text("0" * 64 + f"  {NAME}\n")
    partial = out / f".{NAME}.partial-{_dead_pid()}"
    partial.write_bytes(b"x")
    assert sorted(remove_stale_partials(out)) == sorted([killed, partial])
    assert renamed.exists() and other.exists() and (out / "archiwum-kopia.zip").exists()
