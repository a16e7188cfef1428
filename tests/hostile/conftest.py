"""Hostile input, crashes, storage faults and tampering (issue 8): shared setup.

Hypothesis profiles: `ci` (the default: few examples, derandomized, so the suite stays
fast and never flakes on a new random find) and `fuzz` (thousands of random examples).
`fuzz` is chosen by HYPOTHESIS_PROFILE=fuzz or by --run-slow.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

HERE = Path(__file__).resolve().parent
# Under --import-mode=importlib pytest puts no test folder on sys.path: add the helper
# folders by hand (the minimal export, the bundle tests' ZIP surgery, ours).
for folder in (HERE, HERE.parent / "fixtures" / "minimal", HERE.parent / "bundle"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

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

