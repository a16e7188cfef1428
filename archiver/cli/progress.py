"""Progress a person can follow, on stderr: each step named, documents counted with the
elapsed time and an estimate. On a terminal a live bar (rich); otherwise one plain line
per step and per document, so a log shows where a run is; --quiet silences it.

Lines name classes and document kinds, never a person (a log may keep them)."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any

import click

from archiver.i18n import N_, _
from archiver.views.kinds import DOCUMENT_KINDS

QUIET_HELP = N_("Print no progress (steps and documents) on standard error; the summary, "
                "warnings and errors are printed all the same.")

ANY_DOCUMENT = N_("document")


def quiet_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--quiet", "-q", is_flag=True, help=QUIET_HELP)(func)


def _clock(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 60}:{seconds % 60:02d}" if seconds < 3600 else \
        f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def _on_terminal() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


class Reporter:
    """The steps of one run. Use as a context manager; pass `document` as the jobs'
    progress callback and `loaded` as their on_loaded."""

    def __init__(self, quiet: bool = False) -> None:
        self.quiet = quiet
        self.live = not quiet and _on_terminal()
        self.started = time.monotonic()
        self.classes: dict[str, str] = {}
        self._bar: Any = None
        self._task: Any = None
        self._documents_started: float | None = None

    def __enter__(self) -> Reporter:
        if self.live:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                SpinnerColumn,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            self._bar = Progress(
                SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                MofNCompleteColumn(), TextColumn(_("elapsed")), TimeElapsedColumn(),
                TextColumn(_("left about")), TimeRemainingColumn(),
                console=Console(stderr=True), transient=True)
            self._bar.start()
            self._task = self._bar.add_task("", total=None)
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Take the live bar off the terminal (before the summary is printed)."""
        if self._bar is not None:
            self._bar.stop()
            self._bar = None

    def elapsed(self) -> str:
        return _clock(time.monotonic() - self.started)

    def step(self, text: str) -> None:
        """A new step begins (loading, documents, closing the bundle, a copy ...)."""
        if self.quiet:
            return
        if self._bar is not None:
            self._bar.update(self._task, description=text, total=None, completed=0)
            self._bar.console.print(f"archiver: {text}", highlight=False)
        else:
            click.echo(_("archiver: {step}  [{elapsed}]").format(step=text,
                                                                 elapsed=self.elapsed()),
                       err=True)

    def loaded(self, ds: Any) -> None:
        """The export is read and valid: documents are next."""
        self.classes = dict(zip(ds.classes["class_id"].astype(str),
                                ds.classes["name"].astype(str), strict=True))
        self.step(_("documents: rendering and encrypting"))
        self._documents_started = time.monotonic()

    def label(self, document: Any) -> str:
        spec = getattr(document, "spec", None)
        found = DOCUMENT_KINDS.get(getattr(spec, "kind", ""))
        kind = _(found.progress if found and found.progress else ANY_DOCUMENT)
        class_id = getattr(spec, "class_id", None)
        if not self.classes and getattr(document, "file_name", None):
            return str(document.file_name)  # class, kind and period; never a name
        if class_id is None:
            return _("whole school: {kind}").format(kind=kind)
        return _("class {name}: {kind}").format(name=self.classes.get(str(class_id), class_id),
                                                kind=kind)

    def document(self, done: int, total: int, document: Any) -> None:
        """One more document is ready (the jobs' progress callback)."""
        if self.quiet:
            return
        label = self.label(document)
        if self._bar is not None:
            self._bar.update(self._task, description=_("documents: {label}").format(
                label=label), total=total, completed=done)
        else:
            since = self._documents_started or self.started
            spent = time.monotonic() - since
            left = spent / done * (total - done) if done else 0.0
            click.echo(_("archiver: document {done}/{total}: {label}  [{elapsed}, left about "
                         "{left}]").format(done=done, total=total, label=label,
                                           elapsed=self.elapsed(), left=_clock(left)),
                       err=True)
        if done == total:
            self.step(_("closing the bundle: protocol, checksums, verification"))

    def copying(self, folder: Any) -> None:
        self.step(_("copying to the medium {folder} and verifying the copy").format(
            folder=folder))

    def school(self, position: int, total: int, school_id: str) -> None:
        self.step(_("school {position}/{total}: {school}").format(
            position=position, total=total, school=school_id))

    def done(self) -> None:
        self.step(_("done"))
