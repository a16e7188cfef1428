"""Class register (dziennik lekcyjny): what each page of the printed register says.

Title page, class list, teachers and subjects, then per week the lessons and the attendance
of every student at every lesson, then grades, behaviour, notes and days off.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd

from archiver.config import Config
from archiver.model import Dataset
from archiver.views import common, polish
from archiver.views.grades import (
    BehaviourEntry,
    NoteEntry,
    SubjectGrades,
    build_behaviour,
    build_grades,
    build_notes,
    class_grades,
)
from archiver.views.scope import Scope

# Grid cells that are not a recorded symbol.
NOT_IN_GROUP = ""  # the lesson was held for a group the student is not in
NOT_ENROLLED = "\x00out"  # the student was not in this class on that day
MISSING = "\x00missing"  # enrolled, whole-class lesson held, but no mark recorded: a gap


@dataclass(frozen=True)
class GuardianEntry:
    name: str
    relation: str
    address: str
    email: str
    phone: str


@dataclass(frozen=True)
class StudentEntry:
    number: int
    name: str  # "Kowalska Anna Maria": surname, first name, middle name
    birth_date: date | None
    birth_place: str
    address: str
    enrolled_on: date | None  # None: from the start of the year
    left_on: date | None  # None: still in the class
    guardians: tuple[GuardianEntry, ...]


@dataclass(frozen=True)
class TeacherEntry:
    name: str
    subjects: tuple[str, ...]


@dataclass(frozen=True)
class LessonEntry:
    day: date
    period: int
    subject: str
    teacher: str
    status: str  # held / cancelled
    topic: str  # "" when missing: printed as a visible gap
    group: str  # "" for the whole class
    substitution: bool
    confirmed_at: datetime | None
    column: int | None = None  # grid column within the week; None for a cancelled lesson
    group_numbers: tuple[int, ...] = ()  # register numbers of the group (not when scoped)
    number: int | None = None  # nr lekcji z przedmiotu: held lessons of the subject (and
    # group) counted from the start of the school year; None for a cancelled lesson
    code: str = ""  # the subject's short code (the legend's): "po", "ma"
    short: str = ""  # the subject's short name over its grid column: "j. pol.", "mat."


@dataclass(frozen=True)
class SubjectSummary:
    """Realised hours (zrealizowane godziny) of one subject (and group) in one period."""

    subject: str
    group: str
    teachers: tuple[str, ...]
    held: int
    cancelled: int
    substitution: int
    missing_topic: int


@dataclass(frozen=True)
class SummaryPeriod:
    label: str  # "semestr 1 (01.09.2025–30.01.2026)", "cały okres wydruku (…)"
    rows: tuple[SubjectSummary, ...]

    @property
    def total_held(self) -> int:
        return sum(r.held for r in self.rows)


@dataclass(frozen=True)
class GridRow:
    number: int
    name: str
    marks: tuple[str, ...]  # a symbol, or NOT_IN_GROUP / NOT_ENROLLED / MISSING


@dataclass(frozen=True)
class WeekView:
    first: date
    last: date
    lessons: tuple[LessonEntry, ...]  # held and cancelled, in time order
    columns: tuple[LessonEntry, ...]  # held lessons, one grid column each
    rows: tuple[GridRow, ...]
    days_off: tuple[tuple[date, str], ...]
    absent: tuple[int, ...] = ()  # per row: absences (counts_as absent) this week
    late: tuple[int, ...] = ()  # per row: lateness (attendance_types.late) this week


@dataclass(frozen=True)
class RegisterView:
    school: str
    class_name: str
    school_year: str
    homeroom_teacher: str
    scope: Scope
    students: tuple[StudentEntry, ...]  # alphabetical
    teachers: tuple[TeacherEntry, ...]
    weeks: tuple[WeekView, ...]
    grades: tuple[SubjectGrades, ...]
    behaviour: tuple[BehaviourEntry, ...]
    notes: tuple[NoteEntry, ...]
    days_off: tuple[tuple[date, str], ...]
    symbols: tuple[tuple[str, str], ...]  # attendance legend: (symbol, name)
    summaries: tuple[SummaryPeriod, ...] = ()  # per term in the period, then the period
    codes: tuple[tuple[str, str], ...] = ()  # grid column codes: (code, subject name)
    sources: dict[str, pd.DataFrame] = field(default_factory=dict, compare=False, repr=False)


def _guardians(ds: Dataset, pupils: set) -> dict[object, tuple[GuardianEntry, ...]]:
    """Each pupil's guardians (of `pupils`), in the export's order, read in one pass (a
    frame per pupil, and its records, cost a register ~10 ms)."""
    t = polish.text
    found: dict[object, list[GuardianEntry]] = {}
    for r in common.rows(ds.guardians, "student_id", "first_name", "last_name", "relation",
                         "address", "email", "phone"):
        if isinstance(r.student_id, str) and r.student_id in pupils:  # (groupby's: no NA)
            found.setdefault(r.student_id, []).append(GuardianEntry(
                polish.full_name(r.first_name, r.last_name), t(r.relation), t(r.address),
                t(r.email), t(r.phone)))
    return {pupil: tuple(entries) for pupil, entries in found.items()}


def _student_list(ds: Dataset, stays: pd.DataFrame) -> tuple[StudentEntry, ...]:
    guardians = _guardians(ds, set(stays["student_id"]))
    entries = [
        StudentEntry(
            int(s.register_number),
            " ".join(p for p in (polish.text(s.last_name), polish.text(s.first_name),
                                 polish.text(s.middle_name)) if p),
            common.as_date(s.birth_date), polish.text(s.birth_place), polish.text(s.address),
            common.as_date(s.enrolled_on), common.as_date(s.left_on),
            guardians.get(s.student_id, ()))
        for s in common.rows(stays)
    ]
    return tuple(sorted(entries, key=lambda e: (polish.polish_key(e.name), e.number)))


def _teachers(ds: Dataset, lessons: pd.DataFrame) -> tuple[TeacherEntry, ...]:
    staff = common.staff_names(ds)
    subjects = dict(zip(ds.subjects["subject_id"], ds.subjects["name"], strict=True))
    held = lessons[lessons["status"] == "held"]
    result = []
    for teacher_id, rows in held.groupby("teacher_id", sort=False):
        names = sorted({str(subjects.get(s, s)) for s in rows["subject_id"]}, key=polish.polish_key)
        result.append(TeacherEntry(staff.get(str(teacher_id), str(teacher_id)), tuple(names)))
    return tuple(sorted(result, key=lambda t: polish.polish_key(t.name.split(" ")[-1])))


def subject_codes(ds: Dataset) -> dict[str, str]:
    """A short, unique code per subject for grid column headers (a grid column is three
    characters wide), from its short name: "j. pol." -> "po", "godz. wych." -> "gw",
    "mat." -> "ma"; explained in the register's legend."""
    codes: dict[str, str] = {}
    for sid, name, short in zip(ds.subjects["subject_id"], ds.subjects["name"],
                                ds.subjects.get("short_name", ds.subjects["name"]), strict=True):
        words = [w for w in re.split(r"[\s.]+", polish.text(short) or str(name)) if w]
        if len(words) > 1 and words[0].casefold() == "j":
            words = words[1:]
        code = "".join(w[0] for w in words) if len(words) > 1 else "".join(words)[:2]
        code = code.casefold()[:2] or str(sid)[:2].casefold()
        letters = "".join(words).casefold()
        candidates = [code] + [letters[0] + c for c in letters[2:]] + [
            f"{letters[:1]}{n}" for n in range(1, 10)]
        code = next((c for c in candidates if c not in codes.values()), code)
        codes[str(sid)] = code
    return codes


def subject_short_names(ds: Dataset) -> dict[str, str]:
    """The subject's short name as the export gives it ("j. pol.", "godz. wych."), else its
    name: printed over grid columns."""
    shorts = ds.subjects.get("short_name", ds.subjects["name"])
    return {str(sid): polish.text(short) or polish.text(name) or str(sid)
            for sid, name, short in zip(ds.subjects["subject_id"], ds.subjects["name"], shorts,
                                        strict=True)}


def lesson_numbers(ds: Dataset, class_id: str) -> dict[str, int]:
    """Nr lekcji z przedmiotu: each held lesson of the class numbered within its subject
    (and group), counted from the school year's first lesson, in time order."""
    les = ds.lessons[(ds.lessons["class_id"] == class_id) & (ds.lessons["status"] == "held")]
    les = les.sort_values(["date", "period", "lesson_id"], kind="stable")
    keys = les["subject_id"].astype(str) + "\x00" + les["group"].fillna("").astype(str)
    return dict(zip(les["lesson_id"], keys.groupby(keys).cumcount() + 1, strict=True))


def _summaries(ds: Dataset, scope: Scope, lessons: pd.DataFrame) -> tuple[SummaryPeriod, ...]:
    """Lessons held, cancelled, taught as substitution and held without a topic, per
    subject and group: for each term the period touches, then for the whole period."""
    staff = common.staff_names(ds)
    names = dict(zip(ds.subjects["subject_id"], ds.subjects["name"], strict=True))
    les = lessons.assign(term_no=common.terms_of(ds, lessons["date"]))

    def rows(frame: pd.DataFrame) -> tuple[SubjectSummary, ...]:
        # counted in one pass over plain columns (a pandas filter and sum per subject
        # and group cost a register tens of milliseconds), by (subject, group) in order
        counts: dict[tuple[str, str], list] = {}
        for subject, group, status, teacher, substituted, untopical in zip(
                frame["subject_id"].astype(str).tolist(),
                frame["group"].fillna("").astype(str).tolist(), frame["status"].tolist(),
                frame["teacher_id"].tolist(),
                frame["substitution"].fillna(False).astype(bool).tolist(),
                frame["topic"].fillna("").astype(str).str.strip().eq("").tolist(),
                strict=True):
            found = counts.setdefault((subject, group), [set(), 0, 0, 0, 0])
            if status == "held":
                found[0].add(staff.get(str(teacher), str(teacher)))
                found[1] += 1
                found[3] += substituted
                found[4] += untopical
            elif status == "cancelled":
                found[2] += 1
        result = [
            SubjectSummary(str(names.get(subject, subject)), group,
                           tuple(sorted(teachers,
                                        key=lambda n: polish.polish_key(n.split(" ")[-1]))),
                           held, cancelled, int(substituted), int(untopical))
            for (subject, group), (teachers, held, cancelled, substituted, untopical)
            in sorted(counts.items())]
        return tuple(sorted(result, key=lambda r: (polish.polish_key(r.subject), r.group)))

    periods = []
    for term in ds.meta.terms:
        part = les[les["term_no"] == term.number]
        if part.empty:
            continue
        first, last = max(term.start, scope.date_from), min(term.end, scope.date_to)
        periods.append(SummaryPeriod(f"semestr {term.number} ({polish.date_pl(first)}–"
                                     f"{polish.date_pl(last)})", rows(part)))
    whole = "rok szkolny" if scope.whole_year else "cały okres wydruku"
    periods.append(SummaryPeriod(f"{whole} ({polish.date_pl(scope.date_from)}–"
                                 f"{polish.date_pl(scope.date_to)})", rows(les)))
    return tuple(periods)


def _lesson_entries(ds: Dataset, lessons: pd.DataFrame, cells: pd.DataFrame,
                    numbers: dict[str, int], scoped: bool, class_id: str,
                    days: list[date], columns: list[int | None]) -> list[LessonEntry]:
    """Each lesson as printed (`days`: their dates, `columns`: their grid columns), its
    columns read once as plain values (a record a lesson, with pd.isna and a Timestamp's
    conversions per cell, cost a register ~50 ms)."""
    staff = common.staff_names(ds)
    subjects = dict(zip(ds.subjects["subject_id"], ds.subjects["name"], strict=True))
    members: dict[object, list] = {}  # each lesson's students, in the cells' order
    for lesson_id, student_id, missing in zip(
            cells["lesson_id"].tolist(), cells["student_id"].tolist(),
            cells["lesson_id"].isna().tolist(), strict=True):
        if not missing:  # as groupby drops a missing key
            members.setdefault(lesson_id, []).append(student_id)
    within = lesson_numbers(ds, class_id)
    codes = subject_codes(ds)
    shorts = subject_short_names(ds)
    subject_names = {sid: str(subjects.get(sid, sid)) for sid in set(lessons["subject_id"])}
    teachers = {tid: staff.get(str(tid), str(tid)) for tid in set(lessons["teacher_id"])}
    entries = []
    for lesson_id, day, period, subject_id, teacher_id, status, topic, group, substitution, \
            confirmed, column in zip(
            lessons["lesson_id"].tolist(), days, lessons["period"].tolist(),
            lessons["subject_id"].tolist(), lessons["teacher_id"].tolist(),
            lessons["status"].tolist(), common.texts(lessons["topic"]),
            common.texts(lessons["group"]),
            _flags(lessons["substitution"]), _moments(lessons["confirmed_at"]), columns,
            strict=True):
        in_group = () if scoped or not group else tuple(
            sorted(numbers[s] for s in members.get(lesson_id, [])))
        entries.append(LessonEntry(
            day, int(period), subject_names[subject_id], teachers[teacher_id], str(status),
            topic, group, substitution, confirmed, column=column, group_numbers=in_group,
            number=within.get(lesson_id), code=codes.get(str(subject_id), ""),
            short=shorts.get(str(subject_id), "")))
    return entries


def _flags(column: pd.Series) -> list[bool]:
    """Each cell as a bool, a missing one False."""
    if isinstance(column.dtype, pd.BooleanDtype):
        return column.to_numpy(dtype=bool, na_value=False).tolist()
    return [bool(v) if pd.notna(v) else False for v in column.tolist()]


def _moments(column: pd.Series) -> list[datetime | None]:
    """Each moment as a datetime (to_pydatetime), None when missing; each distinct one
    made once."""
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    made = [*pd.DatetimeIndex(uniques).to_pydatetime().tolist(), None]  # as each's own
    return [made[c] for c in codes.tolist()]


class _Pupils:
    """A register's stays as plain columns, read once for all its weeks."""

    def __init__(self, stays: pd.DataFrame) -> None:
        self.first = stays["first_day"].to_numpy(dtype="datetime64[ns]")
        self.last = stays["last_day"].to_numpy(dtype="datetime64[ns]")
        self.ids = stays["student_id"].tolist()
        self.lines = [(int(s.register_number), polish.list_name(s.first_name, s.last_name))
                      for s in common.rows(stays, "register_number", "first_name",
                                           "last_name")]

    def in_week(self, first: date, last: date) -> list[int]:
        """The stays that touch the week (their index, in order)."""
        return np.flatnonzero((self.first <= np.datetime64(last, "ns"))
                              & (self.last >= np.datetime64(first, "ns"))).tolist()


def _marks_by_lesson(cells: pd.DataFrame) -> dict[object, dict[object, str]]:
    """Each lesson's marks by student: the symbol, or MISSING for a cell without one."""
    found: dict[object, dict[object, str]] = {}
    missing = cells["symbol"].isna().tolist()
    for lesson_id, student_id, symbol, gap in zip(
            cells["lesson_id"].tolist(), cells["student_id"].tolist(),
            cells["symbol"].tolist(), missing, strict=True):
        found.setdefault(lesson_id, {})[student_id] = MISSING if gap else str(symbol)
    return found


def _grid(held: list[tuple[LessonEntry, str]], pupils: _Pupils, rows: list[int],
          by_lesson: dict[object, dict[object, str]]) -> tuple[GridRow, ...]:
    """The week's marks: students (`rows` of `pupils`) x held lessons."""
    days = np.array([pd.Timestamp(e.day).to_datetime64() for e, _ in held],
                    dtype="datetime64[ns]")
    out = ((days < pupils.first[rows][:, None])
           | (days > pupils.last[rows][:, None])).tolist()
    columns = [by_lesson.get(lesson_id, {}) for _, lesson_id in held]
    grid = []
    for row, outside in zip(rows, out, strict=True):
        student_id = pupils.ids[row]
        if any(outside):
            marks = tuple([NOT_ENROLLED if off else column.get(student_id, NOT_IN_GROUP)
                           for off, column in zip(outside, columns, strict=True)])
        else:  # in the class all week (most rows)
            marks = tuple([column.get(student_id, NOT_IN_GROUP) for column in columns])
        grid.append(GridRow(*pupils.lines[row], marks))
    return tuple(grid)


def _weeks(ds: Dataset, scope: Scope, lessons: pd.DataFrame, cells: pd.DataFrame,
           stays: pd.DataFrame, days_off: list[tuple[date, str]],
           kinds: dict[str, str]) -> tuple[WeekView, ...]:
    types = ds.attendance_types
    late_flags = types["late"] if "late" in types else pd.Series(False, index=types.index)
    lateness = {str(sym) for sym, flag in zip(types["symbol"], late_flags, strict=True)
                if pd.notna(flag) and bool(flag)}
    numbers = dict(zip(stays["student_id"], stays["register_number"].astype(int), strict=True))
    days = common.dates(lessons["date"])
    monday_of = {d: d - timedelta(days=d.weekday()) for d in set(days)}
    mondays = [monday_of[d] for d in days]
    held_in: dict[date, int] = {}  # held lessons so far in each week: a lesson's column
    columns: list[int | None] = []
    for monday, status in zip(mondays, lessons["status"].tolist(), strict=True):
        if str(status) == "held":
            columns.append(held_in.get(monday, 0) + 1)
            held_in[monday] = columns[-1]
        else:
            columns.append(None)
    entries = _lesson_entries(ds, lessons, cells, numbers, scope.student_id is not None,
                              scope.class_id, days, columns)
    by_lesson = _marks_by_lesson(cells)
    pupils = _Pupils(stays)
    weeks: dict[date, list[tuple[LessonEntry, str]]] = {}
    for entry, lesson_id, monday in zip(entries, lessons["lesson_id"].tolist(), mondays,
                                        strict=True):
        weeks.setdefault(monday, []).append((entry, lesson_id))
    absent_marks = {symbol for symbol, kind in kinds.items() if kind == "absent"}
    result = []
    for monday, items in sorted(weeks.items()):
        first, last = max(monday, scope.date_from), min(monday + timedelta(days=6), scope.date_to)
        held = [(e, lid) for e, lid in items if e.status == "held"]
        listed = tuple(e for e, _ in items)
        rows = _grid(held, pupils, pupils.in_week(first, last), by_lesson)
        off = tuple(d for d in days_off if first <= d[0] <= last)
        absent = tuple(sum(map(absent_marks.__contains__, r.marks)) for r in rows)
        late = tuple(sum(map(lateness.__contains__, r.marks)) for r in rows)
        result.append(WeekView(first, last, listed, tuple(e for e, _ in held), rows, off,
                               absent, late))
    return tuple(result)


def _days_off(ds: Dataset, class_id: str, scope: Scope) -> tuple[pd.DataFrame, list]:
    off = ds.days_off
    mask = (off["class_id"].isna() | (off["class_id"] == class_id)) & off["date"].between(
        pd.Timestamp(scope.date_from), pd.Timestamp(scope.date_to))
    rows = off[mask].sort_values("date")
    return rows, [(d.date(), polish.text(r)) for d, r in zip(rows["date"], rows["reason"],
                                                              strict=True)]


def _homeroom(ds: Dataset, class_id: str) -> str:
    row = ds.classes[ds.classes["class_id"] == class_id].iloc[0]
    teacher = row["homeroom_teacher_id"]
    return "" if pd.isna(teacher) else common.staff_names(ds).get(str(teacher), str(teacher))


def build_register(ds: Dataset, config: Config, scope: Scope) -> RegisterView:
    """The class register of scope.class_id over the scope's period (one student if scoped)."""
    assert scope.class_id is not None, "a register belongs to a class"
    stays = common.stays(ds, scope.class_id, scope)
    lessons = common.lessons_in(ds, scope.class_id, scope)
    if scope.student_id is not None and not stays.empty:
        # A student's extract holds the class's lessons only while the student was in it.
        stay = stays.iloc[0]
        lessons = lessons[lessons["date"].between(stay["first_day"], stay["last_day"])]
        lessons = lessons.reset_index(drop=True)
    cells = common.lesson_cells(ds, lessons, stays)
    off_rows, days_off = _days_off(ds, scope.class_id, scope)
    grades = class_grades(ds, stays, scope.date_from, scope.date_to)
    subject_ids = list(dict.fromkeys([*lessons["subject_id"], *grades["subject_id"]]))
    names = dict(zip(ds.subjects["subject_id"], ds.subjects["name"], strict=True))
    subject_ids.sort(key=lambda s: polish.polish_key(str(names.get(s, s))))
    terms = sorted({t.number for t in ds.meta.terms
                    if t.start <= scope.date_to and ds.meta.term_of(scope.date_from) <= t.number})
    taught = set(lessons["subject_id"])
    behaviour, behaviour_rows = build_behaviour(ds, stays, scope.date_from, scope.date_to)
    notes, note_rows = build_notes(ds, stays, scope.date_from, scope.date_to)
    types = ds.attendance_types
    used_attendance = ds.attendance.merge(cells[["lesson_id", "student_id"]],
                                          on=["lesson_id", "student_id"])
    return RegisterView(
        school=common.school_name(ds, config),
        class_name=common.class_name(ds, scope.class_id),
        school_year=ds.meta.school_year,
        homeroom_teacher=_homeroom(ds, scope.class_id),
        scope=scope,
        students=_student_list(ds, stays),
        teachers=_teachers(ds, lessons),
        weeks=_weeks(ds, scope, lessons, cells, stays, days_off, common.counts_as(ds, config)),
        grades=build_grades(ds, grades, stays, subject_ids, terms, config.grades),
        behaviour=behaviour, notes=notes, days_off=tuple(days_off),
        symbols=tuple(zip(types["symbol"].astype(str), types["name"].astype(str), strict=True)),
        summaries=_summaries(ds, scope, lessons),
        codes=tuple(sorted(((code, str(names.get(sid, sid))) for sid, code
                            in subject_codes(ds).items() if sid in taught),
                           key=lambda c: c[0])),
        sources={
            "students": stays.drop(columns=["first_day", "last_day", "pesel"]),
            "guardians": ds.guardians[ds.guardians["student_id"].isin(stays["student_id"])],
            "subjects": ds.subjects[ds.subjects["subject_id"].isin(subject_ids)],
            "lessons": lessons, "attendance_types": types, "attendance": used_attendance,
            "grades": grades.drop(columns=["term_no"]), "behaviour": behaviour_rows,
            "notes": note_rows, "days_off": off_rows,
        },
    )
