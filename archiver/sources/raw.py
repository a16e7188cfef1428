"""What a reader returns: raw tables as found, before any rule of the format is applied."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

CONTAINERS = ("folder", "zip", "xlsx", "sqlite")


@dataclass
class RawTable:
    """One table as read: object columns holding text or native cell values.

    Missing values are "" or None. Rows that are entirely empty are already dropped;
    `lines[i]` is where data row i+1 sits in its file (the CSV line, or the worksheet
    row), or None where the container has no such notion (SQLite).
    """

    name: str
    frame: pd.DataFrame
    lines: np.ndarray | None = None
    location: str = ""  # "lessons.csv", "sheet lessons", "table lessons"
    duplicate_columns: tuple[str, ...] = ()

    def line(self, row: int) -> int | None:
        """File line of 1-based data row `row`, if the container has lines."""
        if self.lines is None or not 1 <= row <= len(self.lines):
            return None
        return int(self.lines[row - 1])


@dataclass
class RawExport:
    """Every table found (by name) plus the export metadata as a nested dict."""

    path: str
    container: str
    meta: dict
    tables: dict[str, RawTable] = field(default_factory=dict)


def frame_from_rows(header: list[str], rows: list[tuple]
                    ) -> tuple[pd.DataFrame, tuple[str, ...], np.ndarray]:
    """An object frame from a header and value rows, without its entirely empty rows.

    Returns the frame, the header names given more than once (the first is kept), and
    the 0-based positions in `rows` of the rows kept.
    """
    width = len(header)
    seen: dict[str, int] = {}
    duplicates: list[str] = []
    for position, name in enumerate(header):
        if name in seen:
            duplicates.append(name)
        else:
            seen[name] = position
    if any(len(r) != width for r in rows):  # a workbook row may be shorter or longer
        rows = [tuple(r[:width]) + (None,) * (width - len(r)) for r in rows]
    values = list(zip(*rows, strict=True)) if rows else [() for _ in header]
    filled = np.zeros(len(rows), dtype=bool)
    columns: dict[str, pd.Series] = {}
    for position, column in enumerate(values):
        series = pd.Series(column, dtype=object)
        filled |= ~_blank(series)
        name = header[position]
        if name and seen.get(name) == position:
            columns[name] = series
    kept = np.flatnonzero(filled)
    frame = pd.DataFrame(columns, index=pd.RangeIndex(len(rows)))
    if len(kept) < len(rows):
        frame = frame.iloc[kept].reset_index(drop=True)
    return frame, tuple(dict.fromkeys(duplicates)), kept


def _blank(series: pd.Series) -> np.ndarray:
    """None, NaN or empty text: a cell with nothing in it."""
    return series.isna().to_numpy() | (series == "").to_numpy(dtype=bool)


def is_empty_cell(value: object) -> bool:
    """A cell with nothing in it: None or blank text."""
    return value is None or (isinstance(value, str) and not value.strip())
