"""Parallel, chunked rendering gives the bytes of serial rendering; a document's slice of
the export renders exactly what the whole export renders; workers get only parts."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

import pytest
from perf_helpers import CTX, year_specs

from archiver.config import Config
from archiver.executor import ProcessExecutor, SerialExecutor
from archiver.render import chunks, plan_documents
from archiver.render.batch import RenderStats, render_documents, submission_order
from archiver.render.chunks import PartJob
from archiver.render.documents import prepare_document
from archiver.render.slicing import Slicer, dataset_digest, slice_for
from archiver.views import Period


class RecordingExecutor(SerialExecutor):
    """Serial, remembering what each task was given."""

    def __init__(self) -> None:
        self.items: list[object] = []
        self.shared: list[object] = []

    def map(self, fn: Callable, items: Iterable, shared: object) -> Iterator:
        for item in items:
            self.items.append(item)
            self.shared.append(shared)
            yield fn(shared, item)


@pytest.fixture(scope="module")
def small_parts():
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(chunks, "SECTIONS_PER_PART", 2)  # the short demo year in 4 parts
        yield


def _render(small, executor) -> tuple[list, RenderStats]:
    stats = RenderStats()
    docs = list(render_documents(year_specs(small), small, Config(), CTX, executor=executor,
                                 stats=stats))
    return docs, stats


def test_two_processes_give_the_bytes_of_one(small, small_parts) -> None:
    serial, serial_stats = _render(small, SerialExecutor())
    parallel, parallel_stats = _render(small, ProcessExecutor(2))
    assert [d.file_name for d in parallel] == [d.file_name for d in serial]
    for mine, theirs in zip(parallel, serial, strict=True):
        assert mine.pdf == theirs.pdf, mine.file_name
        assert mine.pages == theirs.pages
    assert serial_stats.rendered == parallel_stats.rendered == len(serial)
    assert serial_stats.parts > len(serial)  # registers really went in parts


def test_workers_get_parts_of_documents_and_no_dataset(small, small_parts) -> None:
    executor = RecordingExecutor()
    docs, stats = _render(small, executor)
    assert all(isinstance(item, PartJob) for item in executor.items)
    assert all(shared is None for shared in executor.shared)
    assert len(executor.items) == stats.parts and len(docs) == len(year_specs(small))


def _all_specs(ds) -> list:
    student = str(ds.students["student_id"].iloc[0])
    return (plan_documents(ds, period=Period()) + plan_documents(ds, period=Period(term=2))
            + plan_documents(ds, student=student, period=Period()))


def test_a_slice_renders_what_the_whole_export_renders(small) -> None:
    slicer = Slicer(small)
    for spec in _all_specs(small):
        sliced = slicer.slice_for(spec)
        assert prepare_document(spec, sliced, Config(), CTX) == \
            prepare_document(spec, small, Config(), CTX), spec


def test_a_summary_after_its_register_is_made_from_the_registers_slice(small) -> None:
    """A class's register and attendance summary come one after the other: the slice is
    cut once (Slicer keeps the last one), equal to a fresh one; another class gets its own."""
    specs = year_specs(small)
    register = next(s for s in specs if s.kind == "register")
    summary = next(s for s in specs if s.kind == "attendance" and s.class_id == register.class_id
                   and s.student_id is None)
    other = next(s for s in specs if s.kind == "attendance" and s.class_id != register.class_id)
    slicer = Slicer(small)
    first = slicer.slice_for(register)
    assert slicer.slice_for(summary) is first
    fresh = slice_for(small, summary)
    assert all(first.tables[n].equals(fresh.tables[n]) for n in fresh.tables)
    assert slicer.slice_for(other) is not first
    assert set(slicer.slice_for(other).students["class_id"]) == {other.class_id}


def test_a_class_slice_holds_only_that_class(small) -> None:
    spec = next(s for s in year_specs(small) if s.kind == "register")
    sliced = slice_for(small, spec)
    assert set(sliced.students["class_id"]) == {spec.class_id}
    assert set(sliced.lessons["class_id"]) == {spec.class_id}
    assert set(sliced.attendance["lesson_id"]) <= set(sliced.lessons["lesson_id"])
    assert 0 < len(sliced.attendance) < len(small.attendance)
    assert sliced.messages.empty and sliced.changes.empty
    messages = slice_for(small, next(s for s in year_specs(small) if s.kind == "messages"))
    assert messages.lessons.empty and messages.attendance.empty and messages.grades.empty
    assert len(messages.messages) == len(small.messages)


def test_slice_digest_follows_the_slice_only(small) -> None:
    specs = year_specs(small)
    slicer = Slicer(small)
    first = [s for s in specs if s.kind == "register"]
    assert len(first) == 2
    assert slicer.digest_for(first[0]) == dataset_digest(slicer.slice_for(first[0]))
    assert slicer.digest_for(first[0]) != slicer.digest_for(first[1])
    # a change in the other class's lesson leaves this class's digest as it was
    other = small.tables["lessons"]["class_id"] == first[1].class_id
    changed = small.tables["lessons"].copy()
    changed.loc[changed.index[other][0], "topic"] = "Zmieniony temat"
    tables = {**small.tables, "lessons": changed}
    edited = type(small)(small.meta, tables, small.source)
    again = Slicer(edited)
    assert again.digest_for(first[0]) == slicer.digest_for(first[0])
    assert again.digest_for(first[1]) != slicer.digest_for(first[1])


def test_the_school_wide_transcript_goes_to_the_workers_first(small) -> None:
    specs = year_specs(small)
    school = next(i for i, s in enumerate(specs) if s.kind == "messages" and s.class_id is None)
    order = submission_order(specs, [False] * len(specs))
    assert order[0] == school and sorted(order) == list(range(len(specs)))
    assert order[1:] == [i for i in range(len(specs)) if i != school]
    hits = [i % 2 == 0 for i in range(len(specs))]
    assert set(submission_order(specs, hits)) == {i for i, h in enumerate(hits) if not h}


def test_a_batch_keeps_the_export_out_of_full_collections_and_hands_it_back(small) -> None:
    """While documents are made, the objects alive before the batch (the export, the
    modules) are frozen: the collector's full collections do not scan them again for each
    document. After the batch they are the collector's again."""
    import gc

    before = gc.get_freeze_count()
    during: list[int] = []
    specs = [s for s in year_specs(small) if s.kind == "attendance"][:1]
    docs = list(render_documents(specs, small, Config(), CTX, executor=SerialExecutor(),
                                 progress=lambda *_: during.append(gc.get_freeze_count())))
    assert len(docs) == 1 and during and all(n > before + 1000 for n in during)
    assert gc.get_freeze_count() == before
