"""Which documents a request asks for: classes x kinds, or one student's documents."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

from archiver.errors import UsageError
from archiver.i18n import _
from archiver.model import Dataset
from archiver.render.documents import DocumentSpec
from archiver.views import DOCUMENT_KINDS, KINDS, Period, document_kind, resolve_period
from archiver.views.polish import polish_key


def ordered_class_ids(ds: Dataset) -> list[str]:
    """Class ids in printing order: by grade, then name."""
    rows = sorted(zip(ds.classes["grade"], ds.classes["name"], ds.classes["class_id"],
                      strict=True), key=lambda r: (int(r[0]), polish_key(str(r[1]))))
    return [str(r[2]) for r in rows]


def _squash(name: str) -> str:
    return "".join(name.split()).casefold()


def class_ids_by_name(ds: Dataset, names: Iterable[str]) -> list[str]:
    """Class ids for class names as printed ("7a"; spaces and case do not matter)."""
    by_name = {str(n): str(c) for n, c in zip(ds.classes["name"], ds.classes["class_id"],
                                               strict=True)}
    squashed = {_squash(n): c for n, c in by_name.items()}
    ids = []
    for name in names:
        found = by_name.get(name) or squashed.get(_squash(name))
        if found is None:
            known = ", ".join(sorted(by_name, key=polish_key)) or "none"
            raise UsageError(_("class {name!r} does not exist in the export").format(
                                 name=name),
                             hint=_("classes: {known}").format(known=known))
        ids.append(found)
    return list(dict.fromkeys(ids))


def _student_classes(ds: Dataset, student_id: str, first, last) -> list[str]:
    rows = ds.students[ds.students["student_id"] == student_id]
    if rows.empty:
        raise UsageError(_("student id {student_id!r} does not exist in the export").format(
                             student_id=student_id),
                         hint=_("give the student_id from the export's students table"))
    start, end = pd.Timestamp(ds.meta.year_start), pd.Timestamp(ds.meta.year_end)
    inside = (rows["enrolled_on"].fillna(start) <= pd.Timestamp(last)) & (
        rows["left_on"].fillna(end) >= pd.Timestamp(first))
    return [str(c) for c in rows.loc[inside, "class_id"]]


def plan_documents(dataset: Dataset, kinds: Sequence[str] = KINDS,
                   classes: Sequence[str] | None = None, student: str | None = None,
                   period: Period | None = None) -> list[DocumentSpec]:
    """The documents to render, in printing order.

    Without a student: every kind for every chosen class (all classes when `classes` is
    None, which also adds the school-wide message transcript). With a student: their
    register extract and attendance for each class they were in during the period, and
    one transcript of their correspondence.
    """
    for name in kinds:
        document_kind(name)  # an unknown kind is a usage error
    kinds = [k for k in KINDS if k in kinds]
    school = [k for k in kinds if DOCUMENT_KINDS[k].school_only]
    # asked for by name (not just "every kind") with a class or a student: say it cannot be
    if school and set(kinds) != set(KINDS) and (classes is not None or student is not None):
        raise UsageError(_("document kind {school!r} covers the whole school").format(
                             school=school[0]),
                         hint=_("leave out --class and --student"))
    kinds_of_class = [k for k in kinds if k not in school]
    first, last, term, whole = resolve_period(dataset.meta, period or Period())
    known = ordered_class_ids(dataset)
    for class_id in classes or ():
        if class_id not in known:
            raise UsageError(_("class id {class_id!r} does not exist in the export").format(
                                 class_id=class_id))
    chosen = [c for c in known if classes is None or c in classes]

    def spec(kind: str, class_id: str | None) -> DocumentSpec:
        return DocumentSpec(kind, class_id, student, first, last, term, whole)

    if student is None:
        specs = [spec(k, c) for c in chosen for k in kinds_of_class]
        if classes is None:
            specs += [spec(k, None) for k in kinds if DOCUMENT_KINDS[k].school_title]
        return specs
    stays = _student_classes(dataset, student, first, last)
    if not stays:
        raise UsageError(_("student id {student!r} was in no class during the period").format(
                             student=student))
    names = dict(zip(dataset.classes["class_id"], dataset.classes["name"], strict=True))
    for class_id in classes or ():
        if class_id not in stays:
            raise UsageError(_("student id {student!r} was not in class {names!r} "
                               "during the period").format(
                                 student=student, names=names[class_id]),
                             hint=_("their classes: {classes}").format(
                                 classes=", ".join(str(names[c]) for c in stays)))
    per_class = [k for k in kinds_of_class if DOCUMENT_KINDS[k].student_per_class]
    specs = [spec(k, c) for c in chosen if c in stays for k in per_class]
    return specs + [spec(k, None) for k in kinds_of_class if k not in per_class]
