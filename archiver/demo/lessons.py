"""Lessons: the timetable laid over the teaching days, disrupted, with topics and sign-off."""

from __future__ import annotations

import numpy as np
import pandas as pd

from archiver.demo.calendar import LESSON_MINUTES, PERIOD_START
from archiver.demo.disruptions import disrupt
from archiver.demo.state import Draft
from archiver.demo.topics import REPEAT_SUFFIXES, TOPICS

TIMEZONE = "Europe/Warsaw"


def _planned(draft: Draft) -> pd.DataFrame:
    """Every timetable slot of every class on every day it has lessons."""
    days = pd.DataFrame({"date": draft.teaching_days})
    days["weekday"] = [d.weekday() for d in draft.teaching_days]
    classes = draft.tables["classes"][["class_id"]]
    grid = classes.merge(days, how="cross")
    trips = draft.tables["days_off"].dropna(subset=["class_id"])
    away = set(zip(trips["class_id"], trips["date"], strict=True))
    grid = grid[[k not in away for k in zip(grid["class_id"], grid["date"], strict=True)]]
    lessons = grid.merge(draft.helpers["timetable"], on=["class_id", "weekday"])
    return lessons.drop(columns="weekday").reset_index(drop=True)


def start_times(lessons: pd.DataFrame) -> pd.Series:
    """Naive local start time of each lesson (date plus the period's bell)."""
    offsets = {p: pd.Timedelta(hours=t.hour, minutes=t.minute) for p, t in PERIOD_START.items()}
    return pd.to_datetime(lessons["date"]) + lessons["period"].map(offsets)


def _topics(draft: Draft, lessons: pd.DataFrame) -> pd.Series:
    """Each (class, subject, group) walks through its subject's topics in date order."""
    held = lessons["status"] == "held"
    n = lessons[held].groupby(["class_id", "subject_id", "group"]).cumcount()
    topics = pd.Series(None, index=lessons.index, dtype=object)
    for idx, subject, k in zip(n.index, lessons.loc[n.index, "subject_id"], n, strict=True):
        base = TOPICS[subject]
        suffix = REPEAT_SUFFIXES[min(k // len(base), len(REPEAT_SUFFIXES) - 1)]
        topics[idx] = base[k % len(base)] + suffix
    # A few held lessons were never given a topic: legal, shown as a gap.
    gaps = draft.rng.choice(n.index.to_numpy(), size=max(1, len(n) // 1000), replace=False)
    topics[gaps] = None
    return topics


def _confirmations(draft: Draft, lessons: pd.DataFrame, exported: pd.Timestamp) -> pd.Series:
    """When the teacher signed each held lesson: mostly right after it, some days later."""
    end = start_times(lessons) + pd.Timedelta(minutes=LESSON_MINUTES)
    n = len(lessons)
    roll = draft.rng.random(n)
    soon = end + pd.to_timedelta(draft.rng.integers(1, 20, n), unit="min")
    evening = (pd.to_datetime(lessons["date"]) + pd.Timedelta(hours=15)
               + pd.to_timedelta(draft.rng.integers(0, 360, n), unit="min"))
    later = evening + pd.to_timedelta(draft.rng.integers(1, 4, n), unit="D")
    local = soon.where(roll < 0.75, evening.where(roll < 0.95, later))
    local = local.where(local > end, soon)
    stamped = local.dt.tz_localize(TIMEZONE)
    stamped = stamped.where(stamped < exported, soon.dt.tz_localize(TIMEZONE))
    held = lessons["status"] == "held"
    # A few lessons were never confirmed (signed): legal, but a warning.
    unsigned = draft.rng.choice(np.flatnonzero(held), size=max(1, int(held.sum()) // 800),
                                replace=False)
    keep = held.to_numpy().copy()
    keep[unsigned] = False
    return stamped.where(keep)


def build_lessons(draft: Draft, exported: pd.Timestamp) -> None:
    """Table lessons: ids in date, class, period, group order."""
    lessons = disrupt(draft, _planned(draft))
    lessons = lessons.sort_values(["date", "class_id", "period", "group", "status"],
                                  ignore_index=True)
    lessons["topic"] = _topics(draft, lessons)
    lessons["confirmed_at"] = _confirmations(draft, lessons, exported)
    lessons["lesson_id"] = [f"L{i:06d}" for i in range(1, len(lessons) + 1)]
    draft.tables["lessons"] = lessons[
        ["lesson_id", "class_id", "date", "period", "subject_id", "teacher_id", "topic",
         "status", "group", "substitution", "confirmed_at"]]
