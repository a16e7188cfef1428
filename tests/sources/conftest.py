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
