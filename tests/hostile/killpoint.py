"""Run `archiver ARGS...` and kill the process with SIGKILL the N-th time it reaches a named
point: a crash at an exact step, not at a moment that depends on the machine's load.

    python killpoint.py POINT N ARGS...

With KILLPOINT_SIGNAL set (a number: 15 for SIGTERM, 1 for SIGHUP) that signal is sent
instead, and the run goes on to handle it.
"""

from __future__ import annotations

import functools
import importlib
import os
import signal
import sys

# point -> (module, attribute): the steps of term-end and disclose, in the order they run.
POINTS = {
    "entry": ("archiver.bundle.writer", "BundleWriter._write"),  # mid-bundle
    "verify": ("archiver.bundle.writer", "BundleWriter._verify_partial"),  # written, unchecked
    "publish": ("archiver.bundle.writer", "publish_pair"),  # verified, not yet renamed
    "protocol": ("archiver.jobs.packing", "write_whole"),  # bundle out, no protocol
    "letter": ("archiver.jobs.disclose", "write_whole"),  # disclose: no cover letter
    "audit": ("archiver.audit.log", "AuditLog._write"),  # all written, not yet recorded
    "slip": ("archiver.passwords", "write_whole"),  # bundle out, slip not yet written
    "copy": ("archiver.bundle.copy", "publish_pair"),  # the copy verified, not yet named
}


def arm(point: str, nth: int) -> None:
    """Replace the point's function by one that kills this process on its nth call."""
    module_name, attribute = POINTS[point]
    module = importlib.import_module(module_name)
    *path, name = attribute.split(".")
    owner = functools.reduce(getattr, path, module)
    original = getattr(owner, name)
    calls = 0

    @functools.wraps(original)
    def killing(*args, **kwargs):
        nonlocal calls
        calls += 1
        if calls == nth:
            os.kill(os.getpid(), int(os.environ.get("KILLPOINT_SIGNAL", signal.SIGKILL)))
        return original(*args, **kwargs)

    setattr(owner, name, killing)


if __name__ == "__main__":
    arm(sys.argv[1], int(sys.argv[2]))
    from archiver.cli import main

    main(sys.argv[3:])
