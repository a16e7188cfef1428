"""Render many documents through an executor: parts of documents in parallel, each
document's slice of the export, an encrypted cache of finished documents.

Here (the parent process) each document's rows are sliced out of the export and its key
looked up in the cache; a document not cached gets its view and HTML built from its slice
and cut into parts (archiver.render.chunks). Only the parts travel to the workers, which
lay them out with WeasyPrint and hold nothing else: a worker's memory is bounded by one
part, whatever the size of the school or the length of the year. The parts come back in
order and are merged here; documents are yielded in the order of `specs`.
"""

from __future__ import annotations

import gc
import hashlib
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from archiver.config import Config
from archiver.executor import Executor, default_jobs, make_executor, start_early
from archiver.model import Dataset
from archiver.render.cache import CachedDocument, RenderCache
from archiver.render.cache_keys import document_key
from archiver.render.chunks import PartJob, PartPdf, render_part
from archiver.render.context import RunContext
from archiver.render.documents import (
    DocumentSpec,
    PreparedDocument,
    RenderedDocument,
    ViewMemo,
    finish_document,
    prepare_document,
    render_document,
)
from archiver.render.slicing import Slicer
from archiver.views import document_kind

Progress = Callable[[int, int, RenderedDocument], None]
Shared = tuple[Dataset, Config, RunContext]


@dataclass
class RenderStats:
    """What one render_documents() call did: documents laid out, taken from the cache,
    and parts laid out (a long document has several)."""

    rendered: int = 0
    cached: int = 0
    parts: int = 0
    # CPU seconds this process spent per document kind: views, templates, merging
    main_cpu_s: dict[str, float] = field(default_factory=dict)

    def charge(self, kind: str, since: float) -> None:
        """Add the CPU this process spent on a document of `kind` since `since`."""
        self.main_cpu_s[kind] = self.main_cpu_s.get(kind, 0.0) + time.process_time() - since


def open_render_cache(config: Config, state_dir: Path | None = None) -> RenderCache:
    """The render cache of the state directory (--state-dir, else the configured one)."""
    return RenderCache.open(config.state_dir(state_dir))


def render_one(shared: Shared, spec: DocumentSpec) -> RenderedDocument:
    """Render one document from the shared (dataset, config, run context)."""
    dataset, config, run_ctx = shared
    return render_document(spec, dataset, config, run_ctx)


def lay_out_part(_shared: object, job: PartJob) -> PartPdf:
    """The worker's task: lay out one part of a document."""
    return render_part(job)


def start_layout_workers(executor: Executor) -> None:
    """Start `executor`'s workers now, WeasyPrint and the layout code imported (by the
    forkserver, once for all), for the render_documents() to come: a term-end starts
    them before reading a new export, so that they are ready when its first document is."""
    start_early(executor, (lay_out_part.__module__,))


def _from_cache(entry: CachedDocument, spec: DocumentSpec) -> RenderedDocument:
    return RenderedDocument(entry.file_name, entry.pdf, entry.pages,
                            hashlib.sha256(entry.pdf).hexdigest(), entry.kind, spec)


def submission_order(specs: Sequence[DocumentSpec], hits: Sequence[bool]) -> list[int]:
    """Indexes of the documents to render, in the order their parts go to the workers:
    a school-wide document whose parts may not be cut first (the message transcript, one
    long part: started
    last, it would keep one worker busy while the others idle), then the others in order."""
    def school_wide(spec: DocumentSpec) -> bool:
        uncut = not document_kind(spec.kind).parts_may_be_cut
        return uncut and spec.class_id is None and spec.student_id is None

    misses = [i for i, hit in enumerate(hits) if not hit]
    return sorted(misses, key=lambda i: (not school_wide(specs[i]), i))


class _LaidOut:
    """Laid-out parts, received in submission order, handed out by document index."""

    def __init__(self, results: Iterator[PartPdf],
                 prepared: deque[tuple[int, PreparedDocument]]) -> None:
        self._results = results
        self._prepared = prepared  # filled by the generator that feeds the executor
        self._done: dict[int, tuple[PreparedDocument, list[PartPdf]]] = {}

    def parts_of(self, index: int) -> tuple[PreparedDocument, list[PartPdf]]:
        """Document `index` and its laid-out parts (later ones kept until asked for)."""
        while index not in self._done:
            first = next(self._results)  # pulls the next document into `prepared`
            number, document = self._prepared.popleft()
            rest = [next(self._results) for _ in document.parts[1:]]
            self._done[number] = (document, [first, *rest])
        return self._done.pop(index)


@contextmanager
def frozen_heap() -> Iterator[None]:
    """The objects alive now (the export, the modules) left out of the garbage collector's
    full collections for the block, then handed back to it. A batch allocates many
    objects, so the collector runs often, and each full collection scanned the whole
    export: a tenth of a term-end's main process on large. Frozen objects are still freed
    by their reference counts; cycles among them wait for the block's end."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def render_documents(specs: Sequence[DocumentSpec], dataset: Dataset, config: Config,
                     run_ctx: RunContext, *, jobs: int | None = None,
                     executor: Executor | None = None, progress: Progress | None = None,
                     cache: RenderCache | None = None,
                     stats: RenderStats | None = None) -> Iterator[RenderedDocument]:
    """Yield every spec's document, in the order of `specs`, its parts laid out on `jobs`
    processes (or `executor`); documents found in `cache` are not rendered again."""
    with frozen_heap():
        yield from _render_documents(specs, dataset, config, run_ctx, jobs, executor,
                                     progress, cache, stats)


def _render_documents(specs: Sequence[DocumentSpec], dataset: Dataset, config: Config,
                      run_ctx: RunContext, jobs: int | None, executor: Executor | None,
                      progress: Progress | None, cache: RenderCache | None,
                      stats: RenderStats | None) -> Iterator[RenderedDocument]:
    stats = stats if stats is not None else RenderStats()
    slicer = Slicer(dataset)
    # Each document's key (its slice's digest) is worked out when it is first needed, not
    # all before the first is laid out: the workers start on the first document while
    # the others' slices are hashed.
    keys: dict[int, str | None] = {}
    hits: dict[int, bool] = {}

    def looked_up(index: int) -> tuple[str | None, bool]:
        if index not in hits:
            key = document_key(specs[index], slicer.digest_for(specs[index]), config,
                               run_ctx, dataset.meta.timezone) if cache else None
            keys[index], hits[index] = key, cache is not None and cache.contains(key)
        return keys[index], hits[index]

    prepared: deque[tuple[int, PreparedDocument]] = deque()
    order = submission_order(specs, [False] * len(specs))  # the cached ones skipped
    views = ViewMemo()  # class views a school-wide document is built from

    def part_jobs() -> Iterator[PartJob]:
        for index in order:
            if looked_up(index)[1]:
                continue
            started = time.process_time()
            document = prepare_document(specs[index], slicer.slice_for(specs[index]), config,
                                        run_ctx, views)
            stats.charge(specs[index].kind, started)
            prepared.append((index, document))
            yield from document.parts

    if executor is None:
        executor = make_executor(min(jobs or default_jobs(), max(1, len(specs) * 2)))
    laid_out = _LaidOut(executor.map(lay_out_part, part_jobs(), None), prepared)
    for done, spec in enumerate(specs, start=1):
        key, hit = looked_up(done - 1)
        entry = cache.get(key) if hit and cache is not None else None
        if entry is not None:
            document = _from_cache(entry, spec)
            stats.cached += 1
        elif hit:  # the entry vanished or was unreadable since the look-up: render it here
            document = render_document(spec, slicer.slice_for(spec), config, run_ctx)
            stats.rendered += 1
        else:
            current, parts = laid_out.parts_of(done - 1)
            started = time.process_time()
            document = finish_document(current, parts)
            stats.charge(spec.kind, started)
            stats.rendered += 1
            stats.parts += len(parts)
        if cache is not None and entry is None:
            cache.put(key, CachedDocument(document.file_name, document.pdf, document.pages,
                                          document.kind))
        if progress:
            progress(done, len(specs), document)
        yield document
