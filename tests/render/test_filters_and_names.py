"""Polish formatting of dates and numbers; file names that hold no personal data."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from render_helpers import spec_for

from archiver.errors import UsageError
from archiver.render.context import run_time
from archiver.render.documents import document_file_name
from archiver.render.environment import date_long, date_pl, datetime_pl, decimal_pl, percent_pl
from archiver.render.naming import safe_part


def test_polish_dates():
    assert date_long(date(2026, 6, 27)) == "27 czerwca 2026"
    assert date_long(date(2025, 9, 1)) == "1 września 2025"
    assert date_pl(date(2026, 6, 27)) == "27.06.2026"
    summer = datetime(2026, 6, 27, 13, 30, tzinfo=UTC)
    assert datetime_pl(summer, "Europe/Warsaw") == "27.06.2026 15:30"
    winter = datetime(2026, 1, 10, 13, 30, tzinfo=UTC)
    assert datetime_pl(winter, "Europe/Warsaw") == "10.01.2026 14:30"


def test_percentages_and_averages_use_a_decimal_comma_rounding_half_up():
    assert percent_pl(87.5) == "87,5%"
    assert percent_pl(20 / 24 * 100) == "83,3%"
    assert percent_pl(100.0) == "100,0%"
    assert percent_pl(None) == "—"
    assert decimal_pl(4.3125) == "4,31"
    assert decimal_pl(2.675) == "2,68"


def test_source_date_epoch_sets_the_run_time():
    assert run_time({"SOURCE_DATE_EPOCH": "1782561600"}) == datetime(2026, 6, 27, 12, 0,
                                                                        tzinfo=UTC)
    with pytest.raises(UsageError):
        run_time({"SOURCE_DATE_EPOCH": "yesterday"})


@pytest.mark.parametrize("hostile", ["../..", "..\\..\\x", "a/b", "x\x00y", "/etc/passwd",
                                     "C:\\Windows", "   "])
def test_unsafe_class_names_cannot_leave_the_folder(hostile):
    part = safe_part(hostile, "oddzial")
    assert part and all(c.isalnum() or c == "-" for c in part)
    assert ".." not in part


@pytest.mark.parametrize("device", ["CON", "nul", "Com1", "LPT9", "aux"])
def test_device_names_are_never_a_whole_name(device):
    assert safe_part(device, "oddzial").lower() != device.lower()


def test_polish_class_names_are_transliterated():
    assert safe_part("8 b", "x") == "8-b"
    assert safe_part("Łączona ż", "x") == "Laczona-z"


def test_file_names_carry_class_kind_period_and_student_id_never_a_name(small):
    assert document_file_name(small, spec_for(small, "register", "C7A")) == \
        "7a_dziennik_2025-09-22_2025-10-03.pdf"
    student = document_file_name(small, spec_for(small, "attendance", "C7A", "S1"))
    assert student == "7a_uczen-S1_frekwencja_2025-09-22_2025-10-03.pdf"
    assert document_file_name(small, spec_for(small, "messages", None)) == \
        "szkola_wiadomosci_2025-09-22_2025-10-03.pdf"
    from archiver.views import Period
    year = spec_for(small, "messages", None, "S1", Period())
    assert document_file_name(small, year) == "uczen-S1_wiadomosci_2025-2026.pdf"
    term = spec_for(small, "register", "C7B", None, Period(term=1))
    assert document_file_name(small, term) == "7b_dziennik_sem1_2025-2026.pdf"


def test_group_numbers_are_compressed_to_ranges():
    from archiver.render.environment import number_ranges

    assert number_ranges((1, 2, 3, 5, 7, 8)) == "1–3, 5, 7, 8"
    assert number_ranges((4,)) == "4"
    assert number_ranges(()) == ""
