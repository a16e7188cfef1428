"""Measure what each task costs where it runs: CPU and wall seconds, peak memory, pages.

Wraps any executor: each task's function is called through `_measured` in the process
that runs it, which returns the result with its measurements; the wrapper passes the
result on in order and keeps the measurements for the report.
"""

from __future__ import annotations

import os
import resource
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from archiver.executor import Executor, start_early


@dataclass(frozen=True)
class TaskCost:
    """One task as measured in the process that ran it."""

    pid: int
    cpu_s: float
    wall_s: float
    peak_rss_mb: float  # the process's peak so far (ru_maxrss)
    pages: int  # pages of the document laid out (a part's dropped lead page not counted)
    title: str = ""  # the document's title, when the task was a part of one
    started: float = 0.0  # wall clock (time.time(), the same in every process)
    ended: float = 0.0


def peak_rss_mb() -> float:
    """This process's peak resident set size in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _measured(fn: Callable[[Any, Any], Any], shared: Any, item: Any) -> tuple[Any, TaskCost]:
    cpu, wall, started = time.process_time(), time.perf_counter(), time.time()
    result = fn(shared, item)
    pages = getattr(result, "pages", 0) - int(getattr(item, "lead_page", False))
    return result, TaskCost(os.getpid(), time.process_time() - cpu,
                            time.perf_counter() - wall, peak_rss_mb(), pages,
                            str(getattr(item, "title", "")), started, time.time())


@dataclass(frozen=True)
class Timeline:
    """When the workers worked, within a run of `span_s` seconds of wall time: how long the
    run went before its first task started and after its last task ended (the main
    process alone: loading, the first views; the last merge, the protocol, packing), and
    each worker's seconds in tasks."""

    span_s: float
    before_s: float
    after_s: float
    busy_s: dict[int, float]

    def idle_s(self) -> float:
        """Worker-seconds with no task between the first task's start and the last's end."""
        inside = self.span_s - self.before_s - self.after_s
        return sum(max(0.0, inside - busy) for busy in self.busy_s.values())


def timeline(costs: list[TaskCost], started: float, ended: float) -> Timeline | None:
    """The timeline of the tasks in `costs`, of a run from `started` to `ended` (time.time)."""
    if not costs:
        return None
    busy: dict[int, float] = {}
    for cost in costs:
        busy[cost.pid] = busy.get(cost.pid, 0.0) + cost.ended - cost.started
    first, last = min(c.started for c in costs), max(c.ended for c in costs)
    return Timeline(ended - started, max(0.0, first - started), max(0.0, ended - last), busy)


class MeasuredExecutor:
    """Runs on `inner` and records every task's TaskCost, in input order."""

    def __init__(self, inner: Executor) -> None:
        self.inner = inner
        self.jobs = inner.jobs
        self.costs: list[TaskCost] = []

    def map(self, fn: Callable[[Any, Any], Any], items: Iterable[Any],
            shared: Any) -> Iterator[Any]:
        for result, cost in self.inner.map(partial(_measured, fn), items, shared):
            self.costs.append(cost)
            yield result

    def start(self, modules: Sequence[str] = ()) -> None:
        start_early(self.inner, modules)

    def close(self) -> None:
        self.inner.close()


def _descendants_cpu() -> dict[tuple[int, float], float]:
    """CPU seconds of every live descendant of this process, with what each has reaped
    (the forkserver reaps the pool's workers), keyed by (pid, start time)."""
    import psutil

    found = {}
    for child in psutil.Process().children(recursive=True):
        try:
            times = child.cpu_times()
            found[(child.pid, child.create_time())] = (
                times.user + times.system + times.children_user + times.children_system)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return found


def _own_cpu() -> float:
    """This process's CPU seconds and those of its children it has reaped."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    reaped = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + reaped.ru_utime + reaped.ru_stime


@dataclass(frozen=True)
class CpuMark:
    """A point to measure the CPU of the whole process tree from."""

    self_s: float
    with_reaped_s: float
    descendants: dict[tuple[int, float], float]


def cpu_mark() -> CpuMark:
    """Where every process of this tree stands now."""
    return CpuMark(time.process_time(), _own_cpu(), _descendants_cpu())


def cpu_since(mark: CpuMark) -> tuple[float, float]:
    """(CPU of this process, CPU of every other process of the tree) since `mark`:
    children this process reaped, live descendants (the forkserver with the workers it
    reaped, the resource tracker), descendants started since counted whole."""
    own = time.process_time() - mark.self_s
    reaped = _own_cpu() - mark.with_reaped_s - own
    others = sum(cpu - mark.descendants.get(key, 0.0)
                 for key, cpu in _descendants_cpu().items())
    return own, max(0.0, reaped) + others


class TreeSampler:
    """A thread sampling, once a second, the load average and the resident memory of every
    process of this tree (the forkserver and the resource tracker report no tasks)."""

    def __init__(self, interval_s: float = 1.0) -> None:
        import threading

        self.interval_s = interval_s
        self.loads: list[float] = []
        self.peaks_mb: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="bench-sampler", daemon=True)

    def _sample(self) -> None:
        import psutil

        self.loads.append(os.getloadavg()[0])
        me = psutil.Process()
        for proc in [me, *me.children(recursive=True)]:
            try:
                mb = proc.memory_info().rss / 2**20
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
            self.peaks_mb[proc.pid] = max(self.peaks_mb.get(proc.pid, 0.0), mb)

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            self._sample()

    def __enter__(self) -> TreeSampler:
        self._sample()
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()
