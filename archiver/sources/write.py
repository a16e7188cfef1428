"""Write an export in any of the four containers; byte-identical output for the same input.

Used by the demo generator and the tests. Values are converted the same way everywhere
(`cells.to_text`); the workbook and the database keep numbers, booleans and dates as
native cells where the format allows it, so readers are exercised on both forms.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import sqlite3
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from archiver.sources.cells import flatten, is_missing, to_text

FORMATS = ("folder", "zip", "xlsx", "sqlite")
# A fixed timestamp for every zip entry (the earliest a zip can hold).
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
XLSX_MAX_ROWS = 1_048_575  # data rows of one sheet under its header row


def write_export(tables: dict[str, pd.DataFrame], export: dict, out: Path, fmt: str) -> Path:
    """Write `tables` + `export` to `out` as a folder, .zip, .xlsx or SQLite file; return `out`.

    The result appears under its final name only once complete.
    """
    out = Path(out)
    writers: dict[str, Callable[[dict[str, pd.DataFrame], dict, Path], None]] = {
        "folder": _write_folder,
        "zip": _write_zip,
        "xlsx": _write_xlsx,
        "sqlite": _write_sqlite,
    }
    if fmt not in writers:
        raise ValueError(f"unknown export format {fmt!r}; expected one of {', '.join(FORMATS)}")
    out.parent.mkdir(parents=True, exist_ok=True)
    writers[fmt](tables, export, out)
    return out


def export_json_bytes(export: dict) -> bytes:
    """export.json as written: UTF-8, indented, keys in the given order."""
    return (json.dumps(export, ensure_ascii=False, indent=2, default=to_text) + "\n").encode()


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """One table as RFC 4180 CSV (CRLF line ends, minimal quoting, "" for missing)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([str(c) for c in frame.columns])
    columns = [_text_column(frame.iloc[:, i]) for i in range(frame.shape[1])]
    writer.writerows(zip(*columns, strict=True))
    return buffer.getvalue().encode("utf-8")


# Columns of one kind of value can be converted once per distinct value; a mixed column
# cannot (True, 1 and 1.0 are equal keys to a hash table but are written differently).
_UNIFORM = frozenset({"string", "integer", "floating", "boolean", "date", "datetime", "empty"})


def _text_column(series: pd.Series) -> list[str]:
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        series = pd.Series(series.dt.to_pydatetime(), dtype=object, index=series.index)
    values = series.to_numpy(dtype=object)
    if pd.api.types.infer_dtype(values, skipna=True) not in _UNIFORM:
        return [to_text(v) for v in values]
    codes, uniques = pd.factorize(values)
    texts = [to_text(v) for v in uniques] + [""]  # code -1 (missing) -> the last, ""
    return [texts[c] for c in codes]


def _files(tables: dict[str, pd.DataFrame], export: dict) -> Iterator[tuple[str, bytes]]:
    yield "export.json", export_json_bytes(export)
    for name in sorted(tables):
        yield f"{name}.csv", csv_bytes(tables[name])


def _write_folder(tables: dict[str, pd.DataFrame], export: dict, out: Path) -> None:
    if out.exists() and any(out.iterdir()):
        raise FileExistsError(f"{out} exists and is not empty")
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    for name, data in _files(tables, export):
        (tmp / name).write_bytes(data)
    if out.exists():
        out.rmdir()
    tmp.chmod(0o755)
    os.replace(tmp, out)


def _zip_entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    info.create_system = 3  # Unix, whatever the host: the bytes must not depend on it
    return info


def _atomic_write(out: Path, fill: Callable[[Path], None]) -> None:
    fd, name = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        fill(tmp)
        tmp.chmod(0o644)
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)


def _write_zip(tables: dict[str, pd.DataFrame], export: dict, out: Path) -> None:
    def fill(tmp: Path) -> None:
        with zipfile.ZipFile(tmp, "w") as archive:
            for name, data in _files(tables, export):
                archive.writestr(_zip_entry(name), data, compresslevel=6)

    _atomic_write(out, fill)


def _fixed_time(export: dict) -> datetime:
    """The workbook's created/modified time: the export's own time, so reruns match."""
    try:
        stamp = datetime.fromisoformat(str(export["exported_at"]))
    except (KeyError, ValueError):
        return datetime(2000, 1, 1)
    if stamp.tzinfo is not None:
        stamp = stamp.astimezone(UTC).replace(tzinfo=None)
    return stamp


def _xlsx_cell(value: Any) -> Any:
    """A native workbook value: text, number, boolean or date; aware times stay text."""
    if is_missing(value):
        return None
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if hasattr(value, "item") and not isinstance(value, str | date):
        value = value.item()
    if isinstance(value, datetime):
        return value.isoformat()  # Excel has no time zones
    if isinstance(value, bool | int | float | date | str):
        return value
    return to_text(value)


# Text a reader would take for an escaped character (_x0041_ is "A" to Excel and calamine)
# gets its underscore escaped, as Excel does: _x005F_x0041_ reads back as _x0041_.
_ESCAPE_LIKE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")


def _xlsx_text(value: str) -> str | _ForcedText:
    """Text as openpyxl should write it; text it would take for a formula or error, forced."""
    from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE

    if len(value) > 32767:
        raise ValueError(f"a text of {len(value)} characters does not fit a worksheet cell")
    if ILLEGAL_CHARACTERS_RE.search(value):  # openpyxl's message would quote the text
        raise ValueError("a text holds a control character a worksheet cannot store")
    if "_x" in value:
        value = _ESCAPE_LIKE.sub(r"_x005F_\1", value)
    if (len(value) > 1 and value.startswith("=")) or value in ERROR_CODES:
        return _ForcedText(value)
    return value


class _ForcedText(str):
    """Text to be written as a text cell whatever it looks like (a fresh cell per use)."""


def _xlsx_value(value: Any) -> Any:
    value = _xlsx_cell(value)
    return _xlsx_text(value) if isinstance(value, str) else value


def _xlsx_column(series: pd.Series) -> tuple[list[Any], bool]:
    """One column as workbook values (each distinct value converted once); any forced text?"""
    values = series.to_numpy(dtype=object)
    if pd.api.types.infer_dtype(values, skipna=True) not in _UNIFORM:
        converted = [_xlsx_value(v) for v in values]
        return converted, any(isinstance(v, _ForcedText) for v in converted)
    codes, uniques = pd.factorize(values)
    converted = [_xlsx_value(v) for v in uniques] + [None]  # code -1 (missing) -> None
    return [converted[c] for c in codes], any(isinstance(v, _ForcedText) for v in converted)


def _xlsx_row(sheet: Any, row: tuple) -> list[Any]:
    """Plain values as they are; forced text as a text cell of its own."""
    from openpyxl.cell import WriteOnlyCell

    cells = list(row)
    for i, value in enumerate(cells):
        if isinstance(value, _ForcedText):
            cell = WriteOnlyCell(sheet, value=str(value))
            cell.data_type = "s"
            cells[i] = cell
    return cells


def _write_xlsx(tables: dict[str, pd.DataFrame], export: dict, out: Path) -> None:
    from openpyxl import Workbook

    # Plain values, not a cell object per value: openpyxl then gives a date its
    # yyyy-mm-dd format itself and the large demo is written several times faster.
    workbook = Workbook(write_only=True)
    for name in sorted(tables):
        frame = tables[name]
        if len(frame) > XLSX_MAX_ROWS:
            raise ValueError(f"table {name} has {len(frame)} rows; a worksheet holds at most "
                             f"{XLSX_MAX_ROWS}: use the folder, zip or sqlite format")
        sheet = workbook.create_sheet(name)
        sheet.append(_xlsx_row(sheet, tuple(_xlsx_text(str(c)) for c in frame.columns)))
        converted = [_xlsx_column(frame.iloc[:, i]) for i in range(frame.shape[1])]
        columns = [column for column, _ in converted]
        forced = any(has_forced for _, has_forced in converted)
        for row in zip(*columns, strict=True):
            sheet.append(_xlsx_row(sheet, row) if forced else row)
    sheet = workbook.create_sheet("export")
    sheet.append(["key", "value"])
    for key, value in flatten(export).items():
        sheet.append(_xlsx_row(sheet, (_xlsx_text(key), _xlsx_value(value))))
    stamp = _fixed_time(export)
    workbook.properties.creator = "archiver"
    workbook.properties.created = stamp
    workbook.properties.modified = stamp
    _atomic_write(out, lambda tmp: _save_workbook(workbook, tmp))


class _StableZip(zipfile.ZipFile):
    """A zip whose entries get fixed times and attributes, whatever openpyxl passes."""

    def writestr(self, zinfo_or_arcname: Any, data: Any, compress_type: Any = None,
                 compresslevel: Any = None) -> None:
        name = getattr(zinfo_or_arcname, "filename", zinfo_or_arcname)
        super().writestr(_zip_entry(name), data, compresslevel=6)

    def write(self, filename: Any, arcname: Any = None, compress_type: Any = None,
              compresslevel: Any = None) -> None:
        entry = _zip_entry(arcname or os.path.basename(filename))
        large = os.path.getsize(filename) >= zipfile.ZIP64_LIMIT  # a sheet of over 2 GiB
        with open(filename, "rb") as source, self.open(entry, "w", force_zip64=large) as target:
            shutil.copyfileobj(source, target, 1 << 20)


def _save_workbook(workbook: Any, tmp: Path) -> None:
    """openpyxl's save, into a zip with fixed entry times (its own save stamps `now`)."""
    from openpyxl.writer.excel import ExcelWriter

    with _StableZip(tmp, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(workbook, archive).save()


def _sqlite_value(value: Any) -> Any:
    """Numbers stay numbers; booleans, dates and date-times become the format's text."""
    if is_missing(value):
        return None
    if hasattr(value, "item") and not isinstance(value, str | date):
        value = value.item()
    if isinstance(value, bool):
        return to_text(value)
    if isinstance(value, int | float | str):
        return value
    if isinstance(value, pd.Timestamp):
        return to_text(value.to_pydatetime())
    return to_text(value)


def _quote(name: str) -> str:
    return '"' + str(name).replace('"', '""') + '"'


def _write_sqlite(tables: dict[str, pd.DataFrame], export: dict, out: Path) -> None:
    def fill(tmp: Path) -> None:
        tmp.unlink()
        db = sqlite3.connect(tmp, isolation_level=None)
        try:
            # One transaction, no journal file, fixed page size: same bytes every run.
            db.execute("PRAGMA journal_mode=OFF")
            db.execute("PRAGMA page_size=4096")
            db.execute("BEGIN")
            for name in sorted(tables):
                _sqlite_table(db, name, tables[name])
            db.execute('CREATE TABLE "export" ("key" TEXT, "value")')
            db.executemany(
                'INSERT INTO "export" VALUES (?, ?)',
                [(k, _sqlite_value(v)) for k, v in flatten(export).items()],
            )
            db.execute("COMMIT")
        finally:
            db.close()

    _atomic_write(out, fill)


def _sqlite_table(db: sqlite3.Connection, name: str, frame: pd.DataFrame) -> None:
    # Columns without a declared type keep each value's own storage class.
    columns = ", ".join(_quote(c) for c in frame.columns)
    db.execute(f"CREATE TABLE {_quote(name)} ({columns})")
    marks = ", ".join("?" for _ in frame.columns)
    rows = (tuple(_sqlite_value(v) for v in row)
            for row in frame.itertuples(index=False, name=None))
    db.executemany(f"INSERT INTO {_quote(name)} VALUES ({marks})", rows)
