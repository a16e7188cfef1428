"""Grades: partial grades from tests and lessons, then proposed and final classification.

Partial grades are drawn from the attendance rows of held lessons, so a grade only ever
goes to a student who was enrolled, in the right group, and in class that day.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from archiver.demo import curriculum as cur
from archiver.demo.state import Draft

PRESENT_SYMBOLS = ("ob", "sp")


def grade_text(x: np.ndarray) -> np.ndarray:
    """Continuous marks to school grades in thirds: 3.33 -> '3+', 3.67 -> '4-'."""
    thirds = np.clip(np.rint(x * 3), 3, 18).astype(int)
    whole = np.rint(thirds / 3).astype(int)
    sign = thirds - whole * 3
    out = np.array([str(w) for w in range(7)], dtype=object)[whole]
    plus, minus = (sign > 0) & (whole < 6), (sign < 0) & (whole > 1)
    return np.where(plus, out + "+", np.where(minus, out + "-", out))


# Numeric value of a grade for the demo's averages: '4+' = 4.5, '4-' = 3.75; symbols none.
NUMERIC = {f"{d}{m}": d + {"": 0.0, "+": 0.5, "-": -0.25}[m]
           for d in range(1, 7) for m in ("", "+", "-")}


def numeric_value(value: pd.Series) -> pd.Series:
    """Numeric value of each grade (NaN for symbols such as np, bz, +, -, nb)."""
    return value.map(NUMERIC).astype(float)


def _partial_from(draft: Draft, rows: pd.DataFrame, category: str) -> pd.DataFrame:
    """Grades of one category for the given attendance rows (ability + noise)."""
    weight = {c: w for c, w, _s in cur.GRADE_CATEGORIES}[category]
    rng = draft.rng
    x = rows["ability"].to_numpy() + rng.normal(0.0, 0.8, len(rows))
    if category == "aktywność":
        x = x + 0.6
    value = grade_text(x)
    roll = rng.random(len(rows))
    comment = np.full(len(rows), None, dtype=object)
    if category == "aktywność":
        value = np.where(roll < 0.4, "+", np.where(roll > 0.95, "-", value))
        comment = np.where(roll < 0.4, "praca w grupach", None)
    elif category == "praca domowa":
        value = np.where(roll < 0.06, "np", np.where(roll > 0.96, "bz", value))
        comment = np.where(roll > 0.96, "brak zadania domowego", None)
    elif category == "odpowiedź ustna":
        value = np.where(roll < 0.03, "np", value)
    absent = ~rows["symbol"].isin(PRESENT_SYMBOLS).to_numpy()
    if category == "sprawdzian":
        value = np.where(absent, "nb", value)
        comment = np.where(absent, "nieobecność na sprawdzianie – do zaliczenia", None)
    return pd.DataFrame({
        "student_id": rows["student_id"].to_numpy(), "subject_id": rows["subject_id"].to_numpy(),
        "teacher_id": rows["teacher_id"].to_numpy(), "date": rows["date"].to_numpy(),
        "value": value, "kind": "partial", "term": None, "weight": weight,
        "category": category, "comment": comment,
    })


def _graded_rows(draft: Draft) -> pd.DataFrame:
    """Attendance rows of held, graded, non-substitution lessons, with lesson details."""
    lessons = draft.tables["lessons"]
    graded = lessons[(lessons["status"] == "held") & ~lessons["substitution"].astype(bool)
                     & ~lessons["subject_id"].isin(cur.UNGRADED)]
    rows = draft.tables["attendance"].merge(
        graded[["lesson_id", "subject_id", "teacher_id", "date", "class_id"]], on="lesson_id")
    rows = rows.drop(columns=["recorded_by", "recorded_at"])
    ability = draft.helpers["people"].set_index("student_id")["ability"]
    rows["ability"] = ability.reindex(rows["student_id"]).to_numpy()
    return rows


def partial_grades(draft: Draft) -> pd.DataFrame:
    """Tests and quizzes for the whole class on some lessons; answers, homework and
    activity for single students on others."""
    rows = _graded_rows(draft)
    rng = draft.rng
    lesson_ids = rows["lesson_id"].unique()
    lesson_roll = pd.Series(rng.random(len(lesson_ids)), index=lesson_ids)
    roll = lesson_roll.reindex(rows["lesson_id"]).to_numpy()
    parts = [_partial_from(draft, rows[roll < 0.08], "sprawdzian"),
             _partial_from(draft, rows[(roll >= 0.08) & (roll < 0.17)], "kartkówka")]
    present = rows[rows["symbol"].isin(PRESENT_SYMBOLS).to_numpy()]
    single = rng.random(len(present))
    for category, low, high in (("odpowiedź ustna", 0.0, 0.025),
                                ("praca domowa", 0.025, 0.05), ("aktywność", 0.05, 0.065)):
        parts.append(_partial_from(draft, present[(single >= low) & (single < high)], category))
    return pd.concat(parts, ignore_index=True)
