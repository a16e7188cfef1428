"""`archiver audit disclosures`: the register of disclosures (CSV or PDF) from a verified
audit log, names looked up in an export, the writing recorded in that log."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from archiver.audit import AuditLog, record, require_intact
from archiver.audit.listing import entry_time
from archiver.errors import RefusedError, UsageError
from archiver.files import write_whole
from archiver.i18n import N_, _
from archiver.render import RunContext, render_html, render_pdf
from archiver.views.disclosures import (
    DisclosureRow,
    Names,
    csv_bytes,
    disclosure_rows,
    register_page,
    school_year_bounds,
)

REGISTER_COMMAND = "audit-disclosures"
FORMATS = (".csv", ".pdf")


def _scope(year: str | None, source: str | os.PathLike | None) -> dict[str, Any]:
    scope: dict[str, Any] = {"documents": ["disclosures-register"]}
    if year:
        first, last = school_year_bounds(year)
        scope.update(school_year=year, period={"from": first.isoformat(), "to": last.isoformat()})
    if source:
        scope["source"] = Path(source).name
    return scope


def write_register(
    log: AuditLog,
    out: str | os.PathLike,
    *,
    operator: str,
    year: str | None = None,
    source: str | os.PathLike | None = None,
    school_name: str = "",
) -> int:
    """Write the register (.csv or .pdf) to a new file `out`; returns the number of rows.

    Refuses a log that does not verify, and an existing `out`. Names come from `source`.
    """
    target = Path(out)
    kind = target.suffix.lower()
    if kind not in FORMATS:
        raise UsageError(_("--out {name}: the register is written as .csv or .pdf").format(
                             name=target.name))
    if year:
        school_year_bounds(year)  # a bad year is a usage error before anything is read
    if target.exists():
        raise RefusedError(_("{target} already exists; it is not overwritten").format(
                               target=target),
                           hint=_("choose another --out name or move the old file away"))
    require_intact(log)
    names = load_names(source) if source else Names()
    entries = list(log.entries())
    rows = disclosure_rows(entries, year=year, names=names)
    with record(log, REGISTER_COMMAND, operator=operator, scope=_scope(year, source)) as rec:
        if kind == ".csv":
            data = csv_bytes(rows)
        else:
            run_ctx = RunContext.create(operator)
            page = register_page(
                rows, school_name=school_name or names.school_name, year=year,
                run_ctx=run_ctx, data_as_of=entry_time(entries[-1]) if entries else None,
                with_names=bool(source),
            )  # fmt: skip
            data, _pages = render_pdf("disclosures", page, run_ctx)
        write_whole(target, data, what=N_("the register of disclosures"))
        rec.add_output_bytes(target.name, data, kind="register", path=target)
    return len(rows)


def load_names(source: str | os.PathLike) -> Names:
    """Students' and staff members' names from an export (its students and staff tables)."""
    from archiver.schema.cells import native_text
    from archiver.sources import read_export

    raw = read_export(Path(source), wanted=("students", "staff"))
    found = {}
    for table, key in (("students", "student_id"), ("staff", "staff_id")):
        frame = raw.tables[table].frame if table in raw.tables else None
        pairs: dict[str, str] = {}
        if frame is not None and {key, "first_name", "last_name"} <= set(frame.columns):
            for ident, first, last in zip(frame[key], frame["first_name"], frame["last_name"],
                                          strict=True):  # fmt: skip
                name = f"{native_text(first, 'str')} {native_text(last, 'str')}".strip()
                pairs.setdefault(native_text(ident, "id").strip(), name)
        found[table] = pairs
    school = raw.meta.get("school") if isinstance(raw.meta.get("school"), dict) else {}
    return Names(school_name=str(school.get("name") or ""), students=found["students"],
                 staff=found["staff"])  # fmt: skip


def disclosures_html(rows: Sequence[DisclosureRow], **page: Any) -> str:
    """The printed register as HTML (what the PDF is laid out from)."""
    return render_html("disclosures", **register_page(rows, **page))
