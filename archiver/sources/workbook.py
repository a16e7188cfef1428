"""Read an .xlsx workbook: one sheet per table, an `export` sheet of key/value rows.

Sheets are read by calamine (a Rust reader) as rows of native values, so a million-row
sheet takes seconds rather than minutes. What a cell reads as:

- text as text; an empty cell as "", the same as empty text (both mean missing);
- a number as a float (Excel stores 101 as 101.0; the schema reads it as "101");
- a boolean as bool; a cell with a date format as date, datetime, time or timedelta
  (a date-time at midnight reads as a date);
- a formula cell as the value saved with it, never evaluated (none saved: empty); text
  that merely starts with "=" is text;
- an error cell (#N/A, #DIV/0! ...) as its error text, as openpyxl did: calamine drops
  it, so `xlsxerrors` recovers it from the sheet's XML.

Row numbers are worksheet rows: the header is expected on row 1.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Collection
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from archiver.errors import InputError
from archiver.i18n import _
from archiver.sources.archive import MAX_RATIO, MAX_TOTAL_BYTES, RATIO_FLOOR
from archiver.sources.cells import unflatten
from archiver.sources.raw import RawExport, RawTable, is_empty_cell
from archiver.sources.xlsxextent import check_sheet_spans


def _check_package(path: Path) -> None:
    """A workbook is a zip too: apply the same caps before the reader unpacks it, and
    measure each sheet's span before the reader makes it dense (see xlsxextent)."""
    try:
        with zipfile.ZipFile(path) as package:
            infos = package.infolist()
            total = sum(i.file_size for i in infos)
            bomb = any(i.file_size > RATIO_FLOOR and
                       i.file_size > MAX_RATIO * max(i.compress_size, 1) for i in infos)
            if bomb or total > MAX_TOTAL_BYTES:
                raise InputError(_("{name}: refused, the workbook unpacks to far more "
                                   "than it holds (a zip bomb?)").format(name=path.name))
            check_sheet_spans(package, path.name)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError,
            ValueError):
        raise InputError(_("{name}: not a valid .xlsx workbook (damaged or another "
                           "format)").format(name=path.name)
                         ) from None


# calamine reserves room for as many shared strings as the table declares before it reads
# one (a crafted uniqueCount aborts the process); every string takes 5 bytes at least.
_UNIQUE_COUNT = re.compile(rb"""uniqueCount\s*=\s*["']\s*(\d+)""")


def _check_shared_strings(path: Path) -> None:
    """Refuse a shared strings table that declares more strings than it can hold."""
    try:
        with zipfile.ZipFile(path) as package:
            if "xl/sharedStrings.xml" not in package.namelist():
                return  # the only place calamine looks for it
            info = package.getinfo("xl/sharedStrings.xml")
            with package.open(info) as stream:
                head = stream.read(1 << 16)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError):
        raise InputError(_("{name}: damaged workbook (the shared strings table)").format(
                             name=path.name)) from None
    start = head.find(b"sst")
    declared = _UNIQUE_COUNT.search(head, start, head.find(b">", start)) if start >= 0 else None
    if declared and int(declared[1]) > info.file_size // 5 + 1:
        raise InputError(_("{name}: damaged workbook (the shared strings table "
                           "declares {declared:,} strings in {file_size:,} bytes)").format(
                             name=path.name, declared=int(declared[1]),
                             file_size=info.file_size))


def read_workbook(path: Path, wanted: Collection[str] | None = None) -> RawExport:
    """Read the `export` sheet and every wanted table sheet; cells keep native values."""
    from python_calamine import CalamineWorkbook

    from archiver.sources.xlsxerrors import ErrorCells

    _check_package(path)
    _check_shared_strings(path)
    try:
        # A file object, not the path: calamine picks its reader by the extension of a
        # path, and a workbook may be named export.db (the content decides, not the name).
        with path.open("rb") as handle:
            book = CalamineWorkbook.from_filelike(handle)
    except OSError as exc:
        raise InputError(_("{name}: cannot be read ({value})").format(
                             name=path.name, value=exc.strerror or exc)) from None
    except Exception as exc:  # calamine raises its own kinds for a damaged package
        raise InputError(_("{name}: not a readable .xlsx workbook ({name2})").format(
                             name=path.name, name2=type(exc).__name__)
                         ) from None
    try:
        names = book.sheet_names
        if "export" not in names:
            raise InputError(_("{name}: no sheet named 'export' with the export's keys").format(
                                 name=path.name))
        errors = ErrorCells(path)
        raw = RawExport(str(path), "xlsx",
                        _read_meta(_rows(book, "export", errors), path.name))
        for name in names:
            if name != "export" and (wanted is None or name in wanted):
                raw.tables[name] = _read_sheet(_rows(book, name, errors), name)
        return raw
    except InputError:
        raise
    except Exception as exc:
        raise InputError(_("{name}: damaged workbook ({name2})").format(
                             name=path.name, name2=type(exc).__name__)) from None
    finally:
        book.close()


def _rows(book: Any, name: str, errors: Any) -> list[list]:
    """Every row of the sheet from row 1 and column A on, error cells restored."""
    rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
    errors.restore(name, rows)
    return rows


def _read_sheet(rows: list[list], name: str) -> RawTable:
    location = f"sheet {name}"
    grid = _grid(rows)
    del rows[:]  # the Python objects of a million-row sheet: free them before the frame
    header = [_name(h) for h in grid[0]] if len(grid) else []
    while header and not header[-1]:
        header.pop()
    body = grid[1:, :len(header)]
    filled = (body != "").any(axis=1) if body.shape[1] else np.zeros(len(body), bool)
    kept = np.flatnonzero(filled)
    columns: dict[str, np.ndarray] = {}
    seen: set[str] = set()
    duplicates: list[str] = []
    for position, column in enumerate(header):
        if column in seen:
            duplicates.append(column)  # the first one is read
        elif column:
            columns[column] = body[kept, position]
        seen.add(column)
    frame = pd.DataFrame(columns, index=pd.RangeIndex(len(kept)), dtype=object)
    # Worksheet row numbers: the header is row 1, so data row i sits on row i + 2.
    return RawTable(name, frame, kept.astype(np.int64) + 2, location,
                    tuple(dict.fromkeys(duplicates)))


def _name(cell: Any) -> str:
    """A header cell as a column name; a number typed as 1 is "1", not "1.0"."""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def _grid(rows: list[list]) -> np.ndarray:
    """The rows as one 2-D object array (calamine's rows are all as wide as the sheet)."""
    grid = np.empty((len(rows), len(rows[0]) if rows else 0), dtype=object)
    grid[:] = rows
    return grid


def _read_meta(rows: list[list], where: str) -> dict:
    return meta_from_pairs(rows[1:] if rows and _is_header(rows[0]) else rows, where)


def _is_header(row: list | tuple) -> bool:
    return len(row) >= 2 and str(row[0]).strip() == "key" and str(row[1]).strip() == "value"


def meta_from_pairs(rows: list, where: str) -> dict:
    """Key/value rows (dotted keys) -> the nested export metadata."""
    flat: dict[str, Any] = {}
    for row in rows:
        if not row or is_empty_cell(row[0]):
            continue
        key = str(row[0]).strip()
        if key in flat:
            raise InputError(_("{where}: export key {key!r} is given twice").format(
                                 where=where, key=key))
        flat[key] = row[1] if len(row) > 1 else None
    return unflatten(flat)
