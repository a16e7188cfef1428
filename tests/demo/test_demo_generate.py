"""The generated small demo: exact schema, consistent references, every required feature."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pandas as pd
import pytest

from archiver.demo import generate
from archiver.errors import UsageError
from archiver.schema.tables import BEHAVIOUR_VALUES, GRADE_KINDS, TABLES


def _d(text: str) -> date:
    return date.fromisoformat(text)


def test_every_table_of_the_format_with_exactly_its_columns(tables) -> None:
    assert list(tables) == list(TABLES)
    for name, spec in TABLES.items():
        assert tuple(tables[name].columns) == spec.column_names, name
        for column in spec.required_columns:
            assert tables[name][column].notna().all(), f"{name}.{column} has a missing value"


def test_values_are_plain_python_values(tables) -> None:
    students, lessons = tables["students"], tables["lessons"]
    assert all(type(v) is date for v in students["birth_date"])
    assert all(type(v) is int for v in students["register_number"])
    assert all(type(v) is str for v in students["student_id"])
    assert {type(v) for v in lessons["substitution"]} == {bool}
    assert students["middle_name"].isna().any()
    assert all(v is None for v in students["middle_name"] if not isinstance(v, str))
    stamp = tables["messages"]["sent_at"].iloc[0]
    assert isinstance(stamp, datetime) and stamp.utcoffset() in (timedelta(hours=1),
                                                                 timedelta(hours=2))


def test_export_json_describes_two_terms_of_2025_2026(small) -> None:
    export = small[1]
    assert export["format"] == "register-export" and export["version"] == 1
    assert export["exported_at"] == "2026-06-27T15:30:00+02:00"
    assert export["school_year"] == "2025/2026" and export["timezone"] == "Europe/Warsaw"
    terms = export["terms"]
    assert [t["term"] for t in terms] == [1, 2]
    assert _d(terms[0]["end"]) < _d(terms[1]["start"])


def test_same_seed_same_tables_other_seed_other_people() -> None:
    first, export = generate("small", 11)
    again, export_again = generate("small", 11)
    other, _ = generate("small", 12)
    assert export == export_again
    for name in first:
        pd.testing.assert_frame_equal(first[name], again[name])
    assert set(first["students"]["last_name"]) != set(other["students"]["last_name"])
    assert not first["attendance"].equals(other["attendance"])


def test_unknown_size_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="small, school, large"):
        generate("huge")


def test_names_are_polish_with_diacritics(tables) -> None:
    names = " ".join(tables["students"]["last_name"]) + " ".join(tables["guardians"]["last_name"])
    assert set(names) & set("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ")


def test_staff_roles_one_director_secretary_pedagogue_homeroom_teachers(tables) -> None:
    roles = tables["staff"]["roles"].str.split(";")
    count = {r: sum(r in rs for rs in roles) for r in
             ("director", "school_admin", "secretary", "pedagogue", "homeroom_teacher")}
    assert count["director"] == 1 and count["school_admin"] == 1 and count["pedagogue"] == 1
    homerooms = set(tables["classes"]["homeroom_teacher_id"])
    with_role = set(tables["staff"]["staff_id"][[("homeroom_teacher" in r) for r in roles]])
    assert homerooms == with_role and len(homerooms) == len(tables["classes"])


def test_both_spellings_of_class_names(tables) -> None:
    assert sorted(tables["classes"]["name"]) == ["7 b", "7a"]
    assert tables["classes"]["class_id"].str.startswith("0").all()


def _pesel_ok(pesel: str, birth: date) -> bool:
    weights = (1, 3, 7, 9, 1, 3, 7, 9, 1, 3)
    check = (10 - sum(int(d) * w for d, w in zip(pesel, weights, strict=False)) % 10) % 10
    month = int(pesel[2:4])
    year = (2000 if month > 20 else 1900) + int(pesel[:2])
    return check == int(pesel[10]) and date(year, month % 20, int(pesel[4:6])) == birth


def test_pesel_checksum_matches_birth_date_and_sex(tables) -> None:
    people = tables["students"].drop_duplicates("student_id")
    with_pesel = people[people["pesel"].notna()]
    assert len(with_pesel) < len(people), "some students should have no PESEL"
    for pesel, birth in zip(with_pesel["pesel"], with_pesel["birth_date"], strict=True):
        assert len(pesel) == 11 and pesel.isdigit() and _pesel_ok(pesel, birth)
    # Sex digit: boys in WF "chł.", girls in "dz."
    lessons, attendance = tables["lessons"], tables["attendance"]
    for group, parity in (("chł.", 1), ("dz.", 0)):
        ids = set(lessons.loc[lessons["group"] == group, "lesson_id"])
        kids = set(attendance.loc[attendance["lesson_id"].isin(ids), "student_id"])
        digits = {int(p[9]) % 2 for p in with_pesel[with_pesel["student_id"].isin(kids)]["pesel"]}
        assert digits == {parity}, group


def test_transfer_student_has_two_stays_and_attendance_only_while_enrolled(tables) -> None:
    students, lessons = tables["students"], tables["lessons"]
    stays = students[students.duplicated("student_id", keep=False)]
    assert stays["student_id"].nunique() == 1 and len(stays) == 2
    first = stays[stays["left_on"].notna()].iloc[0]
    second = stays[stays["enrolled_on"].notna()].iloc[0]
    assert first["class_id"] != second["class_id"] and first["left_on"] < second["enrolled_on"]
    rows = tables["attendance"].merge(lessons, on="lesson_id")
    mine = rows[rows["student_id"] == first["student_id"]]
    in_first = mine[mine["class_id"] == first["class_id"]]
    in_second = mine[mine["class_id"] == second["class_id"]]
    assert len(in_first) and len(in_second)
    assert in_first["date"].max() <= first["left_on"] < in_second["date"].min()
    assert in_second["date"].min() >= second["enrolled_on"]


def test_attendance_only_for_held_lessons_of_enrolled_students(tables) -> None:
    students = tables["students"]
    rows = tables["attendance"].merge(tables["lessons"], on="lesson_id")
    assert (rows["status"] == "held").all()
    rows = rows.merge(students, on=["student_id", "class_id"], how="left", indicator=True)
    assert (rows["_merge"] == "both").all()
    start = rows["enrolled_on"].where(rows["enrolled_on"].notna(), date.min)
    end = rows["left_on"].where(rows["left_on"].notna(), date.max)
    assert ((rows["date"] >= start) & (rows["date"] <= end)).all()


def test_guardian_with_two_children_has_two_rows(tables) -> None:
    guardians = tables["guardians"]
    children = guardians.groupby("guardian_id")["student_id"].nunique()
    shared = children[children >= 2].index
    assert len(shared) >= 1
    rows = guardians[guardians["guardian_id"] == shared[0]]
    assert rows[["first_name", "last_name"]].drop_duplicates().shape[0] == 1


def test_group_lessons_split_the_class(tables) -> None:
    lessons, attendance = tables["lessons"], tables["attendance"]
    assert {"gr. 1", "gr. 2", "dz.", "chł."} <= set(lessons["group"].dropna())
    held = lessons[lessons["status"] == "held"]
    day = held[held["group"] == "gr. 1"].iloc[0]
    slot = held[(held["class_id"] == day["class_id"]) & (held["date"] == day["date"])
                & (held["period"] == day["period"])]
    assert set(slot["group"]) == {"gr. 1", "gr. 2"}
    assert slot["teacher_id"].nunique() == 2
    kids = [set(attendance.loc[attendance["lesson_id"] == lid, "student_id"])
            for lid in slot["lesson_id"]]
    assert kids[0] and kids[1] and not kids[0] & kids[1]


def test_religion_and_ethics_run_side_by_side_for_different_students(tables) -> None:
    lessons, attendance = tables["lessons"], tables["attendance"]
    members = {g: set(attendance.loc[attendance["lesson_id"].isin(
        lessons.loc[lessons["group"] == g, "lesson_id"]), "student_id"]) for g in ("rel.", "et.")}
    assert members["rel."] and members["et."] and not members["rel."] & members["et."]
    assert set(lessons.loc[lessons["group"] == "et.", "subject_id"]) == {"ETY"}


def test_substitutions_are_taught_by_another_teacher(tables) -> None:
    lessons = tables["lessons"]
    subs = lessons[lessons["substitution"] == True]  # noqa: E712
    assert len(subs) >= 1 and (subs["status"] == "held").all()
    regular = lessons[lessons["substitution"] == False]  # noqa: E712
    usual = regular.groupby(["class_id", "subject_id", "group"], dropna=False)["teacher_id"]
    usual_teachers = usual.agg(set).to_dict()
    assert any(t not in usual_teachers.get((c, s, g), set()) for c, s, g, t in
               zip(subs["class_id"], subs["subject_id"], subs["group"], subs["teacher_id"],
                   strict=True))


def test_cancelled_lessons_some_with_a_lesson_held_in_their_slot(tables) -> None:
    lessons = tables["lessons"]
    cancelled = lessons[lessons["status"] == "cancelled"]
    held = lessons[lessons["status"] == "held"]
    assert len(cancelled) >= 2
    assert cancelled["topic"].isna().all() and cancelled["confirmed_at"].isna().all()
    same_slot = cancelled.merge(held, on=["class_id", "date", "period"])
    assert ((same_slot["group_x"].isna()) & (same_slot["group_y"].isna())).any()
    assert not held.duplicated(["class_id", "date", "period", "group"]).any()


def test_no_teacher_is_in_two_places_at_once(tables) -> None:
    held = tables["lessons"][tables["lessons"]["status"] == "held"]
    assert not held.duplicated(["date", "period", "teacher_id"]).any()


def test_days_off_school_wide_and_one_class_only(small, tables) -> None:
    days_off, lessons = tables["days_off"], tables["lessons"]
    school = days_off[days_off["class_id"].isna()]
    assert _d("2026-01-06") in set(school["date"])
    assert not lessons["date"].isin(set(school["date"])).any()
    trip = days_off[days_off["class_id"].notna()].iloc[0]
    on_trip_day = lessons[lessons["date"] == trip["date"]]
    assert trip["class_id"] not in set(on_trip_day["class_id"])
    assert len(on_trip_day) > 0, "the other class has lessons that day"


def test_lessons_only_in_terms_and_no_lesson_in_the_break(small, tables) -> None:
    terms = [(_d(t["start"]), _d(t["end"])) for t in small[1]["terms"]]
    days = tables["lessons"]["date"]
    assert days.map(lambda d: any(s <= d <= e for s, e in terms)).all()
    assert (days.map(date.weekday) < 5).all()


def test_topics_in_polish_with_a_few_gaps_and_unconfirmed(tables) -> None:
    held = tables["lessons"][tables["lessons"]["status"] == "held"]
    assert 1 <= held["topic"].isna().sum() <= len(held) // 50
    assert 1 <= held["confirmed_at"].isna().sum() <= len(held) // 50
    assert held["topic"].dropna().str.contains("ą|ę|ó|ł|ś|ż|ć|ń").any()


def test_attendance_types_and_realistic_rates(tables) -> None:
    types = tables["attendance_types"].set_index("symbol")
    assert set(types.index) == {"ob", "nb", "u", "sp", "zw", "ns", "wy"}
    assert types.loc["sp", "counts_as"] == "present" and types.loc["sp", "late"] is True
    assert types.loc["sp", "excused"] is False and types.loc["zw", "counts_as"] == "excluded"
    assert types.loc["u", "counts_as"] == "absent" and types.loc["u", "excused"] is True
    share = tables["attendance"]["symbol"].value_counts(normalize=True)
    assert share["ob"] > 0.8 and {"nb", "u", "sp"} <= set(share.index)


def test_absences_cluster_into_sick_days(tables) -> None:
    rows = tables["attendance"].merge(tables["lessons"], on="lesson_id")
    per_day = rows.groupby(["student_id", "date"])["symbol"].agg(lambda s: (s == "u").mean())
    assert (per_day == 1.0).sum() >= 3, "whole days of excused absence"


def test_every_grade_kind_category_and_symbol(tables) -> None:
    grades = tables["grades"]
    assert set(grades["kind"]) == set(GRADE_KINDS)
    partial = grades[grades["kind"] == "partial"]
    assert {"sprawdzian", "kartkówka", "odpowiedź ustna", "praca domowa",
            "aktywność"} <= set(partial["category"])
    assert set(partial["weight"]) <= {1.0, 2.0, 3.0} and len(set(partial["weight"])) == 3
    values = set(partial["value"])
    assert {"np", "+"} <= values and any(v.endswith("+") and v[0].isdigit() for v in values)
    assert any(v.endswith("-") and v[0].isdigit() for v in values)
    final = grades[grades["kind"].isin(["midterm", "final"])]
    assert set(final["value"]) <= {"1", "2", "3", "4", "5", "6"}
    assert set(final["term"]) == {1, 2}


def test_behaviour_per_term_and_year_proposed_and_final(tables) -> None:
    behaviour = tables["behaviour"]
    assert set(zip(behaviour["term"], behaviour["kind"], strict=True)) == {
        ("1", "proposed"), ("1", "final"), ("year", "proposed"), ("year", "final")}
    assert set(behaviour["value"]) <= set(BEHAVIOUR_VALUES)
    assert not behaviour.duplicated(["student_id", "term", "kind"]).any()


def test_notes_of_every_kind(tables) -> None:
    assert set(tables["notes"]["kind"]) == {"positive", "negative", "neutral"}
