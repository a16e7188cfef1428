"""Read a SQLite export: one table per table, an `export` table of key/value rows."""

from __future__ import annotations

import sqlite3
from collections.abc import Collection
from pathlib import Path

from archiver.errors import InputError
from archiver.i18n import _
from archiver.sources.raw import RawExport, RawTable, frame_from_rows
from archiver.sources.workbook import meta_from_pairs


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _connect(path: Path) -> sqlite3.Connection:
    uri = f"{path.resolve().as_uri()}?mode=ro"
    if _wal_mode(path):
        # Read-only access to a WAL database still creates NAME-wal and NAME-shm beside
        # it (in the school's export folder, maybe on its USB stick). With nothing waiting
        # in a -wal file the database is read as an immutable file instead: nothing written.
        wal = path.with_name(path.name + "-wal")
        if wal.exists() and wal.stat().st_size:
            raise InputError(_("{name}: the database has changes not yet saved into it "
                               "(in {name2})").format(name=path.name, name2=wal.name),
                             hint=_("close the program that wrote it, or open and "
                                    "close it once in SQLite, then run again"))
        uri += "&immutable=1"
    try:
        return sqlite3.connect(uri, uri=True, timeout=2.0)
    except sqlite3.Error as exc:
        raise InputError(_("{name}: cannot open the SQLite database ({exc})").format(
                             name=path.name, exc=exc)) from None


def _wal_mode(path: Path) -> bool:
    """True for a database in write-ahead-log mode (header bytes 18 and 19 are 2)."""
    try:
        with path.open("rb") as handle:
            header = handle.read(20)
    except OSError:
        return False  # the connection reports it
    return len(header) == 20 and header[18] == 2 and header[19] == 2


def read_database(path: Path, wanted: Collection[str] | None = None) -> RawExport:
    """Read the `export` table and every wanted table, in rowid order."""
    where = path.name
    db = _connect(path)
    try:
        kinds = dict(db.execute(
            "SELECT name, type FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY name"))
        if not all(isinstance(name, str) for name in kinds):  # a damaged schema page
            raise InputError(_("{where}: holds a table whose name is not text (a "
                               "damaged database?)").format(where=where))
        _refuse_views(kinds, wanted, where)
        names = sorted(kinds)
        if "export" not in names:
            raise InputError(_("{where}: no table named 'export' with the export's keys").format(
                                 where=where))
        header, rows = _select(db, "export")
        raw = RawExport(str(path), "sqlite", meta_from_pairs(_pairs(header, rows), where))
        for name in names:
            if name != "export" and not name.startswith("sqlite_") and (
                    wanted is None or name in wanted):
                header, rows = _select(db, name)
                frame, duplicates, _rows = frame_from_rows(header, rows)
                raw.tables[name] = RawTable(name, frame, None, f"table {name}", duplicates)
        return raw
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc):
            raise InputError(_("{where}: the database is locked by another program; "
                               "close it and try again").format(where=where)) from None
        if "decode" in str(exc):
            raise InputError(_("{where}: holds text that is not valid UTF-8").format(
                                 where=where)) from None
        raise InputError(_("{where}: not a readable SQLite database ({exc})").format(
                             where=where, exc=exc)) from None
    except UnicodeDecodeError:  # a table or column name that is not UTF-8 (a damaged file)
        raise InputError(_("{where}: holds a name that is not valid UTF-8 (a damaged "
                           "database?)").format(where=where)) from None
    except sqlite3.DatabaseError as exc:
        raise InputError(_("{where}: not a SQLite database, or a damaged one ({exc})").format(
                             where=where, exc=exc)) from None
    finally:
        db.close()


def _refuse_views(kinds: dict[str, str], wanted: Collection[str] | None, where: str) -> None:
    """A view computes its rows when read, without end if it recurses: an export holds
    its data in tables, so a view in a table's place is refused, not run."""
    for name, kind in kinds.items():
        if kind == "view" and (name == "export" or wanted is None or name in wanted):
            raise InputError(_("{where}: {name!r} is a view, not a table; a view is "
                               "not read (it could compute rows without end)").format(
                                 where=where, name=name),
                             hint=_("store the export's data in tables"))


def _select(db: sqlite3.Connection, name: str) -> tuple[list[str], list[tuple]]:
    try:
        cursor = db.execute(f"SELECT * FROM {_quote(name)} ORDER BY rowid")
    except sqlite3.OperationalError as exc:
        if "rowid" not in str(exc):
            raise
        cursor = db.execute(f"SELECT * FROM {_quote(name)}")  # a WITHOUT ROWID table
    header = [d[0].strip() for d in cursor.description]
    return header, cursor.fetchall()


def _pairs(header: list[str], rows: list[tuple]) -> list[tuple]:
    if "key" in header and "value" in header:
        k, v = header.index("key"), header.index("value")
        return [(r[k], r[v]) for r in rows]
    return rows
