"""Rendered documents of the hand-made small export, cached for the session."""

from __future__ import annotations

import pytest
from render_helpers import CTX, FIXTURE, WEEKS, spec_for

from archiver.config import Config
from archiver.load import load_dataset
from archiver.model import Dataset
from archiver.render import RenderedDocument, render_document
from archiver.views.scope import Period


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
