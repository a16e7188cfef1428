"""Fixtures of the secretariat's path: the small demo export."""

from __future__ import annotations

from pathlib import Path

import pytest

from archiver.demo import write_demo


@pytest.fixture(scope="session")
def demo_export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_demo(tmp_path_factory.mktemp("export") / "eksport.zip", "small", 2026, "zip")
