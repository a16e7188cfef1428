"""The benchmark of issues 6 and 18 on a demo school: grid layouts, WeasyPrint's
plain-text ceiling, term-end, re-run, packing.

Everything runs on the same data in one call: the demo export is written by a separate
process (so its memory does not count as the pipeline's), then loaded here, then
  1. the attendance grid of the first class's first weeks, ours and a naive table;
  2. the ceiling: the pages of one document of each kind as plain preformatted text
     through the same PDF/A pipeline (archiver.render.ceiling), timed before the
     term-end and again after it: a machine whose speed drifts during the run moves
     both timings, and the kinds are judged against the two together;
  3. term-end of the whole year on `jobs` processes, every part of every document
     measured where it ran (CPU, wall, peak RSS, pages), and the CPU of every process of
     the tree counted (the workers are children of the forkserver: a parent's rusage
     misses them until the forkserver exits);
  4. the same term-end again with nothing changed (the render cache answers);
  5. hashing + encryption + packing of the bundle's payload on its own.
"""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from archiver.bench import grid
from archiver.bench.instrument import (
    MeasuredExecutor,
    Timeline,
    TreeSampler,
    cpu_mark,
    cpu_since,
    peak_rss_mb,
    timeline,
)
from archiver.config import Config
from archiver.executor import ProcessExecutor, SerialExecutor
from archiver.jobs.packing import PDF_DEFLATE
from archiver.jobs.term_end import TermEndRequest, archive_term
from archiver.load import load
from archiver.passwords import generate_password
from archiver.render import ceiling
from archiver.render.batch import RenderStats, open_render_cache, start_layout_workers
from archiver.render.chunks import body_class
from archiver.render.context import RunContext
from archiver.render.documents import RenderedDocument, prepare_document
from archiver.render.export_cache import load_export
from archiver.render.plan import plan_documents
from archiver.render.slicing import Slicer
from archiver.views import KINDS, Period, build_register
from archiver.views.kinds import kind_of_title

GRID_WEEKS = 4
T = TypeVar("T")
PACKING_MB = 100
Say = Callable[[str], None]


@dataclass
class KindFigures:
    """Documents of one kind in a term-end: pages and the CPU their layout took."""

    kind: str
    documents: int = 0
    pages: int = 0
    layout_cpu_s: float = 0.0  # in the processes that laid the parts out
    main_cpu_s: float = 0.0  # in the main process: views, templates, merging

    @property
    def pages_per_core(self) -> float:
        """Pages per CPU-second of layout alone."""
        return self.pages / self.layout_cpu_s if self.layout_cpu_s else 0.0

    @property
    def pages_per_cpu_s(self) -> float:
        """Pages per CPU-second of everything the kind's documents cost."""
        cpu = self.layout_cpu_s + self.main_cpu_s
        return self.pages / cpu if cpu else 0.0


@dataclass
class RunFigures:
    """One term-end: wall time (load included), what was rendered, where CPU went."""

    wall_s: float
    load_s: float
    documents: int
    pages: int
    rendered: int
    cached: int
    parent_cpu_s: float
    worker_cpu_s: float  # the tasks' own CPU in the workers
    bundle_bytes: int
    kinds: dict[str, KindFigures] = field(default_factory=dict)
    workers: dict[int, float] = field(default_factory=dict)  # pid -> peak RSS MB
    other_cpu_s: float = 0.0  # every other process: worker start-up, forkserver, tracker
    loads: tuple[float, float] = (0.0, 0.0)  # 1-minute load average: lowest, highest
    process_peaks_mb: dict[int, float] = field(default_factory=dict)  # sampled, every pid
    timeline: Timeline | None = None  # when the workers had tasks

    @property
    def total_cpu_s(self) -> float:
        """CPU seconds of every process of the run."""
        return self.parent_cpu_s + self.worker_cpu_s + self.other_cpu_s

    @property
    def pages_per_cpu_s(self) -> float:
        return self.pages / self.total_cpu_s if self.total_cpu_s else 0.0


@dataclass(frozen=True)
class Packing:
    """BundleWriter on a term-end payload: writing (hash, encrypt, pack), then closing."""

    mb: float
    files: int
    write_s: float
    write_cpu_s: float
    total_s: float  # with closing: tag files, fsync, the whole bundle decrypted and checked
    total_cpu_s: float

    @property
    def write_mb_s(self) -> float:
        return self.mb / self.write_s

    @property
    def total_mb_s(self) -> float:
        return self.mb / self.total_s


@dataclass
class BenchReport:
    size: str
    jobs: int
    cores: int
    load_before: tuple[float, float, float]
    load_after: tuple[float, float, float] = (0.0, 0.0, 0.0)
    classes: int = 0
    grid_ours: grid.GridRun | None = None
    grid_naive: grid.GridRun | None = None
    first: RunFigures | None = None
    rerun: RunFigures | None = None
    packing: Packing | None = None
    parent_peak_mb: float = 0.0  # this process: loading, views, templates, merging, packing
    ceilings: dict[str, ceiling.Ceiling] = field(default_factory=dict)  # before the term-end
    ceilings_after: dict[str, ceiling.Ceiling] = field(default_factory=dict)  # after the re-run


def kind_of(title: str) -> str:
    """The document kind a printed title belongs to (see views.kinds)."""
    return kind_of_title(title)


def _write_demo(size: str, folder: Path) -> Path:
    """The demo export, written by another process."""
    out = folder / f"demo-{size}.zip"
    subprocess.run([sys.executable, "-m", "archiver", "demo", str(out), "--size", size],
                   check=True, capture_output=True)
    return out


def _grid(ds, run_ctx: RunContext) -> tuple[grid.GridRun, grid.GridRun]:
    spec = next(s for s in plan_documents(ds, ("register",), period=Period()))
    view = build_register(ds, Config(), spec.scope)
    weeks = [w for w in view.weeks if w.columns and w.rows][:GRID_WEEKS]
    return grid.compare(weeks, run_ctx)


def _ceilings(ds, run_ctx: RunContext, say: Say) -> dict[str, ceiling.Ceiling]:
    """The plain-text ceiling of each kind, on the pages of its first class's document."""
    slicer, found = Slicer(ds), {}
    specs = [s for s in plan_documents(ds, KINDS, period=Period()) if s.class_id]
    for kind in KINDS:
        spec = next((s for s in specs if s.kind == kind), None)
        if spec is None:
            continue
        say(f"  ceiling: {kind}")
        prepared = prepare_document(spec, slicer.slice_for(spec), Config(), run_ctx)
        texts = ceiling.page_texts(prepared.parts)
        found[kind] = ceiling.measure(kind, texts, body_class(prepared.parts[0].html), run_ctx)
    return found


def _layouts(export: Path, run_ctx: RunContext
             ) -> tuple[int, grid.GridRun, grid.GridRun, dict[str, ceiling.Ceiling]]:
    """The number of classes, the grid comparison and the ceilings, on the export."""
    ds = load(export)
    ours, naive = _grid(ds, run_ctx)
    return len(ds.classes), ours, naive, _ceilings(ds, run_ctx, lambda _line: None)


def _ceilings_again(export: Path, run_ctx: RunContext) -> dict[str, ceiling.Ceiling]:
    """The ceilings timed again on the same pages, after the term-end."""
    return _ceilings(load(export), run_ctx, lambda _line: None)


def _in_own_process(fn: Callable[..., T], *args: object) -> T:
    """fn(*args) in a fresh process (spawned: a child of this one, reaped before the
    term-end's CPU is counted from). The ceilings lay out a whole register at once: done
    here, their memory would count as the pipeline's main process's peak."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        return pool.submit(fn, *args).result()


def _term_end(export: Path, folder: Path, label: str, jobs: int, run_ctx: RunContext,
              say: Say) -> RunFigures:
    with TreeSampler() as sampler:
        figures = _measured_term_end(export, folder, label, jobs, run_ctx, say)
    figures.loads = (min(sampler.loads), max(sampler.loads))
    figures.process_peaks_mb = dict(sampler.peaks_mb)
    return figures


def _measured_term_end(export: Path, folder: Path, label: str, jobs: int, run_ctx: RunContext,
                       say: Say) -> RunFigures:
    started, mark, clock = time.perf_counter(), cpu_mark(), time.time()
    inner = SerialExecutor() if jobs == 1 else ProcessExecutor(jobs)
    executor = MeasuredExecutor(inner)
    # as run_term_end does: an export read before comes from the render cache, a new one
    # is read while the workers start
    ds = load_export(export, open_render_cache(Config(), folder / "state"),
                     on_read=lambda: start_layout_workers(executor))
    load_s = time.perf_counter() - started
    kinds: dict[str, KindFigures] = {}

    def progress(done: int, total: int, document: RenderedDocument) -> None:
        kinds.setdefault(document.kind, KindFigures(document.kind)).documents += 1
        if done % 10 == 0 or done == total:
            say(f"  {label}: {done}/{total} documents")

    request = TermEndRequest(source=export, term="year", out_dir=folder / label,
                             operator="bench", password_file=folder / "password.txt",
                             state_dir=folder / "state", jobs=jobs)
    try:
        result = archive_term(ds, Config(), request, run_ctx, progress=progress,
                              executor=executor)
    finally:
        executor.close()
    own_cpu, others_cpu = cpu_since(mark)
    workers: dict[int, float] = {}
    for cost in executor.costs:
        workers[cost.pid] = max(workers.get(cost.pid, 0.0), cost.peak_rss_mb)
        # parts go to the workers out of document order (the long ones first): their
        # document's kind is told by its title
        figures = kinds.setdefault(kind_of(cost.title), KindFigures(kind_of(cost.title)))
        figures.pages += cost.pages
        figures.layout_cpu_s += cost.cpu_s
    _charge_main(kinds, result.rendering)
    worker_cpu = sum(c.cpu_s for c in executor.costs if c.pid != os.getpid())
    return RunFigures(
        wall_s=time.perf_counter() - started, load_s=load_s,
        documents=len(result.pack.documents), pages=result.pack.total_pages,
        rendered=result.rendering.rendered, cached=result.rendering.cached,
        parent_cpu_s=own_cpu, worker_cpu_s=worker_cpu,
        bundle_bytes=result.pack.bundle.size, kinds=kinds, workers=workers,
        timeline=timeline([c for c in executor.costs if c.pid != os.getpid()], clock,
                          time.time()),
        other_cpu_s=max(0.0, others_cpu - worker_cpu))


def _charge_main(kinds: dict[str, KindFigures], stats: RenderStats) -> None:
    for kind, cpu in stats.main_cpu_s.items():
        kinds.setdefault(kind, KindFigures(kind)).main_cpu_s += cpu


def _packing(bundle: Path, password: str, export: Path, folder: Path) -> Packing:
    """Hash, encrypt and pack the payload with BundleWriter as term-end does (PDFs stored),
    then close it (tag files, fsync, decryption and check of the whole bundle, rename).
    The payload: the bundle's documents, repeated under other names up to at least
    PACKING_MB (so that fixed costs, fsync and renames, do not decide), and the export."""
    import pyzipper

    from archiver.bundle import BundleWriter

    with pyzipper.AESZipFile(bundle) as zf:
        zf.setpassword(password.encode())
        documents = [(n.split("/data/", 1)[1], zf.read(n)) for n in zf.namelist()
                     if "/data/dokumenty/" in n]
    size = sum(len(d) for _, d in documents)
    rounds = max(1, -(-PACKING_MB * 1_000_000 // max(size, 1)))
    started, cpu = time.perf_counter(), time.process_time()
    with BundleWriter(folder / "packing.zip", password, {"Source-Organization": "bench"}) as w:
        for copy in range(rounds):
            for name, data in documents:
                w.add_bytes(f"{copy}/{name}", data, compress=PDF_DEFLATE)
        w.add_file("zrodlo/" + export.name, export)
        written, written_cpu = time.perf_counter() - started, time.process_time() - cpu
    return Packing((size * rounds + export.stat().st_size) / 1e6, len(documents) * rounds + 1,
                   written, written_cpu, time.perf_counter() - started,
                   time.process_time() - cpu)


def run_bench(size: str = "school", jobs: int = 2, say: Say = lambda _line: None
              ) -> BenchReport:
    """Run every measurement of the benchmark on the demo school of `size`."""
    report = BenchReport(size, jobs, os.cpu_count() or 1, os.getloadavg())
    # Printed on every page; the same for both term-end runs (the re-run hits the cache).
    run_ctx = RunContext("bench", datetime.now(UTC).replace(microsecond=0))
    with tempfile.TemporaryDirectory(prefix="archiver-bench-") as tmp:
        folder = Path(tmp)
        password = generate_password()
        (folder / "password.txt").write_text(password.reveal() + "\n", encoding="utf-8")
        say(f"writing the {size} demo school")
        export = _write_demo(size, folder)
        say("attendance grid (ours and a naive table) and the plain-text ceiling of each "
            "kind, in a process of their own")
        report.classes, report.grid_ours, report.grid_naive, report.ceilings = \
            _in_own_process(_layouts, export, run_ctx)
        say(f"term-end on {jobs} process(es)")
        report.first = _term_end(export, folder, "first", jobs, run_ctx, say)
        say("term-end again, nothing changed")
        report.rerun = _term_end(export, folder, "rerun", jobs, run_ctx, say)
        report.parent_peak_mb = peak_rss_mb()
        say("the plain-text ceiling of each kind again, in a process of its own")
        report.ceilings_after = _in_own_process(_ceilings_again, export, run_ctx)
        say("hashing + encryption + packing")
        bundle = next((folder / "first").glob("*.zip"))
        report.packing = _packing(bundle, password.reveal(), export, folder)
    report.load_after = os.getloadavg()
    return report

