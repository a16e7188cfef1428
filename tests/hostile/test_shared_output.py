"""Two runs sharing one output folder from two PID namespaces (two containers or machines
mounting one `--out`): a run's partial file is judged stale by the lock its writer holds,
never by a process id, which means nothing in another namespace (issue 13, finding 3)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from minimal_export import write_minimal

PASSWORD = "tarcza-Wrzos-kompas-Lipa-93-zegar-Pstrag"

WRITER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from archiver.bundle import BundleWriter
    with BundleWriter(Path(sys.argv[1]), sys.argv[2], {}) as bundle:
        bundle.add_bytes("dokument.txt", b"x" * 100_000)
        print("READY", flush=True)
        sys.stdin.readline()  # the other run goes on meanwhile
    print("PUBLISHED", flush=True)
""")


def _unshare() -> list[str]:
    """The command prefix of a new PID namespace, or a skip saying why there is none."""
    tool = shutil.which("unshare")
    if tool is None:
        pytest.skip("no unshare(1) on this machine")
    prefix = [tool, "--pid", "--fork", "--mount-proc"]
    if os.geteuid() != 0:
        prefix[1:1] = ["--map-root-user"]
    probe = subprocess.run([*prefix, "true"], capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip(f"cannot make a PID namespace here: {probe.stderr.strip()}")
    return prefix


def partials(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".partial-" in p.name)


def test_a_run_in_another_pid_namespace_keeps_the_live_runs_partial(tmp_path: Path) -> None:
    prefix = _unshare()
    write_minimal(tmp_path, "zip")
    (tmp_path / "pw.txt").write_text(PASSWORD + "\n")
    out = tmp_path / "out"
    out.mkdir(mode=0o700)
    bundle = out / "zywy.zip"
    live = subprocess.Popen([sys.executable, "-c", WRITER, str(bundle), PASSWORD],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert live.stdout is not None and live.stdout.readline().strip() == "READY"
        writing = partials(out)
        assert len(writing) == 1
        # A stale partial beside it: its writer is gone (no lock holder).
        dead = subprocess.run([sys.executable, "-c", WRITER.replace(
            'print("READY", flush=True)', 'import os; os._exit(9)'),
            str(out / "martwy.zip"), PASSWORD], stdin=subprocess.DEVNULL)
        assert dead.returncode == 9
        stale = sorted(set(partials(out)) - set(writing))
        assert len(stale) == 1
        # The second run, in its own PID namespace, where the live run's pid means nothing.
        # A term the export lacks: it cleans the folder, then stops before any output.
        second = subprocess.run(
            [*prefix, sys.executable, "-m", "archiver", "term-end", str(tmp_path / "export.zip"),
             "--out", str(out), "--state-dir", str(tmp_path / "state"), "--term", "7",
             "--password-file", str(tmp_path / "pw.txt"), "--no-cache", "-j", "1"],
            capture_output=True, text=True, env={**os.environ, "ARCHIVER_LANG": "en"},
            timeout=120)
        assert second.returncode == 2, second.stdout + second.stderr
        assert "Traceback" not in second.stderr
        assert partials(out) == writing  # the live run's partial is still there
        live.stdin.write("\n")
        live.stdin.flush()
        assert live.stdout.readline().strip() == "PUBLISHED"
        assert live.wait(timeout=30) == 0
    finally:
        if live.poll() is None:
            live.kill()
            live.wait()
    assert bundle.exists() and partials(out) == []
