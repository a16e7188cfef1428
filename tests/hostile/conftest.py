"""Hostile input, crashes, storage faults and tampering (issue 8): shared setup.

Hypothesis profiles: `ci` (the default: few examples, derandomized, so the suite stays
fast and never flakes on a new random find) and `fuzz` (thousands of random examples).
`fuzz` is chosen by HYPOTHESIS_PROFILE=fuzz or by --run-slow.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

HERE = Path(__file__).resolve().parent
_COMMON = {
    "deadline": None,  # a shared 2-core machine: time per example says nothing
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large,
                              HealthCheck.filter_too_much],
}
settings.register_profile("ci", max_examples=25, derandomize=True, database=None, **_COMMON)
settings.register_profile("fuzz", max_examples=2000, **_COMMON)


def pytest_configure(config: pytest.Config) -> None:
    chosen = os.environ.get("HYPOTHESIS_PROFILE")
    if not chosen:
        chosen = "fuzz" if config.getoption("--run-slow", default=False) else "ci"
    settings.load_profile(chosen)

