"""The console script's first step: start the command line, and stop cleanly if Ctrl-C
comes while it is still starting.

Importing the command line takes a second or more (WeasyPrint, pandas, pyHanko; several
seconds on a busy machine). A Ctrl-C in that time used to end in a KeyboardInterrupt
traceback. Nothing has been read or written yet then, so the run just says it was
interrupted and exits 130, as it does later."""

from __future__ import annotations

import signal
import sys
from typing import NoReturn

INTERRUPTED = 130  # errors.ExitCode.INTERRUPTED, without importing the package


_running_as_program = False


def main() -> None:
    global _running_as_program
    _running_as_program = True
    try:
        from archiver.cli import main as command_line
    except KeyboardInterrupt:
        stopped_while_starting()
    command_line()


def stopped_while_starting() -> NoReturn:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C: no traceback either
    try:
        from archiver.i18n import _

        message = _("archiver: error: {message}").format(
            message=_("interrupted; nothing was left under a final name"))
    except Exception:  # the catalogs could not be read: the message in Polish regardless
        message = "archiver: błąd: przerwano; żaden plik nie został pod ostateczną nazwą"
    sys.stderr.write(message + "\n")
    exit_interrupted(INTERRUPTED)


def exit_interrupted(code: int) -> NoReturn:
    """Exit with `code` after an interrupt, and with no other status.

    CPython ends a process by SIGINT itself (status -2, not 130) when a KeyboardInterrupt
    once passed out of code run by the C API (some imports do that), even if the program
    caught it afterwards. So the exit handlers run here and the process exits directly."""
    import atexit
    import os

    if not _running_as_program:  # cli.main called in a test's own process
        sys.exit(code)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:  # a closed pipe: nothing more can be said there
            pass
    os._exit(code)
