"""What the register's main process remembers between lines and documents (session 28,
issue 18) gives what it would compute afresh, and hands out nothing a caller could
change for the next caller."""

from __future__ import annotations

from markupsafe import Markup

TOPICS = [
    [("Rewolucja przemysłowa i jej skutki społeczne " * 6, "")],
    [("(zastępstwo)", "b"), (" ", ""), ("Ułamki zwykłe — powtórzenie " * 4, "")],
    [("[BRAK TEMATU]", "gap"), (" (grupa: nr 1–4, 7)", "")],
    [("x" * 400, "")],
    [("Słowo\u200bpo\u200bsłowie " * 20, "")],
]


def test_remembered_wrapping_is_the_wrapping_computed_afresh_in_every_room():
    from archiver.render import tablines

    for pieces in TOPICS:
        for room in (60.0, 241.5, 400.0, 700.0):
            fresh = tablines.wrap(list(pieces), room)
            assert [list(line) for line in tablines.wrapped_lines(tuple(pieces), room)] \
                == fresh
            again = tablines.wrapped_lines(tuple(pieces), room)  # now from the memo
            assert [list(line) for line in again] == fresh
    narrow = tablines.wrapped_lines(tuple(TOPICS[0]), 60.0)
    wide = tablines.wrapped_lines(tuple(TOPICS[0]), 700.0)
    assert len(narrow) > len(wide)  # the room is part of what is remembered


def test_remembered_wrapping_holds_a_bounded_number_of_topics():
    """A term-end's main process prepares every register: a memo of every topic it met
    held ~90 MB of its peak (the large demo's 36,000 wrapped topics)."""
    from archiver.render import tablines

    for number in range(tablines.WRAPPED_MOST + 500):
        tablines.wrapped_lines(((f"Temat lekcji nr {number}", ""),), 241.5)
    assert tablines.wrapped_lines.cache_info().currsize <= tablines.WRAPPED_MOST


def test_a_wrapped_lesson_changed_by_its_caller_does_not_change_the_next_one():
    from archiver.render.tablines import Layout, text_pt

    cells = ["1", "pn 01.09", "1", "Historia", "12", "", "Jan Nowak", "01.09.2025 08:00"]
    layout = Layout.of([text_pt(c) for c in cells] + [0.0])
    first = layout.wrapped(cells, TOPICS[0][:])
    before = [list(line) for line in first]
    for line in first:
        line.append(("changed", "b"))
    first.append([("changed", "")])
    assert layout.wrapped(cells, TOPICS[0][:]) == before


def test_remembered_printable_text_is_what_printable_makes_of_it():
    from archiver.render.printable import _printable, printable

    texts = ["Jan Kowalski", "a\x07b\x00c", "\u202eodwrócony", "\u2067izolat",
             "słowo " + "ż" * 120, "01.09.2025 08:00", "", "x" * 300]
    for text in texts:
        assert printable(text) == _printable(text)
        assert printable(text) == _printable(text)  # the second time from the memo


def test_markup_stays_markup_though_its_plain_text_was_remembered():
    from archiver.render.printable import printable

    assert type(printable("<b>pogrubione</b>\x07")) is str
    made = printable(Markup("<b>pogrubione</b>\x07"))
    assert isinstance(made, Markup)
    assert made == Markup("<b>pogrubione</b>\ufffd")


def test_a_long_date_columns_records_hold_the_timestamps_tolist_gives():
    """common.rows makes a long date column's Timestamps once per distinct day: the
    records hold equal values of the same type, NaT where a date is missing, time zone
    kept."""
    import pandas as pd

    from archiver.views.common import rows

    days = pd.to_datetime(["2025-09-01 08:00", None, "2025-09-02 10:45", "2025-09-01 08:00"]
                          * 40, format="%Y-%m-%d %H:%M")
    for column in (pd.Series(days), pd.Series(days).dt.tz_localize("Europe/Warsaw")):
        frame = pd.DataFrame({"date": column, "n": range(len(column))})
        made = rows(frame)
        assert len(made) == len(frame)
        for record, (index, day, number) in zip(made, frame.itertuples(), strict=True):
            assert (record.Index, record.n) == (index, number)
            if pd.isna(day):
                assert record.date is pd.NaT
            else:
                assert type(record.date) is pd.Timestamp
                assert record.date == day and record.date.tzinfo == day.tzinfo


def test_widths_are_remembered_for_each_face_apart():
    """A text's width in the bold face is not its width in the regular one, whichever is
    asked first (a memo keyed by the text alone would hand the first out for both)."""
    from archiver.render import tablines
    from archiver.render.fonts import advances

    def afresh(text: str, bold: bool) -> float:
        widths, widest = advances(tablines.FONTS[bold], tablines.SIZE_PT)
        return sum(widths.get(ord(c), widest) for c in text)

    for text in ("Wychowanie fizyczne 29b", "MWŻ mwż"):
        assert tablines.text_pt(text, True) == afresh(text, True)
        assert tablines.text_pt(text) == afresh(text, False) != afresh(text, True)
        assert tablines.text_pt(text, True) == afresh(text, True)
    plain, bold = tablines._pad_pt(3.0, 50.0), tablines._pad_pt(3.0, 50.0, True)
    assert plain == (tablines._pad(3.0, 50.0), afresh(plain[0], False))
    assert bold == (tablines._pad(3.0, 50.0, True), afresh(bold[0], True))


def test_a_row_cut_to_its_columns_is_what_fit_pt_makes_of_each_cell():
    from archiver.render import tablines

    layout = tablines.Layout((0.0, 40.0, 90.0, 200.0), 700.0)
    texts = ["12", "Wychowanie fizyczne i zdrowie", "Anna", "never cut: the last"]
    rooms = [40.0 - tablines.GAP_PT, 50.0 - tablines.GAP_PT, 110.0 - tablines.GAP_PT]
    cut = layout.cells(texts)
    assert cut == [tablines.fit_pt(t, r) for t, r in zip(texts, rooms, strict=False)]
    assert cut[1].endswith("…") and cut[0] == "12" and len(cut) == 3
    assert layout.cells(texts[1:], 1) == [tablines.fit_pt(texts[1], rooms[1]),
                                          tablines.fit_pt(texts[2], rooms[2])]


def test_a_lessons_remembered_cells_are_what_it_prints_afresh(small):
    """The day, subject, group, teacher and confirmation texts a lesson's line remembers
    are what printable, fit and datetime_pl make of each lesson."""
    from archiver.config import Config
    from archiver.render.environment import fit
    from archiver.render.lessons import _cells
    from archiver.render.printable import printable
    from archiver.views import Period, build_register, make_scope
    from archiver.views.polish import datetime_pl, weekday

    view = build_register(small, Config(), make_scope(small.meta, "C7A", Period(None, None)))
    lessons = [lesson for week in view.weeks for lesson in week.lessons]
    tz = small.meta.timezone
    for _round in range(2):  # the second from the memos
        for lesson in lessons:
            confirmed = ("—" if lesson.status == "cancelled" else
                         datetime_pl(lesson.confirmed_at, tz) if lesson.confirmed_at
                         else "niepotwierdzona")
            assert _cells(lesson, tz) == [
                str(lesson.column or ""), f"{weekday(lesson.day)} {lesson.day:%d.%m}",
                str(lesson.period), printable(fit(lesson.subject, 30).rstrip()),
                str(lesson.number or ""), printable(fit(lesson.group, 6).rstrip()),
                printable(fit(lesson.teacher, 28).rstrip()), confirmed]
    assert {lesson.status for lesson in lessons} >= {"held", "cancelled"}


def test_pupils_with_the_same_marks_each_have_their_own_lines_marks():
    """Rows whose marks are alike are made once; each row's emphasised marks still name
    its own line."""
    from datetime import date

    from archiver.render.textgrid import blocks
    from archiver.views.register import GridRow, LessonEntry, WeekView

    day = date(2026, 3, 2)
    columns = tuple(LessonEntry(day, p, "Matematyka", "Anna Nowak", "held", "t", "", False,
                                None, column=p, short="mat.") for p in (1, 2, 3))
    rows = tuple(GridRow(n, f"Uczeń {n}", ("/", "nb", "/") if n != 2 else ("/", "/", "/"))
                 for n in (1, 2, 3, 4))
    week = WeekView(day, day, columns, columns, rows, (), (0, 1, 0, 1), (0, 0, 0, 0))
    block, = blocks(week, marks={"nb": "absent"})
    lines = block.lines.split("\n")
    marked = [m.split(":") for m in block.marks.split(" ")]
    assert sorted(int(line) for line, _span, _kind in marked) == [2, 4, 5]  # rows 1, 3, 4
    for line, span, _kind in marked:
        start, end = map(int, span.split("-"))
        assert lines[int(line)][start:end].strip() == "nb"


def test_a_plain_text_wraps_as_word_by_word_wrapping_wraps_it():
    """The plain texts' wrapping (a topic, a pupil's partial grades) gives the lines and
    pieces the word-by-word loop gives, in every room; a word wider than the room, a
    zero-width space or bold pieces go the loop's way."""
    import random

    from archiver.render import tablines

    rng = random.Random(29)
    words = ["5\u00a0S×2", "4+\u00a0K", "np", "Ułamki", "zwykłe", "—", "(grupa:", "nr", "1–4)",
             "x" * 60, "\u00a0", "Rewolucja", "przemysłowa", "i", "W"]
    texts = [" ".join(rng.choice(words) for _ in range(rng.randrange(1, 40))) for _ in range(300)]
    texts += ["  lead and trail  ", "a   b    c", "", " ", "słowo\u200bpo\u200bsłowie", "x" * 400]
    seen_fast = 0
    for text in texts:
        for room in (30.0, 60.0, 118.3, 241.5, 400.0):
            pieces = [(text, "")]
            expected = tablines._wrap_words(list(pieces), room)
            assert tablines.wrap(list(pieces), room) == expected
            seen_fast += tablines._wrap_plain(text, room) is not None
            # the same text as plain pieces that end before a space
            cut = text.find(" ", 1)
            if cut > 0 and not text[:cut].endswith(" "):
                split = [(text[:cut], ""), (text[cut:], "")]
                assert tablines.wrap(list(split), room) == tablines._wrap_words(split, room)
    assert seen_fast > 500  # many went the plain way
    marked = [("(zastępstwo)", "b"), (" Ułamki zwykłe " * 5, "")]
    assert tablines._plain_text(marked) is None
    assert tablines.wrap(list(marked), 100.0) == tablines._wrap_words(marked, 100.0)


def test_a_pupils_partial_grades_print_as_each_grade_made_afresh():
    """The remembered text of a grade (value, category code, weight) is what it prints:
    a category whose code is empty keeps its non-breaking space, a weight of 1 none."""
    from datetime import date

    from archiver.render.grade_lines import GRADE_SEP, _partials
    from archiver.render.printable import printable
    from archiver.views.grades import GradeMark
    from archiver.views.polish import number_pl

    marks = [GradeMark(v, w, c, date(2026, 3, 2), None) for v in ("5", "4+", "np", "\x07")
             for w in (1.0, 2.0, 0.5) for c in ("sprawdzian", "", "kartkówka", "nowa")]
    codes = {"sprawdzian": "S", "kartkówka": "", "nowa": "N\x00"}

    def afresh(g: GradeMark) -> str:
        text = printable(g.value)
        if g.category:
            text += "\u00a0" + printable(codes.get(g.category, g.category))
        if g.weight != 1:
            text += "×" + number_pl(g.weight)
        return text

    for _round in range(2):
        assert _partials(marks, codes) == [(GRADE_SEP.join(map(afresh, marks)), "")]
    assert "np\u00a0×2" in _partials(marks, codes)[0][0]
