"""Rules about dates: inside the school year, no lesson on a day off, stays that do not
overlap, and term numbers that agree with the terms of export.json."""

from __future__ import annotations

import numpy as np
import pandas as pd

from archiver.i18n import N_
from archiver.schema.context import Context

# Columns whose dates must fall between the first term's start and the last term's end.
IN_YEAR = (("lessons", "date"), ("grades", "date"), ("behaviour", "date"), ("notes", "date"),
           ("days_off", "date"), ("messages", "sent_at"))


def _local_days(ctx: Context, values: pd.Series) -> pd.Series:
    """Dates as naive midnight timestamps; date-times as their local day in the school's zone."""
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        assert ctx.meta is not None
        return values.dt.tz_convert(ctx.meta.timezone).dt.tz_localize(None).dt.normalize()
    return values


def check_school_year(ctx: Context) -> None:
    """Lessons, grades, behaviour, notes, days off and messages lie within the school year."""
    if ctx.meta is None:
        return
    start, end = pd.Timestamp(ctx.meta.year_start), pd.Timestamp(ctx.meta.year_end)
    for table, column in IN_YEAR:
        days = _local_days(ctx, ctx.tables[table][column])
        outside = (days.notna() & ((days < start) | (days > end))).to_numpy()
        ctx.flag(table, np.flatnonzero(outside), column, "date.school_year",
                 N_("{value} is outside the school year ({start} to {end})"),
                 start=start.date(), end=end.date())


def check_days_off(ctx: Context) -> None:
    """No lesson on a day off of the whole school or of the lesson's class."""
    lessons, days_off = ctx.tables["lessons"], ctx.tables["days_off"]
    if days_off.empty or lessons.empty:
        return
    school_wide = days_off.loc[days_off["class_id"].isna(), "date"].dropna()
    hit = lessons["date"].isin(school_wide).to_numpy()
    per_class = days_off[days_off["class_id"].notna() & days_off["date"].notna()]
    if len(per_class):
        pairs = pd.MultiIndex.from_frame(per_class[["class_id", "date"]])
        hit = hit | pd.MultiIndex.from_frame(lessons[["class_id", "date"]]).isin(pairs)
    ctx.flag("lessons", np.flatnonzero(hit), "date", "date.day_off",
             N_("{value} is a day off for this lesson's class (days_off)"))


def check_stays(ctx: Context) -> None:
    """A stay ends after it starts; one student's stays in classes do not overlap."""
    students = ctx.tables["students"]
    start = students["enrolled_on"].fillna(pd.Timestamp.min)
    end = students["left_on"].fillna(pd.Timestamp.max)
    reversed_rows = np.flatnonzero((start > end).to_numpy())
    ctx.flag("students", reversed_rows, "left_on", "date.stay_order",
             N_("{value} is before enrolled_on: a stay must end after it starts"))
    frame = pd.DataFrame({"student": students["student_id"], "start": start, "end": end})
    frame = frame[frame["student"].notna()].sort_values(["student", "start"], kind="stable")
    if frame.empty:
        return
    same = (frame["student"] == frame["student"].shift()).fillna(False).to_numpy()
    overlap = same & (frame["start"] <= frame["end"].shift()).fillna(False).to_numpy()
    rows = frame.index.to_numpy()[overlap]
    earlier = frame.index.to_numpy()[np.flatnonzero(overlap) - 1]
    ctx.flag("students", rows, "enrolled_on", "date.stay_overlap",
             N_("stay starting {value} overlaps this student's stay in row {detail}"),
             values=[_day(start.iloc[r]) for r in rows],
             details=[str(e + 1) for e in earlier])


def _day(value: pd.Timestamp) -> str:
    return "" if value in (pd.Timestamp.min, pd.Timestamp.max) else str(value.date())


def check_grade_terms(ctx: Context) -> None:
    """A grade's term exists and fits its date (a date in a break may name either term)."""
    if ctx.meta is None:
        return
    grades = ctx.tables["grades"]
    terms = ctx.meta.terms
    known = {t.number for t in terms}
    given = grades["term"]
    unknown = (given.notna() & ~given.isin(known)).to_numpy()
    ctx.flag("grades", np.flatnonzero(unknown), "term", "term.unknown",
             N_("term {value} is not a term of export.json"))
    dates = grades["date"]
    allowed_low = pd.Series(pd.NA, index=grades.index, dtype="Int64")
    allowed_high = pd.Series(pd.NA, index=grades.index, dtype="Int64")
    for i, term in enumerate(terms):
        following = terms[i + 1] if i + 1 < len(terms) else None
        inside = (dates >= pd.Timestamp(term.start)) & (dates <= pd.Timestamp(term.end))
        allowed_low[inside.fillna(False)] = term.number
        allowed_high[inside.fillna(False)] = term.number
        if following is not None:
            gap = (dates > pd.Timestamp(term.end)) & (dates < pd.Timestamp(following.start))
            allowed_low[gap.fillna(False)] = term.number
            allowed_high[gap.fillna(False)] = following.number
    check = given.notna() & ~unknown & allowed_low.notna()
    wrong = check & ((given != allowed_low) & (given != allowed_high)).fillna(False)
    rows = np.flatnonzero(wrong.to_numpy())
    ctx.flag("grades", rows, "term", "term.mismatch",
             N_("term {value} does not match the grade's date {detail}"),
             details=[str(dates.iloc[r].date()) for r in rows])


def check_behaviour_terms(ctx: Context) -> None:
    """behaviour.term is a term number of export.json or `year`."""
    if ctx.meta is None:
        return
    allowed = {str(t.number) for t in ctx.meta.terms} | {"year"}
    term = ctx.tables["behaviour"]["term"]
    bad = (term.notna() & ~term.isin(allowed)).to_numpy()
    ctx.flag("behaviour", np.flatnonzero(bad), "term", "term.unknown",
             N_("{value} is neither a term number of export.json nor 'year'"))
