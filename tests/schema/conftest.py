"""Fixtures: the minimal valid export of tests/fixtures/minimal, to break one rule at a time."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures" / "minimal"))

from minimal_export import minimal_export, minimal_tables  # noqa: E402


@pytest.fixture
def tables():
    """Fresh frames of the minimal valid export."""
    return minimal_tables()


@pytest.fixture
def export():
    """export.json of the minimal valid export."""
    return minimal_export()


@pytest.fixture
def check(tmp_path):
    """Write tables/export as a folder export, read and validate it; return the report."""
    from minimal_export import write_minimal

    from archiver.load import read_and_validate

    counter = iter(range(1000))

    def run(tables=None, export=None):
        path = write_minimal(tmp_path, "folder", tables, export, name=f"e{next(counter)}")
        dataset, report = read_and_validate(path)
        assert (dataset is None) == bool(report.errors)
        return report

    return run


def find(problems, rule):
    """The problems of one rule."""
    return [p for p in problems if p.rule == rule]


def only_error(report, rule, table, row, column):
    """Assert the report's errors are exactly one problem of `rule` at table/row/column."""
    assert [(p.rule, p.table, p.row, p.column) for p in report.errors] == [
        (rule, table, row, column)], [p.message for p in report.errors]
    problem = report.errors[0]
    assert problem.message.startswith(f"{table} row {row}" if row else table)
    if column:
        label = "key" if table == "export" else "column"
        assert f"{label} {column}" in problem.message
    return problem
