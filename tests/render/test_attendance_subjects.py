"""Attendance per subject and the pupils at risk (the 50% rule), read back from the PDFs.

Every percentage is recomputed from the export's CSV files by attendance_oracle (exact
fractions, no view code) and must be printed on its pupil's line of the per-subject table;
the at-risk section must list exactly the (pupil, subject) pairs strictly below the
threshold. For the hand-made fixture and for the small demo (a group-split English, IT and
PE; a pupil who moved from 7 b to 7a in January).
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from fractions import Fraction

import pytest
from attendance_oracle import Oracle, percent_text
from render_helpers import CTX, FIXTURE, WEEKS, pdf_pages, spec_for

from archiver.config import AttendanceSettings, Config
from archiver.demo import write_demo
from archiver.load import load_dataset
from archiver.render import render_document
from archiver.views import build_attendance, make_scope
from archiver.views.scope import Period

CELL = re.compile(r"^(\d{1,3},\d%|—)$")
YEAR = Period()


def _config(threshold: float | None = None, counts_as: dict | None = None) -> Config:
    settings = AttendanceSettings(counts_as=counts_as or {})
    if threshold is not None:
        settings = replace(settings, risk_threshold=threshold)
    return Config(attendance=settings)


def _table_text(pages: list[str], heading: str) -> str:
    """The text of one per-subject table: from its heading to the next heading."""
    text = "\n".join(pages)
    start = text.index(heading)
    ends = [i for i in (text.find(" – według przedmiotów", start + len(heading)),
                        text.find(" – wykres", start)) if i > 0]
    end = min(ends) if ends else len(text)
    return text[start:text.rfind("\n", 0, end) if end < len(text) else end]


def _pupil_cells(table: str, number: int, name: str) -> list[str]:
    """The cells printed on the pupil's line(s) of the table (a wide table may be split into
    blocks of columns, each with the pupil's line)."""
    label = f"{number} {name}"[:20]
    cells: list[str] = []
    lines = [ln for ln in table.splitlines() if ln.strip().startswith(label)]
    assert lines, f"no line of pupil nr {number} in the table"
    for line in lines:
        cells += [t for t in line.split() if CELL.match(t)]
    return cells


def _check_tables(pages: list[str], oracle: Oracle, class_id: str, spans) -> int:
    """Every pupil's per-subject cells in every span's table equal the oracle's; returns the
    number of percentages checked."""
    checked = 0
    for heading, first, last in spans:
        table = _table_text(pages, heading)
        expected = oracle.by_subject(class_id, first, last)
        assert expected
        for number, (name, cells) in expected.items():
            printed = _pupil_cells(table, number, name)
            assert printed == [percent_text(c) for c in cells], (heading, number)
            checked += sum(c is not None for c in cells)
    return checked


def _risk_lines(pages: list[str]) -> list[str]:
    text = "\n".join(pages)
    section = text[text.index("Uczniowie zagrożeni nieklasyfikowaniem"):
                   text.index("Frekwencja według przedmiotów")]
    return [ln.strip() for ln in section.splitlines() if " — " in ln and "%" in ln]


def _expected_risk(oracle: Oracle, class_id: str, first: date, last: date,
                   threshold: str) -> list[str]:
    return [f"{name} — {subject}: {percent_text(value)}" for name, subject, value
            in oracle.at_risk(class_id, first, last, Fraction(threshold))]


def _assert_risk_section(pages: list[str], expected: list[str]) -> None:
    printed = _risk_lines(pages)
    assert [ln.split(" (obecności")[0] for ln in printed] == expected


# --- the hand-made fixture -------------------------------------------------------------

@pytest.fixture(scope="module")
def fixture_oracle() -> Oracle:
    return Oracle(FIXTURE)


def test_fixture_per_subject_percentages_are_printed_on_each_pupils_line(rendered, small,
                                                                        fixture_oracle):
    s = make_scope(small.meta, "C7A", WEEKS)
    checked = 0
    for class_id in ("C7A", "C7B"):
        pages = pdf_pages(rendered("attendance", class_id).pdf)
        checked += _check_tables(pages, fixture_oracle, class_id,
                                 [("Cały okres – według przedmiotów", s.date_from, s.date_to)])
    assert checked >= 15


def test_fixture_group_lessons_count_only_for_the_pupils_group(small):
    view = build_attendance(small, Config(), make_scope(small.meta, "C7A", WEEKS))
    english = [c.subject_id for c in view.subjects].index("ANG")
    rows = {r.name: r.cells[english] for r in view.by_subject[0].rows}
    # gr. 1 (Kowalska, Nowak) and gr. 2 (Wiśniewska; Zieliński until 26.09) each had 9 and
    # 5 + 4 lessons: Anna's 9 English lessons less 2 zw (excluded), 1 of them u (absent)
    assert (rows["Kowalska Anna"].present, rows["Kowalska Anna"].absent) == (6, 1)
    assert rows["Zieliński Dawid"].present + rows["Zieliński Dawid"].absent == 5


def test_fixture_moved_pupil_is_counted_per_stay_in_each_class(rendered, small,
                                                               fixture_oracle):
    s = make_scope(small.meta, "C7A", WEEKS)
    in_a = fixture_oracle.by_subject("C7A", s.date_from, s.date_to)[4]
    in_b = fixture_oracle.by_subject("C7B", s.date_from, s.date_to)[3]
    assert in_a[0] == in_b[0] == "Zieliński Dawid"
    assert in_a[1] != in_b[1]  # different lessons counted in each class
    table_a = _table_text(pdf_pages(rendered("attendance", "C7A").pdf), "Cały okres – według")
    table_b = _table_text(pdf_pages(rendered("attendance", "C7B").pdf), "Cały okres – według")
    assert _pupil_cells(table_a, 4, "Zieliński Dawid") == [percent_text(c) for c in in_a[1]]
    assert _pupil_cells(table_b, 3, "Zieliński Dawid") == [percent_text(c) for c in in_b[1]]


def test_fixture_counts_as_override_applies_per_subject(rendered, small):
    config = _config(counts_as={"zw": "absent"})
    oracle = Oracle(FIXTURE, {"zw": "absent"})
    s = make_scope(small.meta, "C7A", WEEKS)
    pages = pdf_pages(rendered("attendance", "C7A", config=config).pdf)
    _check_tables(pages, oracle, "C7A", [("Cały okres – według", s.date_from, s.date_to)])
    # Anna's English: 6 present of 9 once zw counts as absent
    assert percent_text(oracle.by_subject("C7A", s.date_from, s.date_to)[1][1][
        oracle.class_subjects("C7A", s.date_from, s.date_to).index("ANG")]) == "66,7%"


def test_fixture_threshold_from_the_configuration_changes_who_is_listed(rendered, small,
                                                                       fixture_oracle):
    s = make_scope(small.meta, "C7A", WEEKS)
    nobody = pdf_pages(rendered("attendance", "C7A").pdf)
    assert _expected_risk(fixture_oracle, "C7A", s.date_from, s.date_to, "50") == []
    _assert_risk_section(nobody, [])
    assert "Żaden uczeń nie ma frekwencji niższej niż 50% z żadnego przedmiotu." in \
        "\n".join(nobody)
    strict = pdf_pages(rendered("attendance", "C7A", config=_config(90)).pdf)
    expected = _expected_risk(fixture_oracle, "C7A", s.date_from, s.date_to, "90")
    assert "Kowalska Anna — Język angielski: 85,7%" in expected
    _assert_risk_section(strict, expected)
    assert "niższa niż 90%" in "\n".join(strict)


# --- the small demo: a year, two terms, group splits and a transfer ---------------------

@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = write_demo(tmp_path_factory.mktemp("demo14") / "eksport", "small", 2026, "folder")
    dataset, _ = load_dataset(folder)
    return dataset, Oracle(folder)


@pytest.fixture(scope="module")
def demo_pages(demo):
    dataset, _ = demo
    cache: dict = {}

    def pages(class_id: str, config: Config | None = None) -> list[str]:
        key = (class_id, config and config.fingerprint())
        if key not in cache:
            spec = spec_for(dataset, "attendance", class_id, None, YEAR)
            cache[key] = pdf_pages(render_document(spec, dataset, config or Config(), CTX).pdf)
        return cache[key]

    return pages


def _demo_spans(dataset):
    first, last = dataset.meta.year_start, dataset.meta.year_end
    t1, t2 = dataset.meta.terms
    return [("Cały okres – według przedmiotów", first, last),
            ("Semestr 1 – według przedmiotów", t1.start, t2.start.replace(day=15)),
            ("Semestr 2 – według przedmiotów", t2.start, t2.end)]


def test_demo_per_subject_percentages_of_the_year_and_each_term(demo, demo_pages):
    dataset, oracle = demo
    assert dataset.meta.terms[1].start == date(2026, 2, 16)  # term 1 runs to 15.02
    checked = 0
    for class_id in ("0701", "0702"):
        checked += _check_tables(demo_pages(class_id), oracle, class_id, _demo_spans(dataset))
    assert checked > 500


def test_demo_has_a_group_split_subject_and_a_moved_pupil_among_those_checked(demo):
    dataset, oracle = demo
    groups = dataset.lessons.dropna(subset=["group"])
    assert {"ANG", "INF", "WF"} <= set(groups["subject_id"])
    moved = dataset.students[dataset.students.duplicated("student_id", keep=False)]
    assert set(moved["class_id"]) == {"0701", "0702"}
    first, last = dataset.meta.year_start, dataset.meta.year_end
    for row in moved.itertuples():
        table = oracle.by_subject(row.class_id, first, last)
        name, cells = table[int(row.register_number)]
        assert any(c is not None for c in cells)  # counted in both classes, per stay


def test_demo_at_risk_section_lists_exactly_the_pairs_below_the_threshold(demo, demo_pages):
    dataset, oracle = demo
    first, last = dataset.meta.year_start, dataset.meta.year_end
    for class_id in ("0701", "0702"):
        expected = _expected_risk(oracle, class_id, first, last, "50")
        _assert_risk_section(demo_pages(class_id), expected)


def test_demo_pupil_above_the_threshold_overall_is_listed_for_the_subject_below_it(
        demo, demo_pages):
    dataset, oracle = demo
    first, last = dataset.meta.year_start, dataset.meta.year_end
    found = 0
    for class_id in ("0701", "0702"):
        overall = oracle.overall(class_id, first, last)
        listed = _risk_lines(demo_pages(class_id))
        by_subject = oracle.by_subject(class_id, first, last)
        subjects = oracle.class_subjects(class_id, first, last)
        for number, (name, cells) in by_subject.items():
            if overall[number] is None or overall[number] < 50:
                continue
            for subject, cell in zip(subjects, cells, strict=True):
                if cell is not None and cell < 50:
                    line = f"{name} — {oracle.subjects[subject]}: {percent_text(cell)}"
                    assert any(ln.startswith(line) for ln in listed), line
                    found += 1
    assert found > 0


def test_demo_pupil_at_exactly_fifty_percent_is_not_listed(demo, demo_pages):
    dataset, oracle = demo
    first, last = dataset.meta.year_start, dataset.meta.year_end
    exact = 0
    for class_id in ("0701", "0702"):
        listed = _risk_lines(demo_pages(class_id))
        subjects = oracle.class_subjects(class_id, first, last)
        for name, cells in oracle.by_subject(class_id, first, last).values():
            for subject, cell in zip(subjects, cells, strict=True):
                if cell == 50:
                    exact += 1
                    assert not any(ln.startswith(f"{name} — {oracle.subjects[subject]}:")
                                   for ln in listed)
    assert exact > 0


def test_demo_threshold_from_the_configuration_changes_who_is_listed(demo, demo_pages):
    dataset, oracle = demo
    first, last = dataset.meta.year_start, dataset.meta.year_end
    default = _expected_risk(oracle, "0701", first, last, "50")
    higher = _expected_risk(oracle, "0701", first, last, "62.5")
    assert set(default) < set(higher)
    _assert_risk_section(demo_pages("0701", _config(62.5)), higher)
    _assert_risk_section(demo_pages("0701", _config(0)), [])


def test_legend_says_what_each_category_counts_as(rendered):
    text = " ".join(pdf_pages(rendered("attendance", "C7A").pdf, layout=False)).replace("\n", " ")
    for line in ("nb — nieobecność nieusprawiedliwiona (liczona jako nieobecność)",
                 "sp — spóźnienie (liczone jako obecność)",
                 "zw — zwolnienie (niewliczane do frekwencji)",
                 "ob — obecność (liczona jako obecność)"):
        assert line in text


# --- the overview: one table for the period -------------------------------------------

SHORT = re.compile(r"^(\d{1,3},\d|—)$")
COUNT = re.compile(r"^\d+$")


def _overview_text(pages: list[str]) -> str:
    text = "\n".join(pages)
    return text[text.index("Frekwencja w miesiącach i semestrach"):
                text.index("Frekwencja według przedmiotów")]


def _overview_spans(oracle: Oracle, class_id: str, first: date, last: date, terms: bool):
    spans = oracle.months(class_id, first, last)
    if terms:
        spans += [(t1, t2.fromordinal(n.toordinal() - 1))
                  for (_, t1, t2), (_, n, _e) in zip(oracle.terms, oracle.terms[1:], strict=False)]
        spans.append((oracle.terms[-1][1], oracle.terms[-1][2]))
    return [*spans, (first, last)]


def _check_overview(pages: list[str], oracle: Oracle, class_id: str, first: date, last: date,
                    terms: bool) -> None:
    text = _overview_text(pages)
    spans = _overview_spans(oracle, class_id, first, last, terms)
    shares = [oracle.overall(class_id, a, b) for a, b in spans]
    counts = oracle.categories(class_id, first, last)
    stays = [s for s in oracle.stays(class_id) if s.first <= last and s.last >= first]
    assert "nr uczeń" in text
    for stay in stays:
        label = f"{stay.number} {stay.name}"[:20]
        line = next(ln for ln in text.splitlines() if ln.strip().startswith(label))
        tokens = line.split()
        printed = [t for t in tokens if SHORT.match(t)]
        assert printed == [percent_text(s.get(stay.number)).removesuffix("%") for s in shares]
        assert [int(t) for t in tokens if COUNT.match(t)][1:] == counts[stay.number], stay.name
    total = next(ln for ln in text.splitlines() if ln.strip().startswith("Razem oddział"))
    assert [t for t in total.split() if SHORT.match(t)] == [
        percent_text(s[0]).removesuffix("%") for s in shares]


def test_fixture_overview_months_period_and_counts_by_category(rendered, small,
                                                               fixture_oracle):
    s = make_scope(small.meta, "C7A", WEEKS)
    for class_id in ("C7A", "C7B"):
        pages = pdf_pages(rendered("attendance", class_id).pdf)
        _check_overview(pages, fixture_oracle, class_id, s.date_from, s.date_to, terms=False)
        # the month-by-month tables are gone: one overview table
        assert "Wrzesień 2025 (" not in "\n".join(pages)


def test_demo_overview_of_the_year_months_terms_and_counts(demo, demo_pages):
    dataset, oracle = demo
    first, last = dataset.meta.year_start, dataset.meta.year_end
    for class_id in ("0701", "0702"):
        _check_overview(demo_pages(class_id), oracle, class_id, first, last, terms=True)


def test_one_pupil_summary_is_one_compact_table_and_subjects_as_rows(demo):
    dataset, oracle = demo
    moved = dataset.students[dataset.students.duplicated("student_id", keep=False)]
    row = moved[moved["class_id"] == "0701"].iloc[0]
    spec = spec_for(dataset, "attendance", "0701", str(row["student_id"]), YEAR)
    doc = render_document(spec, dataset, Config(), CTX)
    pages = pdf_pages(doc.pdf)
    text = _overview_text(pages)
    first, last = dataset.meta.year_start, dataset.meta.year_end
    number = int(row["register_number"])
    stay = next(s for s in oracle.stays("0701") if s.number == number)
    assert stay.first > first  # joined 7a during the year: only the months since
    months = [(a, b) for a, b in oracle.months("0701", first, last) if b >= stay.first]
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    expected_rows = [*(f"{a:%m}" for a, _ in months), "semestr 1", "semestr 2", "cały rok"]
    got = [ln for ln in lines if re.match(r"^(\w+ 20\d\d|semestr \d|cały rok) ", ln)]
    assert len(got) == len(expected_rows)
    whole = oracle.overall("0701", first, last)[number]
    assert got[-1].split()[-1] == percent_text(whole)
    # per subject: a row per subject with its full name, the year's percentage in the column
    subjects = oracle.class_subjects("0701", first, last)
    table = oracle.by_subject("0701", first, last)[number][1]
    body = "\n".join(pages)
    body = body[body.index("Frekwencja według przedmiotów"):]
    for subject, cell in zip(subjects, table, strict=True):
        line = next(ln for ln in body.splitlines() if ln.strip().startswith(
            oracle.subjects[subject]))
        assert [t for t in line.split() if CELL.match(t)][-1] == percent_text(cell)
