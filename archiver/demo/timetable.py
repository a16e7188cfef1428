"""The weekly timetable (plan lekcji) of every class, no teacher in two places at once."""

from __future__ import annotations

from collections import defaultdict

import pandas as pd

from archiver.demo.state import Draft

Slot = tuple[int, int]  # (weekday 0-4, period)
Unit = tuple[str, tuple[tuple[str, str, str], ...]]  # (key, ((teacher_id, group, subject), ...))


def _day_lengths(draft: Draft, hours: int) -> list[int]:
    base, extra = divmod(hours, 5)
    longer = set(draft.rnd.sample(range(5), extra))
    return [base + (1 if d in longer else 0) for d in range(5)]


def _class_units(teaching: pd.DataFrame) -> list[Unit]:
    """One unit per weekly hour; the groups of a subject taught side by side share a unit."""
    units: list[Unit] = []
    parallel = teaching.assign(
        key=teaching["subject_id"].where(~teaching["subject_id"].isin(["REL", "ETY"]), "REL"))
    for key, rows in parallel.groupby("key", sort=True):
        crew = tuple(zip(rows["teacher_id"], rows["group"], rows["subject_id"], strict=True))
        for _ in range(int(rows["hours"].max())):
            units.append((str(key), crew))
    return units


class _Planner:
    """Places one class's units into free slots; busy maps a teacher to taken slots."""

    def __init__(self, draft: Draft, busy: dict[str, set[Slot]]) -> None:
        self.draft = draft
        self.busy = busy
        self.conflicts = 0

    def _fits(self, unit: Unit, slot: Slot) -> bool:
        return all(slot not in self.busy[t] for t, _g, _s in unit[1])

    def _score(self, unit: Unit, slot: Slot, grid: dict[Slot, Unit]) -> float:
        same_day = sum(1 for (d, _p), u in grid.items() if d == slot[0] and u[0] == unit[0])
        return same_day * 10 + self.draft.rnd.random()

    def _take(self, unit: Unit, slot: Slot, grid: dict[Slot, Unit]) -> None:
        grid[slot] = unit
        for t, _g, _s in unit[1]:
            self.busy[t].add(slot)

    def _drop(self, slot: Slot, grid: dict[Slot, Unit]) -> Unit:
        unit = grid.pop(slot)
        for t, _g, _s in unit[1]:
            self.busy[t].discard(slot)
        return unit

    def _swap_in(self, unit: Unit, free: list[Slot], grid: dict[Slot, Unit]) -> bool:
        """Move a placed unit to a free slot to make room where this one fits."""
        for taken in sorted(grid):
            if not self._fits(unit, taken):
                continue
            other = self._drop(taken, grid)
            for slot in free:
                if self._fits(other, slot) and self._fits(unit, taken):
                    self._take(other, slot, grid)
                    self._take(unit, taken, grid)
                    return True
            self._take(other, taken, grid)
        return False

    def plan(self, units: list[Unit], lengths: list[int]) -> dict[Slot, Unit]:
        slots = [(d, p) for d in range(5) for p in range(1, lengths[d] + 1)]
        grid: dict[Slot, Unit] = {}
        # Hardest first: units needing several teachers, then the most repeated subjects.
        counts = defaultdict(int)
        for u in units:
            counts[u[0]] += 1
        order = sorted(units, key=lambda u: (-len(u[1]), -counts[u[0]], u[0]))
        for unit in order:
            free = [s for s in slots if s not in grid]
            fitting = [s for s in free if self._fits(unit, s)]
            if fitting:
                self._take(unit, min(fitting, key=lambda s: self._score(unit, s, grid)), grid)
            elif not self._swap_in(unit, free, grid):
                self.conflicts += 1  # rare: accept a clash rather than drop the hour
                self._take(unit, free[0], grid)
        return grid


def build_timetable(draft: Draft) -> None:
    """Helper `timetable`: class_id, weekday, period, subject_id, teacher_id, group."""
    teaching = draft.helpers["teaching"]
    planner = _Planner(draft, defaultdict(set))
    rows = []
    for cls in draft.tables["classes"]["class_id"]:
        mine = teaching[teaching["class_id"] == cls]
        units = _class_units(mine)
        grid = planner.plan(units, _day_lengths(draft, len(units)))
        for (day, period), (_key, crew) in sorted(grid.items()):
            for teacher, group, subject in crew:
                rows.append((cls, day, period, subject, teacher, group))
    draft.helpers["timetable"] = pd.DataFrame(
        rows, columns=["class_id", "weekday", "period", "subject_id", "teacher_id", "group"])
    draft.helpers["timetable_conflicts"] = pd.DataFrame({"count": [planner.conflicts]})
