"""Fixtures: the minimal valid export of tests/fixtures/minimal, to break one rule at a time."""

from __future__ import annotations

import pytest
from minimal_export import minimal_export, minimal_tables


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
