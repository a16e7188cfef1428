"""The register as the official record: realised hours per subject recomputed from the raw
lessons table, lessons numbered within their subject, subjects' short names over grid columns,
grade tables only where there are grades, behaviour as a table, pages headed by what
they hold."""

from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict

from render_helpers import FIXTURE, WEEKS, pdf_pages

from archiver.config import Config
from archiver.views import build_register
from archiver.views.register import subject_codes
from archiver.views.scope import make_scope

SUBJECTS = {"MAT": "Matematyka", "POL": "Język polski", "ANG": "Język angielski"}


def _raw_lessons() -> list[dict[str, str]]:
    """lessons.csv read with the csv module, not through the loader."""
    with (FIXTURE / "lessons.csv").open(encoding="utf-8") as handle:
        return [r for r in csv.DictReader(handle) if r["class_id"] == "C7A"
                and WEEKS.date_from.isoformat() <= r["date"] <= WEEKS.date_to.isoformat()]


def _flat(pdf: bytes) -> str:
    return " ".join(" ".join(pdf_pages(pdf)).split())


def test_realised_hours_printed_equal_counts_from_the_raw_lessons_table(rendered):
    counts: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for r in _raw_lessons():
        key = (SUBJECTS[r["subject_id"]], r["group"] or "cały oddział")
        counts[key][r["status"]] += 1
        if r["status"] == "held":
            counts[key]["substitution"] += r["substitution"].strip().lower() in ("true", "1")
            counts[key]["missing"] += not r["topic"].strip()
    assert counts  # the fixture's two weeks have lessons
    text = _flat(rendered("register", "C7A").pdf)
    start = text.index("Zrealizowane godziny")
    table = text[start:text.index("Dni wolne od zajęć", start)]
    for (subject, group), c in counts.items():
        row = re.search(rf"{re.escape(subject)} {re.escape(group)} [^0-9]*?"
                        r"(\d+) (\d+) (\d+) (\d+)", table)
        assert row, (subject, group)
        assert tuple(int(v) for v in row.groups()) == (
            c["held"], c["cancelled"], c["substitution"], c["missing"]), (subject, group)
    total = sum(c["held"] for c in counts.values())
    assert re.search(rf"Razem {total} ", table)


def test_lessons_are_numbered_within_their_subject_and_group(small):
    view = build_register(small, Config(), make_scope(small.meta, "C7A", WEEKS))
    seen: Counter = Counter()
    for week in view.weeks:
        for lesson in week.lessons:
            if lesson.status != "held":
                assert lesson.number is None
                continue
            seen[(lesson.subject, lesson.group)] += 1
            assert lesson.number == seen[(lesson.subject, lesson.group)], lesson


def test_grid_columns_carry_the_subjects_short_name_and_the_legend_stays(small, rendered):
    """Over every grid column its subject's short name from the export ("mat.", "j. pol."),
    turned on its side: each name printed as often as the period has held lessons of the
    subject (one column each); the legend of codes and marks is still printed."""
    view = build_register(small, Config(), make_scope(small.meta, "C7A", WEEKS))
    wanted = Counter(c.subject for week in view.weeks for c in week.columns)
    shorts = {"Matematyka": "mat.", "Język polski": "j. pol.", "Język angielski": "j. ang."}
    text = "\n".join(pdf_pages(rendered("register", "C7A").pdf, layout=False))
    lines = Counter(line.strip() for line in text.splitlines())
    assert wanted and {s: lines[shorts[s]] for s in wanted} == dict(wanted)
    codes = subject_codes(small)
    flat = " ".join(text.split())
    assert f"{codes['MAT']} – Matematyka" in flat and "nb. – nieobecności ucznia" in flat


def test_pages_are_headed_by_what_they_hold(rendered):
    pages = pdf_pages(rendered("register", "C7A").pdf)
    for page in pages[1:]:
        head = " ".join(page.split("\n")[:4])
        body = " ".join(page.split())
        if "Zrealizowane godziny" in body and "Tydzień" not in body:
            assert "Nauczyciele, zrealizowane godziny, dni wolne, oznaczenia" in head
        if "Tematy zajęć" in body:
            assert "Tydzień" in head


def test_grade_tables_only_for_subjects_with_grades_and_behaviour_as_a_table(small, rendered):
    view = build_register(small, Config(), make_scope(small.meta, "C7A", WEEKS))
    graded = [s.subject for s in view.grades if s.has_grades]
    text = _flat(rendered("register", "C7A").pdf)
    grades = text[text.index("Oceny Przy ocenie"):]
    for subject in view.grades:
        if not subject.has_grades:
            assert f"Bez ocen w tym okresie: {subject.subject}" in grades or \
                f", {subject.subject}" in grades.split("Bez ocen w tym okresie:")[1][:300]
    assert graded
    if view.behaviour:
        assert "proponowana wystawiona" in text


def test_behaviour_grades_keep_the_order_of_the_date_and_kind_sort(small):
    """Each pupil's behaviour grades in (date, kind) order, ties in the export's order:
    as a stable sort of the pupil's rows by those two columns puts them."""
    import dataclasses

    import pandas as pd

    from archiver.views import common
    from archiver.views.grades import build_behaviour

    scope = make_scope(small.meta, "C7A", WEEKS)
    stays = common.stays(small, "C7A", scope)
    beh = small.behaviour
    first = beh[beh["student_id"].isin(stays["student_id"])].iloc[0]
    twins = pd.DataFrame([first, first, first]).assign(value=["a-1", "a-2", "a-3"])
    ds = dataclasses.replace(small, tables={
        **small.tables, "behaviour": pd.concat([twins, beh], ignore_index=True)})
    entries, rows = build_behaviour(ds, stays, scope.date_from, scope.date_to)
    ends = {str(t.number): pd.Timestamp(t.end) for t in small.meta.terms}
    ends["year"] = pd.Timestamp(small.meta.year_end)
    mine = rows.assign(on=rows["date"].fillna(rows["term"].map(ends)))
    for entry in entries:
        student = stays[stays["register_number"] == entry.number]["student_id"].iloc[0]
        expected = mine[mine["student_id"] == student].sort_values(["on", "kind"],
                                                                   kind="stable")
        assert [g[2] for g in entry.grades] == [str(v) for v in expected["value"]]
    assert any([g[2] for g in e.grades if g[2].startswith("a-")] == ["a-1", "a-2", "a-3"]
               for e in entries)
