"""Shared test options and fixtures."""

from __future__ import annotations

import os

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--run-slow", action="store_true",
                     help="run long tests (fuzzing, large demos)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--run-slow"):
        return
    skip = pytest.mark.skip(reason="long run: use --run-slow (make test-slow)")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


def pytest_configure(config: pytest.Config) -> None:
    # Before any fixture, module- and session-scoped ones too (see _messages_in_english).
    os.environ["ARCHIVER_LANG"] = "en"


@pytest.fixture(autouse=True)
def _messages_in_english(monkeypatch: pytest.MonkeyPatch) -> None:
    """The suite asserts the CLI's English texts; the Polish ones (the default for users:
    LANG=C or unset) are tested in tests/i18n, which set ARCHIVER_LANG themselves."""
    monkeypatch.setenv("ARCHIVER_LANG", "en")
