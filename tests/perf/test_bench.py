"""The benchmark's own parts: measured tasks, the naive grid, goals judged as printed.

(The benchmark itself is a long run, `archiver bench`, never a test.)"""

from __future__ import annotations

import os
from dataclasses import dataclass

from perf_helpers import register_spec, year_specs

from archiver.bench import format_report
from archiver.bench.grid import GridRun, naive_html, ours_html
from archiver.bench.instrument import MeasuredExecutor
from archiver.bench.run import BenchReport, KindFigures, Packing, RunFigures, kind_of
from archiver.config import Config
from archiver.executor import SerialExecutor
from archiver.render import plan_documents
from archiver.render.documents import document_title
from archiver.render.textgrid import blocks
from archiver.views import Period, build_register


@dataclass(frozen=True)
class Item:
    value: int
    lead_page: bool = False


@dataclass(frozen=True)
class Result:
    value: int
    pages: int


def _double(shared: int, item: Item) -> Result:
    return Result(item.value * shared, 5)


def test_measured_executor_keeps_order_and_counts_pages_without_lead_pages() -> None:
    executor = MeasuredExecutor(SerialExecutor())
    items = [Item(1), Item(2, lead_page=True), Item(3)]
    assert [r.value for r in executor.map(_double, items, 10)] == [10, 20, 30]
    assert [c.pages for c in executor.costs] == [5, 4, 5]
    assert all(c.pid == os.getpid() and c.peak_rss_mb > 0 for c in executor.costs)


def test_naive_grid_has_one_cell_per_mark_of_the_same_weeks(small) -> None:
    view = build_register(small, Config(), register_spec(small).scope)
    weeks = [w for w in view.weeks if w.columns][:2]
    expected = 0
    for week in weeks:
        tables = -(-len(week.columns) // blocks(week)[0].columns)  # column blocks
        # per table: a label and a cell per column in 2 header rows; a name per student
        expected += tables * (2 + len(week.rows)) + len(week.columns) * (2 + len(week.rows))
    assert naive_html(weeks).count("<td>") == expected
    ours = ours_html(weeks)
    assert "<td>" not in ours and ours.count('<pre class="grid"') >= len(weeks)


def _run(wall: float, rendered: int) -> RunFigures:
    return RunFigures(wall_s=wall, load_s=1.0, documents=97, pages=4000, rendered=rendered,
                      cached=97 - rendered, parent_cpu_s=60.0, worker_cpu_s=300.0,
                      bundle_bytes=70_000_000,
                      kinds={"register": KindFigures("register", 32, 3000, 200.0)},
                      workers={1: 500.0, 2: 700.0})


def test_report_judges_each_goal() -> None:
    report = BenchReport("large", 2, 2, (1.0, 1.0, 1.0), (1.0, 1.0, 1.0), 32,
                         GridRun("ours", 8, 0.4, 0.4), GridRun("naive", 8, 8.0, 8.0),
                         _run(400.0, 97), _run(30.0, 0),
                         Packing(140.0, 200, 1.0, 0.9, 1.6, 1.5), 400.0)
    lines = "\n".join(format_report(report))
    assert "[met] register pages per core: 15.0 pages/s" in lines
    assert "[met] grid vs naive table: 20.0x" in lines
    assert "[met] term-end wall time (large, 2 jobs): 400 s" in lines
    assert "[met] peak RSS of every process: 700 MB" in lines
    assert "[NOT MET] unchanged re-run: 7.5% of the first run" in lines
    assert "[met] hashing + encryption + packing: 140 MB/s (88 MB/s with the verif" in lines


def test_every_document_title_is_told_to_its_kind(small) -> None:
    student = str(small.students["student_id"].iloc[0])
    specs = year_specs(small) + plan_documents(small, student=student, period=Period())
    for spec in specs:
        assert kind_of(document_title(spec, "7a")) == spec.kind, spec
