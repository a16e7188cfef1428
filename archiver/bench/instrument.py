"""Measure what each task costs where it runs: CPU and wall seconds, peak memory, pages.

Wraps any executor: each task's function is called through `_measured` in the process
that runs it, which returns the result with its measurements; the wrapper passes the
result on in order and keeps the measurements for the report.
"""

from __future__ import annotations

import os
import resource
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any

from archiver.executor import Executor


@dataclass(frozen=True)
class TaskCost:
    """One task as measured in the process that ran it."""

    pid: int
    cpu_s: float
    wall_s: float
    peak_rss_mb: float  # the process's peak so far (ru_maxrss)
    pages: int  # pages of the document laid out (a part's dropped lead page not counted)
    title: str = ""  # the document's title, when the task was a part of one


def peak_rss_mb() -> float:
    """This process's peak resident set size in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _measured(fn: Callable[[Any, Any], Any], shared: Any, item: Any) -> tuple[Any, TaskCost]:
    cpu, wall = time.process_time(), time.perf_counter()
    result = fn(shared, item)
    pages = getattr(result, "pages", 0) - int(getattr(item, "lead_page", False))
    return result, TaskCost(os.getpid(), time.process_time() - cpu,
                            time.perf_counter() - wall, peak_rss_mb(), pages,
                            str(getattr(item, "title", "")))


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

    def close(self) -> None:
        self.inner.close()
