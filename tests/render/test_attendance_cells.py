"""The summary's percentage cells (render/attendance_tables._percent), remembered by the
counts they are made of: every cell is the text an independent count prints (exact
fractions, attendance_oracle) and is marked exactly when strictly below its threshold,
whatever cells of the same counts were asked for before with another threshold, width or
sign."""

from __future__ import annotations

from fractions import Fraction
from itertools import product

from attendance_oracle import percent_text

from archiver.render.attendance_tables import PERCENT_CH, SHORT_CH, Risk, _percent
from archiver.views.attendance import Share

THRESHOLDS = (None, 50, 50.5, 80.0, 0.0)


def _expected(present: int, absent: int, width: int, threshold: float | None,
              sign: bool) -> tuple[str, bool]:
    total = present + absent
    text = percent_text(Fraction(present * 100, total) if total else None)
    text = (text if sign else text.removesuffix("%")).rjust(width)
    marked = (threshold is not None and total > 0
              and Fraction(present * 100, total) < Fraction(str(threshold)))
    return text, marked


def test_each_cell_is_its_counts_percentage_marked_below_its_own_threshold():
    counts = [(p, a) for p, a in product(range(13), range(13))] + [(199, 201), (1, 2000)]
    asked = list(product(counts, (PERCENT_CH, SHORT_CH), THRESHOLDS, (True, False)))
    for order in (asked, asked[::-1]):  # the same counts met again after other cells
        for (present, absent), width, threshold, sign in order:
            cell = _percent(Share(present, absent), width, threshold, sign=sign)
            assert (cell, type(cell) is Risk) == _expected(present, absent, width,
                                                          threshold, sign)


def test_a_missing_share_is_a_dash_never_marked():
    for width, threshold, sign in product((PERCENT_CH, SHORT_CH), THRESHOLDS, (True, False)):
        cell = _percent(None, width, threshold, sign=sign)
        assert cell == "—".rjust(width) and type(cell) is not Risk


def test_equal_counts_are_formatted_once(monkeypatch):
    from archiver.render import attendance_tables

    made = []
    monkeypatch.setattr(attendance_tables, "percent_pl",
                        lambda value: made.append(value) or f"{value:.1f}%")
    attendance_tables._percent_cell.cache_clear()
    try:
        for _ in range(3):  # equal counts in other Share objects, as pupils' cells are
            _percent(Share(17, 3), PERCENT_CH, 50)
    finally:
        attendance_tables._percent_cell.cache_clear()  # nothing of the stand-in kept
    assert made == [85.0]
