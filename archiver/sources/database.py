"""Read a SQLite export: one table per table, an `export` table of key/value rows."""

from __future__ import annotations

import sqlite3
from collections.abc import Collection
from pathlib import Path

from archiver.errors import InputError
from archiver.sources.raw import RawExport, RawTable, frame_from_rows
from archiver.sources.workbook import meta_from_pairs


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _connect(path: Path) -> sqlite3.Connection:
    uri = f"{path.resolve().as_uri()}?mode=ro"
    try:
        return sqlite3.connect(uri, uri=True, timeout=2.0)
    except sqlite3.Error as exc:
        raise InputError(f"{path.name}: cannot open the SQLite database ({exc})") from None


def read_database(path: Path, wanted: Collection[str] | None = None) -> RawExport:
    """Read the `export` table and every wanted table, in rowid order."""
    where = path.name
    db = _connect(path)
    try:
        names = [r[0] for r in db.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY name")]
        if "export" not in names:
            raise InputError(f"{where}: no table named 'export' with the export's keys")
        header, rows = _select(db, "export")
        raw = RawExport(str(path), "sqlite", meta_from_pairs(_pairs(header, rows), where))
        for name in names:
            if name != "export" and not name.startswith("sqlite_") and (
                    wanted is None or name in wanted):
                header, rows = _select(db, name)
                frame, duplicates, _ = frame_from_rows(header, rows)
                raw.tables[name] = RawTable(name, frame, None, f"table {name}", duplicates)
        return raw
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc):
            raise InputError(f"{where}: the database is locked by another program; "
                             "close it and try again") from None
        if "decode" in str(exc):
            raise InputError(f"{where}: holds text that is not valid UTF-8") from None
        raise InputError(f"{where}: not a readable SQLite database ({exc})") from None
    except sqlite3.DatabaseError as exc:
        raise InputError(f"{where}: not a SQLite database, or a damaged one ({exc})") from None
    finally:
        db.close()


def _select(db: sqlite3.Connection, name: str) -> tuple[list[str], list[tuple]]:
    try:
        cursor = db.execute(f"SELECT * FROM {_quote(name)} ORDER BY rowid")
    except sqlite3.OperationalError as exc:
        if "rowid" not in str(exc):
            raise
        cursor = db.execute(f"SELECT * FROM {_quote(name)}")  # WITHOUT ROWID table or view
    header = [d[0].strip() for d in cursor.description]
    return header, cursor.fetchall()


def _pairs(header: list[str], rows: list[tuple]) -> list[tuple]:
    if "key" in header and "value" in header:
        k, v = header.index("key"), header.index("value")
        return [(r[k], r[v]) for r in rows]
    return rows
