"""Who belongs to which group of a class: halves by the class list, WF by sex, ethics."""

from __future__ import annotations

import pandas as pd

from archiver.demo import curriculum as cur
from archiver.demo.state import Draft


def _group_of(draft: Draft, rows: pd.DataFrame, group: str) -> pd.Series:
    """Boolean mask of the stays of one class that belong to the group."""
    if group == "dz.":
        return rows["female"]
    if group == "chł.":
        return ~rows["female"]
    numbers = rows["register_number"]
    if group in ("gr. 1", "gr. 2"):
        # First half of the list in group 1; later arrivals keep the halves even.
        half = (numbers <= (len(rows) + 1) // 2)
        return half if group == "gr. 1" else ~half
    ethics = set(draft.rnd.sample(sorted(numbers), k=min(len(rows), 2 + len(rows) // 12)))
    in_ethics = numbers.isin(ethics)
    return in_ethics if group == cur.ETHICS_GROUP else ~in_ethics


def build_membership(draft: Draft) -> None:
    """Helper `membership`: class_id, group, student_id, start, end ("" = whole class)."""
    stays = draft.helpers["stays"].copy()
    students = draft.tables["students"]
    stays["register_number"] = students["register_number"].to_numpy()
    groups = (draft.helpers["timetable"][["class_id", "group"]].drop_duplicates()
              .sort_values(["class_id", "group"]))
    parts = [stays.assign(group="")]
    for cls, group in zip(groups["class_id"], groups["group"], strict=True):
        if not group:
            continue
        rows = stays[stays["class_id"] == cls]
        parts.append(rows[_group_of(draft, rows, group).to_numpy()].assign(group=group))
    membership = pd.concat(parts, ignore_index=True)
    draft.helpers["membership"] = membership[["class_id", "group", "student_id", "start", "end"]]
