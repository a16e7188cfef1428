"""Read an export from its container (folder, zip, xlsx, sqlite) into raw tables.

`read_export(path)` picks the reader from what the path is: a folder, or a file whose
first bytes say zip, workbook or SQLite (the extension is only used to word the error
when the content is none of these). Anything unreadable raises InputError, one line.
"""

from __future__ import annotations

import zipfile
from collections.abc import Collection
from pathlib import Path

from archiver.errors import InputError
from archiver.i18n import _
from archiver.sources.raw import CONTAINERS, RawExport, RawTable

__all__ = ["CONTAINERS", "RawExport", "RawTable", "detect_container", "read_export"]

SQLITE_MAGIC = b"SQLite format 3\x00"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
_EXPECTED = {".zip": "zip", ".xlsx": "xlsx", ".xlsm": "xlsx", ".sqlite": "sqlite",
             ".sqlite3": "sqlite", ".db": "sqlite"}
_NAMES = {"zip": "a zip archive", "xlsx": "an .xlsx workbook", "sqlite": "a SQLite database"}


def detect_container(path: Path) -> str:
    """folder, zip, xlsx or sqlite: from the path and the file's first bytes."""
    if path.is_dir():
        return "folder"
    if not path.exists():
        raise InputError(_("{path}: no such file or folder").format(path=path))
    try:
        with path.open("rb") as handle:
            head = handle.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise InputError(_("{name}: cannot be read ({strerror})").format(
                             name=path.name, strerror=exc.strerror)) from None
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(ZIP_MAGICS):
        return "xlsx" if _is_workbook(path) else "zip"
    expected = _EXPECTED.get(path.suffix.lower())
    if not head:
        raise InputError(_("{name}: the file is empty").format(name=path.name))
    if expected:
        raise InputError(_("{name}: not {NAMES} (the content is of another kind or "
                           "damaged)").format(name=path.name, NAMES=_NAMES[expected]))
    raise InputError(_("{name}: not a register export; give a folder, .zip, .xlsx or "
                       ".sqlite/.db file").format(name=path.name))


def _is_workbook(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, NotImplementedError, EOFError, ValueError):
        # damaged, or of a zip version zipfile cannot open: the reader words the error
        return path.suffix.lower() in (".xlsx", ".xlsm")
    return "[Content_Types].xml" in names and "xl/workbook.xml" in names


def read_export(path: str | Path, wanted: Collection[str] | None = None) -> RawExport:
    """Read the tables named in `wanted` (all when None) and the export metadata."""
    from archiver.sources.archive import read_zip
    from archiver.sources.database import read_database
    from archiver.sources.folder import read_folder
    from archiver.sources.workbook import read_workbook

    path = Path(path)
    readers = {"folder": read_folder, "zip": read_zip, "xlsx": read_workbook,
               "sqlite": read_database}
    return readers[detect_container(path)](path, wanted)
