"""Days off: the school-wide ones of the calendar and class trips of single classes."""

from __future__ import annotations

import pandas as pd

from archiver.demo.calendar import school_days_off
from archiver.demo.state import Draft

TRIP_REASON = "wycieczka klasowa"


def build_days_off(draft: Draft) -> None:
    """Table days_off; a class trip takes one or two teaching days of one class in eight."""
    profile = draft.profile
    rows = [{"date": d, "reason": r, "class_id": None}
            for d, r in school_days_off(profile.year_start, profile.year_end)]
    classes = draft.tables["classes"]["class_id"].tolist()
    days = draft.teaching_days
    trips = classes[-1::-8]
    for cls in trips:
        # Trips go in the second half of the period (May and June in a full year).
        start = int(draft.rng.integers(len(days) * 2 // 3, len(days) - 2))
        length = 1 + int(draft.rng.random() < 0.5)
        for day in days[start:start + length]:
            rows.append({"date": day, "reason": TRIP_REASON, "class_id": cls})
    frame = pd.DataFrame(rows, columns=["date", "reason", "class_id"])
    draft.tables["days_off"] = frame.sort_values("date", kind="stable").reset_index(drop=True)
