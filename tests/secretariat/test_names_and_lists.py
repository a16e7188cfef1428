"""--student and --approved-by by name (reordered, any case, without diacritics), an
ambiguous name refused listing the candidates, `archiver list` on every container."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from minimal_export import minimal_tables, write_minimal

from archiver.cli import main_group
from archiver.errors import ExitCode, UsageError
from archiver.load import load_dataset
from archiver.people import find_staff, find_student, the_director


def _with_namesake(tmp_path: Path) -> Path:
    tables = minimal_tables()
    namesake = tables["students"].iloc[[3]].copy()
    namesake["student_id"] = "st9"
    namesake["first_name"] = "Ola"
    namesake["last_name"] = "Adamska"
    namesake["register_number"] = 3
    namesake["pesel"] = None
    namesake["birth_date"] = date(2011, 3, 8)
    tables["students"] = pd.concat([tables["students"], namesake], ignore_index=True)
    return write_minimal(tmp_path, "folder", tables)


@pytest.fixture(scope="module")
def ds(tmp_path_factory):
    return load_dataset(write_minimal(tmp_path_factory.mktemp("min"), "zip"))[0]


@pytest.mark.parametrize("typed", ["Adamska Ola", "Ola Adamska", "ADAMSKA ola", "  ola   adamska"])
def test_a_pupil_is_found_by_name_in_any_order_and_case(ds, typed) -> None:
    assert find_student(ds, typed) == "st1"


@pytest.mark.parametrize("typed", ["Bąk Piotr", "Bak Piotr", "piotr bak", "Piotr Jan Bąk"])
def test_without_diacritics_and_with_a_middle_name(ds, typed) -> None:
    assert find_student(ds, typed) == "st2"  # moved between classes: one pupil, two rows


def test_an_id_is_taken_as_it_is_and_an_unknown_text_is_left_for_the_caller(ds) -> None:
    assert find_student(ds, "st3") == "st3"
    assert find_student(ds, "Nikt Taki") == "Nikt Taki"  # refused later as an unknown id


def test_staff_by_name_and_the_one_director_by_default(ds) -> None:
    assert find_staff(ds, "wisniewska ewa") == "s1"
    assert the_director(ds, "") == "d1"
    assert the_director(ds, "Jan Kowalski") == "d1"


def test_an_ambiguous_name_is_refused_listing_class_and_birth_date(tmp_path) -> None:
    ds = load_dataset(_with_namesake(tmp_path))[0]
    with pytest.raises(UsageError) as refused:
        find_student(ds, "ola adamska")
    message = str(refused.value)
    assert "fits more than one pupil (2); give the id" in message
    assert "Adamska Ola  class 7a, born 14.05.2012  (id st1)" in message
    assert "Adamska Ola  class 8 b, born 08.03.2011  (id st9)" in message


def test_disclose_refuses_an_ambiguous_name_with_exit_2_before_any_work(tmp_path) -> None:
    source = _with_namesake(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    result = CliRunner().invoke(main_group, [
        "disclose", str(source), "--student", "Adamska Ola", "--recipient", "Sąd",
        "--legal-basis", "art. 1", "--case-ref", "I 1/26", "--out", str(out),
        "--state-dir", str(tmp_path / "st")], env={"ARCHIVER_LANG": "pl"})
    assert result.exit_code == ExitCode.USAGE, result.output
    assert "pasuje do więcej niż jednego ucznia (2); podaj identyfikator" in result.output
    assert "(id st9)" in result.output and list(out.iterdir()) == []


@pytest.mark.parametrize("fmt", ["folder", "zip", "xlsx", "sqlite"])
def test_list_works_on_every_container(tmp_path, fmt) -> None:
    source = write_minimal(tmp_path, fmt)

    def listing(*args: str) -> str:
        result = CliRunner().invoke(main_group, ["list", str(source), *args])
        assert result.exit_code == 0, result.output
        return result.output

    assert listing("classes").splitlines() == [
        "7a  (pupils: 2; wychowawca: Nowak Anna)  (id 0101)",
        "8 b  (pupils: 2; wychowawca: Kowalski Jan)  (id c2)"]
    students = listing("students")
    assert "Adamska Ola  class 7a, born 14.05.2012  (id st1)" in students
    assert "Bąk Piotr  class 8 b, born 03.01.2012  (id st2)" in students
    assert listing("students", "--class", "8b").splitlines() == [
        "Bąk Piotr  class 8 b, born 03.01.2012  (id st2)",
        "Cicha Zofia  class 8 b, born 30.07.2011  (id st3)"]
    assert "Kowalski Jan  nauczyciel, dyrektor  (id d1)" in listing("staff")


@pytest.mark.parametrize("typed", ["2025-09-02", "02.09.2025"])
def test_dates_are_accepted_in_both_ways_a_secretary_writes_them(typed) -> None:
    from archiver.cli.output import DATE

    assert DATE.convert(typed, None, None) == date(2025, 9, 2)


def test_a_date_that_is_neither_is_refused_showing_both_forms(tmp_path) -> None:
    source = write_minimal(tmp_path, "zip")
    result = CliRunner().invoke(main_group, ["render", str(source), "--out", str(tmp_path / "o"),
                                             "--from", "2025/09/02"], env={"ARCHIVER_LANG": "pl"})
    assert result.exit_code == ExitCode.USAGE
    assert "to nie data: wpisz ją jako 2026-01-12 lub 12.01.2026" in result.output
