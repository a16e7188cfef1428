"""The embedded CSVs: dates and date-times as the export format writes them."""

from __future__ import annotations

import pandas as pd
import pytest


@pytest.mark.parametrize("repeats", [1, 100])
def test_dates_and_moments_are_written_as_the_export_writes_them(repeats: int) -> None:
    """Dates YYYY-MM-DD, date-times in UTC to the second with Z (a Warsaw time turned
    into UTC, fractions of a second dropped), a missing one empty; repeated values the
    same each time. The same in a short column (a class's pupils) as in a long one (a
    year's marks)."""
    from archiver.render.sources import FEW_MOMENTS, frame_to_csv

    moments = pd.Series(pd.to_datetime(
        ["2026-01-12 09:05:07.9", None, "2026-06-30 23:59:59.0", "2026-01-12 09:05:07.9"]
        * repeats)).dt.tz_localize("Europe/Warsaw")
    days = pd.Series(pd.to_datetime(
        ["2025-09-01 00:00", "2026-02-28 13:00", None, "2025-09-01 00:00"] * repeats))
    assert (len(days) < FEW_MOMENTS) == (repeats == 1)
    csv = frame_to_csv(pd.DataFrame({"at": moments, "day": days})).decode()
    assert csv.splitlines() == ["at,day"] + [
        "2026-01-12T08:05:07Z,2025-09-01",
        ",2026-02-28",
        "2026-06-30T21:59:59Z,",
        "2026-01-12T08:05:07Z,2025-09-01",
    ] * repeats


def test_a_tables_csv_is_reused_only_for_the_same_rows():
    from archiver.render.sources import SUBSET_ROWS, frame_to_csv, table_csv

    frame = pd.DataFrame({"lesson_id": pd.array([f"L{i}" for i in range(SUBSET_ROWS)],
                                                dtype="string"),
                          "symbol": pd.array(["ob"] * SUBSET_ROWS, dtype="string")})
    first = table_csv("attendance", frame)
    assert first == frame_to_csv(frame)
    assert table_csv("attendance", frame.copy()) is first  # the same rows: the same bytes
    changed = frame.copy()
    changed.loc[SUBSET_ROWS - 1, "symbol"] = "nb"  # one mark differs: written again
    assert table_csv("attendance", changed) == frame_to_csv(changed) != first
    frame.loc[0, "symbol"] = "u"  # the caller's frame changed after: not the kept copy
    assert table_csv("attendance", frame) == frame_to_csv(frame)


def test_rows_of_the_last_frame_of_a_table_are_cut_from_its_csv_byte_for_byte():
    """A summary's held lessons are rows of its register's lessons: their CSV is cut from
    the register's, quoted fields with commas, quotes and line breaks included, and only
    when every value of those rows is the same."""
    from archiver.render import sources
    from archiver.render.sources import SUBSET_ROWS, frame_to_csv, table_csv

    n = SUBSET_ROWS * 2
    topics = [f"Temat {i}" if i % 7 else f'Temat, "cz. {i}"\nciąg dalszy' for i in range(n)]
    lessons = pd.DataFrame({
        "lesson_id": pd.array([f"L{i}" for i in range(n)], dtype="string"),
        "topic": pd.array(topics, dtype="string"),
        "period": pd.array([i % 8 if i % 11 else None for i in range(n)], dtype="Int64"),
        "status": pd.array(["held" if i % 5 else "cancelled" for i in range(n)],
                           dtype="string"),
        "date": pd.to_datetime([f"2025-09-{1 + i % 28:02d}" for i in range(n)])})
    table_csv("lessons", lessons)
    held = lessons[lessons["status"] == "held"]
    cut = table_csv("lessons", held)
    assert cut == frame_to_csv(held)
    assert sources._LAST["lessons"][2] is not None  # really cut from the kept CSV
    other = held.copy()
    other.loc[other.index[3], "topic"] = "inny temat"  # not the register's rows: written
    assert table_csv("lessons", other) == frame_to_csv(other) != cut


def test_a_summary_whose_lessons_were_all_held_reuses_its_registers_lessons_csv():
    """Every lesson held: the summary's held lessons are all of the register's, and a mask
    that keeps every row keeps the RangeIndex too; they are the same rows, so the same
    CSV, also for fewer lessons than a year's marks."""
    from archiver.render.sources import SUBSET_ROWS, frame_to_csv, table_csv

    n = SUBSET_ROWS + 1
    lessons = pd.DataFrame({
        "lesson_id": pd.array([f"L{i}" for i in range(n)], dtype="string"),
        "status": pd.array(["held"] * n, dtype="string")})
    first = table_csv("lessons", lessons)
    held = lessons[lessons["status"] == "held"]
    assert table_csv("lessons", held) is first
    assert first == frame_to_csv(held)


def test_a_csv_is_what_the_csv_module_writes_whatever_its_cells_hold():
    """Cells with commas, quotes, line breaks, empty ones, one column or none, missing
    weights and whole ones: the same bytes as csv.writer writes from _cell's texts."""
    import csv
    import io

    from archiver.render.sources import _cell, frame_to_csv

    def reference(frame: pd.DataFrame) -> bytes:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(list(frame.columns))
        writer.writerows([_cell(v) for v in row] for row in frame.itertuples(index=False))
        return out.getvalue().encode()

    plain = ["a", "", "zażółć", " x ", "b'c"]
    frames = [
        pd.DataFrame({"t": pd.array(plain, dtype="string"),
                      "w": pd.array([1.0, None, 2.5, -0.0, float("inf")], dtype="Float64")}),
        pd.DataFrame({"t": pd.array(plain, dtype="string"), "u": pd.array(plain[::-1],
                                                                          dtype="string")}),
        pd.DataFrame({"t": pd.array(["", "a"], dtype="string")}),  # a lone empty cell
        pd.DataFrame({"t": pd.array([], dtype="string"), "u": pd.array([], dtype="string")}),
    ]
    for odd in ("a,b", 'say "hi"', "two\nlines", "cr\rhere"):
        frames.append(pd.DataFrame({"t": pd.array(["x", odd], dtype="string"),
                                    "u": pd.array(["", "y"], dtype="string")}))
    for frame in frames:
        assert frame_to_csv(frame) == reference(frame)
    assert frame_to_csv(frames[4]).decode().splitlines()[2] == '"a,b",y'


def test_moments_of_every_age_are_written_as_the_cell_writer_writes_each():
    """A long column of moments (a year's marks: thousands of distinct moments) written
    from its days and times of day is what the writer of one cell writes: before 1970,
    on a day's last second, far ahead, missing."""
    import numpy as np

    from archiver.render.sources import _cell, frame_to_csv

    rng = np.random.default_rng(29)
    ticks = rng.integers(-3_000_000_000, 7_000_000_000, 5000)
    ticks[:6] = [0, -1, 86399, 86400, -86401, 1_782_570_600]
    moments = pd.Series(pd.to_datetime(ticks, unit="s", utc=True))
    moments[7] = pd.NaT
    moments = moments.dt.tz_convert("Europe/Warsaw")
    written = frame_to_csv(pd.DataFrame({"at": moments, "n": range(len(moments))}))
    assert written.decode().splitlines()[1:] == [
        f"{_cell(value)},{n}" for n, value in enumerate(moments.tolist())]
    assert written.decode().splitlines()[8] == ",7"
