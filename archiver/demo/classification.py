"""Classification: proposed and final midterm and year grades, and behaviour grades."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from archiver.demo import curriculum as cur
from archiver.demo.grades import numeric_value, partial_grades
from archiver.demo.state import Draft

BEHAVIOUR = ("wzorowe", "bardzo dobre", "dobre", "poprawne", "nieodpowiednie", "naganne")


def classification_dates(draft: Draft) -> list[tuple[int, date, date]]:
    """(term, proposal date, classification date) per term: proposals about two weeks
    before the classification meeting (rada klasyfikacyjna) near the end of the term."""
    out = []
    for number, (start, end) in enumerate(draft.profile.terms, start=1):
        days = [d for d in draft.teaching_days if start <= d <= end]
        out.append((number, days[-max(5, len(days) // 7)], days[-max(2, len(days) // 30)]))
    return out


def _enrolled_on(draft: Draft, day: date) -> pd.DataFrame:
    """(class_id, student_id, subject_id, teacher_id) of graded subjects taken that day."""
    members = draft.helpers["membership"]
    members = members[(members["start"] <= day) & (members["end"] >= day)]
    teaching = draft.helpers["teaching"]
    grades = draft.tables["classes"].set_index("class_id")["grade"]
    rows = members.merge(teaching, on=["class_id", "group"])
    early = grades.reindex(rows["class_id"]).to_numpy() <= 3
    keep = ~rows["subject_id"].isin(cur.UNGRADED) & ~(
        early & rows["subject_id"].isin(cur.DESCRIPTIVE_EARLY).to_numpy())
    return rows[keep][["class_id", "student_id", "subject_id", "teacher_id"]]


def _averages(partials: pd.DataFrame, since: date, until: date) -> pd.Series:
    """Weighted average of numeric partial grades per (student_id, subject_id)."""
    window = partials[(partials["date"] >= since) & (partials["date"] <= until)].copy()
    window["num"] = numeric_value(window["value"])
    window = window.dropna(subset=["num"])
    window["wnum"] = window["num"] * window["weight"]
    sums = window.groupby(["student_id", "subject_id"])[["wnum", "weight"]].sum()
    return sums["wnum"] / sums["weight"]


def _classify(draft: Draft, partials: pd.DataFrame, term: int, proposed_on: date,
              final_on: date) -> pd.DataFrame:
    since = draft.profile.terms[0][0] if term > 1 else draft.profile.terms[term - 1][0]
    kinds = ("midterm_proposed", "midterm") if term == 1 else ("final_proposed", "final")
    ability = draft.helpers["people"].set_index("student_id")["ability"]
    out = []
    proposal = None
    for kind, day in zip(kinds, (proposed_on, final_on), strict=True):
        rows = _enrolled_on(draft, day).reset_index(drop=True)
        avg = _averages(partials, since, day).reindex(
            pd.MultiIndex.from_arrays([rows["student_id"], rows["subject_id"]])).to_numpy()
        avg = np.where(np.isnan(avg), ability.reindex(rows["student_id"]).to_numpy(), avg)
        value = np.clip(np.floor(avg + 0.4), 1, 6).astype(int)
        if proposal is not None:  # the final grade is mostly the proposal, some improved
            prop = proposal.reindex(pd.MultiIndex.from_arrays(
                [rows["student_id"], rows["subject_id"]])).to_numpy()
            change = draft.rng.random(len(rows))
            value = np.where(np.isnan(prop), value, prop).astype(int)
            value = np.clip(value + (change < 0.08) - (change > 0.99), 1, 6)
        frame = rows.assign(date=day, value=value.astype(str), kind=kind, term=term)
        proposal = pd.Series(value, index=pd.MultiIndex.from_arrays(
            [rows["student_id"], rows["subject_id"]]), dtype=float)
        out.append(frame.drop(columns="class_id"))
    return pd.concat(out, ignore_index=True)


def build_grades(draft: Draft) -> None:
    """Table grades: partial grades then classification, ids in date order."""
    partials = partial_grades(draft)
    parts = [partials]
    for term, proposed_on, final_on in classification_dates(draft):
        parts.append(_classify(draft, partials, term, proposed_on, final_on))
    grades = pd.concat(parts, ignore_index=True)
    grades = grades.sort_values(["date", "subject_id", "student_id", "kind"], kind="stable",
                                ignore_index=True)
    grades.insert(0, "grade_id", [f"G{i:07d}" for i in range(1, len(grades) + 1)])
    draft.tables["grades"] = grades[["grade_id", "student_id", "subject_id", "teacher_id",
                                     "date", "value", "kind", "term", "weight", "category",
                                     "comment"]]


def build_behaviour(draft: Draft, negative_notes: pd.Series) -> None:
    """Table behaviour: proposed and final for term 1 and the year, by the homeroom teacher;
    fewer negative notes and better work make better conduct."""
    people = draft.helpers["people"].set_index("student_id")
    homeroom = draft.tables["classes"].set_index("class_id")["homeroom_teacher_id"]
    stays = draft.helpers["stays"]
    rows = []
    for term, proposed_on, final_on in classification_dates(draft):
        label = "1" if term == 1 else "year"
        score = (0.6 * (people["ability"] - 3.9)
                 - 0.35 * negative_notes.reindex(people.index).fillna(0)
                 + draft.rng.normal(0, 0.5, len(people)))
        # Thresholds give roughly 20% wzorowe, 35% bardzo dobre, 25% dobre, 13% poprawne,
        # 5% nieodpowiednie and 2% naganne, as in a typical school.
        level = pd.Series(np.digitize(-score.to_numpy(), [-0.3, 0.55, 1.2, 1.8, 2.4]),
                          index=people.index)
        for kind, day in (("proposed", proposed_on), ("final", final_on)):
            here = stays[(stays["start"] <= day) & (stays["end"] >= day)]
            mine = level.reindex(here["student_id"]).to_numpy()
            if kind == "final":  # the council rarely changes the homeroom teacher's proposal
                mine = np.clip(mine - (draft.rng.random(len(here)) < 0.05), 0, 5)
            rows.append(pd.DataFrame({
                "student_id": here["student_id"].to_numpy(), "term": label,
                "value": np.array(BEHAVIOUR, dtype=object)[mine], "kind": kind,
                "teacher_id": homeroom.reindex(here["class_id"]).to_numpy(), "date": day}))
    draft.tables["behaviour"] = pd.concat(rows, ignore_index=True)
