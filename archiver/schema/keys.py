"""Uniqueness of keys and referential integrity: every id points to a row of its table."""

from __future__ import annotations

import numpy as np
import pandas as pd

from archiver.i18n import N_, Message
from archiver.schema.context import Context, display
from archiver.schema.tables import TABLES

# (table, column, target table, target column, only where column == value).
REFERENCES: tuple[tuple[str, str, str, str, tuple[str, str] | None], ...] = (
    ("classes", "homeroom_teacher_id", "staff", "staff_id", None),
    ("students", "class_id", "classes", "class_id", None),
    ("guardians", "student_id", "students", "student_id", None),
    ("lessons", "class_id", "classes", "class_id", None),
    ("lessons", "subject_id", "subjects", "subject_id", None),
    ("lessons", "teacher_id", "staff", "staff_id", None),
    ("attendance", "lesson_id", "lessons", "lesson_id", None),
    ("attendance", "student_id", "students", "student_id", None),
    ("attendance", "symbol", "attendance_types", "symbol", None),
    ("attendance", "recorded_by", "staff", "staff_id", None),
    ("grades", "student_id", "students", "student_id", None),
    ("grades", "subject_id", "subjects", "subject_id", None),
    ("grades", "teacher_id", "staff", "staff_id", None),
    ("behaviour", "student_id", "students", "student_id", None),
    ("behaviour", "teacher_id", "staff", "staff_id", None),
    ("notes", "student_id", "students", "student_id", None),
    ("notes", "teacher_id", "staff", "staff_id", None),
    ("days_off", "class_id", "classes", "class_id", None),
    ("messages", "sender_id", "staff", "staff_id", ("sender_kind", "staff")),
    ("messages", "sender_id", "guardians", "guardian_id", ("sender_kind", "guardian")),
    ("messages", "sender_id", "students", "student_id", ("sender_kind", "student")),
    ("messages", "audience_class_id", "classes", "class_id", None),
    ("messages", "approved_by", "staff", "staff_id", None),
    ("messages", "reply_to", "messages", "message_id", None),
    ("message_recipients", "message_id", "messages", "message_id", None),
    ("message_recipients", "recipient_id", "staff", "staff_id", ("recipient_kind", "staff")),
    ("message_recipients", "recipient_id", "guardians", "guardian_id",
     ("recipient_kind", "guardian")),
    ("message_recipients", "recipient_id", "students", "student_id",
     ("recipient_kind", "student")),
    ("message_attachments", "message_id", "messages", "message_id", None),
    ("changes", "changed_by", "staff", "staff_id", None),
)


def lookup(target: pd.Series, keys: pd.Series) -> np.ndarray:
    """For each key, the 0-based position of its first row in `target`; -1 when absent or NA."""
    first = ~target.duplicated().to_numpy() & target.notna().to_numpy()
    index = pd.Index(target[first].to_numpy(dtype=object))
    found = index.get_indexer(keys.to_numpy(dtype=object, na_value=None))
    original = np.append(np.flatnonzero(first), -1)  # -1: a target without any key
    positions = np.where(found >= 0, original[np.maximum(found, 0)], -1)
    positions[keys.isna().to_numpy()] = -1
    return positions


def check_references(ctx: Context) -> None:
    """Every filled id column names an existing row of the table it points to."""
    for table, column, target, target_column, condition in REFERENCES:
        if not ctx.usable(target):
            continue
        frame = ctx.tables[table]
        keys = frame[column]
        wanted = keys.notna().to_numpy()
        if condition is not None:
            wanted = wanted & (frame[condition[0]] == condition[1]).fillna(False).to_numpy()
        if not wanted.any():
            continue
        known = keys.isin(ctx.tables[target][target_column].dropna()).to_numpy()
        rows = np.flatnonzero(wanted & ~known)
        ctx.flag(table, rows, column, "reference",
                 N_("{value} is not a {target_column} of {target}"),
                 target_column=target_column, target=target)


def _duplicates(frame: pd.DataFrame, key: list[str], mask: np.ndarray) -> tuple[np.ndarray,
                                                                                np.ndarray]:
    """Rows repeating an earlier row's key (0-based), and that earlier row for each."""
    sub = frame.loc[mask, key]
    later = sub.duplicated(keep="first").to_numpy()
    if not later.any():
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    # Group ids run 0..n-1, so np.unique's first indices are indexed by group id.
    group = sub.groupby(key, dropna=False, sort=False).ngroup().to_numpy()
    _, first_of_group = np.unique(group, return_index=True)
    positions = np.flatnonzero(mask)
    return positions[later], positions[first_of_group[group[later]]]


def report_duplicates(ctx: Context, table: str, key: list[str], mask: np.ndarray,
                      rule: str, what: str) -> None:
    """One error per repeated key, naming the row it repeats."""
    frame = ctx.tables[table]
    rows, firsts = _duplicates(frame, key, mask)
    if not len(rows):
        return
    values = [", ".join(display(v) for v in frame.loc[r, key].tolist()) for r in rows]
    details = [str(f + 1) for f in firsts]
    ctx.flag(table, rows, ", ".join(key), rule,
             N_("{what} ({key}) = {value} repeats row {detail}"),
             values=values, details=details, what=Message(what), key=", ".join(key))


def check_unique_keys(ctx: Context) -> None:
    """The unique keys declared in tables.py; a required key part that is NA is skipped."""
    for name, table in TABLES.items():
        frame = ctx.tables[name]
        for key in table.unique:
            mask = np.ones(len(frame), dtype=bool)
            for column in key:
                if table.column(column).required:
                    mask &= frame[column].notna().to_numpy()
            report_duplicates(ctx, name, list(key), mask, "unique", N_("duplicate key"))


def check_held_slots(ctx: Context) -> None:
    """(class_id, date, period, group) is unique among held lessons."""
    lessons = ctx.tables["lessons"]
    key = ["class_id", "date", "period", "group"]
    mask = (lessons["status"] == "held").fillna(False).to_numpy()
    for column in key[:3]:
        mask = mask & lessons[column].notna().to_numpy()
    report_duplicates(ctx, "lessons", key, mask, "unique.held_slot",
                      N_("a second held lesson in the same slot"))
