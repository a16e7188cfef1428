"""Render many documents through an executor, the dataset shipped once per worker."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

from archiver.config import Config
from archiver.executor import Executor, default_jobs, make_executor
from archiver.model import Dataset
from archiver.render.context import RunContext
from archiver.render.documents import DocumentSpec, RenderedDocument, render_document

Progress = Callable[[int, int, RenderedDocument], None]
Shared = tuple[Dataset, Config, RunContext]


def render_one(shared: Shared, spec: DocumentSpec) -> RenderedDocument:
    """Render one document from the shared (dataset, config, run context)."""
    dataset, config, run_ctx = shared
    return render_document(spec, dataset, config, run_ctx)


def render_documents(specs: Sequence[DocumentSpec], dataset: Dataset, config: Config,
                     run_ctx: RunContext, *, jobs: int | None = None,
                     executor: Executor | None = None,
                     progress: Progress | None = None) -> Iterator[RenderedDocument]:
    """Yield every spec's document, in the order of `specs`, rendered on `jobs` processes."""
    if executor is None:
        executor = make_executor(min(jobs or default_jobs(), max(1, len(specs))))
    results = executor.map(render_one, specs, (dataset, config, run_ctx))
    for done, document in enumerate(results, start=1):
        if progress:
            progress(done, len(specs), document)
        yield document
