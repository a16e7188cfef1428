"""A term-end killed or interrupted at any point leaves no bundle under its final name
unless it verifies, and nothing readable anywhere; a re-run then completes."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import psutil
import pytest

from archiver.bundle import verify_bundle
from archiver.load import load_dataset

PASSWORD = "kaczka-Rower-93-lampa-Wisla-Herbata-sowa"


def start(export: Path, out: Path, tmp: Path, state: Path, pw: Path,
          marker: str = "") -> subprocess.Popen:
    env = {**os.environ, "TMPDIR": str(tmp), "SOURCE_DATE_EPOCH": "1782570600",
           "ARCHIVER_TEST_RUN": marker}
    env.pop("ARCHIVER_PASSWORD", None)
    return subprocess.Popen(
        [sys.executable, "-m", "archiver", "term-end", str(export), "--create-out",
         "--out", str(out),
         "--password-file", str(pw), "--state-dir", str(state), "-j", "2"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def processes_left(marker: str, seconds: float = 5.0) -> list[str]:
    """The processes of the run marked `marker` still alive after `seconds`."""
    def alive() -> list[psutil.Process]:
        found = []
        for proc in psutil.process_iter():
            try:
                if proc.environ().get("ARCHIVER_TEST_RUN") == marker and \
                        proc.status() != psutil.STATUS_ZOMBIE:
                    found.append(proc)
            except (psutil.Error, OSError):
                continue
        return found
    deadline = time.monotonic() + seconds
    while (left := alive()) and time.monotonic() < deadline:
        time.sleep(0.1)
    named = []
    for proc in left:  # the test leaves nothing running either way
        with contextlib.suppress(psutil.Error):
            named.append(" ".join(proc.cmdline()[:6]))
            proc.kill()
    return named


def readable_leftovers(folders: list[Path], surnames: set[str]) -> list[str]:
    """Files holding a PDF or a pupil's surname in clear (the protocol is meant to be read
    and holds no personal data, so it is allowed)."""
    found = []
    for folder in folders:
        for path in folder.rglob("*"):
            # A bundle is checked by verify_bundle (every entry AES-encrypted); its random
            # bytes hold a 3-letter surname by chance in about one run in twenty.
            if not path.is_file() or path.name.endswith(("-protokol.pdf", ".zip")):
                continue
            data = path.read_bytes()
            if b"%PDF-" in data or any(s.encode() in data for s in surnames):
                found.append(str(path))
    return found


@pytest.mark.parametrize(("sig", "after"), [
    (signal.SIGKILL, 4.0),
    (signal.SIGINT, 3.0),
    pytest.param(signal.SIGKILL, 1.0, marks=pytest.mark.slow),
    pytest.param(signal.SIGKILL, 9.0, marks=pytest.mark.slow),
    pytest.param(signal.SIGKILL, 14.0, marks=pytest.mark.slow),
    pytest.param(signal.SIGINT, 8.0, marks=pytest.mark.slow),
])
def test_interrupted_term_end_leaves_nothing_readable_and_reruns(
        tmp_path: Path, demo_export: Path, sig: int, after: float) -> None:
    out, tmp, state = tmp_path / "out", tmp_path / "tmp", tmp_path / "state"
    tmp.mkdir()
    pw = tmp_path / "pw.txt"
    pw.write_text(PASSWORD + "\n")
    marker = uuid.uuid4().hex
    proc = start(demo_export, out, tmp, state, pw, marker)
    try:
        proc.wait(timeout=after)
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, sig)
        proc.wait(timeout=60)
    # Its workers, forkserver and resource tracker end with it, even when it was killed:
    # none stays behind holding pupils' data.
    assert processes_left(marker) == []
    ds, _ = load_dataset(demo_export)
    surnames = {str(s) for s in ds.students["last_name"].unique()}
    assert readable_leftovers([out, tmp], surnames) == [] if out.exists() else True
    for bundle in out.glob("*.zip") if out.exists() else []:
        assert verify_bundle(bundle, PASSWORD).ok, f"{bundle.name} under a final name"
    # The next run removes stale partial files and completes.
    rerun = start(demo_export, tmp_path / "out", tmp, state, pw)
    stdout, stderr = rerun.communicate(timeout=300)
    assert rerun.returncode in (0, 4), stderr.decode()
    if rerun.returncode == 4:  # the killed run had already published the same bundle
        assert b"never overwritten" in stderr
    assert not [p for p in out.iterdir() if ".partial" in p.name]
    assert readable_leftovers([out, tmp], surnames) == []
    audit = subprocess.run([sys.executable, "-m", "archiver", "audit", "verify",
                            "--state-dir", str(state)], capture_output=True)
    assert audit.returncode == 0, audit.stdout + audit.stderr


@pytest.mark.parametrize("short_tmp", [True, False], ids=["forkserver", "spawn"])
def test_a_killed_run_leaves_no_worker_behind(tmp_path: Path, demo_export: Path,
                                              short_tmp: bool) -> None:
    """SIGKILL cannot be handled by the run itself: its workers (started by the forkserver,
    or spawned when TMPDIR is too long for the forkserver's socket) notice and end."""
    tmp = Path(tempfile.mkdtemp(prefix="t", dir="/tmp")) if short_tmp else tmp_path / "tmp"
    tmp.mkdir(exist_ok=True)
    pw = tmp_path / "pw.txt"
    pw.write_text(PASSWORD + "\n")
    marker = uuid.uuid4().hex
    proc = start(demo_export, tmp_path / "out", tmp, tmp_path / "state", pw, marker)
    try:
        deadline = time.monotonic() + 120
        while proc.poll() is None and time.monotonic() < deadline:
            if _workers_started(proc.pid):
                break
            time.sleep(0.05)
        if proc.poll() is not None:
            pytest.skip("the run ended before its workers were seen")
        time.sleep(1.0)  # the workers are rendering
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
        assert processes_left(marker) == []
    finally:
        if short_tmp:
            shutil.rmtree(tmp, ignore_errors=True)


def _workers_started(pid: int) -> bool:
    """A worker of the run is up: forked by the forkserver (whose command line it shares)
    or spawned; not the forkserver or the resource tracker alone, which start first (the
    forkserver imports the layout code before it forks a worker)."""
    try:
        for child in psutil.Process(pid).children(recursive=True):
            line = " ".join(child.cmdline())
            if "multiprocessing.spawn" in line or "forkserver" in line and \
                    "forkserver" in " ".join(child.parent().cmdline()):
                return True
    except psutil.Error:
        pass
    return False
