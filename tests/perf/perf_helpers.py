"""Helpers of tests/perf: a fixed run, the small demo's documents, text of PDF pages."""

from __future__ import annotations

import subprocess
import tempfile
from datetime import UTC, datetime

from archiver.model import Dataset
from archiver.render import DocumentSpec, RunContext, plan_documents
from archiver.views import Period

CTX = RunContext("sekretariat", datetime(2026, 6, 27, 12, 0, tzinfo=UTC))


def year_specs(ds: Dataset) -> list[DocumentSpec]:
    """Every document of a year-end term-end, in printing order."""
    return plan_documents(ds, period=Period())


def register_spec(ds: Dataset) -> DocumentSpec:
    return next(s for s in year_specs(ds) if s.kind == "register")


def pdf_pages(pdf: bytes) -> list[str]:
    """The text of each page as poppler's pdftotext lays it out (an independent reader)."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-layout", handle.name, "-"],
                             check=True, capture_output=True).stdout.decode("utf-8")
    pages = out.split("\f")
    return pages[:-1] if out.endswith("\f") else pages
