"""Who belongs to which group of a class: halves by the class list, WF by sex, ethics."""

from __future__ import annotations

import pandas as pd

from archiver.demo import curriculum as cur
from archiver.demo.state import Draft


def _ethics_students(draft: Draft, rows: pd.DataFrame) -> set[str]:
    """The few students of a class who chose ethics instead of religion."""
    ids = sorted(set(rows["student_id"]))
    return set(draft.rnd.sample(ids, k=min(len(ids), 2 + len(ids) // 12)))


def _group_of(rows: pd.DataFrame, group: str, ethics: set[str]) -> pd.Series:
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
    in_ethics = rows["student_id"].isin(ethics)
    return in_ethics if group == cur.ETHICS_GROUP else ~in_ethics


def build_membership(draft: Draft) -> None:
    """Helper `membership`: class_id, group, student_id, start, end ("" = whole class)."""
    stays = draft.helpers["stays"].copy()
    students = draft.tables["students"]
    stays["register_number"] = students["register_number"].to_numpy()
    groups = (draft.helpers["timetable"][["class_id", "group"]].drop_duplicates()
              .sort_values(["class_id", "group"]))
    parts = [stays.assign(group="")]
    ethics: dict[str, set[str]] = {}
    for cls, group in zip(groups["class_id"], groups["group"], strict=True):
        if not group:
            continue
        rows = stays[stays["class_id"] == cls]
        if cls not in ethics:
            ethics[cls] = _ethics_students(draft, rows)
        mask = _group_of(rows, group, ethics[cls]).to_numpy()
        parts.append(rows[mask].assign(group=group))
    membership = pd.concat(parts, ignore_index=True)
    draft.helpers["membership"] = membership[["class_id", "group", "student_id", "start", "end"]]
