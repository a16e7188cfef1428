"""The register of disclosures as a printed document: HTML from `disclosures.html`, then PDF/A.

Uses the project's document layer (`archiver.render`): its Jinja2 environment, the
shared page layout of `base.html` (school, title, period, who printed it and when,
"strona X z Y") and its PDF/A writer. Printed time: SOURCE_DATE_EPOCH when set.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from archiver.audit.disclosures import LOCAL_ZONE, DisclosureRow, school_year_bounds
from archiver.render import RunContext, html_to_pdfa, render_html

TEMPLATE_NAME = "disclosures.html"
TITLE = "Rejestr udostępnień danych osobowych"


def _local(moment: datetime) -> str:
    return moment.astimezone(LOCAL_ZONE).strftime("%d.%m.%Y %H:%M")


def _period(year: str | None) -> str:
    if not year:
        return "wszystkie udostępnienia zapisane w dzienniku zdarzeń"
    first, last = school_year_bounds(year)
    return f"rok szkolny {year} ({first:%d.%m.%Y}–{last:%d.%m.%Y})"


def disclosures_html(
    rows: Sequence[DisclosureRow],
    *,
    school_name: str,
    year: str | None,
    run_ctx: RunContext,
    data_as_of: datetime | None = None,
    with_names: bool = False,
) -> str:
    """The register as one HTML page in the layout of every archiver printout."""
    header = {
        "school": school_name,
        "title": TITLE,
        "period": _period(year),
        "data_as_of": _local(data_as_of or run_ctx.printed_at),
        "printed_at": _local(run_ctx.printed_at),
        "operator": run_ctx.operator,
        "software_version": run_ctx.software_version,
    }
    return render_html(TEMPLATE_NAME, header=header, rows=rows, with_names=with_names)


def render_disclosures_pdf(
    rows: Sequence[DisclosureRow],
    *,
    school_name: str,
    year: str | None,
    operator: str,
    data_as_of: datetime | None = None,
    with_names: bool = False,
) -> bytes:
    """The register as PDF/A bytes, printed now (or at SOURCE_DATE_EPOCH) by `operator`."""
    run_ctx = RunContext.create(operator)
    html = disclosures_html(rows, school_name=school_name, year=year, run_ctx=run_ctx,
                            data_as_of=data_as_of, with_names=with_names)  # fmt: skip
    pdf, _pages = html_to_pdfa(html, title=TITLE, run_ctx=run_ctx)
    return pdf
