"""Where work runs: serially, in a local process pool, or on a cluster.

The jobs hand an executor a picklable function, the data every call shares (the
dataset, configuration, run context: shipped once per worker, not once per item) and
the work items, and get results back *in input order*, so output never depends on
which worker finished first. Tests run the same pipeline serially; production uses a
process pool.
"""

from __future__ import annotations

import gc
import importlib
import multiprocessing
import os
import select
import signal
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from typing import Any, Protocol, TypeVar

from archiver.interrupts import deferred

T = TypeVar("T")
R = TypeVar("R")
S = TypeVar("S")

# The shared data of the current map() in a pool worker, set by its initializer.
_SHARED: Any = None


def default_jobs() -> int:
    """Number of worker processes by default: the CPUs this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class Executor(Protocol):
    """Runs fn(shared, item) over items and yields results in input order."""

    jobs: int

    def map(self, fn: Callable[[S, T], R], items: Iterable[T], shared: S) -> Iterator[R]: ...

    def close(self) -> None: ...


def start_early(executor: Executor, modules: Sequence[str] = ()) -> None:
    """Let `executor` start its workers now, with `modules` imported, for a map() to come
    without shared data (a process pool; other executors start as they do)."""
    start = getattr(executor, "start", None)
    if start is not None:
        start(modules)


class SerialExecutor:
    """Everything in this process, one item after another (tests, --jobs 1)."""

    jobs = 1

    def map(self, fn: Callable[[S, T], R], items: Iterable[T], shared: S) -> Iterator[R]:
        for item in items:
            yield fn(shared, item)

    def close(self) -> None:
        pass


def _set_shared(shared: Any, main_pid: int | None = None) -> None:
    global _SHARED
    # The main process handles Ctrl-C and stops the workers; a worker that took it too
    # would print its own traceback (issue 13).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if main_pid is not None:
        _end_with_parent(main_pid)
    _SHARED = shared


def _end_with_parent(main_pid: int) -> None:
    """A worker ends when the main process ends, even if that was killed (SIGKILL, the
    OOM killer) and could stop nobody: otherwise the worker waited forever for work or to
    hand back a result, holding pupils' data in its memory, and kept the forkserver and
    the resource tracker alive (a forked worker holds the forkserver's "alive" pipe).

    A daemon thread waits on a pidfd of the main process (readable once it has ended; a
    check each second where pidfds are missing) and then ends the worker at once."""
    try:
        pidfd: int | None = os.pidfd_open(main_pid)
    except ProcessLookupError:  # gone already, before this worker started
        os._exit(1)
    except (AttributeError, OSError):  # not Linux 5.3 or later
        pidfd = None
    threading.Thread(target=_wait_for_end, args=(main_pid, pidfd), daemon=True,
                     name="archiver-main-watch").start()


def _wait_for_end(main_pid: int, pidfd: int | None) -> None:
    if pidfd is not None:
        select.select([pidfd], [], [])
    else:
        while True:
            time.sleep(1.0)
            try:
                os.kill(main_pid, 0)
            except ProcessLookupError:
                break
            except PermissionError:  # alive under another account
                continue
    os._exit(1)


FULL_EVERY = 30  # a layout worker's full collections: one per 30 of the middle generation


def _ready(modules: tuple[str, ...]) -> None:
    """A worker's first task, sent when the pool is started early: the worker process
    starts now, not when the first item is submitted, and imports `modules`. It lasts a
    moment at least, so that the pool starts another worker for the next one (it only
    does when none is idle).

    The objects the imports made (modules, functions, classes: some 100,000 in a layout
    worker) are then moved out of the garbage collector's generations (`gc.freeze`): they
    live as long as the worker, and every full collection scanned them again. A layout
    worker's full collection took 80-150 ms, about one in eight of its CPU-seconds
    went to the collector (issue 18).

    Its full collections are also made rarer (one per FULL_EVERY collections of the
    middle generation, not 10): a register's part keeps many thousand layout objects
    alive, so each full collection scanned them, and an attendance summary laid out
    after a register paid 37-51 ms of collector a summary (3-5 ms with 30; the worker's
    peak RSS 183 -> 203 MB; session 28)."""
    started = time.monotonic()
    for name in modules:
        importlib.import_module(name)
    gc.freeze()
    young, middle, _full = gc.get_threshold()
    gc.set_threshold(young, middle, FULL_EVERY)
    time.sleep(max(0.0, 0.2 - (time.monotonic() - started)))


def _call_with_shared(fn: Callable[[Any, T], R], item: T) -> R:
    return fn(_SHARED, item)


def in_order(submit: Callable[[T], Future], items: Iterable[T], window: int,
             buffer: int | None = None) -> Iterator[Any]:
    """Submit items keeping at most `window` in flight; yield results in input order.

    Results that finish before an earlier one wait, up to `buffer` of them (default four
    windows), while new items keep being submitted: one long item (a school-wide message
    transcript, one part) no longer leaves the other workers without work once a window's
    worth of later items has finished behind it."""
    buffer = 4 * window if buffer is None else buffer
    pending: dict[int, Future] = {}
    done: dict[int, Any] = {}
    next_out = 0
    iterator = iter(enumerate(items))
    exhausted = False
    while True:
        while not exhausted and len(pending) < window and len(done) < buffer:
            try:
                index, item = next(iterator)
            except StopIteration:
                exhausted = True
                break
            pending[index] = submit(item)
        if next_out in done:
            yield done.pop(next_out)
            next_out += 1
            continue
        if not pending:
            return
        finished, _ = wait(list(pending.values()), return_when=FIRST_COMPLETED)
        for index in [i for i, f in pending.items() if f in finished]:
            done[index] = pending.pop(index).result()


def start_method() -> str:
    """forkserver: workers start from a clean process (no inherited threads or locks).
    Its socket lives in the temporary folder and a Unix socket path holds at most 107
    bytes, so with a long TMPDIR fall back to spawn (slower start, same result)."""
    if "forkserver" in multiprocessing.get_all_start_methods() and \
            len(tempfile.gettempdir()) <= 60:
        return "forkserver"
    return "spawn"


class ProcessExecutor:
    """A local process pool, started for each map() with its shared data (or before it,
    by start()). At most `window` items are in flight (and `in_order`'s buffer of
    finished ones waiting), so memory stays bounded however many there are."""

    def __init__(self, jobs: int, window: int | None = None) -> None:
        self.jobs = jobs
        self.window = window or jobs * 2
        self._context = multiprocessing.get_context(start_method())
        self._early: ProcessPoolExecutor | None = None

    def start(self, modules: Sequence[str] = ()) -> None:
        """Start the workers now, for the next map() without shared data (shared None),
        each importing `modules` meanwhile, while this process goes on (a term-end reads
        its export). A forkserver started here imports `modules` itself, once for every
        worker forked from it (`_start_forkserver_deaf_to_ctrl_c`)."""
        if self._early is not None:
            return
        if self._context.get_start_method() == "forkserver":
            _start_forkserver_deaf_to_ctrl_c(tuple(modules))
        # A spawned worker is not deaf to SIGINT before the pool's initializer runs: it
        # starts with SIGINT blocked. A start does not wait for the worker to be ready.
        # A Ctrl-C meanwhile acts when the block ends: close() then stops them.
        with _children_deaf_to_ctrl_c():
            pool = self._pool(None)
            for _ in range(self.jobs):
                pool.submit(_ready, tuple(modules))
            self._early = pool

    def _pool(self, shared: object) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=self.jobs, mp_context=self._context,
                                   initializer=_set_shared, initargs=(shared, os.getpid()))

    def _started(self) -> ProcessPoolExecutor | None:
        """The pool start() started, handed over once, or None."""
        pool, self._early = self._early, None
        return pool

    def map(self, fn: Callable[[S, T], R], items: Iterable[T], shared: S) -> Iterator[R]:
        pool = self._started() if shared is None else None
        if pool is None:
            if self._context.get_start_method() == "forkserver":
                _start_forkserver_deaf_to_ctrl_c()
            pool = self._pool(shared)
        try:
            yield from in_order(lambda item: pool.submit(_call_with_shared, fn, item),
                                items, self.window)
        except BaseException:  # Ctrl-C, SIGTERM, an error, or the consumer stopped early
            stop_pool(pool)
            raise
        pool.shutdown(wait=True)

    def close(self) -> None:
        """Stop workers start() started that no map() used."""
        pool = self._started()
        if pool is not None:
            stop_pool(pool)


def _forkserver_running() -> bool:
    from multiprocessing import forkserver

    return getattr(forkserver._forkserver, "_forkserver_pid", None) is not None


def _start_forkserver_deaf_to_ctrl_c(preload: tuple[str, ...] = ()) -> None:
    """Start the forkserver (once per process) with SIGINT blocked, which it and every
    worker forked from it inherit: a Ctrl-C reaching a worker still starting up printed
    its traceback.

    With `preload`, the forkserver imports those modules before it forks any worker, so
    each worker starts with them (WeasyPrint, pandas and the layout code: ~2 CPU-s and a
    dozen helper processes a worker, finding the C libraries, when each imported them
    itself). Python 3.11's forkserver imports them on its own module path, which puts the
    current folder first (it ignores this process's path), and a folder holding, say, an
    `archiver` or `pandas` of its own would have been imported in its place: it is started
    without the current folder on its path (PYTHONSAFEPATH). A worker then takes this
    process's path, as before, for whatever it imports later."""
    from multiprocessing import forkserver

    if _forkserver_running():
        return
    if preload:
        forkserver.set_forkserver_preload(["__main__", *preload])
    with _children_deaf_to_ctrl_c(), _safe_path():
        forkserver.ensure_running()


@contextmanager
def _safe_path() -> Iterator[None]:
    """PYTHONSAFEPATH set for processes started in the block (their module path without
    the current folder or the script's own), as it was after."""
    before = os.environ.get("PYTHONSAFEPATH")
    os.environ["PYTHONSAFEPATH"] = "1"
    try:
        yield
    finally:
        if before is None:
            del os.environ["PYTHONSAFEPATH"]
        else:
            os.environ["PYTHONSAFEPATH"] = before


@contextmanager
def _children_deaf_to_ctrl_c() -> Iterator[None]:
    """SIGINT blocked in this thread (the main one; elsewhere it cannot act anyway) for the
    block: processes started in it inherit it blocked, so the Ctrl-C a terminal sends to
    the whole process group does not reach them before they ignore it (the forkserver and
    the resource tracker do at once, a worker in the pool's initializer), and the
    forkserver's workers inherit it blocked from the forkserver.

    Blocked and held, never ignored here: the kernel hands a signal blocked in this thread
    to a thread that does not block it (numpy's OpenBLAS and GLib start their own), where
    an ignored one was dropped. A Ctrl-C (or SIGTERM, SIGHUP) meanwhile is held and acts
    when the block ends, not halfway through starting a worker (one started but not yet
    the pool's would be left to fail on the pool's semaphores, printing a traceback)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    # The resource tracker's first start unblocks SIGINT in this thread when it is done:
    # inside the block, processes started after it would not inherit it blocked. It
    # starts first, deaf on its own.
    from multiprocessing import resource_tracker

    resource_tracker.ensure_running()
    with deferred():
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            yield
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)


def stop_pool(pool: ProcessPoolExecutor, grace: float = 2.0) -> None:
    """Stop now: cancel what has not started, end the workers (SIGTERM, then SIGKILL
    after `grace` seconds) so no process of the run outlives it, holding pupils' data."""
    workers = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for worker in workers:
        if worker.is_alive():
            worker.terminate()
    deadline = time.monotonic() + grace
    for worker in workers:
        worker.join(max(0.0, deadline - time.monotonic()))
        if worker.is_alive():
            worker.kill()
            worker.join(1.0)


def make_executor(jobs: int | None = None) -> Executor:
    """A serial executor for one job, else a local process pool."""
    jobs = jobs or default_jobs()
    if jobs <= 1:
        return SerialExecutor()
    return ProcessExecutor(jobs)


def __getattr__(name: str) -> Any:
    # DaskExecutor lives in its own module so that only a cluster run imports distributed.
    if name in ("DaskExecutor", "ClusterError"):
        from archiver.executor import cluster as executor_dask

        return getattr(executor_dask, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
