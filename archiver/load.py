"""Read an export from any container and validate it: the one way in for the pipeline."""

from __future__ import annotations

from pathlib import Path

from archiver.errors import ValidationFailed
from archiver.i18n import _, shown
from archiver.model import Dataset
from archiver.schema import Report, validate
from archiver.schema.tables import TABLES
from archiver.sources import read_export


def read_and_validate(path: str | Path) -> tuple[Dataset | None, Report]:
    """The Dataset (None when invalid) and the full report; InputError when unreadable."""
    raw = read_export(Path(path), wanted=set(TABLES))
    return validate(raw)


def load(path: str | Path) -> Dataset:
    """The validated dataset, or ValidationFailed naming the first broken rule."""
    dataset, _report = load_dataset(path)
    return dataset


def load_dataset(path: str | Path) -> tuple[Dataset, Report]:
    """The validated Dataset and its warnings; ValidationFailed carrying the report on errors."""
    dataset, report = read_and_validate(path)
    if dataset is None:
        first = shown(report.errors[0].message) if report.errors else _("invalid export")
        raise ValidationFailed(
            _("{name}: the export has {count} error(s); first: {first}").format(
                name=Path(path).name, count=len(report.errors), first=first),
            report=report,
            hint=_("run `archiver validate {path}` for the full list").format(path=path),
        )
    return dataset, report
