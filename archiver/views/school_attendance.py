"""School-wide attendance summary (zestawienie frekwencji szkoły): the classes side by side.

Per class the percentage of each month, each term and the whole period, the pupils, and how
many of them are at risk of not being classified in some subject (below the configured
threshold); school totals last. Every class's figures are its own attendance summary's,
built by the same function (`build_attendance`) on the class's rows, so the two documents
cannot disagree. A pupil who moved is counted per stay in each class (as in the classes'
summaries) and once in the school's totals of pupils.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from archiver.config import Config
from archiver.model import Dataset
from archiver.views import common, polish
from archiver.views.attendance import AttendanceView, Category, Share, build_attendance
from archiver.views.scope import Scope


@dataclass(frozen=True)
class Span:
    kind: str  # month / term / period
    first: date
    last: date
    term: int | None = None


@dataclass(frozen=True)
class ClassLine:
    """One class's (or the school's) figures."""

    class_id: str | None  # None: the school total
    name: str
    pupils: int  # stays in the class during the period (school: distinct pupils)
    shares: tuple[Share | None, ...]  # per span, in SchoolAttendanceView.spans order
    at_risk: int  # pupils below the threshold in at least one subject
    at_risk_entries: int  # (pupil, subject) pairs below it


@dataclass(frozen=True)
class SchoolAttendanceView:
    school: str
    school_year: str
    scope: Scope
    categories: tuple[Category, ...]
    spans: tuple[Span, ...]
    classes: tuple[ClassLine, ...]
    total: ClassLine
    risk_threshold: float
    sources: dict[str, pd.DataFrame] = field(default_factory=dict, compare=False, repr=False)


def class_order(ds: Dataset) -> list[str]:
    """Class ids by grade, then name in Polish order."""
    rows = sorted(zip(ds.classes["grade"], ds.classes["name"], ds.classes["class_id"],
                      strict=True), key=lambda r: (int(r[0]), polish.polish_key(str(r[1]))))
    return [str(r[2]) for r in rows]


def _by_class(ds: Dataset, class_ids: list[str]) -> dict[str, Dataset]:
    """Each class's own rows (its students, lessons and their attendance; the small tables
    whole), so that a class's summary reads no other class's rows."""
    lesson_class = pd.Series(ds.lessons["class_id"].to_numpy(),
                             index=ds.lessons["lesson_id"].to_numpy())
    keys = {"students": ds.students["class_id"], "lessons": ds.lessons["class_id"],
            "attendance": ds.attendance["lesson_id"].map(lesson_class)}
    rows = {name: pd.Series(np.arange(len(key))).groupby(key.to_numpy()).indices
            for name, key in keys.items()}
    result = {}
    for class_id in class_ids:
        tables = dict(ds.tables)
        for name in keys:
            taken = rows[name].get(class_id, np.array([], dtype=int))
            tables[name] = ds.tables[name].iloc[taken].reset_index(drop=True)
        result[class_id] = Dataset(ds.meta, tables, ds.source)
    return result


def class_scope(class_id: str, scope: Scope) -> Scope:
    """The scope of a class's own summary over the school summary's period."""
    return Scope(class_id, scope.date_from, scope.date_to, None, scope.term, scope.whole_year)


def _spans(views: list[AttendanceView], scope: Scope) -> tuple[Span, ...]:
    months = sorted({(s.first, s.last) for v in views for s in v.sections if s.kind == "month"})
    terms = sorted({(s.term, s.first, s.last) for v in views for s in v.sections
                    if s.kind == "term"}, key=lambda t: t[1])
    return (*(Span("month", a, b) for a, b in months),
            *(Span("term", a, b, n) for n, a, b in terms),
            Span("period", scope.date_from, scope.date_to, scope.term))


def _shares(view: AttendanceView, spans: tuple[Span, ...]) -> list[Share | None]:
    totals = {(s.kind, s.first): s.total for s in view.sections}
    shares = []
    for span in spans:
        total = totals.get((span.kind, span.first))
        counted = total is not None and total.present + total.absent > 0
        shares.append(Share(total.present, total.absent) if counted else None)
    return shares


def build_school_attendance(ds: Dataset, config: Config, scope: Scope,
                            class_views: Mapping[str, AttendanceView] | None = None
                            ) -> SchoolAttendanceView:
    """The school-wide attendance summary over the scope's period (every class).

    `class_views`: the classes' own summaries already built from the same export and
    configuration over the same period (a term-end builds them just before), by class id;
    a class missing from it has its summary built here."""
    order = class_order(ds)
    known = {c: v for c, v in (class_views or {}).items() if v.scope == class_scope(c, scope)}
    missing = [c for c in order if c not in known]
    if missing:
        parts = _by_class(ds, missing)
        known |= {c: build_attendance(parts[c], config, class_scope(c, scope)) for c in missing}
    views = [known[c] for c in order]
    spans = _spans(views, scope)
    lines, pupils, risky = [], set(), set()
    sums = [[0, 0] for _ in spans]
    for class_id, view in zip(order, views, strict=True):
        period = view.sections[-1]
        shares = _shares(view, spans)
        for i, share in enumerate(shares):
            if share is not None:
                sums[i][0] += share.present
                sums[i][1] += share.absent
        ids = {e.student_id for e in view.at_risk}
        stays = common.stays(ds, class_id, view.scope)  # the class's own rows
        pupils |= set(stays["student_id"].astype(str))
        risky |= ids
        lines.append(ClassLine(class_id, view.class_name, len(period.rows), tuple(shares),
                               len(ids), len(view.at_risk)))
    total = ClassLine(None, "Razem szkoła", len(pupils),
                      tuple(Share(p, a) if p + a else None for p, a in sums),
                      len(risky), sum(line.at_risk_entries for line in lines))
    categories = views[0].categories if views else ()
    sources = {"classes": ds.classes, "attendance_types": ds.attendance_types}
    return SchoolAttendanceView(
        school=common.school_name(ds, config), school_year=ds.meta.school_year, scope=scope,
        categories=categories, spans=spans, classes=tuple(lines), total=total,
        risk_threshold=config.attendance.risk_threshold, sources=sources)
