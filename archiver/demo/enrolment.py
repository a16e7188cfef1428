"""Who moved during the year: a transfer to a parallel class, a leaver, a newcomer."""

from __future__ import annotations

from datetime import date

import pandas as pd

from archiver.demo.state import Draft

# (kind, share of the teaching year at which it happens); the large school has more.
_MOVES = {
    "small": (("transfer", 0.2), ("join", 0.1), ("leave", 0.6)),
    "school": (("transfer", 0.3), ("join", 0.15), ("leave", 0.7)),
    "large": (("transfer", 0.3), ("transfer", 0.6), ("join", 0.15), ("join", 0.5),
              ("leave", 0.7)),
}


def _friday_on_or_after(days: list[date], index: int) -> int:
    """Index of the last teaching day of the week holding days[index]."""
    week = days[index].isocalendar()[1]
    while index + 1 < len(days) and days[index + 1].isocalendar()[1] == week:
        index += 1
    return index


def _parallel_class(classes: pd.DataFrame, class_id: str) -> str | None:
    grade = classes.loc[classes["class_id"] == class_id, "grade"].iloc[0]
    others = classes[(classes["grade"] == grade) & (classes["class_id"] != class_id)]
    return None if others.empty else str(others["class_id"].iloc[0])


def plan_moves(draft: Draft, people: pd.DataFrame) -> pd.DataFrame:
    """One row per stay: the people columns plus start and end (first and last day)."""
    days = draft.teaching_days
    classes = draft.tables["classes"]
    stays = people.copy()
    stays["start"] = draft.profile.year_start
    stays["end"] = draft.profile.year_end
    moved: set[int] = set()
    extra = []
    candidates = [int(i) for i in draft.rng.permutation(len(people))]
    for kind, share in _MOVES[draft.profile.name]:
        last = _friday_on_or_after(days, int(share * len(days)))
        first_after = days[min(last + 1, len(days) - 1)]
        for idx in candidates:
            target = _parallel_class(classes, stays.at[idx, "class_id"])
            if idx in moved or (kind == "transfer" and target is None):
                continue
            moved.add(idx)
            if kind == "join":
                stays.at[idx, "start"] = first_after
            elif kind == "leave":
                stays.at[idx, "end"] = days[last]
            else:
                stays.at[idx, "end"] = days[last]
                row = stays.loc[idx].copy()
                row["class_id"], row["start"] = target, first_after
                row["end"] = draft.profile.year_end
                extra.append(row)
            break
    return pd.concat([stays, pd.DataFrame(extra)], ignore_index=True)
