"""Attendance arithmetic checked against counts made by hand (fixtures/.../FACTS.md)."""

from __future__ import annotations

from datetime import date

from archiver.config import AttendanceSettings, Config
from archiver.views import Period, build_attendance, make_scope

WEEKS = Period(date(2025, 9, 22), date(2025, 10, 3))


def _section(view, kind, month=None):
    return next(s for s in view.sections if s.kind == kind
                and (month is None or s.first.month == month))


def _row(section, name):
    return next(r for r in section.rows if r.name == name)


def test_percentage_counts_lateness_present_excused_absent_and_leaves_out_released(small):
    view = build_attendance(small, Config(), make_scope(small.meta, "C7A", WEEKS))
    anna = _row(_section(view, "period"), "Kowalska Anna")
    counts = dict(zip([c.symbol for c in view.categories], anna.counts, strict=True))
    assert counts == {"ob": 18, "sp": 2, "u": 3, "nb": 1, "zw": 2, "ns": 0}
    assert (anna.present, anna.absent) == (20, 4)
    assert round(anna.percent, 1) == 83.3


def test_configured_counts_as_overrides_the_export(small):
    config = Config(attendance=AttendanceSettings(counts_as={"zw": "absent"}))
    view = build_attendance(small, config, make_scope(small.meta, "C7A", WEEKS))
    anna = _row(_section(view, "period"), "Kowalska Anna")
    assert (anna.present, anna.absent) == (20, 6)
    assert round(anna.percent, 1) == 76.9
    assert next(c for c in view.categories if c.symbol == "zw").overridden


def test_months_are_summed_separately(small):
    view = build_attendance(small, Config(), make_scope(small.meta, "C7A", WEEKS))
    september = _row(_section(view, "month", 9), "Kowalska Anna")
    october = _row(_section(view, "month", 10), "Kowalska Anna")
    assert (september.present, september.absent, round(september.percent, 1)) == (16, 3, 84.2)
    assert (october.present, october.absent, round(october.percent, 1)) == (4, 1, 80.0)


def test_moved_student_is_summed_per_stay_in_each_class(small):
    scope_a = make_scope(small.meta, "C7A", WEEKS)
    scope_b = make_scope(small.meta, "C7B", WEEKS)
    in_a = _row(_section(build_attendance(small, Config(), scope_a), "period"), "Zieliński Dawid")
    in_b = _row(_section(build_attendance(small, Config(), scope_b), "period"), "Zieliński Dawid")
    assert (in_a.present, in_a.absent) == (12, 2)
    assert (in_b.present, in_b.absent) == (8, 0)
    # he left 7a on 26.09: October's section of 7a does not list him
    october = _section(build_attendance(small, Config(), scope_a), "month", 10)
    assert "Zieliński Dawid" not in [r.name for r in october.rows]


def test_missing_mark_is_counted_as_unmarked_not_invented(small):
    view = build_attendance(small, Config(), make_scope(small.meta, "C7A", WEEKS))
    bartosz = _row(_section(view, "period"), "Nowak Bartosz")
    assert bartosz.unmarked == 1
    assert bartosz.present + bartosz.absent == 25  # 26 lessons, one without a mark


def test_class_total_adds_up_the_students(small):
    view = build_attendance(small, Config(), make_scope(small.meta, "C7A", WEEKS))
    section = _section(view, "period")
    assert section.total.present == sum(r.present for r in section.rows)
    assert section.total.absent == sum(r.absent for r in section.rows)


def test_student_scope_has_only_that_student_and_no_class_total(small):
    view = build_attendance(small, Config(), make_scope(small.meta, "C7A", WEEKS, "S1"))
    for section in view.sections:
        assert [r.name for r in section.rows] == ["Kowalska Anna"]
        assert section.total is None
    assert set(view.sources["attendance"]["student_id"]) == {"S1"}


def test_student_extract_lists_only_months_of_their_stay(small):
    view = build_attendance(small, Config(), make_scope(small.meta, "C7A", WEEKS, "S4"))
    assert [(s.kind, s.first.month) for s in view.sections] == [("month", 9), ("period", 9)]


def _as_rows(at, students, symbols, lessons):
    import pandas as pd

    ids = lessons["lesson_id"].to_numpy(dtype=object)[at]
    return sorted((str(i), str(s), "" if pd.isna(sym) else str(sym))
                  for i, s, sym in zip(ids, students, symbols, strict=True))


def test_the_summarys_cells_are_the_registers_cells(small):
    """attendance._cells (numpy) holds the very rows common.lesson_cells (merges) holds,
    unmarked cells of whole-class lessons included; with overlapping stays of one pupil
    too (then it takes lesson_cells' own rows)."""
    import pandas as pd

    from archiver.views import common
    from archiver.views.attendance import _cells

    for class_id in sorted(set(small.classes["class_id"])):
        scope = make_scope(small.meta, class_id, Period(None, None))
        stays = common.stays(small, class_id, scope)
        for stays_now in (stays, pd.concat([stays, stays.iloc[:1]], ignore_index=True)):
            lessons = common.lessons_in(small, class_id, scope)
            held = lessons["status"] == "held"
            att = small.attendance
            marked = att["lesson_id"].isin(lessons.loc[held, "lesson_id"]) & att[
                "student_id"].isin(set(stays_now["student_id"]))
            cells = common.lesson_cells(small, lessons, stays_now)
            expected = _as_rows(pd.Index(lessons["lesson_id"]).get_indexer(cells["lesson_id"]),
                                cells["student_id"].to_numpy(dtype=object),
                                cells["symbol"].to_numpy(dtype=object), lessons)
            found = _cells(small, lessons, held, stays_now)
            got = _as_rows(found.at, [found.pupils[p] for p in found.pupil_codes],
                           found.symbols, lessons)
            assert got == expected
            assert found.marked.tolist() == marked.tolist()
            assert any(symbol == "" for _l, _s, symbol in got) or class_id != "C7A"


def test_a_changed_students_table_gives_its_own_summary(small):
    """The stays and lessons a register and its summary share are found again for another
    table: a pupil renamed in a copy of the export is printed under the new name."""
    from dataclasses import replace

    scope = make_scope(small.meta, "C7A", WEEKS)
    before = build_attendance(small, Config(), scope)
    students = small.students.copy()
    students.loc[students["last_name"] == "Kowalska", "last_name"] = "Nowacka"
    renamed = replace(small, tables={**small.tables, "students": students})
    after = build_attendance(renamed, Config(), scope)
    names = [r.name for r in _section(after, "period").rows]
    assert "Nowacka Anna" in names and "Kowalska Anna" not in names
    assert "Kowalska Anna" in [r.name for r in _section(before, "period").rows]
    assert "Kowalska Anna" in [r.name for r in
                               _section(build_attendance(small, Config(), scope), "period").rows]
