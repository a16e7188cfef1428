"""Read an .xlsx workbook: one sheet per table, an `export` sheet of key/value rows."""

from __future__ import annotations

import warnings
import zipfile
from collections.abc import Collection
from pathlib import Path
from typing import Any

import numpy as np

from archiver.errors import InputError
from archiver.sources.archive import MAX_RATIO, MAX_TOTAL_BYTES, RATIO_FLOOR
from archiver.sources.cells import unflatten
from archiver.sources.raw import RawExport, RawTable, frame_from_rows, is_empty_cell


def _check_package(path: Path) -> None:
    """A workbook is a zip too: apply the same caps before openpyxl unpacks it."""
    try:
        with zipfile.ZipFile(path) as package:
            infos = package.infolist()
    except zipfile.BadZipFile:
        raise InputError(f"{path.name}: not a valid .xlsx workbook (damaged or another format)"
                         ) from None
    total = sum(i.file_size for i in infos)
    bomb = any(i.file_size > RATIO_FLOOR and i.file_size > MAX_RATIO * max(i.compress_size, 1)
               for i in infos)
    if bomb or total > MAX_TOTAL_BYTES:
        raise InputError(f"{path.name}: refused, the workbook unpacks to far more than it "
                         "holds (a zip bomb?)")


def read_workbook(path: Path, wanted: Collection[str] | None = None) -> RawExport:
    """Read the `export` sheet and every wanted table sheet; cells keep native values."""
    from openpyxl import load_workbook

    _check_package(path)
    # A file object, not the path: openpyxl would refuse a workbook named export.db.
    handle = path.open("rb")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles it does not know
            book = load_workbook(handle, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged package
        handle.close()
        raise InputError(f"{path.name}: not a readable .xlsx workbook ({type(exc).__name__})"
                         ) from None
    try:
        if "export" not in book.sheetnames:
            raise InputError(f"{path.name}: no sheet named 'export' with the export's keys")
        raw = RawExport(str(path), "xlsx", _read_meta(book["export"], path.name))
        for name in book.sheetnames:
            if name != "export" and (wanted is None or name in wanted):
                raw.tables[name] = _read_sheet(book[name], name)
        return raw
    except InputError:
        raise
    except Exception as exc:
        raise InputError(f"{path.name}: damaged workbook ({type(exc).__name__})") from None
    finally:
        book.close()
        handle.close()


def _rows(sheet: Any) -> list[tuple]:
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def _read_sheet(sheet: Any, name: str) -> RawTable:
    rows = _rows(sheet)
    location = f"sheet {name}"
    if not rows:
        frame, _, _ = frame_from_rows([], [])
        return RawTable(name, frame, np.zeros(0, dtype=np.int64), location)
    header = [("" if h is None else str(h).strip()) for h in rows[0]]
    while header and not header[-1]:
        header.pop()
    frame, duplicates, kept = frame_from_rows(header, rows[1:])
    # Worksheet row numbers: the header is row 1, so data row i sits on row i + 2.
    return RawTable(name, frame, kept.astype(np.int64) + 2, location, duplicates)


def _read_meta(sheet: Any, where: str) -> dict:
    rows = _rows(sheet)
    return meta_from_pairs(rows[1:] if rows and _is_header(rows[0]) else rows, where)


def _is_header(row: tuple) -> bool:
    return len(row) >= 2 and str(row[0]).strip() == "key" and str(row[1]).strip() == "value"


def meta_from_pairs(rows: list[tuple], where: str) -> dict:
    """Key/value rows (dotted keys) -> the nested export metadata."""
    flat: dict[str, Any] = {}
    for row in rows:
        if not row or is_empty_cell(row[0]):
            continue
        key = str(row[0]).strip()
        if key in flat:
            raise InputError(f"{where}: export key {key!r} is given twice")
        flat[key] = row[1] if len(row) > 1 else None
    return unflatten(flat)
