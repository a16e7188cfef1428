"""Classes, teachers and who teaches what: the classes and staff tables."""

from __future__ import annotations

import math
from collections import defaultdict

import pandas as pd

from archiver.demo import curriculum as cur
from archiver.demo.names import ascii_slug, family_name, surname_for
from archiver.demo.state import Draft

STAFF_DOMAIN = "szkola.example"
# Share of women among teachers (about four in five in Polish primary schools).
FEMALE_TEACHERS = 0.8


def class_id(grade: int, index: int) -> str:
    """Opaque class identifier with a leading zero (`0701`), as some registers write them."""
    return f"{grade:02d}{index:02d}"


def build_classes(draft: Draft) -> pd.DataFrame:
    """The classes of the profile, before homeroom teachers are chosen."""
    per_grade: dict[int, int] = defaultdict(int)
    rows = []
    for name, grade in draft.profile.classes:
        per_grade[grade] += 1
        rows.append({"class_id": class_id(grade, per_grade[grade]), "name": name,
                     "grade": grade, "homeroom_teacher_id": None})
    return pd.DataFrame(rows)


def ethics_classes(classes: pd.DataFrame) -> set[str]:
    """Classes where some students take ethics instead of religion: one in every eight."""
    older = classes[classes["grade"] >= cur.SPLIT_FROM_GRADE]["class_id"].tolist()
    return set(older[1::8]) if len(older) > 1 else set(older)


def teaching_units(classes: pd.DataFrame) -> list[tuple[str, str, str, int]]:
    """(class_id, subject_id, group, weekly hours) for every class; GW is taught by the
    homeroom teacher and EW by the early-years homeroom teacher."""
    with_ethics = ethics_classes(classes)
    units = []
    for cls, grade in zip(classes["class_id"], classes["grade"], strict=True):
        for subject, hours in cur.WEEKLY_HOURS[grade].items():
            if cur.is_split(subject, grade):
                units += [(cls, subject, group, hours) for group in cur.GROUP_SPLITS[subject]]
            elif subject == "REL" and cls in with_ethics:
                units += [(cls, "REL", cur.RELIGION_GROUP, hours),
                          (cls, "ETY", cur.ETHICS_GROUP, hours)]
            else:
                units.append((cls, subject, "", hours))
    return units


def _teacher_counts(units: list[tuple[str, str, str, int]]) -> dict[str, int]:
    load: dict[str, int] = defaultdict(int)
    for _cls, subject, _group, hours in units:
        if subject != "GW":
            load[cur.SPECIALISATION_OF[subject]] += hours
    counts = {spec: max(1, math.ceil(h / cur.MAX_WEEKLY_HOURS)) for spec, h in load.items()}
    # Two groups taught at the same time need two teachers; WF groups need a woman and a man.
    for spec in ("anglista", "informatyk", "wuefista"):
        grouped = any(g for _c, s, g, _h in units if cur.SPECIALISATION_OF.get(s) == spec)
        if spec in counts and grouped:
            counts[spec] = max(2, counts[spec])
    n_early = len({c for c, s, _g, _h in units if s == "EW"})
    if n_early:
        counts["wczesnoszkolna"] = n_early
    return counts


def _person(draft: Draft, female: bool) -> tuple[str, str]:
    first = draft.fake.first_name_female() if female else draft.fake.first_name_male()
    return first, surname_for(family_name(draft.fake), female)


def build_teachers(draft: Draft, units: list[tuple[str, str, str, int]]) -> pd.DataFrame:
    """Teachers by specialisation, enough for every class's hours; WF has both sexes."""
    rows = []
    for spec, count in sorted(_teacher_counts(units).items()):
        for i in range(count):
            if spec == "wuefista":
                female = i % 2 == 0
            elif spec == "katecheta" and i == 0:
                female = False
            else:
                female = draft.rng.random() < FEMALE_TEACHERS
            rows.append({"female": female, "specialisation": spec})
    return pd.DataFrame(rows)


def assign_teachers(
    units: list[tuple[str, str, str, int]], teachers: pd.DataFrame
) -> list[tuple[str, str, str, str, int]]:
    """(class_id, subject_id, group, teacher_id, hours): the least-loaded teacher of the
    specialisation, a woman for `dz.` and a man for `chł.`, two groups never one teacher."""
    load: dict[str, int] = defaultdict(int)
    by_spec: dict[str, list[tuple[str, bool]]] = defaultdict(list)
    for tid, spec, female in zip(teachers["staff_id"], teachers["specialisation"],
                                 teachers["female"], strict=True):
        by_spec[spec].append((tid, bool(female)))
    taken: dict[tuple[str, str], set[str]] = defaultdict(set)
    out = []
    for cls, subject, group, hours in units:
        if subject == "GW":
            out.append((cls, subject, group, "", hours))  # the homeroom teacher, chosen later
            continue
        options = [t for t, female in by_spec[cur.SPECIALISATION_OF[subject]]
                   if t not in taken[(cls, subject)]
                   and not (group == "dz." and not female) and not (group == "chł." and female)]
        if not options:  # a single teacher of the subject: she teaches both groups
            options = [t for t, _f in by_spec[cur.SPECIALISATION_OF[subject]]]
        teacher = min(options, key=lambda t: (load[t], t))
        load[teacher] += hours
        taken[(cls, subject)].add(teacher)
        out.append((cls, subject, group, teacher, hours))
    return out


def choose_homerooms(classes: pd.DataFrame, teaching: pd.DataFrame) -> pd.DataFrame:
    """One homeroom teacher per class: the EW teacher in grades 1-3, else a teacher of the
    class with the most hours there who has no class yet (never the catechist)."""
    homeroom: dict[str, str] = {}
    used: set[str] = set()
    for cls in classes["class_id"]:
        mine = teaching[(teaching["class_id"] == cls) & (teaching["subject_id"] != "REL")
                        & (teaching["teacher_id"] != "")]
        hours = mine.groupby("teacher_id")["hours"].sum().sort_values(ascending=False)
        free = [t for t in hours.index if t not in used]
        pick = free[0] if free else hours.index[0]
        homeroom[cls] = pick
        used.add(pick)
    classes = classes.copy()
    classes["homeroom_teacher_id"] = classes["class_id"].map(homeroom)
    return classes


def staff_table(draft: Draft, teachers: pd.DataFrame, homerooms: set[str]) -> pd.DataFrame:
    """The staff table: director, secretary (also the register's school admin), pedagogue,
    then the teachers, homeroom teachers with both roles."""
    rows = []
    for sid, roles in (("N001", "director"), ("N002", "secretary;school_admin"),
                       ("N003", "pedagogue")):
        first, last = _person(draft, draft.rng.random() < FEMALE_TEACHERS)
        rows.append((sid, first, last, roles))
    for sid, female in zip(teachers["staff_id"], teachers["female"], strict=True):
        first, last = _person(draft, bool(female))
        rows.append((sid, first, last,
                     "teacher;homeroom_teacher" if sid in homerooms else "teacher"))
    staff = pd.DataFrame(rows, columns=["staff_id", "first_name", "last_name", "roles"])
    staff["email"] = [f"{ascii_slug(f)}.{ascii_slug(ln)}@{STAFF_DOMAIN}"
                      for f, ln in zip(staff["first_name"], staff["last_name"], strict=True)]
    return staff


def build_school(draft: Draft) -> None:
    """Classes, staff and teaching assignments (helpers `teachers`, `teaching`)."""
    classes = build_classes(draft)
    units = teaching_units(classes)
    teachers = build_teachers(draft, units)
    teachers.insert(0, "staff_id", [f"N{i:03d}" for i in range(4, 4 + len(teachers))])
    teaching = pd.DataFrame(assign_teachers(units, teachers),
                            columns=["class_id", "subject_id", "group", "teacher_id", "hours"])
    classes = choose_homerooms(classes, teaching)
    gw = teaching["subject_id"] == "GW"
    teaching.loc[gw, "teacher_id"] = teaching.loc[gw, "class_id"].map(
        dict(zip(classes["class_id"], classes["homeroom_teacher_id"], strict=True)))
    draft.tables["classes"] = classes
    draft.tables["staff"] = staff_table(draft, teachers,
                                        set(classes["homeroom_teacher_id"]))
    draft.helpers["teachers"] = teachers
    draft.helpers["teaching"] = teaching
