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


def _write_xlsx(tables: dict[str, pd.DataFrame], export: dict, out: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    for name in sorted(tables):
        frame = tables[name]
        if len(frame) > XLSX_MAX_ROWS:
            raise ValueError(f"table {name} has {len(frame)} rows; a worksheet holds at most "
                             f"{XLSX_MAX_ROWS}: use the folder, zip or sqlite format")
        sheet = workbook.create_sheet(name)
        sheet.append([str(c) for c in frame.columns])
        for row in frame.itertuples(index=False, name=None):
            sheet.append([_xlsx_write_cell(sheet, v, WriteOnlyCell) for v in row])
    sheet = workbook.create_sheet("export")
    sheet.append(["key", "value"])
    for key, value in flatten(export).items():
        sheet.append([key, _xlsx_write_cell(sheet, value, WriteOnlyCell)])
    stamp = _fixed_time(export)
    workbook.properties.created = stamp
    workbook.properties.creator = "archiver"
    _atomic_write(out, lambda tmp: tmp.write_bytes(_stable_xlsx(workbook, stamp)))


def _xlsx_write_cell(sheet: Any, value: Any, cell_class: type) -> Any:
    from openpyxl.utils.exceptions import IllegalCharacterError

    value = _xlsx_cell(value)
    if isinstance(value, str):
        if len(value) > 32767:
            raise ValueError(f"a text of {len(value)} characters does not fit a worksheet cell")
        try:
            cell = cell_class(sheet, value=value)
        except IllegalCharacterError:  # its message would quote the (personal) text
            raise ValueError("a text holds a control character a worksheet cannot store") from None
        # Force text: openpyxl takes a leading "=" for a formula and "#N/A" for an error.
        cell.data_type = "s"
        return cell
    if isinstance(value, date):
        cell = cell_class(sheet, value=value)
        cell.number_format = "yyyy-mm-dd"
        return cell
    return value


def _stable_xlsx(workbook: Any, stamp: datetime) -> bytes:
    """Save, then rewrite the package with fixed entry times and a fixed modified time."""
    from openpyxl.packaging.core import DocumentProperties
    from openpyxl.xml.functions import tostring

    raw = io.BytesIO()
    workbook.save(raw)
    props = DocumentProperties(creator="archiver", created=stamp, modified=stamp)
    core = tostring(props.to_tree())
    result = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(result, "w") as target:
        for info in source.infolist():
            data = core if info.filename == "docProps/core.xml" else source.read(info)
            target.writestr(_zip_entry(info.filename), data, compresslevel=6)
    return result.getvalue()


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
