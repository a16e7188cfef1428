"""`archiver render`: PDFs for printing (director's printouts), one file per document.

Files appear whole or not at all (archiver.files.write_whole) and an existing file is
never replaced unless asked (`force`). File names hold no personal
data. Every run, whatever its outcome, is recorded in the audit log.
"""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from archiver.audit.log import AuditLog
from archiver.audit.record import record
from archiver.config import Config
from archiver.errors import RefusedError
from archiver.files import storage_error, write_whole
from archiver.i18n import N_, _
from archiver.load import load
from archiver.model import Dataset
from archiver.people import find_student
from archiver.render import (
    DocumentSpec,
    RunContext,
    class_ids_by_name,
    document_file_name,
    plan_documents,
    render_documents,
)
from archiver.statedir import make_private_dirs
from archiver.views import KINDS, Period

Progress = Callable[[int, int, Any], None]


@dataclass(frozen=True)
class RenderRequest:
    """What `archiver render` was asked for (no click types here)."""

    source: Path
    out_dir: Path
    operator: str
    kinds: tuple[str, ...] = ()  # empty: every kind
    class_names: tuple[str, ...] = ()  # empty: every class (and the school-wide transcript)
    student_id: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    term: int | None = None
    force: bool = False
    jobs: int | None = None
    state_dir: Path | None = None


@dataclass(frozen=True)
class WrittenDocument:
    path: Path
    kind: str
    pages: int
    sha256: str


@dataclass
class RenderResult:
    documents: list[WrittenDocument] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def pages(self) -> int:
        return sum(d.pages for d in self.documents)


def _targets(request: RenderRequest, names: list[str]) -> list[Path]:
    targets = [request.out_dir / name for name in names]
    existing = [t for t in targets if os.path.lexists(t)]
    if existing and not request.force:
        raise RefusedError(
            _("{existing} of the {targets} files already exist in {out_dir} (first: "
              "{name}); nothing was written").format(
                existing=len(existing), targets=len(targets), out_dir=request.out_dir,
                name=existing[0].name),
            hint=_("use --force to replace them, or choose another --out folder"),
        )
    return targets


def _scope(dataset: Dataset, config: Config, request: RenderRequest,
           specs: list[DocumentSpec]) -> dict[str, Any]:
    first = specs[0]
    return {"school_id": dataset.meta.school.id, "school_year": dataset.meta.school_year,
            "documents": [k for k in KINDS if any(s.kind == k for s in specs)],
            "classes": list(request.class_names), "student_id": request.student_id,
            "period": {"from": first.date_from.isoformat(), "to": first.date_to.isoformat()},
            "term": first.term, "config_fingerprint": config.fingerprint()}


def run_render(request: RenderRequest, config: Config,
               progress: Progress | None = None) -> RenderResult:
    """Render the requested documents into request.out_dir; refuse to overwrite."""
    started = time.monotonic()
    dataset = load(request.source)
    if request.student_id:  # a name becomes the id; only the id is recorded
        request = dataclasses.replace(request,
                                      student_id=find_student(dataset, request.student_id))
    class_ids = class_ids_by_name(dataset, request.class_names) if request.class_names else None
    specs = plan_documents(dataset, request.kinds or KINDS, class_ids, request.student_id,
                           Period(request.date_from, request.date_to, request.term))
    targets = _targets(request, [document_file_name(dataset, s) for s in specs])
    try:
        # Owner-only, like every folder archiver creates: the printouts hold personal data.
        make_private_dirs(request.out_dir)  # parents too, whatever the umask
    except OSError as exc:
        raise storage_error(exc, _("create the output folder"), request.out_dir) from None
    run_ctx = RunContext.create(request.operator)
    result = RenderResult()
    log = AuditLog.for_config(config, request.state_dir)
    with record(log, "render", operator=request.operator,
                scope=_scope(dataset, config, request, specs)) as audit:
        documents = render_documents(specs, dataset, config, run_ctx, jobs=request.jobs,
                                     progress=progress)
        for target, document in zip(targets, documents, strict=True):
            write_whole(target, document.pdf, what=N_("a printout"), replace=request.force)
            audit.add_output_bytes(target.name, document.pdf, kind=document.kind,
                                   path=target)
            result.documents.append(WrittenDocument(target, document.kind, document.pages,
                                                    document.sha256))
    result.seconds = time.monotonic() - started
    return result
