"""Rules of the school's own logic: attendance at held lessons of enrolled students, value
ranges, PESEL, grade values, message audience and approval; and the warnings."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from archiver.i18n import N_, Message
from archiver.schema.context import Context
from archiver.schema.keys import lookup

# (table, column, lowest, highest or None): numbers outside are errors.
RANGES = (
    ("classes", "grade", 1, 8, N_("a year of schooling 1–8")),
    ("lessons", "period", 0, 12, N_("a lesson number 0–12")),
    ("students", "register_number", 1, None, N_("a positive number")),
    ("message_attachments", "size_bytes", 0, None, N_("a size in bytes, 0 or more")),
)
GRADE_RE = re.compile(r"[1-6][+-]?")
NUMERIC_RE = re.compile(r"[+-]?\d+(?:[.,]\d+)?[+-]?")
MAX_SYMBOL_CHARS = 10
PESEL_WEIGHTS = (1, 3, 7, 9, 1, 3, 7, 9, 1, 3)


def check_ranges(ctx: Context) -> None:
    """Whole numbers within their range; weights positive."""
    for table, column, low, high, meaning in RANGES:
        values = ctx.tables[table][column]
        bad = values < low
        if high is not None:
            bad = bad | (values > high)
        ctx.flag(table, np.flatnonzero(bad.fillna(False).to_numpy()), column, "range",
                 N_("{value} is out of range (expected {meaning})"), meaning=Message(meaning))
    weight = ctx.tables["grades"]["weight"]
    ctx.flag("grades", np.flatnonzero((weight <= 0).fillna(False).to_numpy()), "weight",
             "range", N_("{value} is not a positive weight"))


def pesel_valid(value: str) -> bool:
    """11 digits whose last one is the checksum of the first ten."""
    if not re.fullmatch(r"\d{11}", value):
        return False
    total = sum(int(d) * w for d, w in zip(value[:10], PESEL_WEIGHTS, strict=True))
    return (10 - total % 10) % 10 == int(value[10])


def check_pesel(ctx: Context) -> None:
    """A PESEL, when given, is 11 digits with a valid check digit."""
    pesel = ctx.tables["students"]["pesel"]
    rows = [i for i, v in enumerate(pesel.tolist()) if v is not pd.NA and not pesel_valid(v)]
    ctx.flag("students", rows, "pesel", "pesel",
             N_("{value} is not a valid PESEL (11 digits with a correct check digit)"))


def grade_value_valid(value: str) -> bool:
    """1–6 with an optional + or -, or a short non-numeric school symbol (np, bz, +)."""
    if GRADE_RE.fullmatch(value):
        return True
    if NUMERIC_RE.fullmatch(value):
        return False  # "7", "0", "4.5": numeric but not a grade of the 1–6 scale
    return 0 < len(value.strip()) <= MAX_SYMBOL_CHARS and value == value.strip()


def check_grade_values(ctx: Context) -> None:
    """Grades are 1–6 (with +/-) or a school symbol; numbers outside 1–6 are refused."""
    values = ctx.tables["grades"]["value"]
    uniques = values.dropna().unique()
    bad = {v for v in uniques if not grade_value_valid(v)}
    if bad:
        rows = np.flatnonzero(values.isin(bad).to_numpy())
        ctx.flag("grades", rows, "value", "grade.value",
                 N_("{value} is not a grade (1–6 with optional + or -) or a short school "
                   "symbol (np, bz, +, -)"))


def check_attendance(ctx: Context) -> None:
    """Attendance only at held lessons, only of students enrolled in that class that day."""
    if not ctx.usable("lessons", "students"):
        return
    attendance, lessons, students = (ctx.tables[t] for t in ("attendance", "lessons",
                                                              "students"))
    if lessons.empty or students.empty:
        return  # every attendance row already names an unknown lesson or student
    lesson_at = lookup(lessons["lesson_id"], attendance["lesson_id"])
    found = lesson_at >= 0
    status = lessons["status"].to_numpy(dtype=object, na_value=None)[np.maximum(lesson_at, 0)]
    # Only a valid other status counts: a misspelt one is already an error of its own.
    not_held = found & (status == "cancelled")
    rows = np.flatnonzero(not_held)
    ctx.flag("attendance", rows, "lesson_id", "attendance.held",
             N_("{value} is a lesson that was not held (status {detail})"),
             details=[str(s) for s in status[rows]])
    _check_enrolled(ctx, attendance, lessons, students, lesson_at)


def _check_enrolled(ctx: Context, attendance: pd.DataFrame, lessons: pd.DataFrame,
                    students: pd.DataFrame, lesson_at: np.ndarray) -> None:
    known = attendance["student_id"].isin(students["student_id"].dropna()).to_numpy()
    at = np.maximum(lesson_at, 0)
    lesson_class = lessons["class_id"].to_numpy(dtype=object, na_value=None)[at]
    lesson_day = lessons["date"].to_numpy()[at]
    usable = (lesson_at >= 0) & known & pd.notna(lesson_class) & ~np.isnat(lesson_day)
    stay_key = pd.MultiIndex.from_arrays([students["student_id"], students["class_id"]])
    first = ~stay_key.duplicated()
    stays = stay_key[first]
    stay_rows = np.flatnonzero(first)
    wanted = pd.MultiIndex.from_arrays([attendance["student_id"], lesson_class])
    found = stays.get_indexer(wanted)
    stay = np.where(found >= 0, stay_rows[np.maximum(found, 0)], 0)
    start = students["enrolled_on"].to_numpy()[stay]
    end = students["left_on"].to_numpy()[stay]
    early = ~np.isnat(start) & (lesson_day < start)
    late = ~np.isnat(end) & (lesson_day > end)
    outside = usable & ((found < 0) | early | late)
    rows = np.flatnonzero(outside)
    ctx.flag("attendance", rows, "student_id", "attendance.enrolled",
             N_("{value} is not enrolled in the lesson's class on {detail}"),
             details=[str(pd.Timestamp(d).date()) for d in lesson_day[rows]])


def check_messages(ctx: Context) -> None:
    """A class message names its class; an approval is given by a director."""
    messages = ctx.tables["messages"]
    no_class = (messages["audience"] == "class") & messages["audience_class_id"].isna()
    ctx.flag("messages", np.flatnonzero(no_class.fillna(False).to_numpy()), "audience_class_id",
             "audience_class", N_("required for a message with audience 'class'"))
    if not ctx.usable("staff"):
        return
    staff = ctx.tables["staff"]
    is_director = staff["roles"].fillna("").str.split(";").map(
        lambda roles: "director" in [r.strip() for r in roles])
    directors = staff.loc[is_director.to_numpy(dtype=bool), "staff_id"].dropna()
    approver = messages["approved_by"]
    all_staff = staff["staff_id"].dropna()
    bad = approver.notna() & approver.isin(all_staff) & ~approver.isin(directors)
    ctx.flag("messages", np.flatnonzero(bad.to_numpy(dtype=bool)), "approved_by",
             "approval.director", N_("{value} does not have the director role"))


def warn(ctx: Context) -> None:
    """Legal but worth a look: gaps the documents will show and unapproved announcements."""
    lessons = ctx.tables["lessons"]
    held = (lessons["status"] == "held").fillna(False).to_numpy()
    whole_class = lessons["group"].isna().to_numpy()
    marked = lessons["lesson_id"].isin(ctx.tables["attendance"]["lesson_id"].dropna())
    ctx.flag("lessons", np.flatnonzero(held & whole_class & ~marked.to_numpy()), "lesson_id",
             "attendance.none", N_("held whole-class lesson {value} has no attendance rows"),
             warning=True)
    ctx.flag("lessons", np.flatnonzero(held & lessons["topic"].isna().to_numpy()), "topic",
             "topic.missing", N_("held lesson has no topic"), warning=True)
    ctx.flag("lessons", np.flatnonzero(held & lessons["confirmed_at"].isna().to_numpy()),
             "confirmed_at", "confirmation.missing", N_("held lesson was not confirmed"),
             warning=True)
    messages = ctx.tables["messages"]
    school = (messages["audience"] == "school").fillna(False).to_numpy()
    ctx.flag("messages", np.flatnonzero(school & messages["approved_by"].isna().to_numpy()),
             "approved_by", "approval.missing",
             N_("school-wide message has no director's approval"), warning=True)
