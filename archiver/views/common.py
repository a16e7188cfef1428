"""Shared pieces of the view builders: staff, classes, enrolment, lessons, marks. Pure pandas,
no I/O (names and Polish formatting: archiver.views.polish)."""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable
from datetime import date
from functools import lru_cache

import pandas as pd

from archiver.config import Config
from archiver.errors import UsageError
from archiver.i18n import _
from archiver.model import Dataset
from archiver.views.polish import full_name, text
from archiver.views.scope import Scope


@lru_cache(maxsize=256)
def _record(fields: tuple[str, ...]) -> type:
    return namedtuple("Row", fields, rename=True)


# the columns of a pupil's line in a table: who, and their number in the register
PUPIL = ("student_id", "register_number", "first_name", "last_name")


def rows(frame: pd.DataFrame, *names: str) -> list:
    """The records of `frame.itertuples()` (Index first, then the columns by name; only
    the columns `names` when given), each column converted to Python values once
    (`Series.tolist`): pandas' own iteration boxes the cells of a string or nullable
    column one call at a time, which cost the views seconds per register. Values are the
    same, as plain Python scalars (int, not numpy.int64; pd.NA and NaT as before)."""
    if names:
        frame = frame[list(names)]
    record = _record(("Index", *(str(c) for c in frame.columns)))
    columns = [frame.index.tolist(), *(_values(frame.iloc[:, k])
                                       for k in range(frame.shape[1]))]
    return list(map(record._make, zip(*columns, strict=True)))


def _values(column: pd.Series) -> list:
    """column.tolist(); a long date column's Timestamps made once for each distinct value
    (a class's grades: thousands of rows on some 180 days; tolist boxes every cell)."""
    if column.dtype.kind != "M" or len(column) < 64:
        return column.tolist()
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    made = [*uniques.tolist(), pd.NaT]  # code -1 (a missing date): NaT, as tolist gives
    return [made[c] for c in codes.tolist()]


def texts(column: pd.Series) -> list[str]:
    """polish.text of every cell of `column` (a string column's missing cells "", read a
    column at a time)."""
    if isinstance(column.dtype, pd.StringDtype):
        return column.to_numpy(dtype=object, na_value="").tolist()
    return [text(v) for v in column.tolist()]


def dates(column: pd.Series) -> list[date]:
    """Each Timestamp's date (Timestamp.date(); NaT's gives NaT), each distinct one made
    once."""
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    made = [u.date() for u in uniques] + [pd.NaT.date()]  # code -1: as NaT.date() gives
    return [made[c] for c in codes.tolist()]


def terms_of(ds: Dataset, days: pd.Series) -> list[int]:
    """The term of each date of a date column (ds.meta.term_of), each distinct date
    looked up once (a class's grades hold a few thousand rows of some 180 dates)."""
    codes, uniques = pd.factorize(days, use_na_sentinel=True)
    if (codes < 0).any():  # a missing date: as ds.meta.term_of says of it
        return [ds.meta.term_of(d.date()) for d in days]
    found = [ds.meta.term_of(d.date()) for d in uniques]
    return [found[c] for c in codes.tolist()]


def as_date(value: object) -> date | None:
    """A pandas date cell as a date (None when missing)."""
    if value is None or pd.isna(value):
        return None
    return pd.Timestamp(value).date()




def sex_from_pesel(pesel: object) -> str | None:
    """"F" or "M" from a PESEL's tenth digit (even: female, odd: male); None without a
    valid 11-digit PESEL."""
    digits = text(pesel).strip()
    if len(digits) != 11 or not digits.isdigit():
        return None
    return "F" if int(digits[9]) % 2 == 0 else "M"





def staff_names(ds: Dataset) -> dict[str, str]:
    staff = ds.staff
    return {str(i): full_name(f, la) for i, f, la in
            zip(staff["staff_id"], staff["first_name"], staff["last_name"], strict=True)}


def school_name(ds: Dataset, config: Config) -> str:
    """The school's name as printed: the configuration's, else the export's."""
    return config.school.name or ds.meta.school.name


def class_label(ds: Dataset, class_id: str) -> str | None:
    """The class's name as the export has it (its first row of that id), None when the
    export has no such class. The rows are few: a loop, not a mask of the frame."""
    for found, name in zip(ds.classes["class_id"].tolist(), ds.classes["name"].tolist(),
                           strict=True):
        if isinstance(found, str) and found == class_id:
            return str(name)
    return None


def class_name(ds: Dataset, class_id: str) -> str:
    name = class_label(ds, class_id)
    if name is None:
        raise UsageError(_("class id {class_id} does not exist in the export").format(
                             class_id=class_id))
    return name


# The last stays and lessons found, by table, class and scope: a class's register and its
# attendance summary are built one after the other from one slice (render.slicing.Slicer)
# and read the same. The frame is handed out again: views never change it (nor a
# dataset's tables, which the slices share).
_LAST: dict[str, tuple[pd.DataFrame, tuple, pd.DataFrame]] = {}


def _remembered(name: str, table: pd.DataFrame, key: tuple,
                make: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    found = _LAST.get(name)
    if found is not None and found[0] is table and found[1] == key:
        return found[2]
    made = make()
    _LAST[name] = (table, key, made)
    return made


def stays(ds: Dataset, class_id: str, scope: Scope) -> pd.DataFrame:
    """The class's student stays overlapping the scope, with `first_day`/`last_day` filled.

    For a student-scoped document only that student's stay remains. Callers must not
    change the frame: the same one is returned for the same table, class and scope.
    """
    key = (class_id, scope, ds.meta.year_start, ds.meta.year_end)
    return _remembered("stays", ds.students, key, lambda: _stays(ds, class_id, scope))


def _stays(ds: Dataset, class_id: str, scope: Scope) -> pd.DataFrame:
    frame = ds.students[ds.students["class_id"] == class_id].copy()
    start, end = pd.Timestamp(ds.meta.year_start), pd.Timestamp(ds.meta.year_end)
    frame["first_day"] = frame["enrolled_on"].fillna(start)
    frame["last_day"] = frame["left_on"].fillna(end)
    overlap = (frame["first_day"] <= pd.Timestamp(scope.date_to)) & (
        frame["last_day"] >= pd.Timestamp(scope.date_from))
    frame = frame[overlap]
    if scope.student_id is not None:
        frame = frame[frame["student_id"] == scope.student_id]
    return frame.sort_values("register_number", kind="stable").reset_index(drop=True)


def lessons_in(ds: Dataset, class_id: str, scope: Scope) -> pd.DataFrame:
    """The class's lessons (held and cancelled) within the scope, in time order. Callers
    must not change the frame: the same one is returned for the same table, class and
    period."""
    key = (class_id, scope.date_from, scope.date_to)
    return _remembered("lessons", ds.lessons, key, lambda: _lessons_in(ds, class_id, scope))


def _lessons_in(ds: Dataset, class_id: str, scope: Scope) -> pd.DataFrame:
    les = ds.lessons
    mask = (les["class_id"] == class_id) & les["date"].between(
        pd.Timestamp(scope.date_from), pd.Timestamp(scope.date_to))
    return les[mask].sort_values(["date", "period", "group"], kind="stable",
                                 na_position="first").reset_index(drop=True)


def counts_as(ds: Dataset, config: Config) -> dict[str, str]:
    """Each attendance symbol's category: the export's counts_as, unless configured."""
    types = ds.attendance_types
    mapping = {str(s): str(c) for s, c in zip(types["symbol"].tolist(),
                                              types["counts_as"].tolist(), strict=True)}
    mapping.update(config.attendance.counts_as)
    return mapping


def lesson_cells(ds: Dataset, lessons: pd.DataFrame, class_stays: pd.DataFrame) -> pd.DataFrame:
    """One row per (held lesson, student) that the register has a cell for.

    A cell exists where the export has a mark, and for every student enrolled on the day of a
    held whole-class lesson; the latter without a mark has symbol NA (a gap to show, never
    fill). Group lessons have cells only for the students marked in them (the group is known
    only from those rows). Columns: lesson_id, student_id, symbol.
    """
    held = lessons[lessons["status"] == "held"]
    ids = set(class_stays["student_id"])
    att = ds.attendance
    marked = att[att["lesson_id"].isin(held["lesson_id"]) & att["student_id"].isin(ids)]
    marked = marked[["lesson_id", "student_id", "symbol"]]
    whole = held[held["group"].isna()][["lesson_id", "date"]]
    pairs = whole.merge(class_stays[["student_id", "first_day", "last_day"]], how="cross")
    pairs = pairs[(pairs["date"] >= pairs["first_day"]) & (pairs["date"] <= pairs["last_day"])]
    cells = pairs[["lesson_id", "student_id"]].merge(marked, how="outer",
                                                     on=["lesson_id", "student_id"])
    return cells.reset_index(drop=True)
