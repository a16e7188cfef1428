"""Which files the running job has given a final name (issue 13: record what is published).

Every place that publishes a file (a rename or link from a partial name) calls `note()`;
the audit record of the job (audit.record) opens a `journal()` around the job, lists
every journaled file that still exists among the entry's outputs, whatever way the job
ends, and withdraws them when the entry itself cannot be written: nothing stays under a
final name without an audit entry. Imports nothing of the package.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Published:
    path: Path
    kind: str | None = None


_JOURNALS: ContextVar[tuple[list[Published], ...]] = ContextVar("archiver_journals",
                                                                 default=())


@contextmanager
def journal() -> Iterator[list[Published]]:
    """Collect the files published (in this thread) while the block runs."""
    mine: list[Published] = []
    token = _JOURNALS.set((*_JOURNALS.get(), mine))
    try:
        yield mine
    finally:
        _JOURNALS.reset(token)


def note(path: Path, kind: str | None = None) -> None:
    """`path` now exists under its final name (call right after the rename or link)."""
    for mine in _JOURNALS.get():
        mine.append(Published(Path(path), kind))
