"""Attendance: one mark per enrolled student per held lesson, built with array operations.

Absences cluster: a child is ill for several days (excused later by the homeroom teacher,
or never excused), leaves early for the doctor, skips a single lesson; some are late; a few
are released from PE for months; some miss lessons for school reasons (a competition) or
are away on a trip.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from archiver.demo.lessons import TIMEZONE, start_times
from archiver.demo.state import Draft

# symbol, name, counts_as, excused, late
ATTENDANCE_TYPES = (
    ("ob", "obecność", "present", False, False),
    ("nb", "nieobecność nieusprawiedliwiona", "absent", False, False),
    ("u", "nieobecność usprawiedliwiona", "absent", True, False),
    ("sp", "spóźnienie", "present", False, True),
    ("zw", "zwolnienie", "excluded", True, False),
    ("ns", "nieobecność z przyczyn szkolnych", "present", True, False),
    ("wy", "wycieczka", "present", False, False),
)
SYMBOLS = np.array([t[0] for t in ATTENDANCE_TYPES], dtype=object)
OB, NB, U, SP, ZW, NS, WY = range(len(SYMBOLS))


def attendance_types() -> pd.DataFrame:
    """Table attendance_types: the school's categories, as printed in the grid."""
    return pd.DataFrame(ATTENDANCE_TYPES,
                        columns=["symbol", "name", "counts_as", "excused", "late"])


def _roll_rows(draft: Draft, lessons: pd.DataFrame) -> pd.DataFrame:
    """(lesson row, student) for every student enrolled in the lesson's group that day."""
    held = lessons[lessons["status"] == "held"]
    slim = pd.DataFrame({"lesson": held.index.to_numpy(), "class_id": held["class_id"],
                         "group": held["group"], "day": held["date"].map(_ordinal)})
    members = draft.helpers["membership"].assign(
        start=lambda m: m["start"].map(_ordinal), end=lambda m: m["end"].map(_ordinal))
    rows = slim.merge(members, on=["class_id", "group"])
    rows = rows[(rows["day"] >= rows["start"]) & (rows["day"] <= rows["end"])]
    return rows[["lesson", "class_id", "student_id", "day"]].reset_index(drop=True)


def _ordinal(day) -> int:
    return day.toordinal()


def _day_status(draft: Draft, people: pd.DataFrame, n_days: int) -> np.ndarray:
    """student x teaching day: 0 at school, U/NB ill (excused or not), WY/NS away."""
    rng = draft.rng
    status = np.zeros((len(people), n_days), dtype=np.int8)
    # Illness: spells of one to seven days, as many as the child's absence rate needs.
    counts = rng.poisson(people["absence_rate"].to_numpy() * n_days / 3.0)
    who = np.repeat(np.arange(len(people)), counts)
    starts = rng.integers(0, n_days, len(who))
    lengths = np.clip(rng.geometric(0.35, len(who)), 1, 7)
    excused = rng.random(len(who)) < 0.9
    for offset in range(7):
        live = offset < lengths
        days = np.minimum(starts[live] + offset, n_days - 1)
        status[who[live], days] = np.where(excused[live], U, NB)
    # School reasons (a competition) and trips: a few single days.
    away = rng.random(status.shape)
    status[(status == 0) & (away < 0.002)] = NS
    status[(status == 0) & (away > 0.997)] = WY
    return status


def _symbols(draft: Draft, rows: pd.DataFrame, lessons: pd.DataFrame) -> np.ndarray:
    rng = draft.rng
    people = draft.helpers["people"]
    person = pd.Index(people["student_id"]).get_indexer(rows["student_id"])
    day_index = pd.Index([d.toordinal() for d in draft.teaching_days]).get_indexer(rows["day"])
    status = _day_status(draft, people, len(draft.teaching_days))[person, day_index]
    period = lessons["period"].to_numpy()[rows["lesson"].to_numpy()]
    subject = lessons["subject_id"].to_numpy()[rows["lesson"].to_numpy()]
    roll = rng.random(len(rows))
    symbol = np.full(len(rows), OB, dtype=np.int8)
    symbol[roll < np.where(period == 1, 0.04, 0.008)] = SP
    skip = people["absence_rate"].to_numpy()[person] * 0.05
    symbol[(roll > 0.5) & (roll < 0.5 + skip)] = NB
    # Left early for the doctor: the rest of that day excused.
    leave_from = np.where(rng.random((len(people), len(draft.teaching_days))) < 0.006,
                          rng.integers(3, 7, (len(people), len(draft.teaching_days))), 99)
    symbol[period >= leave_from[person, day_index]] = U
    # About one child in thirty is released from PE (a doctor's note) for the whole period.
    released = rng.random(len(people)) < 1 / 30
    symbol[released[person] & (subject == "WF")] = ZW
    symbol[status != 0] = status[status != 0]
    return symbol


def _recorded(draft: Draft, rows: pd.DataFrame, lessons: pd.DataFrame, symbol: np.ndarray,
              exported: pd.Timestamp) -> tuple[np.ndarray, pd.Series]:
    """Who recorded each mark and when: the teacher during the lesson; an excused absence
    was entered later by the homeroom teacher, when the note from home came."""
    rng = draft.rng
    lesson = rows["lesson"].to_numpy()
    by = lessons["teacher_id"].to_numpy()[lesson].copy()
    start = start_times(lessons).to_numpy()[lesson]
    at = start + (rng.integers(2, 15, len(rows)) * 60_000_000_000).astype("timedelta64[ns]")
    late = symbol == U
    homeroom = draft.tables["classes"].set_index("class_id")["homeroom_teacher_id"]
    by[late] = homeroom.reindex(rows["class_id"][late]).to_numpy()
    days = rng.integers(1, 8, int(late.sum())) * 86_400_000_000_000
    minutes = rng.integers(0, 240, int(late.sum())) * 60_000_000_000
    day_start = start[late].astype("datetime64[D]").astype("datetime64[ns]")
    at[late] = day_start + (days + 15 * 3_600_000_000_000 + minutes).astype("timedelta64[ns]")
    stamped = pd.Series(at).dt.tz_localize(TIMEZONE)
    on_time = pd.Series(start + np.timedelta64(5, "m")).dt.tz_localize(TIMEZONE)
    return by, stamped.where(stamped < exported, on_time)


def _forgotten(draft: Draft, rows: pd.DataFrame, lessons: pd.DataFrame) -> np.ndarray:
    """Rows to leave out: one lesson whose attendance was never taken, and a few single
    marks never entered (reports show these as gaps)."""
    keep = draft.rng.random(len(rows)) >= 0.0002
    whole_class = lessons["group"].to_numpy()[rows["lesson"].to_numpy()] == ""
    candidates = np.unique(rows["lesson"].to_numpy()[whole_class])
    never = candidates[int(draft.rng.integers(len(candidates)))]
    return keep & (rows["lesson"].to_numpy() != never)


def build_attendance(draft: Draft, exported: pd.Timestamp) -> None:
    """Tables attendance_types and attendance, ordered by lesson then class list."""
    lessons = draft.tables["lessons"]
    rows = _roll_rows(draft, lessons)
    symbol = _symbols(draft, rows, lessons)
    by, at = _recorded(draft, rows, lessons, symbol, exported)
    frame = pd.DataFrame({
        "lesson_id": lessons["lesson_id"].to_numpy()[rows["lesson"].to_numpy()],
        "student_id": rows["student_id"].to_numpy(),
        "symbol": SYMBOLS[symbol],
        "recorded_by": by,
        "recorded_at": at,
    })
    numbers = draft.tables["students"].set_index(["class_id", "student_id"])["register_number"]
    order = np.lexsort((numbers.reindex(pd.MultiIndex.from_arrays(
        [rows["class_id"], rows["student_id"]])).to_numpy(), rows["lesson"].to_numpy()))
    frame = frame.iloc[order]
    keep = _forgotten(draft, rows, lessons)[order]
    draft.tables["attendance_types"] = attendance_types()
    draft.tables["attendance"] = frame[keep].reset_index(drop=True)
