"""The small demo school, loaded once, and helpers of the performance-layer tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from archiver.demo import write_demo
from archiver.load import load_dataset
from archiver.model import Dataset


@pytest.fixture(scope="session")
def small_export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_demo(tmp_path_factory.mktemp("perf-export") / "eksport.zip", "small", 2026,
                      "zip")


@pytest.fixture(scope="session")
def small(small_export: Path) -> Dataset:
    dataset, _report = load_dataset(small_export)
    return dataset
