"""Lesson lists pre-wrapped in Python (archiver.render.lessons)."""

from __future__ import annotations


def test_a_long_topic_wraps_under_the_topic_column_and_keeps_every_word():
    """Lesson lines are wrapped in Python (monospaced: exact): the columns on the first
    line, the topic's further lines indented to the topic column, no word lost."""
    from archiver.render.lessons import HANG, LINE_CHARS, width, wrap

    columns = "  1  pn 01.09    1  " + "Historia".ljust(30) + "  " + "".ljust(6) + "  " + \
        "Jan Nowak".ljust(28) + "  " + "01.09.2025 08:00".ljust(16) + "  "
    topic = "Rewolucja przemysłowa i jej skutki społeczne " * 6 + "x" * 90
    lines = ["".join(text for text, _how in line) for line in wrap(columns, [(topic, "")])]
    assert len(lines) > 2 and all(width(line) <= LINE_CHARS for line in lines)
    assert all(line.startswith(" " * HANG) and line[HANG] != " " for line in lines[1:])
    assert " ".join(line.strip() for line in lines).replace(" ", "") == \
        (columns + topic).replace(" ", "")
