"""Who is who in messages: staff, guardians and students by id, as printed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from archiver.model import Dataset
from archiver.views import polish
from archiver.views.common import rows

_ROLE_LABELS = (("director", "dyrektor"), ("homeroom_teacher", "wychowawca"),
                ("teacher", "nauczyciel"), ("school_admin", "administrator dziennika"),
                ("secretary", "sekretariat"), ("pedagogue", "pedagog"))
KIND_LABELS = {"staff": "pracownik", "guardian": "rodzic/opiekun", "student": "uczeń"}
OTHER_LABELS = {"guardian": "inny rodzic/opiekun", "student": "inny uczeń"}


@dataclass(frozen=True)
class Person:
    kind: str  # staff / guardian / student
    id: str
    name: str
    role: str  # "wychowawca", "matka: Kowalska Anna", "uczeń"


class Directory:
    """Names and roles of everyone who can send or receive a message.

    With `only_student` set (student-scoped documents) a guardian's role names only that
    student, never a sibling: a sibling is another student.
    """

    def __init__(self, ds: Dataset, only_student: str | None = None) -> None:
        self._people: dict[tuple[str, str], Person] = {}
        for r in rows(ds.staff):
            roles = str(r.roles).split(";")
            label = next((lab for key, lab in _ROLE_LABELS if key in roles), "pracownik")
            self._add(Person("staff", str(r.staff_id), polish.full_name(r.first_name, r.last_name),
                             label))
        names = {s.student_id: polish.list_name(s.first_name, s.last_name)
                 for s in rows(ds.students)}
        for s in rows(ds.students.drop_duplicates("student_id")):
            self._add(Person("student", str(s.student_id), names[s.student_id], "uczeń"))
        # one pass over plain lists: a groupby with a frame per guardian took most of a
        # transcript's view (issue 18); same order (first appearance) and same rows
        guardians = ds.guardians
        first: dict[object, tuple[object, object, object]] = {}
        children: dict[object, list[object]] = {}
        for guardian_id, student_id, relation, first_name, last_name in zip(
                guardians["guardian_id"].tolist(), guardians["student_id"].tolist(),
                guardians["relation"].tolist(), guardians["first_name"].tolist(),
                guardians["last_name"].tolist(), strict=True):
            if guardian_id is None or guardian_id is pd.NA:
                continue
            if guardian_id not in first:
                first[guardian_id] = (relation, first_name, last_name)
                children[guardian_id] = []
            children[guardian_id].append(student_id)
        for guardian_id, (relation, first_name, last_name) in first.items():
            listed = ", ".join(names.get(s, str(s)) for s in children[guardian_id]
                               if only_student in (None, s))
            self._add(Person("guardian", str(guardian_id),
                             polish.full_name(first_name, last_name),
                             f"{polish.text(relation) or 'opiekun'}: {listed}"))

    def _add(self, person: Person) -> None:
        self._people[(person.kind, person.id)] = person

    def get(self, kind: str, person_id: str) -> Person:
        """The person, or a placeholder naming only the id when the export lacks them."""
        found = self._people.get((kind, person_id))
        return found or Person(kind, person_id, f"[{person_id}]", KIND_LABELS.get(kind, kind))


def guardians_of(ds: Dataset, student_ids: set[str]) -> set[str]:
    rows = ds.guardians[ds.guardians["student_id"].isin(student_ids)]
    return set(rows["guardian_id"].astype(str))


def local(value: object, timezone: str) -> datetime | None:
    """A UTC datetime cell in the export's timezone (None when missing)."""
    if value is None or pd.isna(value):
        return None
    return pd.Timestamp(value).tz_convert(timezone).to_pydatetime()
