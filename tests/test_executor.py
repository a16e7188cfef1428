"""The executor seam: parallel results equal serial ones, in input order."""

from __future__ import annotations

import time

from archiver.executor import ProcessExecutor, SerialExecutor, make_executor


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
