"""Teachers off sick: their lessons substituted, cancelled, or replaced by another lesson."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import pandas as pd

from archiver.demo.state import Draft

SUBSTITUTE, CANCEL, REPLACE = "substitute", "cancel", "replace"


def _absences(draft: Draft) -> set[tuple[str, date]]:
    """(teacher_id, date) of teachers on sick leave: a few spells of one to five days."""
    teachers = sorted(draft.helpers["timetable"]["teacher_id"].unique())
    days = draft.teaching_days
    spells = max(3, round(len(teachers) * len(days) / 190 * 1.2))
    out = set()
    for _ in range(spells):
        teacher = teachers[int(draft.rng.integers(len(teachers)))]
        start = int(draft.rng.integers(len(days)))
        length = min(5, int(draft.rng.geometric(0.45)))
        for day in days[start:start + length]:
            out.add((teacher, day))
    return out


class _Rota:
    """Who is free when: the weekly timetable plus the substitutions already made."""

    def __init__(self, draft: Draft, absent: set[tuple[str, date]]) -> None:
        tt = draft.helpers["timetable"]
        self.busy: dict[tuple[int, int], set[str]] = defaultdict(set)
        for t, wd, p in zip(tt["teacher_id"], tt["weekday"], tt["period"], strict=True):
            self.busy[(wd, p)].add(t)
        self.extra: dict[tuple[date, int], set[str]] = defaultdict(set)
        self.absent = absent
        self.all = sorted(tt["teacher_id"].unique())

    def free(self, day: date, period: int, among: list[str]) -> list[str]:
        taken = self.busy[(day.weekday(), period)] | self.extra[(day, period)]
        return [t for t in among if t not in taken and (t, day) not in self.absent]

    def book(self, teacher: str, day: date, period: int) -> None:
        self.extra[(day, period)].add(teacher)


def _outcomes(draft: Draft, count: int) -> list[str]:
    rolls = draft.rng.random(count)
    out = [SUBSTITUTE if r < 0.65 else CANCEL if r < 0.88 else REPLACE for r in rolls]
    # Every demo shows each case at least once, even the shortest.
    for i, forced in enumerate((SUBSTITUTE, CANCEL, REPLACE)[:count]):
        out[i] = forced
    return out


def disrupt(draft: Draft, lessons: pd.DataFrame) -> pd.DataFrame:
    """Mark lessons of absent teachers; returns the lessons plus replacement lessons held
    in the slot of a cancelled one (status, substitution columns filled)."""
    absent = _absences(draft)
    rota = _Rota(draft, absent)
    teaching = draft.helpers["teaching"]
    specialisation = dict(zip(draft.helpers["teachers"]["staff_id"],
                              draft.helpers["teachers"]["specialisation"], strict=True))
    lessons["status"], lessons["substitution"] = "held", False
    keys = list(zip(lessons["teacher_id"], lessons["date"], strict=True))
    hit = [i for i, k in enumerate(keys) if k in absent]
    extra, pending_replace = [], False
    for i, outcome in zip(hit, _outcomes(draft, len(hit)), strict=True):
        row = lessons.iloc[i]
        cls, day, period = row["class_id"], row["date"], int(row["period"])
        if outcome == SUBSTITUTE:
            spec = specialisation.get(row["teacher_id"])
            same = [t for t in rota.all if specialisation.get(t) == spec]
            free = rota.free(day, period, same) or rota.free(day, period, rota.all)
            if free:
                sub = free[int(draft.rng.integers(len(free)))]
                rota.book(sub, day, period)
                lessons.iat[i, lessons.columns.get_loc("teacher_id")] = sub
                lessons.iat[i, lessons.columns.get_loc("substitution")] = True
                continue
        lessons.iat[i, lessons.columns.get_loc("status")] = "cancelled"
        if (outcome == REPLACE or pending_replace) and not row["group"]:
            mine = teaching[(teaching["class_id"] == cls) & (teaching["group"] == "")]
            free = rota.free(day, period, sorted(set(mine["teacher_id"])))
            pending_replace = not free
            if free:
                sub = free[int(draft.rng.integers(len(free)))]
                rota.book(sub, day, period)
                subject = mine[mine["teacher_id"] == sub]["subject_id"].iloc[0]
                extra.append({**row.to_dict(), "subject_id": subject, "teacher_id": sub,
                              "status": "held", "substitution": True})
        elif outcome == REPLACE:
            pending_replace = True
    return pd.concat([lessons, pd.DataFrame(extra, columns=lessons.columns)], ignore_index=True)
