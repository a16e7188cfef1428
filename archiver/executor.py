"""Where work runs: serially, in a local process pool, or (later) on a cluster.

The jobs hand an executor a picklable function and a list of work items and get the
results back *in input order*, so output never depends on which worker finished first.
Tests run the same pipeline serially; production uses a process pool.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any, Protocol, TypeVar

T = TypeVar("T")
R = TypeVar("R")


def default_jobs() -> int:
    """Number of worker processes by default: the CPUs this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class Executor(Protocol):
    """Runs fn over items and yields results in input order."""

    jobs: int

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]: ...

    def close(self) -> None: ...


class SerialExecutor:
    """Everything in this process, one item after another (tests, --jobs 1)."""

    jobs = 1

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        for item in items:
            yield fn(item)

    def close(self) -> None:
        pass


class ProcessExecutor:
    """A local process pool. At most `window` items are in flight, so memory stays bounded
    however many documents there are; results are yielded in input order."""

    def __init__(
        self,
        jobs: int,
        initializer: Callable[..., Any] | None = None,
        initargs: tuple = (),
        window: int | None = None,
    ) -> None:
        self.jobs = jobs
        self.window = window or jobs * 2
        # forkserver: workers start from a clean process (no inherited threads or locks).
        methods = multiprocessing.get_all_start_methods()
        method = "forkserver" if "forkserver" in methods else "spawn"
        self._pool = ProcessPoolExecutor(
            max_workers=jobs,
            mp_context=multiprocessing.get_context(method),
            initializer=initializer,
            initargs=initargs,
        )

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        pending: dict[int, Future] = {}
        done: dict[int, R] = {}
        next_out = 0
        iterator = iter(enumerate(items))
        exhausted = False
        while True:
            while not exhausted and len(pending) + len(done) < self.window:
                try:
                    index, item = next(iterator)
                except StopIteration:
                    exhausted = True
                    break
                pending[index] = self._pool.submit(fn, item)
            if next_out in done:
                yield done.pop(next_out)
                next_out += 1
                continue
            if not pending:
                return
            finished, _ = wait(pending.values(), return_when=FIRST_COMPLETED)
            for index in [i for i, f in pending.items() if f in finished]:
                done[index] = pending.pop(index).result()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


def make_executor(jobs: int | None = None, **kwargs: Any) -> Executor:
    """A serial executor for one job, else a local process pool."""
    jobs = jobs or default_jobs()
    if jobs <= 1:
        return SerialExecutor()
    return ProcessExecutor(jobs, **kwargs)
