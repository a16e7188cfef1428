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


def frame_from_rows(header: list[str], rows: list[tuple]) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """Build an object frame from a header and value rows; duplicate header names are dropped.

    Returns the frame and the names that were given more than once (first one kept).
    """
    width = len(header)
    seen: dict[str, int] = {}
    duplicates: list[str] = []
    for position, name in enumerate(header):
        if name in seen:
            duplicates.append(name)
        else:
            seen[name] = position
    columns: dict[str, pd.Series] = {}
    padded = [tuple(r[:width]) + (None,) * (width - len(r)) for r in rows]
    values = list(zip(*padded, strict=True)) if padded else [() for _ in header]
    for name, position in seen.items():
        if name:
            columns[name] = pd.Series(values[position], dtype=object)
    frame = pd.DataFrame(columns, index=pd.RangeIndex(len(rows)))
    return frame, tuple(dict.fromkeys(duplicates))


def is_empty_cell(value: object) -> bool:
    """A cell with nothing in it: None or blank text."""
    return value is None or (isinstance(value, str) and not value.strip())
