"""The small demo school, loaded once, and helpers of the performance-layer tests."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# Under --import-mode=importlib no test folder is on sys.path: add ours for perf_helpers.
sys.path.insert(0, str(Path(__file__).parent))

from archiver.demo import write_demo  # noqa: E402
from archiver.load import load_dataset  # noqa: E402
from archiver.model import Dataset  # noqa: E402


@pytest.fixture(scope="session")
def small_export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_demo(tmp_path_factory.mktemp("perf-export") / "eksport.zip", "small", 2026,
                      "zip")


@pytest.fixture(scope="session")
def small(small_export: Path) -> Dataset:
    dataset, _report = load_dataset(small_export)
    return dataset
