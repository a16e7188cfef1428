"""The change history (changes table): corrected grades and topics filled in later."""

from __future__ import annotations

import numpy as np
import pandas as pd

from archiver.demo.lessons import TIMEZONE
from archiver.demo.state import Draft

_LOWER = {"+": "", "": "-"}  # a "3+" was first entered as "3", a "3" as "3-"


def _later(draft: Draft, days: pd.Series, exported: pd.Timestamp) -> pd.Series:
    """An afternoon one to five days after each date, before the export."""
    n = len(days)
    naive = (pd.to_datetime(days) + pd.to_timedelta(draft.rng.integers(1, 6, n), unit="D")
             + pd.to_timedelta(draft.rng.integers(15 * 60, 20 * 60, n), unit="min"))
    stamped = naive.dt.tz_localize(TIMEZONE)
    return stamped.where(stamped < exported, exported - pd.Timedelta(hours=2))


def build_changes(draft: Draft, exported: pd.Timestamp) -> None:
    """Table changes: grade values corrected by their teacher, topics entered late."""
    rng = draft.rng
    grades = draft.tables["grades"]
    numeric = grades[(grades["kind"] == "partial") & grades["value"].str.match(r"^[2-5][+]?$")]
    picked = numeric.iloc[np.sort(rng.choice(len(numeric), max(2, len(numeric) // 300),
                                             replace=False))]
    old = [v[0] + _LOWER[v[1:]] for v in picked["value"]]
    fixes = pd.DataFrame({"changed_at": _later(draft, picked["date"], exported).to_numpy(),
                          "changed_by": picked["teacher_id"].to_numpy(), "table": "grades",
                          "record_id": picked["grade_id"].to_numpy(), "field": "value",
                          "old_value": old, "new_value": picked["value"].to_numpy()})
    lessons = draft.tables["lessons"]
    with_topic = lessons[lessons["topic"].notna()]
    late = with_topic.iloc[np.sort(rng.choice(len(with_topic), max(1, len(with_topic) // 500),
                                              replace=False))]
    topics = pd.DataFrame({"changed_at": _later(draft, late["date"], exported).to_numpy(),
                           "changed_by": late["teacher_id"].to_numpy(), "table": "lessons",
                           "record_id": late["lesson_id"].to_numpy(), "field": "topic",
                           "old_value": None, "new_value": late["topic"].to_numpy()})
    changes = pd.concat([fixes, topics], ignore_index=True)
    draft.tables["changes"] = changes.sort_values(["changed_at", "record_id"], kind="stable",
                                                  ignore_index=True)
