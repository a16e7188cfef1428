"""Helpers of the render tests: the fixture's period, a fixed run, text extraction."""

from __future__ import annotations

import subprocess
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

from archiver.model import Dataset
from archiver.render import DocumentSpec, RunContext
from archiver.views import make_scope
from archiver.views.scope import Period

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "school_small"
WEEKS = Period(date(2025, 9, 22), date(2025, 10, 3))  # the fixture's two school weeks
CTX = RunContext("sekretariat", datetime(2026, 6, 27, 12, 0, tzinfo=UTC))


def spec_for(ds: Dataset, kind: str, class_id: str | None, student_id: str | None = None,
             period: Period = WEEKS) -> DocumentSpec:
    s = make_scope(ds.meta, class_id, period, student_id)
    return DocumentSpec(kind, class_id, student_id, s.date_from, s.date_to, s.term, s.whole_year)


def pdf_pages(pdf: bytes, layout: bool = True) -> list[str]:
    """The text of each page, extracted by poppler's pdftotext (an independent reader)."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        args = ["pdftotext", "-enc", "UTF-8", *(["-layout"] if layout else []), handle.name, "-"]
        out = subprocess.run(args, check=True, capture_output=True).stdout.decode("utf-8")
    return out.split("\f")[:-1] if out.endswith("\f") else out.split("\f")


def pdf_text(pdf: bytes, *options: str) -> str:
    """The whole text pdftotext reads with `options` (e.g. "-layout", "-raw")."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        return subprocess.run(["pdftotext", *options, file.name, "-"], capture_output=True,
                              check=True, text=True).stdout


def pdf_words(pdf: bytes) -> list[tuple[str, float, float]]:
    """Every word the PDF prints with its box's left and top (pt), as pdftotext -bbox
    reads them, in reading order."""
    import re

    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        out = subprocess.run(["pdftotext", "-bbox", file.name, "-"], capture_output=True,
                             check=True, text=True).stdout
    return [(w, float(x), float(y)) for x, y, w in re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)</word>', out)]
