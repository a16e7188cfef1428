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
