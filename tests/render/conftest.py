"""Rendered documents of the hand-made small export, cached for the session."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# Under --import-mode=importlib pytest puts no test folder on sys.path: add ours, so the
# tests can import render_helpers.
sys.path.insert(0, str(Path(__file__).parent))

from render_helpers import CTX, FIXTURE, WEEKS, spec_for  # noqa: E402

from archiver.config import Config  # noqa: E402
from archiver.load import load_dataset  # noqa: E402
from archiver.model import Dataset  # noqa: E402
from archiver.render import RenderedDocument, render_document  # noqa: E402
from archiver.views.scope import Period  # noqa: E402


@pytest.fixture(scope="session")
def small() -> Dataset:
    dataset, _report = load_dataset(FIXTURE)
    return dataset


@pytest.fixture(scope="session")
def rendered(small):
    """render(kind, class_id, student_id=None, config=None) -> RenderedDocument, cached."""
    cache: dict[tuple, RenderedDocument] = {}

    def render(kind: str, class_id: str | None, student_id: str | None = None,
               config: Config | None = None, period: Period = WEEKS) -> RenderedDocument:
        key = (kind, class_id, student_id, config and config.fingerprint(), period)
        if key not in cache:
            cache[key] = render_document(spec_for(small, kind, class_id, student_id, period),
                                         small, config or Config(), CTX)
        return cache[key]

    return render
