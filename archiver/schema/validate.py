"""validate(raw) -> (Dataset | None, Report): every rule of the format, all problems at once.

Cheap structural checks run first (metadata, tables, columns, types), then the rules
across rows and tables. Each rule family is one small function; the order below is the
order problems are reported in.
"""

from __future__ import annotations

from collections.abc import Callable

from archiver.model import Dataset, SourceInfo
from archiver.schema import dates, domain, keys
from archiver.schema.columns import type_tables
from archiver.schema.context import Context
from archiver.schema.meta import check_meta
from archiver.schema.report import Report
from archiver.sources.raw import RawExport

RULES: tuple[Callable[[Context], None], ...] = (
    keys.check_unique_keys,
    keys.check_held_slots,
    keys.check_references,
    domain.check_ranges,
    domain.check_pesel,
    domain.check_grade_values,
    dates.check_school_year,
    dates.check_days_off,
    dates.check_stays,
    dates.check_grade_terms,
    dates.check_behaviour_terms,
    domain.check_attendance,
    domain.check_messages,
    domain.warn,
)


def validate(raw: RawExport) -> tuple[Dataset | None, Report]:
    """Check a raw export against every rule; the typed Dataset only when there is no error."""
    meta, meta_problems = check_meta(raw.meta)
    ctx = Context(tables={}, raw=raw.tables, meta=meta)
    ctx.report.container = raw.container
    ctx.report.errors.extend(meta_problems)
    type_tables(ctx)
    for rule in RULES:
        rule(ctx)
    ctx.name_lessons()
    if ctx.report.errors or meta is None:
        return None, ctx.report
    source = SourceInfo(raw.path, raw.container)
    return Dataset(meta=meta, tables=ctx.tables, source=source), ctx.report
