"""The small demo, generated once per test session (tests only read it)."""

from __future__ import annotations

import pandas as pd
import pytest

from archiver.demo import generate


@pytest.fixture(scope="session")
def small() -> tuple[dict[str, pd.DataFrame], dict]:
    return generate("small", 2026)


@pytest.fixture(scope="session")
def tables(small) -> dict[str, pd.DataFrame]:
    return small[0]
