"""The run time from SOURCE_DATE_EPOCH; file names that hold no personal data (Polish
formatting: tests/views/test_polish.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from render_helpers import spec_for

from archiver.errors import UsageError
from archiver.render.context import run_time
from archiver.render.documents import document_file_name, student_file_part
from archiver.render.naming import safe_part


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


def test_file_names_carry_class_kind_period_and_student_hash_never_a_name(small):
    """A student only by a short keyed hash of the id (issue 13: an id may be a PESEL)."""
    assert document_file_name(small, spec_for(small, "register", "C7A")) == \
        "7a_dziennik_2025-09-22_2025-10-03.pdf"
    s1 = student_file_part(small, "S1")
    assert s1.startswith("uczen-") and len(s1) == len("uczen-") + 10 and "S1" not in s1
    assert s1 != student_file_part(small, "S2")
    student = document_file_name(small, spec_for(small, "attendance", "C7A", "S1"))
    assert student == f"7a_{s1}_frekwencja_2025-09-22_2025-10-03.pdf"
    assert document_file_name(small, spec_for(small, "messages", None)) == \
        "szkola_wiadomosci_2025-09-22_2025-10-03.pdf"
    from archiver.views import Period
    year = spec_for(small, "messages", None, "S1", Period())
    assert document_file_name(small, year) == f"{s1}_wiadomosci_2025-2026.pdf"
    term = spec_for(small, "register", "C7B", None, Period(term=1))
    assert document_file_name(small, term) == "7b_dziennik_sem1_2025-2026.pdf"
