"""The register of disclosures (rejestr udostępnień danych): what it says, from the audit log.

One row per successful `disclose` entry. The log holds only the student's id; names of
students and of the approving director are looked up in an export at print time when
one is given, so the log itself never stores a name.

CSV choice: UTF-8 with a BOM, `;` between fields and CRLF line ends: what Excel in a
Polish locale opens correctly by double-click (there `,` is the decimal separator and
`;` the list separator). Cells that a spreadsheet would run as a formula (starting with
`=`, `+`, `-`, `@`) are prefixed with `'`.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from archiver.audit.entry import AuditEntry
from archiver.audit.listing import entry_time
from archiver.errors import UsageError
from archiver.i18n import _
from archiver.views.kinds import DOCUMENT_KINDS, PAGE_KINDS

if TYPE_CHECKING:
    from archiver.render.context import RunContext

DISCLOSE_COMMAND = "disclose"
TITLE = PAGE_KINDS["disclosures"].title
LOCAL_ZONE = ZoneInfo("Europe/Warsaw")  # dates in the register are Polish local dates
CSV_COLUMNS = (
    "Lp.", "Nr wpisu", "Data udostępnienia", "Odbiorca", "Podstawa prawna",
    "Sygnatura sprawy", "Identyfikator ucznia", "Uczeń", "Zakres danych", "Okres",
    "Zatwierdził", "Sporządził", "Plik pakietu", "SHA-256 pakietu",
)  # fmt: skip
_YEAR = re.compile(r"^(\d{4})/(\d{4})$")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Names:
    """Names looked up in an export: student_id -> name, staff_id -> name, the school's name."""

    school_name: str = ""
    students: Mapping[str, str] = field(default_factory=dict)
    staff: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class DisclosureRow:
    """One disclosure as the register prints it."""

    seq: int
    disclosed_at: datetime  # local (Europe/Warsaw)
    recipient: str
    legal_basis: str
    case_ref: str
    student_id: str
    student_name: str
    documents: str
    period: str
    approved_by: str
    operator: str
    bundle_name: str
    bundle_sha256: str


def school_year_bounds(text: str) -> tuple[date, date]:
    """`2025/2026` -> 1 September 2025 .. 31 August 2026."""
    match = _YEAR.match(text.strip())
    if not match or int(match[2]) != int(match[1]) + 1:
        raise UsageError(_("--year {text!r}: expected a school year such as 2025/2026").format(
                             text=text))
    return date(int(match[1]), 9, 1), date(int(match[2]), 8, 31)


def _pl_date(text: object) -> str:
    try:
        return date.fromisoformat(str(text)).strftime("%d.%m.%Y")
    except ValueError:
        return str(text)


def _period(scope: Mapping) -> str:
    period = scope.get("period") if isinstance(scope.get("period"), Mapping) else {}
    start, end = period.get("from"), period.get("to")
    if start and end:
        return f"{_pl_date(start)}–{_pl_date(end)}"
    if start or end:
        return f"od {_pl_date(start)}" if start else f"do {_pl_date(end)}"
    year = scope.get("school_year")
    return f"rok szkolny {year}" if year else ""


def _bundle(outputs: list[dict]) -> tuple[str, str]:
    chosen = [o for o in outputs if o.get("kind") == "bundle"] or [
        o for o in outputs if str(o.get("name", "")).endswith(".zip")
    ]
    return ", ".join(o["name"] for o in chosen), ", ".join(o["sha256"] for o in chosen)


def _register_name(kind: str) -> str:
    found = DOCUMENT_KINDS.get(kind)
    return found.register_name if found else kind


def _with_name(identifier: str | None, names: Mapping[str, str]) -> str:
    if not identifier:
        return ""
    name = names.get(identifier)
    return f"{name} ({identifier})" if name else identifier


def disclosure_rows(
    entries: Iterable[AuditEntry], *, year: str | None = None, names: Names | None = None
) -> list[DisclosureRow]:
    """The successful disclosures, oldest first; `year` keeps those made in that school year."""
    names = names or Names()
    bounds = school_year_bounds(year) if year else None
    rows = []
    for entry in entries:
        if entry.command != DISCLOSE_COMMAND or entry.result != "ok":
            continue
        local = entry_time(entry).astimezone(LOCAL_ZONE)
        if bounds and not bounds[0] <= local.date() <= bounds[1]:
            continue
        scope = entry.scope
        student_id = str(scope.get("student_id") or "")
        documents = [_register_name(str(d)) for d in scope.get("documents") or []]
        bundle_name, bundle_sha = _bundle(entry.outputs)
        rows.append(DisclosureRow(
            seq=entry.seq, disclosed_at=local, recipient=entry.recipient or "",
            legal_basis=entry.legal_basis or "", case_ref=entry.case_ref or "",
            student_id=student_id, student_name=names.students.get(student_id, ""),
            documents=", ".join(documents), period=_period(scope),
            approved_by=_with_name(entry.approved_by, names.staff), operator=entry.operator,
            bundle_name=bundle_name, bundle_sha256=bundle_sha,
        ))  # fmt: skip
    return rows


def _cell(value: object) -> str:
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_bytes(rows: Iterable[DisclosureRow]) -> bytes:
    """The register as CSV for Excel in a Polish locale (see the module docstring)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for number, row in enumerate(rows, 1):
        writer.writerow([_cell(v) for v in (
            number, row.seq, row.disclosed_at.strftime("%d.%m.%Y %H:%M"), row.recipient,
            row.legal_basis, row.case_ref, row.student_id, row.student_name, row.documents,
            row.period, row.approved_by, row.operator, row.bundle_name, row.bundle_sha256,
        )])  # fmt: skip
    return buffer.getvalue().encode("utf-8-sig")


def _local(moment: datetime) -> str:
    return moment.astimezone(LOCAL_ZONE).strftime("%d.%m.%Y %H:%M")


def _heading_period(year: str | None) -> str:
    if not year:
        return "wszystkie udostępnienia zapisane w dzienniku zdarzeń"
    first, last = school_year_bounds(year)
    return f"rok szkolny {year} ({first:%d.%m.%Y}–{last:%d.%m.%Y})"


def register_page(
    rows: Sequence[DisclosureRow],
    *,
    school_name: str,
    year: str | None,
    run_ctx: RunContext,
    data_as_of: datetime | None = None,
    with_names: bool = False,
) -> dict[str, Any]:
    """The printed register's template context: the page header of every archiver
    printout (school, title, period, data as of, who printed it and when) and the rows."""
    header = {
        "school": school_name,
        "title": TITLE,
        "period": _heading_period(year),
        "data_as_of": _local(data_as_of or run_ctx.printed_at),
        "printed_at": _local(run_ctx.printed_at),
        "operator": run_ctx.operator,
        "software_version": run_ctx.software_version,
    }
    return {"header": header, "rows": rows, "with_names": with_names}
