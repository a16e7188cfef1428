"""The register of disclosures as HTML (template `report_templates/disclosures.html`) and PDF.

`render_disclosures_pdf` is the one place where the HTML meets the project's PDF/A
renderer (`archiver.render`); see its docstring.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import jinja2

from archiver.audit.disclosures import DisclosureRow
from archiver.errors import UsageError

TEMPLATE_NAME = "disclosures.html"
TEMPLATE_DIR = Path(__file__).resolve().parents[2] / "report_templates"


def disclosures_html(
    rows: Sequence[DisclosureRow],
    *,
    school_name: str,
    year: str | None,
    printed_at: datetime,
    operator: str,
) -> str:
    """The register as one self-contained HTML page (autoescaped: values printed literally)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    return env.get_template(TEMPLATE_NAME).render(
        rows=rows,
        school_name=school_name,
        year=year,
        printed_at=printed_at.strftime("%d.%m.%Y %H:%M"),
        operator=operator,
    )


def render_disclosures_pdf(
    rows: Sequence[DisclosureRow],
    *,
    school_name: str,
    year: str | None,
    printed_at: datetime,
    operator: str,
) -> bytes:
    """The register as PDF/A bytes.

    Connects `disclosures_html` to the PDF/A renderer of `archiver.render` once that layer
    offers an HTML-string-to-PDF/A function; until then a clear UsageError.
    """
    html = disclosures_html(
        rows, school_name=school_name, year=year, printed_at=printed_at, operator=operator
    )
    try:
        from archiver.render import html_to_pdfa  # type: ignore[attr-defined]
    except ImportError:
        raise UsageError(
            "the register of disclosures cannot be written as PDF yet",
            hint="use --out FILE.csv",
        ) from None
    return html_to_pdfa(html)
