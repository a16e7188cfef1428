"""The hand-made small export (tests/fixtures/school_small) as a Dataset."""

from __future__ import annotations

from pathlib import Path

import pytest

from archiver.load import load_dataset
from archiver.model import Dataset

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "school_small"


@pytest.fixture(scope="session")
def small() -> Dataset:
    dataset, _report = load_dataset(FIXTURE)
    return dataset
