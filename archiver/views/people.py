"""Who is who in messages: staff, guardians and students by id, as printed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from archiver.model import Dataset
from archiver.views import polish

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
        for r in ds.staff.itertuples():
            roles = str(r.roles).split(";")
            label = next((lab for key, lab in _ROLE_LABELS if key in roles), "pracownik")
            self._add(Person("staff", str(r.staff_id), polish.full_name(r.first_name, r.last_name),
                             label))
        names = {s.student_id: polish.list_name(s.first_name, s.last_name)
                 for s in ds.students.itertuples()}
        for s in ds.students.drop_duplicates("student_id").itertuples():
            self._add(Person("student", str(s.student_id), names[s.student_id], "uczeń"))
        for guardian_id, rows in ds.guardians.groupby("guardian_id", sort=False):
            first = rows.iloc[0]
            relation = polish.text(first["relation"]) or "opiekun"
            children = [s for s in rows["student_id"] if only_student in (None, s)]
            listed = ", ".join(names.get(s, str(s)) for s in children)
            self._add(Person("guardian", str(guardian_id),
                             polish.full_name(first["first_name"], first["last_name"]),
                             f"{relation}: {listed}"))

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
