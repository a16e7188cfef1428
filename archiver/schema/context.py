"""What every rule works on: the typed tables, where their rows came from, and the report."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from archiver.model import ExportMeta
from archiver.schema.report import Problem, Report, make_problem
from archiver.sources.raw import RawTable


@dataclass
class Context:
    """Typed frames (invalid cells are NA), their raw origin, the metadata and the report.

    `missing` names required tables that were absent: rules pointing at them stay quiet,
    the missing table itself is the error.
    """

    tables: dict[str, pd.DataFrame]
    raw: dict[str, RawTable]
    meta: ExportMeta | None
    report: Report = field(default_factory=Report)
    missing: set[str] = field(default_factory=set)

    def line(self, table: str, position: int) -> int | None:
        raw = self.raw.get(table)
        return raw.line(position + 1) if raw is not None else None

    def flag(
        self,
        table: str,
        rows: Sequence[int] | np.ndarray,
        column: str | None,
        rule: str,
        text: str,
        values: Sequence[object] | None = None,
        details: Sequence[str] | None = None,
        warning: bool = False,
    ) -> None:
        """Report each of the 0-based `rows`; `{value}` / `{detail}` in text are per row.

        The value defaults to the row's cell of `column` in the typed table.
        """
        rows = np.asarray(rows, dtype=np.int64)
        if not len(rows):
            return
        if values is None:
            values = self.cell_values(table, column, rows)
        problems: list[Problem] = []
        for i, position in enumerate(rows.tolist()):
            message = text if details is None else text.replace("{detail}", details[i])
            problems.append(make_problem(table, position + 1, self.line(table, position),
                                         column, values[i], rule, message))
        self.report.extend(problems, warning=warning)

    def cell_values(self, table: str, column: str | None, rows: np.ndarray) -> list[object]:
        """Display values of one column at the given rows ("" for NA)."""
        frame = self.tables.get(table)
        if column is None or frame is None or column not in frame:
            return [None] * len(rows)
        series = frame[column].iloc[rows]
        return [display(v) for v in series.tolist()]

    def usable(self, *tables: str) -> bool:
        """True when every named table was present (rules across tables need them)."""
        return not any(t in self.missing for t in tables)


def display(value: object) -> str:
    """A typed cell back to the text the export held."""
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, pd.Timestamp):
        if value.tzinfo is None and value == value.normalize():
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
