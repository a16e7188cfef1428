"""SIGTERM and SIGHUP are handled as Ctrl-C is (issue 13, findings 5 and 14): at named
steps of term-end and disclose (killpoint.py with KILLPOINT_SIGNAL) the run unwinds,
its workers, forkserver and resource tracker are gone within 5 s, nothing readable or
partial is left, every file left is recorded and the audit entry says interrupted; exit
143 (SIGTERM) or 129 (SIGHUP). Ctrl-C while the workers start prints no traceback."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psutil
import pytest
from minimal_export import write_minimal

from archiver.audit import AuditLog

HERE = Path(__file__).resolve().parent
PASSWORD = "tarcza-Wrzos-kompas-Lipa-93-zegar-Pstrag"
SURNAMES = ("Adamska", "Cicha", "Nowak", "Kowalski")


@pytest.fixture
def work(tmp_path: Path) -> Path:
    write_minimal(tmp_path, "zip")
    (tmp_path / "pw.txt").write_text(PASSWORD + "\n")
    for folder in ("out", "copy", "slips", "tmp"):
        (tmp_path / folder).mkdir()
    return tmp_path


def command(work: Path, which: str) -> list[str]:
    common = ["--state-dir", str(work / "state"), "-j", "2", "--out", str(work / "out"),
              "--slip-out", str(work / "slips" / "haslo.txt")]
    if which == "term-end":
        return ["term-end", str(work / "export.zip"), "--copy-to", str(work / "copy"),
                "--no-cache", *common]
    return ["disclose", str(work / "export.zip"), "--student", "st1", "--recipient",
            "Sąd Rejonowy w Testowie", "--legal-basis", "art. 1", "--case-ref", "III K 1/26",
            "--approved-by", "d1", *common]


def environment(work: Path, marker: str, **extra: str) -> dict[str, str]:
    env = {**os.environ, "TMPDIR": str(work / "tmp"), "SOURCE_DATE_EPOCH": "1782570600",
           "ARCHIVER_LANG": "en", "ARCHIVER_TEST_RUN": marker, **extra}
    env.pop("ARCHIVER_PASSWORD", None)
    return env


def processes_of(marker: str) -> list[psutil.Process]:
    """Every process still running with the run's marker in its environment."""
    found = []
    for proc in psutil.process_iter():
        try:
            if proc.environ().get("ARCHIVER_TEST_RUN") == marker:
                found.append(proc)
        except (psutil.Error, OSError):
            continue
    return found


def none_left_after(marker: str, seconds: float) -> list[str]:
    deadline = time.monotonic() + seconds
    while (left := processes_of(marker)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return [" ".join(p.cmdline()[:4]) for p in left if p.is_running()]


def readable_or_partial(work: Path) -> list[str]:
    """Partial files anywhere, and files in clear holding a PDF or a pupil's surname (the
    protocol and the recipient's cover letter are meant to be read; bundles are
    encrypted; the slip holds only the password)."""
    found = []
    for folder in ("out", "copy", "tmp"):
        for path in (work / folder).rglob("*"):
            if ".partial-" in path.name or path.name.startswith("."):
                found.append(str(path))
            elif path.is_file() and not path.name.endswith(
                    ("-protokol.pdf", "-pismo.pdf", ".zip", ".zip.sha256")):
                data = path.read_bytes()
                if b"%PDF-" in data or any(s.encode() in data for s in SURNAMES):
                    found.append(str(path))
    return found


def check_interrupted(work: Path, run: subprocess.CompletedProcess, code: int,
                      marker: str) -> str:
    assert run.returncode == code, (run.returncode, run.stderr[-3000:])
    assert "Traceback" not in run.stderr, run.stderr[-3000:]
    errors = [ln for ln in run.stderr.splitlines() if ln.startswith("archiver: error:")]
    assert len(errors) == 1 and "interrupted" in errors[0], run.stderr[-3000:]
    assert none_left_after(marker, 5.0) == []
    assert readable_or_partial(work) == []
    log = AuditLog(work / "state")
    assert log.verify().ok
    entry = list(log.entries())[-1]
    listed = {o["name"] for o in entry.outputs}
    for folder in ("out", "copy", "slips"):
        for path in (work / folder).iterdir():
            assert path.name in listed, f"{path} left but not recorded"
    return entry.result


SLOW = pytest.mark.slow
MOMENTS = [("term-end", "entry", ()), ("term-end", "verify", SLOW),
           ("term-end", "publish", ()), ("term-end", "protocol", SLOW),
           ("term-end", "slip", SLOW), ("term-end", "copy", ()),
           ("disclose", "entry", SLOW), ("disclose", "letter", ()), ("disclose", "slip", ())]


@pytest.mark.parametrize("which,point", [pytest.param(w, p, marks=m, id=f"{w}-{p}")
                                         for w, p, m in MOMENTS])
def test_sigterm_at_each_step_unwinds_like_ctrl_c(work: Path, which: str, point: str) -> None:
    marker = uuid.uuid4().hex
    run = subprocess.run([sys.executable, str(HERE / "killpoint.py"), point, "1",
                          *command(work, which)], capture_output=True, text=True,
                         env=environment(work, marker, KILLPOINT_SIGNAL=str(signal.SIGTERM)),
                         timeout=300)
    assert check_interrupted(work, run, 143, marker) == "interrupted"


def test_sigterm_while_the_entry_is_written_records_everything(work: Path) -> None:
    marker = uuid.uuid4().hex
    run = subprocess.run([sys.executable, str(HERE / "killpoint.py"), "audit", "1",
                          *command(work, "term-end")], capture_output=True, text=True,
                         env=environment(work, marker, KILLPOINT_SIGNAL=str(signal.SIGTERM)),
                         timeout=300)
    # The signal came as the entry was being written: the entry is written whole (ok:
    # the work was done), and the run then ends as interrupted.
    assert check_interrupted(work, run, 143, marker) in ("ok", "interrupted")


def test_sighup_while_rendering_is_handled_like_ctrl_c(work: Path) -> None:
    marker = uuid.uuid4().hex
    run = subprocess.run([sys.executable, str(HERE / "killpoint.py"), "entry", "1",
                          *command(work, "term-end")], capture_output=True, text=True,
                         env=environment(work, marker, KILLPOINT_SIGNAL=str(signal.SIGHUP)),
                         timeout=300, preexec_fn=_hangup_not_ignored)
    assert check_interrupted(work, run, 129, marker) == "interrupted"


def _hangup_not_ignored() -> None:
    # A run started under nohup inherits SIGHUP ignored, and archiver rightly keeps it so;
    # this test is about a terminal that hangs up, so the run starts as from a terminal.
    signal.signal(signal.SIGHUP, signal.SIG_DFL)


def _ctrl_c_acts() -> None:
    # Likewise a test runner's worker may pass SIGINT on ignored or blocked: the run starts
    # as from a terminal, where Ctrl-C acts.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def _started_workers(proc: psutil.Process) -> bool:
    try:
        return any("forkserver" in " ".join(c.cmdline()) or "multiprocessing" in
                   " ".join(c.cmdline()) for c in proc.children(recursive=True))
    except psutil.Error:
        return False


@pytest.mark.parametrize("delay", [0.05, pytest.param(0.0, marks=SLOW),
                                   pytest.param(0.15, marks=SLOW)])
def test_ctrl_c_while_the_workers_start_prints_no_traceback(work: Path, delay: float) -> None:
    """Ctrl-C reaches the whole process group, workers included (as a terminal sends it)."""
    marker = uuid.uuid4().hex
    proc = subprocess.Popen([sys.executable, "-m", "archiver", *command(work, "term-end")],
                            env=environment(work, marker), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True,
                            preexec_fn=_ctrl_c_acts)
    watched = psutil.Process(proc.pid)
    deadline = time.monotonic() + 120
    while not _started_workers(watched) and proc.poll() is None and \
            time.monotonic() < deadline:
        time.sleep(0.005)
    time.sleep(delay)
    os.killpg(proc.pid, signal.SIGINT)
    _out, err = proc.communicate(timeout=120)
    # The run lasts seconds after its workers appear: exit 0 means a Ctrl-C thrown away.
    assert proc.returncode == 130, err[-3000:]
    assert "Traceback" not in err, err[-3000:]
    assert none_left_after(marker, 5.0) == []


# Ctrl-C arrives exactly when the command line imports WeasyPrint (a second or more after
# start, several on a busy machine): archiver is still starting and has done nothing yet.
_CTRL_C_WHILE_STARTING = """
import builtins, os, signal, sys
# As from a terminal: Ctrl-C acts (a test runner's worker may pass it on ignored or blocked,
# and archiver rightly keeps an ignored SIGINT so, as under nohup or in a background job).
signal.signal(signal.SIGINT, signal.default_int_handler)
signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
real_import = builtins.__import__
def importing(name, *args, **kwargs):
    if name == "weasyprint":
        builtins.__import__ = real_import
        os.kill(os.getpid(), signal.SIGINT)
    return real_import(name, *args, **kwargs)
builtins.__import__ = importing
sys.argv = ["archiver", *sys.argv[1:]]
from archiver.entry import main
main()
"""


@pytest.mark.parametrize("lang,words", [("en", "interrupted; nothing was left"),
                                        ("pl", "przerwano; żaden plik")])
def test_ctrl_c_while_archiver_starts_prints_no_traceback(work: Path, lang: str,
                                                          words: str) -> None:
    marker = uuid.uuid4().hex
    run = subprocess.run([sys.executable, "-c", _CTRL_C_WHILE_STARTING,
                          *command(work, "term-end")], capture_output=True, text=True,
                         env=environment(work, marker, ARCHIVER_LANG=lang), timeout=120)
    assert run.returncode == 130, run.stderr[-3000:]
    assert "Traceback" not in run.stderr, run.stderr[-3000:]
    assert words in run.stderr
    assert not list((work / "out").iterdir())
    assert none_left_after(marker, 5.0) == []


# A signal arrives while pandas' C reader takes the next piece of a CSV of the export from
# its in-memory source (seen in CI: Ctrl-C as the workers started). pandas turns the
# KeyboardInterrupt raised there into "Calling read(nbytes) on source failed": the run must
# still stop as interrupted, never blame a good file of the export, never go on.
_SIGNAL_WHILE_PANDAS_READS = """
import os, signal, sys
signal.signal(signal.SIGINT, signal.default_int_handler)
signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
number = getattr(signal, sys.argv[1])
def signal_in_read(frame, event, arg):
    if event == "c_call" and getattr(arg, "__qualname__", "") == "StringIO.read":
        sys.setprofile(None)
        os.kill(os.getpid(), number)
import archiver.sources.csvtext as csvtext
real = csvtext.pd.read_csv
def reading(*args, **kwargs):
    csvtext.pd.read_csv = real
    sys.setprofile(signal_in_read)
    try:
        return real(*args, **kwargs)
    finally:
        sys.setprofile(None)
csvtext.pd.read_csv = reading
sys.argv = ["archiver", *sys.argv[2:]]
from archiver.entry import main
main()
"""


@pytest.mark.parametrize("name,code", [("SIGINT", 130), ("SIGTERM", 143)])
def test_a_signal_while_a_csv_is_parsed_stops_the_run_and_blames_no_file(
        work: Path, name: str, code: int) -> None:
    marker = uuid.uuid4().hex
    run = subprocess.run([sys.executable, "-c", _SIGNAL_WHILE_PANDAS_READS, name,
                          *command(work, "term-end")], capture_output=True, text=True,
                         env=environment(work, marker), timeout=120)
    assert run.returncode == code, run.stderr[-3000:]
    assert "CSV" not in run.stderr and ".csv" not in run.stderr, run.stderr[-3000:]
    assert "Traceback" not in run.stderr, run.stderr[-3000:]
    assert "interrupted" in run.stderr
    assert not list((work / "out").iterdir())
    assert none_left_after(marker, 5.0) == []
