"""The school-wide attendance summary: a row per class whose percentages are those of the
class's own summary (read back from both PDFs) and of an independent recount (exact
fractions from the CSVs); pupils at risk per class and in the school; where it is planned."""

from __future__ import annotations

import re
from fractions import Fraction

import pytest
from attendance_oracle import Oracle, percent_text
from render_helpers import CTX, pdf_pages, spec_for

from archiver.config import Config
from archiver.demo import write_demo
from archiver.errors import UsageError
from archiver.load import load_dataset
from archiver.render import render_document
from archiver.render.plan import plan_documents
from archiver.views.scope import Period

SHORT = re.compile(r"^(\d{1,3},\d|—)$")
YEAR = Period()


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = write_demo(tmp_path_factory.mktemp("school14") / "eksport", "small", 2026, "folder")
    dataset, _ = load_dataset(folder)
    return dataset, Oracle(folder)


@pytest.fixture(scope="module")
def pages(demo):
    dataset, _ = demo
    cache: dict = {}

    def render(kind: str, class_id: str | None) -> list[str]:
        if (kind, class_id) not in cache:
            spec = spec_for(dataset, kind, class_id, None, YEAR)
            cache[(kind, class_id)] = pdf_pages(render_document(spec, dataset, Config(),
                                                                CTX).pdf)
        return cache[(kind, class_id)]

    return render


def _row(pages: list[str], label: str, start: str, end: str | None = None) -> list[str]:
    text = "\n".join(pages)
    text = text[text.index(start):text.index(end) if end else None]
    # the table's line starts the line (the chart's labels stand further right)
    line = next(ln for ln in text.splitlines() if ln.startswith(label + " "))
    return [t for t in line.split() if SHORT.match(t)]


def test_class_percentages_equal_the_class_summaries_and_an_independent_count(demo, pages):
    dataset, oracle = demo
    school = pages("school-attendance", None)
    first, last = dataset.meta.year_start, dataset.meta.year_end
    (_, t1, _), (_, t2, t2_end) = oracle.terms
    spans = [*oracle.months("0701", first, last),
             (t1, t2.fromordinal(t2.toordinal() - 1)), (t2, t2_end), (first, last)]
    for class_id, name in (("0701", "7a"), ("0702", "7 b")):
        in_school = _row(school, name, "Frekwencja oddziałów")
        own = _row(pages("attendance", class_id), "Razem oddział",
                   "Frekwencja w miesiącach i semestrach", "Frekwencja według przedmiotów")
        assert in_school == own, name
        assert in_school == [percent_text(oracle.overall(class_id, a, b)[0]).removesuffix("%")
                             for a, b in spans], name
    # the school's row: every class's lessons together
    counts = [[0, 0] for _ in spans]
    for class_id in ("0701", "0702"):
        for i, (a, b) in enumerate(spans):
            for value in oracle.counts(class_id, a, b).values():
                counts[i][0] += value[0]
                counts[i][1] += value[1]
    assert _row(school, "Razem szkoła", "Frekwencja oddziałów") == [
        percent_text(Fraction(100 * p, p + a)).removesuffix("%") for p, a in counts]


def test_pupils_at_risk_per_class_and_once_in_the_school(demo, pages):
    dataset, oracle = demo
    first, last = dataset.meta.year_start, dataset.meta.year_end
    school = "\n".join(pages("school-attendance", None))
    everyone = set()
    for class_id, name in (("0701", "7a"), ("0702", "7 b")):
        names = {n for n, _s, _v in oracle.at_risk(class_id, first, last, Fraction(50))}
        everyone |= {(s.student_id) for s in oracle.stays(class_id) if s.name in names}
        line = next(ln for ln in school.splitlines() if ln.startswith(name + " "))
        assert int(line.split()[-1]) == len(names)  # the last column: pupils at risk
        stays = [s for s in oracle.stays(class_id) if s.first <= last and s.last >= first]
        assert int(line.split()[len(name.split())]) == len(stays)  # pupils (per stay)
    assert f"Uczniowie zagrożeni nieklasyfikowaniem w szkole: {len(everyone)} uczniów" in school
    pupils = {s.student_id for c in ("0701", "0702") for s in oracle.stays(c)}
    assert f"na {len(pupils)} uczniów w okresie" in " ".join(school.split())


def test_school_summary_is_planned_once_for_the_whole_school_only(demo):
    dataset, _ = demo
    specs = plan_documents(dataset)
    school = [s for s in specs if s.kind == "school-attendance"]
    assert len(school) == 1 and school[0].class_id is None and school[0].student_id is None
    student = str(dataset.students["student_id"].iloc[0])
    assert all(s.kind != "school-attendance"
               for s in plan_documents(dataset, student=student))
    assert all(s.kind != "school-attendance"
               for s in plan_documents(dataset, classes=["0701"]))
    with pytest.raises(UsageError, match="whole school"):
        plan_documents(dataset, ("school-attendance",), classes=["0701"])


def test_a_batch_makes_the_school_summary_from_the_class_summaries_it_built(demo,
                                                                            monkeypatch):
    """A term-end builds each class's summary once: the school's rows are those views
    (no second build per class), and the document is byte for byte the one made alone."""
    from archiver.executor import SerialExecutor
    from archiver.render.batch import render_documents
    from archiver.views import school_attendance

    dataset, _ = demo
    specs = plan_documents(dataset, ("attendance", "school-attendance"), period=YEAR)
    assert [s.kind for s in specs][-1] == "school-attendance"
    alone = render_document(specs[-1], dataset, Config(), CTX).pdf

    def built_again(*_args, **_kwargs):
        raise AssertionError("a class summary was built a second time")

    monkeypatch.setattr(school_attendance, "build_attendance", built_again)
    documents = list(render_documents(specs, dataset, Config(), CTX,
                                      executor=SerialExecutor()))
    assert documents[-1].pdf == alone
