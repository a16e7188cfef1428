"""shelf report: the shelf index as a Polish PDF/A for the archive's binder, or CSV.

The day of the report is the run's time (SOURCE_DATE_EPOCH when set, else the clock),
in the school's zone: retention ends and renewals are judged against it.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from archiver.audit import AuditLog, record
from archiver.config import Config
from archiver.errors import UsageError
from archiver.files import write_whole
from archiver.i18n import N_, _
from archiver.render import RunContext, render_pdf
from archiver.shelf.index import ShelfIndex, load_index
from archiver.views.kinds import PAGE_KINDS
from archiver.views.shelf_report import (
    CSV_COLUMNS,
    LOCAL_ZONE,
    ShelfReport,
    csv_rows,
    local,
    shelf_report,
)

TITLE = PAGE_KINDS["shelf-report"].title


@dataclass
class ReportResult:
    report: ShelfReport
    path: Path | None


def report_day(run_ctx: RunContext) -> date:
    return run_ctx.printed_at.astimezone(LOCAL_ZONE).date()


def page_header(title: str, schools: tuple[str, ...], period: str, data_as_of: str,
                run_ctx: RunContext, config: Config) -> dict[str, str]:
    """The running header every archiver printout carries."""
    school = config.school.name or (schools[0] if len(schools) == 1 else
                                    "wszystkie szkoły w indeksie archiwum")
    return {"school": school, "title": title, "period": period, "data_as_of": data_as_of,
            "printed_at": local(run_ctx.printed_at.isoformat()),
            "operator": run_ctx.operator_label, "software_version": run_ctx.software_version}


def report_pdf(report: ShelfReport, index: ShelfIndex, run_ctx: RunContext,
               config: Config) -> bytes:
    header = page_header(TITLE, report.schools, report.as_of.strftime("%d.%m.%Y"),
                         local(index.updated_at), run_ctx, config)
    pdf, _pages = render_pdf("shelf-report", {"header": header, "report": report},
                             run_ctx)
    return pdf


def report_csv(report: ShelfReport) -> bytes:
    """UTF-8 with a byte-order mark and semicolons: what a Polish spreadsheet opens."""
    text = io.StringIO()
    writer = csv.DictWriter(text, CSV_COLUMNS, delimiter=";", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(csv_rows(report))
    return ("\ufeff" + text.getvalue()).encode("utf-8")


def make_report(config: Config, *, operator: str, out: Path | None,
                state_dir: Path | None = None) -> ReportResult:
    """The report of the shelf index, written to `out` (.pdf or .csv) when given."""
    if out is not None and out.suffix.lower() not in (".pdf", ".csv"):
        raise UsageError(_("--out {path}: the report is written as .pdf or .csv").format(
            path=out))
    run_ctx = RunContext.create(operator)
    index = load_index(config.state_dir(state_dir))
    report = shelf_report(index.bundles.values(), report_day(run_ctx))
    log = AuditLog.for_config(config, state_dir)
    scope = {"shelf": {"bundles": len(report.rows), "flagged": report.flagged}}
    with record(log, "shelf-report", operator=operator, scope=scope) as rec:
        if out is None:
            return ReportResult(report, None)
        data = (report_pdf(report, index, run_ctx, config) if out.suffix.lower() == ".pdf"
                else report_csv(report))
        write_whole(out, data, what=N_("the report"))
        rec.add_output_bytes(out.name, data, kind="shelf-report", path=out)
    return ReportResult(report, out)
