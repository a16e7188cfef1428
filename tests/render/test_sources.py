"""The embedded CSVs: dates and date-times as the export format writes them."""

from __future__ import annotations

import pandas as pd


def test_dates_and_moments_are_written_as_the_export_writes_them() -> None:
    """Dates YYYY-MM-DD, date-times in UTC to the second with Z (a Warsaw time turned
    into UTC, fractions of a second dropped), a missing one empty; repeated values the
    same each time."""
    from archiver.render.sources import frame_to_csv

    moments = pd.Series(pd.to_datetime(
        ["2026-01-12 09:05:07.9", None, "2026-06-30 23:59:59.0", "2026-01-12 09:05:07.9"]
    )).dt.tz_localize("Europe/Warsaw")
    days = pd.Series(pd.to_datetime(
        ["2025-09-01 00:00", "2026-02-28 13:00", None, "2025-09-01 00:00"]))
    csv = frame_to_csv(pd.DataFrame({"at": moments, "day": days})).decode()
    assert csv.splitlines() == [
        "at,day",
        "2026-01-12T08:05:07Z,2025-09-01",
        ",2026-02-28",
        "2026-06-30T21:59:59Z,",
        "2026-01-12T08:05:07Z,2025-09-01",
    ]
