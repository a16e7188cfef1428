"""Ctrl-C, SIGTERM and SIGHUP: one way to stop a run, and short moments that must not be cut.

The CLI installs `handle_termination_signals()`: SIGTERM and SIGHUP then raise
`Interrupted` (a KeyboardInterrupt) in the main thread, so the run unwinds exactly as on
Ctrl-C (workers stopped, partial files removed, the audit entry "interrupted"). Inside
`deferred()` (writing the audit entry) a signal is held and acts when the block ends.
Python runs signal handlers in the main thread only; blocking signals with a thread mask
would not hold them (another thread receives them), so the holding is done here.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from archiver.errors import Interrupted

_TERMINATING = tuple(getattr(signal, n) for n in ("SIGTERM", "SIGHUP") if hasattr(signal, n))
_held: list[int] = []
_depth = 0


def _stop(signum: int) -> None:
    # Once: a second SIGTERM during the cleanup must not cut the cleanup short.
    for number in _TERMINATING:
        signal.signal(number, signal.SIG_IGN)
    if signum == signal.SIGINT:
        raise KeyboardInterrupt
    raise Interrupted(signum)


def _on_signal(signum: int, _frame: Any) -> None:
    if _depth:
        _held.append(signum)
        return
    _stop(signum)


def handle_termination_signals() -> None:
    """SIGTERM and SIGHUP unwind the run as Ctrl-C does (unless ignored, as under nohup)."""
    for number in _TERMINATING:
        if signal.getsignal(number) is not signal.SIG_IGN:
            signal.signal(number, _on_signal)


@contextmanager
def deferred() -> Iterator[Callable[[], bool]]:
    """Hold Ctrl-C, SIGTERM and SIGHUP for the block; yields a function telling whether
    one came meanwhile. The held signal acts (raises) when the block ends."""
    global _depth
    if threading.current_thread() is not threading.main_thread():
        yield lambda: False
        return
    previous_int = signal.getsignal(signal.SIGINT)
    hold_int = previous_int is signal.default_int_handler
    if hold_int:
        signal.signal(signal.SIGINT, _on_signal)
    _depth += 1
    try:
        yield lambda: bool(_held)
    finally:
        _depth -= 1
        if hold_int:
            signal.signal(signal.SIGINT, previous_int)
        if not _depth and _held:
            signum = _held[0]
            _held.clear()
            _stop(signum)
