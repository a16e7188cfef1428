"""`write_register`: the register of disclosures from a verified log, recorded in that log."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from archiver.audit.disclosures import (
    Names,
    csv_bytes,
    disclosure_rows,
    load_names,
    school_year_bounds,
)
from archiver.audit.listing import entry_time
from archiver.audit.log import AuditLog, AuditLogDamaged
from archiver.audit.record import record
from archiver.errors import RefusedError, UsageError
from archiver.files import write_whole

REGISTER_COMMAND = "audit-disclosures"
FORMATS = (".csv", ".pdf")
BROKEN_HINT = (
    "A truncated last line comes from a crash during writing: `archiver audit recover` sets "
    "it aside and records that. Any other break is evidence of a change: keep the file as it "
    "is and report it to the data protection officer."
)


def require_intact(log: AuditLog) -> int:
    """Raise AuditLogDamaged naming the first broken entry unless the whole chain verifies."""
    verdict = log.verify()
    if not verdict.ok:
        raise AuditLogDamaged(
            f"the audit log {log.path} does not verify: {verdict.describe()}", BROKEN_HINT
        )
    return verdict.count


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
        raise UsageError(f"--out {target.name}: the register is written as .csv or .pdf")
    if year:
        school_year_bounds(year)  # a bad year is a usage error before anything is read
    if target.exists():
        raise RefusedError(f"{target} already exists; it is not overwritten",
                           hint="choose another --out name or move the old file away")  # fmt: skip
    require_intact(log)
    names = load_names(source) if source else Names()
    entries = list(log.entries())
    rows = disclosure_rows(entries, year=year, names=names)
    with record(log, REGISTER_COMMAND, operator=operator, scope=_scope(year, source)) as rec:
        if kind == ".csv":
            data = csv_bytes(rows)
        else:
            # Imported here: the document layer (WeasyPrint) is only needed for a PDF.
            from archiver.audit.disclosures_pdf import render_disclosures_pdf

            data = render_disclosures_pdf(
                rows, school_name=school_name or names.school_name, year=year,
                operator=operator, data_as_of=entry_time(entries[-1]) if entries else None,
                with_names=bool(source),
            )  # fmt: skip
        write_whole(target, data, what="the register of disclosures")
        rec.add_output_bytes(target.name, data, kind="register", path=target)
    return len(rows)
