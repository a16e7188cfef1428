"""The executor seam: parallel results equal serial ones, in input order."""

from __future__ import annotations

import time

from archiver.executor import ProcessExecutor, SerialExecutor, make_executor


def _slow_square(n: int) -> int:
    # Later items finish first, so ordering must come from the executor, not timing.
    time.sleep(0.01 * (5 - n % 5))
    return n * n


def test_process_pool_returns_results_in_input_order() -> None:
    items = list(range(17))
    pool = ProcessExecutor(2, window=4)
    try:
        parallel = list(pool.map(_slow_square, items))
    finally:
        pool.close()
    assert parallel == list(SerialExecutor().map(_slow_square, items))


def test_one_job_runs_serially() -> None:
    assert isinstance(make_executor(1), SerialExecutor)
