"""The benchmark's own parts: measured tasks, the naive grid, goals judged as printed.

(The benchmark itself is a long run, `archiver bench`, never a test.)"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass

from perf_helpers import CTX, register_spec, year_specs

from archiver.bench import format_report
from archiver.bench.grid import GridRun, naive_html, ours_html
from archiver.bench.instrument import MeasuredExecutor, cpu_mark, cpu_since
from archiver.bench.run import BenchReport, KindFigures, Packing, RunFigures, kind_of
from archiver.config import Config
from archiver.executor import ProcessExecutor, SerialExecutor
from archiver.render import plan_documents
from archiver.render.ceiling import Ceiling, ceiling_html, measure, page_texts
from archiver.render.documents import document_title, prepare_document, render_document
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
                      cached=97 - rendered, parent_cpu_s=60.0, worker_cpu_s=90.0,
                      bundle_bytes=70_000_000,
                      kinds={"register": KindFigures("register", 32, 3000, 50.0, 10.0),
                             "messages": KindFigures("messages", 33, 600, 30.0, 10.0)},
                      workers={1: 500.0, 2: 550.0}, other_cpu_s=10.0, loads=(1.2, 2.1),
                      process_peaks_mb={1: 480.0, 2: 560.0, 3: 40.0})


def _report(first: RunFigures, rerun: RunFigures,
            after: dict[str, Ceiling] | None = None) -> str:
    report = BenchReport("large", 2, 2, (1.0, 1.0, 1.0), (1.0, 1.0, 1.0), 32,
                         GridRun("ours", 8, 0.4, 0.4), GridRun("naive", 8, 8.0, 8.0),
                         first, rerun, Packing(140.0, 200, 1.0, 0.9, 1.6, 1.5), 400.0,
                         {"register": Ceiling("register", 60, 1.0),
                          "messages": Ceiling("messages", 40, 1.0)}, after or {})
    return "\n".join(format_report(report))


def test_report_judges_each_goal() -> None:
    lines = _report(_run(140.0, 97), _run(5.6, 0))
    # 4000 pages in 60 + 90 + 10 CPU-seconds of every process
    assert "[met] whole pipeline, every process counted: 25.0 pages per CPU-second" in lines
    # register: 3000 pages / (50 + 10) s = 50 pages per CPU-second against a ceiling of 60
    assert "[met] class register against its plain-text ceiling: 83%" in lines
    # messages: 600 / 40 = 15 against 40
    assert "[NOT MET] message transcript against its plain-text ceiling: 38%" in lines
    assert "[met] register pages per core: 60.0 pages/s" in lines
    assert "[met] grid vs naive table: 20.0x" in lines
    assert "[met] term-end wall time (large, 2 jobs): 140 s at a load average of 1.2-2.1" in lines
    assert "[met] peak RSS of every process: 560 MB" in lines
    assert "[NOT MET] unchanged re-run: 4.0% of the first run" in lines
    assert "[met] hashing + encryption + packing: 140 MB/s (88 MB/s with the verif" in lines
    assert "10.0 s in other processes (worker start-up, forkserver" in lines


def test_each_kind_is_judged_against_its_ceiling_timed_before_and_after_the_term_end() -> None:
    """The machine's speed may drift during a run: the ceiling is timed on both sides of
    the term-end, the kinds judged against both timings together, and both shares shown."""
    after = {"register": Ceiling("register", 60, 0.8), "messages": Ceiling("messages", 40, 0.5)}
    lines = _report(_run(140.0, 97), _run(5.6, 0), after)
    # register: 50 pages per CPU-second against 60 before, 75 after, 120 / 1.8 = 66.7 both
    assert ("[met] class register against its plain-text ceiling: 75% (83% of the ceiling "
            "before the term-end, 67% of it after)") in lines
    # messages: 15 against 40 before, 80 after, 80 / 1.5 = 53.3 together
    assert ("[NOT MET] message transcript against its plain-text ceiling: 28% (38% of the "
            "ceiling before the term-end, 19% of it after)") in lines
    assert ("class register         60 pages, 1.00, 0.80 s CPU: 60.0, 75.0 pages per "
            "CPU-second, 66.7 together") in lines
    assert "  class register         32   3000" in lines and " 75%" in lines


def test_wall_time_goal_needs_a_quiet_machine() -> None:
    busy = _run(140.0, 97)
    busy.loads = (2.0, 3.1)
    lines = _report(busy, _run(4.0, 0))
    assert "[NOT MET] term-end wall time (large, 2 jobs): 140 s at a load average of 2.0-3.1" \
        in lines
    assert "[met] unchanged re-run: 2.9% of the first run" in lines


def _burn(_shared: None, rounds: int) -> float:
    started, total = time.process_time(), 0
    for i in range(rounds):
        total += i * i
    return time.process_time() - started


def test_cpu_of_pool_workers_is_counted_after_they_exit() -> None:
    """Workers are children of the forkserver: the parent's own rusage never sees them."""
    mark = cpu_mark()
    executor = ProcessExecutor(2)
    spent = sum(executor.map(_burn, [3_000_000] * 4, None))
    _own, others = cpu_since(mark)
    assert spent > 0 and others >= spent


def test_ceiling_prints_each_page_text_on_a_page_of_its_own(small) -> None:
    spec = register_spec(small)
    prepared = prepare_document(spec, small, Config(), CTX)
    texts = page_texts(prepared.parts)
    whole = render_document(spec, small, Config(), CTX)
    assert len(texts) == whole.pages
    # what the pages print, running header and footer included
    assert f"strona 1 z {whole.pages}" in texts[0].text and "Lista uczniów" in texts[1].text
    assert any("Tematy zajęć" in page.text for page in texts)
    html = ceiling_html(texts, "wide")
    assert html.count('<pre class="page"') == len(texts)
    assert html.count("break-before: page") == len(texts) - 1
    assert measure("register", texts, "wide", CTX).pages == whole.pages  # a page stays a page


def test_every_document_title_is_told_to_its_kind(small) -> None:
    student = str(small.students["student_id"].iloc[0])
    specs = year_specs(small) + plan_documents(small, student=student, period=Period())
    for spec in specs:
        assert kind_of(document_title(spec, "7a")) == spec.kind, spec


def test_timeline_tells_the_main_process_alone_and_the_idle_workers() -> None:
    from archiver.bench.instrument import TaskCost, timeline

    def task(pid: int, start: float, end: float) -> TaskCost:
        return TaskCost(pid, end - start, end - start, 100.0, 1, "", start, end)

    # a run from t=100 to t=130: worker 1 busy 105-125, worker 2 busy 106-110 and 115-120
    line = timeline([task(1, 105, 125), task(2, 106, 110), task(2, 115, 120)], 100.0, 130.0)
    assert line.before_s == 5 and line.after_s == 5
    assert line.busy_s == {1: 20, 2: 9}
    assert line.idle_s() == 11  # worker 2 had nothing for 11 of the 20 seconds
    assert timeline([], 0.0, 1.0) is None


def test_the_ceiling_is_the_least_of_its_timings_each_on_a_collected_heap(monkeypatch) -> None:
    """A single timing of a short layout may hold a full garbage collection or not: the
    ceiling keeps the least of its timings, each begun right after a collection."""
    from archiver.render import ceiling

    clock, events = iter([0.0, 5.0, 10.0, 12.0, 20.0, 27.0]), []  # timings 5, 2 and 7 s
    monkeypatch.setattr(ceiling.time, "process_time", lambda: events.append("clock")
                        or next(clock))
    monkeypatch.setattr(ceiling.gc, "collect", lambda: events.append("gc"))
    monkeypatch.setattr(ceiling, "html_to_pdfa", lambda *_a, **_k: (b"", 4))
    found = measure("messages", [ceiling.PageText("a", 100.0)], "", CTX, repeats=3)
    assert found.cpu_s == 2.0 and found.pages == 4
    assert events == ["gc", "clock", "clock"] * 3
