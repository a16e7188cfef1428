"""The executor seam: parallel results equal serial ones, in input order."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest

from archiver.executor import FULL_EVERY, ProcessExecutor, SerialExecutor, make_executor


def _slow_power(exponent: int, n: int) -> int:
    # Later items finish first, so ordering must come from the executor, not timing.
    time.sleep(0.01 * (5 - n % 5))
    return n**exponent


def test_process_pool_returns_results_in_input_order_with_shared_data() -> None:
    items = list(range(17))
    parallel = list(ProcessExecutor(2, window=4).map(_slow_power, items, 3))
    assert parallel == list(SerialExecutor().map(_slow_power, items, 3))
    assert parallel[:3] == [0, 1, 8]


def test_one_job_runs_serially() -> None:
    assert isinstance(make_executor(1), SerialExecutor)


def test_long_temporary_folder_falls_back_to_spawn(tmp_path, monkeypatch) -> None:
    import tempfile

    from archiver.executor import start_method

    long_dir = tmp_path / ("x" * 70)
    long_dir.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(long_dir))
    assert start_method() == "spawn"
    assert list(ProcessExecutor(2).map(_slow_power, [1, 2, 3], 2)) == [1, 4, 9]


def test_a_long_first_item_does_not_keep_the_other_workers_waiting() -> None:
    """Later items keep being submitted while the first (a long school-wide transcript)
    runs; results still come in input order."""
    import threading
    import time
    from concurrent.futures import ThreadPoolExecutor

    from archiver.executor import in_order

    release, started, freed_by_others = threading.Event(), [], []

    def work(i: int) -> int:
        started.append(i)
        if i == 0:
            release.wait(10)
        return i

    def release_once_all_started() -> None:
        deadline = time.monotonic() + 5
        while len(started) < 6 and time.monotonic() < deadline:
            time.sleep(0.01)
        freed_by_others.append(len(started) == 6)
        release.set()

    with ThreadPoolExecutor(2) as pool:
        threading.Thread(target=release_once_all_started, daemon=True).start()
        assert list(in_order(lambda i: pool.submit(work, i), range(6), window=2)) == \
            list(range(6))
    assert freed_by_others == [True]


def _pid(_shared: object, _item: int) -> int:
    import os

    return os.getpid()


def _started_workers(executor: ProcessExecutor, jobs: int) -> set[int]:
    """The pids of the workers a started executor's pool holds, once all have started."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        pool = executor._early
        assert pool is not None
        pids = set(getattr(pool, "_processes", None) or {})
        if len(pids) == jobs:
            return pids
        time.sleep(0.05)
    raise AssertionError("the workers did not start")


def test_workers_started_before_map_do_its_work_and_close_stops_unused_ones(tmp_path,
                                                                              monkeypatch
                                                                              ) -> None:
    """A term-end starts its workers before reading the export: the map() that follows
    runs on them; workers no map() used are stopped by close() (a run that fails while
    reading). Both start methods (a long temporary folder: spawn)."""
    import tempfile

    import psutil

    for start in ("forkserver", "spawn"):
        if start == "spawn":
            long_dir = tmp_path / ("x" * 70)
            long_dir.mkdir()
            monkeypatch.setattr(tempfile, "tempdir", str(long_dir))
        executor = ProcessExecutor(2)
        executor.start(["json"])
        started = _started_workers(executor, 2)
        assert set(executor.map(_pid, range(8), None)) <= started
        executor.close()

        unused = ProcessExecutor(2)
        unused.start()
        idle = _started_workers(unused, 2)
        unused.close()
        assert not [pid for pid in idle if psutil.pid_exists(pid)
                    and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE], start


_STARTS_EARLY = """
from multiprocessing import forkserver
from archiver.executor import ProcessExecutor
if __name__ == "__main__":
    executor = ProcessExecutor(1)
    executor.start(["archiver.render.batch"])
    print(list(executor.map(isinstance, [int], None)))
    with open(f"/proc/{forkserver._forkserver._forkserver_pid}/maps") as maps:
        print("pango" if "libpango" in maps.read() else "no pango")
    executor.close()
"""


def test_workers_started_early_have_the_forkserver_import_their_modules_never_from_the_current_folder(  # noqa: E501
        tmp_path) -> None:
    """A term-end's workers start with the layout code imported once, by the forkserver
    they are forked from (WeasyPrint's libraries loaded there), not each on its own; and
    a folder the user runs archiver in that holds a package of the same name is not
    imported in the code's place (Python 3.11's forkserver put the current folder
    first)."""
    script = tmp_path / "script" / "starts_early.py"
    script.parent.mkdir()
    script.write_text(_STARTS_EARLY)
    folder = tmp_path / "folder"
    (folder / "archiver").mkdir(parents=True)
    (folder / "archiver" / "__init__.py").write_text("open('IMPORTED', 'w').close()\n")
    run = subprocess.run([sys.executable, str(script)], cwd=folder, capture_output=True,
                         text=True, timeout=120, check=False)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.split() == ["[False]", "pango"]
    assert not (folder / "IMPORTED").exists()


def _frozen(_shared: object, _item: int) -> int:
    import gc

    return gc.get_freeze_count()


def test_workers_started_before_map_keep_their_imports_out_of_the_collectors_scans() -> None:
    """A layout worker's imported modules live as long as it does: started early, it has
    them frozen (gc.freeze), so its full collections do not scan them each time."""
    executor = ProcessExecutor(1)
    executor.start(["json"])
    frozen = list(executor.map(_frozen, range(1), None))
    executor.close()
    assert frozen[0] > 1000  # the interpreter's and the imported modules' objects


def _collector_thresholds(_shared: object, _item: int) -> tuple[int, int, int]:
    import gc

    return gc.get_threshold()


def test_workers_started_before_map_make_full_collections_rarely() -> None:
    """A layout worker keeps a part's layout alive while it works: its full collections,
    which scan all of it, come once per FULL_EVERY middle-generation collections, not
    every 10th; the young generations collect as before."""
    import gc

    executor = ProcessExecutor(1)
    executor.start(["json"])
    thresholds = list(executor.map(_collector_thresholds, range(1), None))[0]
    executor.close()
    assert thresholds[:2] == gc.get_threshold()[:2]
    assert thresholds[2] == FULL_EVERY > gc.get_threshold()[2]


def _ctrl_c_acts() -> None:
    # As from a terminal (a test runner's worker may pass SIGINT on ignored or blocked).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


_CTRL_C_IN_THE_WINDOW = """
import os, signal, sys, threading
from multiprocessing import resource_tracker
from archiver.executor import _children_deaf_to_ctrl_c
if sys.argv[1] == "another-thread":
    # numpy's OpenBLAS and GLib start threads of their own, which do not block SIGINT
    threading.Thread(target=threading.Event().wait, daemon=True).start()
try:
    with _children_deaf_to_ctrl_c():
        resource_tracker.ensure_running()  # what a new pool's first semaphore does
        os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C while the workers start
        threading.Event().wait(0.3)
    print("lost")
except KeyboardInterrupt:
    print("kept")
"""


@pytest.mark.parametrize("threads", ["main-thread-only", "another-thread"])
def test_ctrl_c_pressed_while_workers_start_is_kept_for_when_they_have_started(
        threads: str) -> None:
    """The resource tracker's first start unblocks SIGINT in the calling thread: inside the
    window where SIGINT was ignored (so that workers inherit it ignored), a Ctrl-C was then
    thrown away and the run went on to the end (seen as a skip of
    test_ctrl_c_while_the_workers_start_prints_no_traceback in make test-slow). So it was
    when the process had another thread: the kernel hands a signal blocked in the main
    thread to a thread that does not block it, and an ignored one is dropped there."""
    done = subprocess.run([sys.executable, "-c", _CTRL_C_IN_THE_WINDOW, threads],
                          capture_output=True, text=True, timeout=60, start_new_session=True,
                          preexec_fn=_ctrl_c_acts)
    assert done.stdout.strip() == "kept", done.stderr[-2000:]


_CTRL_C_WHILE_STARTING_THE_POOL = """
import os, signal, threading
from archiver.executor import ProcessExecutor
threading.Thread(target=threading.Event().wait, daemon=True).start()  # as OpenBLAS's
executor = ProcessExecutor(2)
pools = []
real_pool = executor._pool
def pool_then_ctrl_c(shared):
    pools.append(real_pool(shared))
    os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C just as the pool starts its workers
    threading.Event().wait(0.1)
    return pools[-1]
executor._pool = pool_then_ctrl_c
try:
    executor.start()
    print("not interrupted")
except KeyboardInterrupt:
    workers = list(pools[0]._processes.values())
    executor.close()  # what term-end does on its way out
    print(len(workers), sum(worker.is_alive() for worker in workers))
"""


def test_ctrl_c_while_the_pool_starts_its_workers_stops_every_worker_started() -> None:
    """Ctrl-C while start() starts the workers acts once they are the pool's, and close()
    stops them: left running, they failed on the pool's semaphores once this process had
    ended, each printing a traceback (seen 5 times in 60 interrupted term-ends)."""
    done = subprocess.run([sys.executable, "-c", _CTRL_C_WHILE_STARTING_THE_POOL],
                          capture_output=True, text=True, timeout=60, start_new_session=True,
                          preexec_fn=_ctrl_c_acts)
    assert done.stdout.split() == ["2", "0"], done.stdout + done.stderr[-2000:]
