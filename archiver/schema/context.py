"""What every rule works on: the typed tables, where their rows came from, and the report."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from archiver.i18n import Message
from archiver.model import ExportMeta
from archiver.schema.report import (
    MAX_VALUE_CHARS,
    Problem,
    Report,
    make_problem,
    show_value,
    with_subject,
)
from archiver.sources.raw import RawTable


@dataclass
class Context:
    """Typed frames (invalid cells are NA), their raw origin, the metadata and the report.

    `missing` names required tables that were absent: rules pointing at them stay quiet,
    the missing table itself is the error.
    """

    tables: dict[str, pd.DataFrame]
    raw: dict[str, RawTable]
    meta: ExportMeta | None
    report: Report = field(default_factory=Report)
    missing: set[str] = field(default_factory=set)

    def line(self, table: str, position: int) -> int | None:
        raw = self.raw.get(table)
        return raw.line(position + 1) if raw is not None else None

    def flag(
        self,
        table: str,
        rows: Sequence[int] | np.ndarray,
        column: str | None,
        rule: str,
        text: str,
        values: Sequence[object] | None = None,
        details: Sequence[str] | None = None,
        warning: bool = False,
        **params: object,
    ) -> None:
        """Report each of the 0-based `rows`; `{value}` / `{detail}` in the (translated)
        text are per row, other placeholders come from `params`.

        The value defaults to the row's cell of `column` in the typed table. A lesson's
        problem names the lesson (class, date, period, subject, teacher) first.
        """
        rows = np.asarray(rows, dtype=np.int64)
        if not len(rows):
            return
        if values is None:
            values = self.cell_values(table, column, rows)
        problems: list[Problem] = []
        for i, position in enumerate(rows.tolist()):
            detail = "" if details is None else details[i]
            problems.append(make_problem(
                table, position + 1, self.line(table, position), column, values[i], rule,
                text, detail=detail, **params))
        self.report.extend(problems, warning=warning)

    def name_lessons(self) -> None:
        """Rewrite every problem of a lessons row as `<the lesson>: <problem> (<where>)`, the
        lesson as a secretary finds it in the register (run once, after every rule, so
        that problems found while typing the table name it too)."""
        for problems in (self.report.errors, self.report.warnings):
            at = [i for i, p in enumerate(problems) if p.table == "lessons" and p.row]
            if not at:
                continue
            subjects = self.lesson_subjects(np.array([problems[i].row - 1 for i in at]))
            for i, subject in zip(at, subjects, strict=True):
                if subject:
                    problems[i] = with_subject(problems[i], subject)

    def lesson_subjects(self, rows: np.ndarray) -> list[Message | None]:
        """`class 7a, 12.01.2026, period 3, Matematyka, Anna Nowak` for 0-based lesson rows
        (staff names are not pupils' data; a value that did not parse is left out)."""
        lessons = self.tables.get("lessons")
        if lessons is None or not len(lessons):
            return [None] * len(rows)
        classes = _names(self.tables.get("classes"), "class_id", lambda f: f["name"])
        subjects = _names(self.tables.get("subjects"), "subject_id", lambda f: f["name"])
        teachers = _names(self.tables.get("staff"), "staff_id",
                          lambda f: f["first_name"].fillna("") + " " + f["last_name"].fillna(""))
        picked = lessons.iloc[rows]
        said: list[str | None] = []
        for row in picked.itertuples(index=False):
            parts = []
            if _filled(row.class_id):
                parts.append(Message("class {name}",
                                     name=_one_line(classes.get(row.class_id) or row.class_id)))
            if _filled(row.date):
                parts.append(row.date.strftime("%d.%m.%Y"))
            if _filled(row.period):
                parts.append(Message("period {number}", number=row.period))
            if _filled(row.subject_id):
                parts.append(_one_line(subjects.get(row.subject_id) or row.subject_id))
            if _filled(row.teacher_id):
                parts.append(_one_line(teachers.get(row.teacher_id) or row.teacher_id))
            said.append(Message.join(", ", parts) if parts else None)
        return said

    def cell_values(self, table: str, column: str | None, rows: np.ndarray) -> list[object]:
        """Display values of one column at the given rows ("" for NA)."""
        frame = self.tables.get(table)
        if column is None or frame is None or column not in frame:
            return [None] * len(rows)
        series = frame[column].iloc[rows]
        return [display(v) for v in series.tolist()]

    def usable(self, *tables: str) -> bool:
        """True when every named table was present (rules across tables need them)."""
        return not any(t in self.missing for t in tables)


def _one_line(value: object) -> str:
    """A name or id from the export as part of a one-line message: as it is when it is
    printable text of a sensible length, else quoted with its escapes and cut (a line
    break, a control character or a thousand characters never reach the message raw)."""
    text = str(value).strip()
    if text and text.isprintable() and len(text) <= MAX_VALUE_CHARS:
        return text
    return show_value(str(value))


def _filled(value: object) -> bool:
    return not (value is None or value is pd.NA or value is pd.NaT
                or (isinstance(value, float) and value != value))


def _names(frame: pd.DataFrame | None, key: str, name) -> dict[object, str]:
    """id -> printed name of a typed table (first row of an id wins), {} without it."""
    if frame is None or not len(frame):
        return {}
    names = name(frame)
    pairs = zip(frame[key].tolist(), names.tolist(), strict=True)
    result: dict[object, str] = {}
    for ident, text in pairs:
        if _filled(ident) and ident not in result and _filled(text) and str(text).strip():
            result[ident] = str(text).strip()
    return result


def display(value: object) -> str:
    """A typed cell back to the text the export held."""
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, pd.Timestamp):
        if value.tzinfo is None and value == value.normalize():
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
