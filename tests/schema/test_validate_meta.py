"""export.json: required keys (the error names the key), format, version and terms."""

from __future__ import annotations

import pytest
from problem_checks import only_error


def _delete(export, dotted):
    node = export
    *parents, last = dotted.split(".")
    for part in parents:
        node = node[part]
    del node[last]


@pytest.mark.parametrize("key", ["format", "version", "exported_at", "school.id",
                                 "school.name", "school_year", "terms"])
def test_missing_required_key_is_named(check, export, key) -> None:
    _delete(export, key)
    problem = only_error(check(export=export), "export.required", "export", None, key)
    assert f"key {key}" in problem.message


def test_missing_term_part_names_the_dotted_key(check, export) -> None:
    del export["terms"][1]["end"]
    only_error(check(export=export), "export.required", "export", None, "terms.2.end")


@pytest.mark.parametrize("key,value,rule", [
    ("format", "dziennik-xml", "export.format"),
    ("version", 2, "export.version"),
    ("exported_at", "2026-06-27T15:30:00", "export.type"),
    ("exported_at", "27.06.2026", "export.type"),
    ("school_year", "2025", "export.school_year"),
    ("timezone", "Mars/Olympus", "export.timezone"),
])
def test_bad_value_is_named(check, export, key, value, rule) -> None:
    export[key] = value
    only_error(check(export=export), rule, "export", None, key)


def test_overlapping_terms(check, export) -> None:
    export["terms"][1]["start"] = "2026-01-20"
    only_error(check(export=export), "export.terms", "export", None, "terms.2.start")


def test_terms_out_of_order(check, export) -> None:
    export["terms"].reverse()
    errors = check(export=export).errors
    assert {p.column for p in errors} >= {"terms.2.term", "terms.2.start"}
    assert {p.rule for p in errors} == {"export.terms"}


def test_term_ending_before_it_starts(check, export) -> None:
    export["terms"][0]["end"] = "2025-08-01"
    only_error(check(export=export), "export.terms", "export", None, "terms.1.end")


def test_term_date_not_iso(check, export) -> None:
    export["terms"][0]["start"] = "1.09.2025"
    only_error(check(export=export), "export.type", "export", None, "terms.1.start")


def test_table_rules_still_run_when_metadata_is_broken(check, export, tables) -> None:
    export["version"] = 7
    tables["staff"].loc[0, "roles"] = "wozny"
    rules = {p.rule for p in check(tables, export).errors}
    assert rules == {"export.version", "enum"}
