"""Runs at the same time neither interleave nor lose entries."""

from __future__ import annotations

import multiprocessing
import time
from datetime import UTC, datetime
from pathlib import Path

from archiver.audit import AuditLog, record

PER_PROCESS = 50


def _slow_clock() -> datetime:
    # Read between taking the chain point and writing: a slow clock widens that window,
    # so without the lock the two processes would chain onto the same line.
    time.sleep(0.002)
    return datetime.now(UTC)


def _append_many(state_dir: str, name: str, start) -> None:
    start.wait()  # both processes begin together
    log = AuditLog(state_dir, clock=_slow_clock)
    for number in range(PER_PROCESS):
        with record(log, "render", operator=name, scope={"classes": [f"{number}"]}) as rec:
            rec.add_output_bytes(f"{name}-{number}.pdf", f"{name}{number}".encode())


def test_two_processes_appending_at_once_record_everything_in_one_valid_chain(
    state_dir: Path,
) -> None:
    context = multiprocessing.get_context("fork")
    start = context.Event()
    workers = [
        context.Process(target=_append_many, args=(str(state_dir), name, start))
        for name in ("proces-a", "proces-b")
    ]
    for worker in workers:
        worker.start()
    start.set()
    for worker in workers:
        worker.join(timeout=120)
        assert worker.exitcode == 0
    log = AuditLog(state_dir)
    verdict = log.verify()
    assert verdict.ok and verdict.count == 2 * PER_PROCESS
    entries = list(log.entries())
    assert [e.seq for e in entries] == list(range(1, 2 * PER_PROCESS + 1))
    for name in ("proces-a", "proces-b"):
        mine = [e.outputs[0]["name"] for e in entries if e.operator == name]
        assert mine == [f"{name}-{n}.pdf" for n in range(PER_PROCESS)]
