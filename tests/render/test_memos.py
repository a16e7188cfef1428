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
