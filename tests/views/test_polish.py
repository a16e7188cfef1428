"""Polish formatting: dates, numbers, sizes, plural forms, names, collation; registered as
the documents' template filters."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from archiver.render.environment import environment
from archiver.views.polish import (
    counted,
    date_formal,
    date_long,
    date_pl,
    datetime_pl,
    decimal_pl,
    list_name,
    number_ranges,
    percent_pl,
    plural,
    polish_key,
    size_pl,
)


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


def test_group_numbers_are_compressed_to_ranges():
    assert number_ranges((1, 2, 3, 5, 7, 8)) == "1–3, 5, 7, 8"
    assert number_ranges((4,)) == "4"
    assert number_ranges(()) == ""


def test_long_date_of_a_letter_ends_with_r():
    assert date_formal(date(2026, 12, 4)) == "4 grudnia 2026 r."
    assert date_formal(None) == "—"


@pytest.mark.parametrize("n,word", [(0, "stron"), (1, "strona"), (2, "strony"), (4, "strony"),
                                    (5, "stron"), (11, "stron"), (12, "stron"), (14, "stron"),
                                    (21, "stron"), (22, "strony"), (25, "stron"),
                                    (102, "strony"), (112, "stron"), (1.5, "strony")])
def test_plural_forms_follow_polish_rules(n, word):
    assert plural(n, "strona", "strony", "stron") == word


def test_counted_prints_the_number_with_its_form():
    assert counted(12, "strona", "strony", "stron") == "12 stron"
    assert counted(23, "lekcja", "lekcje", "lekcji") == "23 lekcje"


@pytest.mark.parametrize("size,printed", [(0, "0 B"), (999, "999 B"), (1000, "1,0 kB"),
                                          (1_300_000, "1,3 MB"), (1_250_000, "1,3 MB"),
                                          (999_960, "1,0 MB"), (661_587, "661,6 kB"),
                                          (4_200_000_000, "4,2 GB")])
def test_sizes_use_decimal_units_and_a_comma(size, printed):
    assert size_pl(size) == printed


def test_names_on_lists_are_surname_first_and_sort_in_polish_order():
    assert list_name("Anna", "Łukasik") == "Łukasik Anna"
    assert list_name(None, "Nowak") == "Nowak"
    names = ["Żak", "Zając", "Łoś", "Lis", "Ćwik", "Cebula", "Adamek", "Ąbek"]
    assert sorted(names, key=polish_key) == ["Adamek", "Ąbek", "Cebula", "Ćwik", "Lis", "Łoś",
                                              "Zając", "Żak"]


def test_templates_get_the_polish_filters():
    template = environment().from_string(
        "{{ n|plural('strona', 'strony', 'stron') }} {{ d|date_formal }} {{ s|size_pl }}")
    assert template.render(n=3, d=date(2026, 12, 4), s=1_300_000) == \
        "strony 4 grudnia 2026 r. 1,3 MB"


def test_a_time_the_clocks_go_back_over_shows_its_offset() -> None:
    """26.10.2025: 02:30+02:00 and 02:30+01:00 are an hour apart; both printed '02:30'."""
    from datetime import UTC
    from datetime import datetime as _dt
    from datetime import timedelta as _td

    from archiver.views.polish import datetime_pl as _datetime_pl

    first = _dt(2025, 10, 26, 0, 30, tzinfo=UTC)  # 02:30 CEST
    second = first + _td(hours=1)  # 02:30 CET
    shown = {_datetime_pl(first, "Europe/Warsaw"), _datetime_pl(second, "Europe/Warsaw")}
    assert shown == {"26.10.2025 02:30 (UTC+02:00)", "26.10.2025 02:30 (UTC+01:00)"}
    assert _datetime_pl(first + _td(hours=3), "Europe/Warsaw") == "26.10.2025 04:30"
    assert _datetime_pl(_dt(2026, 3, 29, 1, 30, tzinfo=UTC), "Europe/Warsaw") == \
        "29.03.2026 03:30"  # the hour skipped in spring is never ambiguous


def test_a_moment_prints_as_strftime_writes_it_in_every_year():
    from datetime import UTC, datetime, timedelta
    from zoneinfo import ZoneInfo

    from archiver.views.polish import datetime_pl

    for naive in (datetime(1, 1, 1, 0, 0), datetime(999, 12, 31, 23, 59),
                  datetime(1000, 1, 1, 0, 0), datetime(9999, 12, 31, 23, 59, 59)):
        assert datetime_pl(naive) == naive.strftime("%d.%m.%Y %H:%M")
    warsaw = ZoneInfo("Europe/Warsaw")
    for k in range(6000):  # a school year's confirmations, across both ends of summer time
        moment = datetime(2025, 9, 1, 6, 59, tzinfo=UTC) + timedelta(minutes=97 * k)
        local = moment.astimezone(warsaw).strftime("%d.%m.%Y %H:%M")
        assert datetime_pl(moment, "Europe/Warsaw") in (local, local + " (UTC+02:00)",
                                                        local + " (UTC+01:00)")
    assert datetime_pl(datetime(2025, 10, 26, 0, 30, tzinfo=UTC), "Europe/Warsaw") \
        == "26.10.2025 02:30 (UTC+02:00)"
