"""Render many documents through an executor, the dataset shipped once per worker."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

from archiver.config import Config
from archiver.executor import Executor, default_jobs, make_executor
from archiver.model import Dataset
from archiver.render.context import RunContext
from archiver.render.documents import DocumentSpec, RenderedDocument, render_document

# Set in each worker process by _init_worker; the parent renders serially without it.
_WORKER: tuple[Dataset, Config, RunContext] | None = None

Progress = Callable[[int, int, RenderedDocument], None]


def _init_worker(dataset: Dataset, config: Config, run_ctx: RunContext) -> None:
    global _WORKER
    _WORKER = (dataset, config, run_ctx)


def _render_in_worker(spec: DocumentSpec) -> RenderedDocument:
    assert _WORKER is not None, "worker not initialised"
    return render_document(spec, *_WORKER)


def render_documents(specs: Sequence[DocumentSpec], dataset: Dataset, config: Config,
                     run_ctx: RunContext, *, jobs: int | None = None,
                     executor: Executor | None = None,
                     progress: Progress | None = None) -> Iterator[RenderedDocument]:
    """Yield every spec's document, in the order of `specs`, rendered on `jobs` processes."""
    own = executor is None
    if executor is None:
        workers = min(jobs or default_jobs(), max(1, len(specs)))
        executor = make_executor(workers, initializer=_init_worker,
                                 initargs=(dataset, config, run_ctx))
    try:
        if executor.jobs <= 1:
            results = (render_document(s, dataset, config, run_ctx) for s in specs)
        else:
            results = executor.map(_render_in_worker, specs)
        for done, document in enumerate(results, start=1):
            if progress:
                progress(done, len(specs), document)
            yield document
    finally:
        if own:
            executor.close()
