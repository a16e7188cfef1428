"""Students (with PESEL), their stays in classes, guardians and group membership."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from archiver.demo.enrolment import plan_moves
from archiver.demo.names import family_name, make_pesel, polish_sort_key, surname_for
from archiver.demo.state import Draft

TOWN = "Lipowo"
POSTCODE = "00-950"
FOREIGN_BIRTHPLACES = ("Lwów, Ukraina", "Charków, Ukraina", "Grodno, Białoruś",
                       "Dublin, Irlandia", "Berlin, Niemcy")
# Share of students without a PESEL (children from abroad waiting for one).
NO_PESEL = 0.04


def _birth_date(draft: Draft, grade: int) -> date:
    # Grade 1 in September 2025 is the year born in 2018; a few started a year late.
    year = 2019 - grade - (1 if draft.rng.random() < 0.03 else 0)
    return date(year, 1, 1) + timedelta(days=int(draft.rng.integers(0, 365)))


def _address(draft: Draft) -> str:
    street = draft.fake.street_address()
    if draft.rng.random() < 0.8:
        return f"{street}, {POSTCODE} {TOWN}"
    return f"{street}, {draft.fake.postcode()} {draft.fake.city()}"


def _student(draft: Draft, class_id: str, grade: int, number: int) -> dict:
    female = bool(draft.rng.random() < 0.5)
    fake = draft.fake
    family = family_name(fake)
    birth = _birth_date(draft, grade)
    has_pesel = draft.rng.random() >= NO_PESEL
    first = fake.first_name_female() if female else fake.first_name_male()
    middle = None
    if draft.rng.random() < 0.35:
        middle = fake.first_name_female() if female else fake.first_name_male()
    return {
        "student_id": f"{number:06d}", "class_id": class_id, "grade": grade, "female": female,
        "family": family, "first_name": first, "last_name": surname_for(family, female),
        "middle_name": middle if middle != first else None, "birth_date": birth,
        "birth_place": fake.city() if has_pesel else draft.rnd.choice(FOREIGN_BIRTHPLACES),
        "has_pesel": has_pesel, "address": _address(draft),
    }


def _class_sizes(draft: Draft) -> list[int]:
    spread = draft.profile.class_size_spread
    base = draft.profile.students_per_class
    return [base + int(draft.rng.integers(-spread, spread + 1)) for _ in draft.profile.classes]


def _make_siblings(draft: Draft, people: pd.DataFrame) -> pd.DataFrame:
    """Give about one student in eight a brother or sister in another class: same family
    name, address and guardians; in the same grade they are twins."""
    n_pairs = max(1, len(people) // 16)
    order = draft.rng.permutation(len(people))
    used, pairs = set(), []
    for i in order:
        if len(pairs) == n_pairs:
            break
        for j in order:
            if i != j and i not in used and j not in used \
                    and people.at[i, "class_id"] != people.at[j, "class_id"]:
                pairs.append((int(i), int(j)))
                used.update((i, j))
                break
    people["family_of"] = people.index
    for older, younger in pairs:
        people.at[younger, "family"] = people.at[older, "family"]
        people.at[younger, "last_name"] = surname_for(people.at[older, "family"],
                                                      bool(people.at[younger, "female"]))
        people.at[younger, "address"] = people.at[older, "address"]
        people.at[younger, "family_of"] = older
        if people.at[younger, "grade"] == people.at[older, "grade"]:
            people.at[younger, "birth_date"] = people.at[older, "birth_date"]
    return people


def build_people(draft: Draft) -> pd.DataFrame:
    """One row per student (first class only), with sex, family and ability."""
    rows, number = [], 100
    classes = draft.tables["classes"]
    for (cls, grade), size in zip(zip(classes["class_id"], classes["grade"], strict=True),
                                  _class_sizes(draft), strict=True):
        for _ in range(size):
            number += int(draft.rng.integers(1, 4))  # ids with gaps, as after deletions
            rows.append(_student(draft, cls, int(grade), number))
    people = _make_siblings(draft, pd.DataFrame(rows))
    people["pesel"] = [
        make_pesel(b, f, int(draft.rng.integers(0, 1000))) if p else None
        for b, f, p in zip(people["birth_date"], people["female"], people["has_pesel"],
                           strict=True)]
    n = len(people)
    people["ability"] = np.clip(draft.rng.normal(3.9, 0.85, n), 1.6, 5.9)
    # Most children miss a few per cent of lessons, a few miss many more.
    people["absence_rate"] = np.clip(draft.rng.beta(1.8, 24.0, n), 0.0, 0.35)
    return people


def register_numbers(stays: pd.DataFrame) -> pd.Series:
    """Numbers on each class list: alphabetical for those there from the start, then the
    students who arrived later in order of arrival (as registers number them)."""
    numbers = pd.Series(0, index=stays.index)
    for _cls, rows in stays.groupby("class_id"):
        first_day = rows["start"].min()
        initial = rows[rows["start"] == first_day]
        later = rows[rows["start"] > first_day].sort_values(["start", "student_id"])
        ordered = sorted(initial.index, key=lambda i: (polish_sort_key(stays.at[i, "last_name"]),
                                                       polish_sort_key(stays.at[i, "first_name"])))
        for n, idx in enumerate([*ordered, *later.index], start=1):
            numbers[idx] = n
    return numbers


def build_students(draft: Draft) -> None:
    """Tables students (one row per stay) and the helpers people and stays."""
    people = build_people(draft)
    stays = plan_moves(draft, people)
    stays["register_number"] = register_numbers(stays)
    year_start, year_end = draft.profile.year_start, draft.profile.year_end
    students = stays[["student_id", "class_id", "register_number", "first_name", "last_name",
                      "middle_name", "birth_date", "birth_place", "pesel", "address"]].copy()
    students["enrolled_on"] = stays["start"].where(stays["start"] > year_start, None)
    students["left_on"] = stays["end"].where(stays["end"] < year_end, None)
    order = stays.sort_values(["class_id", "register_number"]).index
    draft.tables["students"] = students.loc[order].reset_index(drop=True)
    draft.helpers["people"] = people
    draft.helpers["stays"] = stays.loc[order, ["class_id", "student_id", "start", "end",
                                               "female"]].reset_index(drop=True)
