"""Choosing a pupil or a staff member the way a secretary names them: by id, or by name
("Karkocha Juliusz", "juliusz karkocha", "Cegla Sandra"), case and diacritics ignored.

Names found here go to the terminal only (the candidates of an ambiguous name); the
caller keeps ids for everything recorded. Pure: works on a loaded Dataset.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import pandas as pd

from archiver.errors import UsageError
from archiver.i18n import _
from archiver.model import Dataset
from archiver.views.polish import date_pl, list_name, polish_key

_UNDECOMPOSED = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "đ": "d"})


def fold(text: str) -> tuple[str, ...]:
    """The words of a name, lower case, without diacritics, in sorted order."""
    plain = unicodedata.normalize("NFKD", str(text).translate(_UNDECOMPOSED))
    plain = "".join(c for c in plain if not unicodedata.combining(c)).casefold()
    return tuple(sorted(plain.replace("-", " ").split()))


@dataclass(frozen=True)
class Candidate:
    id: str
    name: str  # surname first
    detail: str  # class and birth date for a pupil, roles for staff
    order: tuple = ()  # sort key: class, then surname

    def line(self) -> str:
        return f"  {self.name}  {self.detail}  (id {self.id})"


def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def _keys(first: object, last: object, middle: object = None) -> set[tuple[str, ...]]:
    keys = {fold(f"{_text(first)} {_text(last)}")}
    if _text(middle):
        keys.add(fold(f"{_text(first)} {_text(middle)} {_text(last)}"))
    return keys


def student_candidates(ds: Dataset) -> list[Candidate]:
    """Every pupil once per class stay, sorted by class and surname."""
    classes = dict(zip(ds.classes["class_id"], ds.classes["name"], strict=True))
    found = []
    for row in ds.students.itertuples():
        born = row.birth_date
        born_text = date_pl(born) if hasattr(born, "year") else _text(born)
        name = list_name(row.first_name, row.last_name)
        klass = str(classes.get(row.class_id, "?"))
        found.append(Candidate(str(row.student_id), name,
                               _("class {name}, born {date}").format(name=klass, date=born_text),
                               (polish_key(klass), polish_key(name))))
    return sorted(found, key=lambda c: c.order)


def _choose(message: str, text: str, rows: list[tuple[str, set[tuple[str, ...]]]],
            candidates: dict[str, Candidate], option: str) -> str:
    wanted = fold(text)
    ids = list(dict.fromkeys(i for i, keys in rows if wanted in keys))
    if len(ids) == 1:
        return ids[0]
    if not ids:
        return text  # not a name either: the caller refuses it as an unknown id
    listed = "\n".join(candidates[i].line() for i in ids)
    raise UsageError(
        message.format(option=option, name=text, count=len(ids)) + "\n" + listed)


def find_student(ds: Dataset, text: str, option: str = "--student") -> str:
    """The student_id `text` is, or names; an ambiguous name is refused listing the
    candidates (class, birth date, id); an unknown one is returned as it is."""
    ids = set(ds.students["student_id"].astype(str))
    if text in ids:
        return text
    rows = [(str(r.student_id), _keys(r.first_name, r.last_name, getattr(r, "middle_name", None)))
            for r in ds.students.itertuples()]
    by_id = {c.id: c for c in student_candidates(ds)}
    return _choose(_("{option} {name!r} fits more than one pupil ({count}); give the id:"),
                   text, rows, by_id, option)


ROLE_NAMES = {"director": "dyrektor", "homeroom_teacher": "wychowawca",
              "teacher": "nauczyciel", "school_admin": "administrator dziennika",
              "secretary": "sekretariat", "pedagogue": "pedagog"}


def _roles(value: object) -> list[str]:
    return [r.strip() for r in _text(value).split(";") if r.strip()]


def staff_candidates(ds: Dataset) -> list[Candidate]:
    found = [Candidate(str(r.staff_id), list_name(r.first_name, r.last_name),
                       ", ".join(ROLE_NAMES.get(role, role) for role in _roles(r.roles)))
             for r in ds.staff.itertuples()]
    return sorted(found, key=lambda c: polish_key(c.name))


def find_staff(ds: Dataset, text: str, option: str = "--approved-by") -> str:
    """The staff_id `text` is, or names (as find_student)."""
    if text in set(ds.staff["staff_id"].astype(str)):
        return text
    rows = [(str(r.staff_id), _keys(r.first_name, r.last_name)) for r in ds.staff.itertuples()]
    by_id = {c.id: c for c in staff_candidates(ds)}
    return _choose(_("{option} {name!r} fits more than one staff member ({count}); give "
                     "the id:"), text, rows, by_id, option)


def directors(ds: Dataset) -> list[str]:
    return [str(r.staff_id) for r in ds.staff.itertuples() if "director" in _roles(r.roles)]


def the_director(ds: Dataset, given: str | None, option: str = "--approved-by") -> str:
    """`given` as find_staff, or, when not given, the export's one director."""
    if given:
        return find_staff(ds, given, option)
    found = directors(ds)
    if len(found) == 1:
        return found[0]
    by_id = {c.id: c for c in staff_candidates(ds)}
    listed = "\n".join(by_id[i].line() for i in found)
    raise UsageError(_("give {option}: the export has {count} staff members with the "
                       "director role").format(option=option, count=len(found))
                     + ("\n" + listed if listed else ""))
