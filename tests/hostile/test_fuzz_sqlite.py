"""SQLite exports broken at random: any value of any storage class in any cell (blobs,
huge numbers, text that is not UTF-8, NUL), odd schemas (views, WITHOUT ROWID, missing or
extra columns), damaged pages. A clean load or one clear error: no traceback, no hang,
nothing written (the database is opened read-only; no journal appears beside it)."""

from __future__ import annotations

import sqlite3
import tempfile
from functools import lru_cache
from pathlib import Path

import pytest
from hostile_support import hostile_text, load_in_sandbox, sandbox
from hypothesis import example, given
from hypothesis import strategies as st
from minimal_export import write_minimal

from archiver.errors import InputError
from archiver.load import load_dataset

TABLES = ("staff", "classes", "students", "guardians", "subjects", "lessons",
          "attendance_types", "attendance", "grades", "notes", "messages",
          "message_recipients", "export")

values = st.one_of(
    st.none(), st.integers(-(2**63), 2**63 - 1), st.floats(), hostile_text(),
    st.binary(max_size=200), st.booleans(),
    st.sampled_from(["2025-09-02", "2025-09-02T08:00:00+02:00", "0101", "true", ""]),
)


@lru_cache(maxsize=1)
def baseline_database() -> bytes:
    with tempfile.TemporaryDirectory() as name:
        return write_minimal(Path(name), "sqlite").read_bytes()


def _columns(db: sqlite3.Connection, table: str) -> list[str]:
    return [r[1] for r in db.execute(f'PRAGMA table_info("{table}")')]


@st.composite
def hostile_database(draw) -> list[tuple[str, tuple]]:
    """SQL statements (with parameters) that break the baseline database."""
    statements: list[tuple[str, tuple]] = []
    with tempfile.TemporaryDirectory() as name:
        path = Path(name) / "e.sqlite"
        path.write_bytes(baseline_database())
        db = sqlite3.connect(path)
        columns = {t: _columns(db, t) for t in TABLES}
        rows = {t: db.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in TABLES}
        db.close()
    for _ in range(draw(st.integers(1, 4))):
        table = draw(st.sampled_from(TABLES))
        how = draw(st.sampled_from(["update", "update", "insert", "invalid-utf8", "drop",
                                    "add-column", "view", "without-rowid", "rename-column"]))
        column = draw(st.sampled_from(columns[table]))
        if how == "update":
            rowid = draw(st.integers(1, max(1, rows[table])))
            statements.append((f'UPDATE "{table}" SET "{column}" = ? WHERE rowid = ?',
                               (draw(values), rowid)))
        elif how == "insert":
            marks = ", ".join("?" for _ in columns[table])
            statements.append((f'INSERT INTO "{table}" VALUES ({marks})',
                               tuple(draw(values) for _ in columns[table])))
        elif how == "invalid-utf8":
            statements.append((f'UPDATE "{table}" SET "{column}" = CAST(? AS TEXT)',
                               (draw(st.binary(min_size=1, max_size=20)) + b"\xff",)))
        elif how == "drop":
            statements.append((f'DROP TABLE "{table}"', ()))
            columns[table] = []
        elif how == "add-column":
            statements.append((f'ALTER TABLE "{table}" ADD COLUMN "{column} " DEFAULT 1', ()))
        elif how == "view":  # a view in place of the table, returning the same rows
            statements += [(f'ALTER TABLE "{table}" RENAME TO "{table}_t"', ()),
                           (f'CREATE VIEW "{table}" AS SELECT * FROM "{table}_t"', ())]
        elif how == "without-rowid":
            statements += [(f'CREATE TABLE "x_{table}" ("k" PRIMARY KEY, "v") WITHOUT ROWID',
                            ()), (f'DROP TABLE "{table}"', ()),
                           (f'ALTER TABLE "x_{table}" RENAME TO "{table}"', ())]
            columns[table] = ["k", "v"]
        else:
            statements.append((f'ALTER TABLE "{table}" RENAME COLUMN "{column}" TO "{column}X"',
                               ()))
        if not columns[table]:
            break
    return statements


def _build(path: Path, statements: list[tuple[str, tuple]]) -> bool:
    """Apply the statements; False when SQLite itself rejects them (then nothing to test)."""
    path.write_bytes(baseline_database())
    db = sqlite3.connect(path, isolation_level=None)
    try:
        for sql, params in statements:
            db.execute(sql, params)
    except sqlite3.Error:
        return False
    finally:
        db.close()
    return True


def test_the_unbroken_database_loads() -> None:
    with sandbox() as box:
        path = box.input / "eksport.sqlite"
        path.write_bytes(baseline_database())
        assert load_in_sandbox(box, path) == "ok"


@given(hostile_database())
# make test-slow's fuzzing: a lesson whose subject id is 1000 line breaks; the message that
# names the lesson printed them raw, over a thousand lines
@example([('INSERT INTO "lessons" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
           (None, None, None, None, "\n" * 1000, None, None, None, None, None, None))])
def test_a_hostile_database_loads_or_is_refused_cleanly(statements) -> None:
    with sandbox() as box:
        path = box.input / "eksport.sqlite"
        if _build(path, statements):
            load_in_sandbox(box, path)


@given(st.integers(0, 100_000), st.integers(1, 255), st.booleans())
@example(3843, 1, False)  # make test-slow: a table name read back as bytes, then TypeError
def test_a_damaged_database_file_is_refused_cleanly(at: int, xor: int, truncate: bool) -> None:
    data = bytearray(baseline_database())
    at %= len(data)
    if truncate:
        data = data[:at]
    else:
        data[at] ^= xor
    with sandbox() as box:
        path = box.input / "eksport.db"
        path.write_bytes(bytes(data))
        load_in_sandbox(box, path)


def test_a_view_that_never_ends_is_refused_not_read_for_ever() -> None:
    # A recursive view yields rows without end: reading it would hang and fill memory.
    statements = [('ALTER TABLE "notes" RENAME TO "notes_t"', ()),
                  ('CREATE VIEW "notes" AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL '
                   'SELECT i + 1 FROM n) SELECT i AS note_id FROM n', ())]
    with sandbox() as box:
        path = box.input / "eksport.sqlite"
        assert _build(path, statements)
        assert load_in_sandbox(box, path) == "unreadable"


def test_a_database_in_wal_mode_is_read_without_writing_beside_it() -> None:
    # Read-only SQLite access to a WAL database creates NAME-wal and NAME-shm next to it.
    with sandbox() as box:
        path = box.input / "eksport.sqlite"
        assert _build(path, [("PRAGMA journal_mode=WAL", ())])
        assert load_in_sandbox(box, path) == "ok"  # the sandbox sees any new file


def test_unsaved_changes_in_a_wal_file_are_named_not_ignored(tmp_path: Path) -> None:
    path = tmp_path / "eksport.sqlite"
    assert _build(path, [("PRAGMA journal_mode=WAL", ())])
    writer = sqlite3.connect(path, isolation_level=None)
    try:
        writer.execute("PRAGMA wal_autocheckpoint=0")
        writer.execute("DELETE FROM notes")  # still only in eksport.sqlite-wal
        with pytest.raises(InputError, match="not yet saved into it"):
            load_dataset(path)
    finally:
        writer.close()
