"""Attendance recomputed from an export folder's CSV files alone, with exact fractions.

Independent of the view code (no pandas, no archiver import): the csv module, the export
format's rules, and fractions.Fraction. The tests compare what the PDFs print with this.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from pathlib import Path

_ALPHABET = "aąbcćdeęfghijklłmnńoóprsśtuvwxyzźż"


def polish_order(text: str) -> tuple[int, ...]:
    return tuple(_ALPHABET.index(ch) if ch in _ALPHABET else 100 + ord(ch)
                 for ch in text.casefold())


def percent_text(value: Fraction | None) -> str:
    """87,5%: one decimal rounded half up, exactly; "—" for nothing to divide by."""
    if value is None:
        return "—"
    tenths = int(value * 10 + Fraction(1, 2))  # floor(x + 1/2) for x >= 0
    return f"{tenths // 10},{tenths % 10}%"


def _rows(folder: Path, table: str) -> list[dict[str, str]]:
    path = folder / f"{table}.csv"
    if not path.exists():
        return []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@dataclass
class Stay:
    student_id: str
    number: int
    name: str  # surname first
    first: date
    last: date


class Oracle:
    """One export, read once."""

    def __init__(self, folder: Path, counts_as: dict[str, str] | None = None) -> None:
        meta = json.loads((folder / "export.json").read_text(encoding="utf-8"))
        self.year_start = date.fromisoformat(meta["terms"][0]["start"])
        self.year_end = date.fromisoformat(meta["terms"][-1]["end"])
        self.terms = [(int(t["term"]), date.fromisoformat(t["start"]),
                       date.fromisoformat(t["end"])) for t in meta["terms"]]
        self.category = {r["symbol"]: r["counts_as"] for r in _rows(folder, "attendance_types")}
        self.category.update(counts_as or {})
        self.subjects = {r["subject_id"]: r["name"] for r in _rows(folder, "subjects")}
        self.classes = {r["name"]: r["class_id"] for r in _rows(folder, "classes")}
        self.students = _rows(folder, "students")
        self.lessons = {r["lesson_id"]: r for r in _rows(folder, "lessons")}
        self.marks = _rows(folder, "attendance")

    def stays(self, class_id: str) -> list[Stay]:
        found = []
        for r in self.students:
            if r["class_id"] != class_id:
                continue
            first = date.fromisoformat(r["enrolled_on"]) if r["enrolled_on"] else self.year_start
            last = date.fromisoformat(r["left_on"]) if r["left_on"] else self.year_end
            found.append(Stay(r["student_id"], int(r["register_number"]),
                              f"{r['last_name']} {r['first_name']}", first, last))
        return sorted(found, key=lambda s: s.number)

    def class_subjects(self, class_id: str, first: date, last: date) -> list[str]:
        """Subjects with a held lesson in the class in the period, in Polish name order."""
        ids = {r["subject_id"] for r in self.lessons.values()
               if r["class_id"] == class_id and r["status"] == "held"
               and first <= date.fromisoformat(r["date"]) <= last}
        return sorted(ids, key=lambda s: polish_order(self.subjects[s]))

    def counts(self, class_id: str, first: date, last: date
               ) -> dict[tuple[str, str], list[int]]:
        """(student_id, subject_id) -> [present, absent] over the class's held lessons in the
        period, on the student's days in the class, from the attendance rows (a group lesson
        has rows only for its group)."""
        stays = {s.student_id: s for s in self.stays(class_id)}
        result: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
        for mark in self.marks:
            lesson = self.lessons[mark["lesson_id"]]
            stay = stays.get(mark["student_id"])
            day = date.fromisoformat(lesson["date"])
            if (lesson["class_id"] != class_id or lesson["status"] != "held" or stay is None
                    or not first <= day <= last or not stay.first <= day <= stay.last):
                continue
            kind = self.category[mark["symbol"]]
            if kind in ("present", "absent"):
                result[(stay.student_id, lesson["subject_id"])][kind == "absent"] += 1
        return result

    def by_subject(self, class_id: str, first: date, last: date
                   ) -> dict[int, tuple[str, list[Fraction | None]]]:
        """register number -> (name, percentage per subject in class_subjects order) for
        every pupil in the class at some day of the period."""
        subjects = self.class_subjects(class_id, first, last)
        counts = self.counts(class_id, first, last)
        table = {}
        for stay in self.stays(class_id):
            if stay.first > last or stay.last < first:
                continue
            cells: list[Fraction | None] = []
            for subject in subjects:
                present, absent = counts.get((stay.student_id, subject), (0, 0))
                cells.append(Fraction(100 * present, present + absent)
                             if present + absent else None)
            table[stay.number] = (stay.name, cells)
        return table

    def categories(self, class_id: str, first: date, last: date) -> dict[int, list[int]]:
        """register number -> [count per attendance type (the table's order), lessons with no
        mark (held whole-class lessons on the pupil's days), present, absent]."""
        symbols = list(self.category)
        stays = self.stays(class_id)
        by_id = {s.student_id: s for s in stays}
        result = {s.number: [0] * (len(symbols) + 3) for s in stays}
        marked = set()
        for mark in self.marks:
            lesson = self.lessons[mark["lesson_id"]]
            stay = by_id.get(mark["student_id"])
            day = date.fromisoformat(lesson["date"])
            if (lesson["class_id"] != class_id or lesson["status"] != "held" or stay is None
                    or not first <= day <= last or not stay.first <= day <= stay.last):
                continue
            marked.add((lesson["lesson_id"], stay.student_id))
            row = result[stay.number]
            row[symbols.index(mark["symbol"])] += 1
            kind = self.category[mark["symbol"]]
            if kind == "present":
                row[-2] += 1
            elif kind == "absent":
                row[-1] += 1
        for lesson in self.lessons.values():
            day = date.fromisoformat(lesson["date"])
            if (lesson["class_id"] != class_id or lesson["status"] != "held" or lesson["group"]
                    or not first <= day <= last):
                continue
            for stay in stays:
                if stay.first <= day <= stay.last and \
                        (lesson["lesson_id"], stay.student_id) not in marked:
                    result[stay.number][-3] += 1
        return result

    def months(self, class_id: str, first: date, last: date) -> list[tuple[date, date]]:
        """The calendar months of the period (cut to it) with a held lesson of the class."""
        spans = []
        day = first.replace(day=1)
        while day <= last:
            following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
            a, b = max(day, first), min(following.fromordinal(following.toordinal() - 1), last)
            if any(r["class_id"] == class_id and r["status"] == "held"
                   and a <= date.fromisoformat(r["date"]) <= b for r in self.lessons.values()):
                spans.append((a, b))
            day = following
        return spans

    def overall(self, class_id: str, first: date, last: date) -> dict[int, Fraction | None]:
        """register number -> the pupil's percentage over every subject; 0 -> the class's."""
        counts = self.counts(class_id, first, last)
        result = {}
        for stay in self.stays(class_id):
            present = sum(v[0] for (s, _), v in counts.items() if s == stay.student_id)
            absent = sum(v[1] for (s, _), v in counts.items() if s == stay.student_id)
            result[stay.number] = Fraction(100 * present, present + absent) if present + absent \
                else None
        present = sum(v[0] for v in counts.values())
        absent = sum(v[1] for v in counts.values())
        result[0] = Fraction(100 * present, present + absent) if present + absent else None
        return result

    def at_risk(self, class_id: str, first: date, last: date, threshold: Fraction
                ) -> list[tuple[str, str, Fraction]]:
        """(pupil, subject name, percentage) strictly below the threshold, in register then
        subject order."""
        subjects = self.class_subjects(class_id, first, last)
        found = []
        for _number, (name, cells) in sorted(self.by_subject(class_id, first, last).items()):
            for subject, cell in zip(subjects, cells, strict=True):
                if cell is not None and cell < threshold:
                    found.append((name, self.subjects[subject], cell))
        return found
