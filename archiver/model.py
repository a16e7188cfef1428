"""The validated school year: typed pandas frames plus the export's metadata. Pure, no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import pandas as pd


@dataclass(frozen=True)
class Term:
    """One term (semestr) of the school year; `number` counts from 1."""

    number: int
    start: date
    end: date


@dataclass(frozen=True)
class School:
    id: str
    name: str
    short_name: str = ""
    address: str = ""
    regon: str = ""


@dataclass(frozen=True)
class ExportMeta:
    """What export.json (or the `export` sheet/table) says about the export."""

    format: str
    version: int
    exported_at: datetime  # timezone-aware, as written in the export
    school: School
    school_year: str  # "2025/2026"
    terms: tuple[Term, ...]
    timezone: str = "Europe/Warsaw"
    source_system: str = ""
    raw: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def year_start(self) -> date:
        return self.terms[0].start

    @property
    def year_end(self) -> date:
        return self.terms[-1].end

    def term(self, number: int) -> Term:
        for t in self.terms:
            if t.number == number:
                return t
        raise KeyError(number)

    def term_of(self, day: date) -> int:
        """The term a date belongs to; a date in a break belongs to the term before it."""
        current = self.terms[0].number
        for t in self.terms:
            if day >= t.start:
                current = t.number
        return current


@dataclass(frozen=True)
class SourceInfo:
    """Where the export came from: its path and container kind (folder, zip, xlsx, sqlite)."""

    path: str
    container: str


@dataclass
class Dataset:
    """One school year: every table of the format as a typed DataFrame, plus metadata.

    Every table of `archiver.schema.tables.TABLES` is present, with every declared column in
    its declared dtype (an absent optional table or column is an empty/NA column). Rows keep
    the export's order; the index is a RangeIndex. Unknown columns and tables are dropped.
    """

    meta: ExportMeta
    tables: dict[str, pd.DataFrame]
    source: SourceInfo | None = None
    # The key of students' hashes in file names (render.documents.student_name_key), made
    # from the whole export once and carried by every slice, so that a document's file
    # name is the same whether it is made from a slice or from the whole export.
    name_key: bytes | None = field(default=None, compare=False, repr=False)
    # Digests of the tables of its documents' slices (render.slicing.Slicer), by (table,
    # slice); kept with the dataset when an export read once is kept in the render cache
    # (render.export_cache), so that an unchanged re-run hashes no rows again.
    slice_digests: dict[tuple[str, str], str] = field(default_factory=dict, compare=False,
                                                      repr=False)
    # Its entry's key in the render cache, when it can be kept there (export_cache).
    origin: str | None = field(default=None, compare=False, repr=False)

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables = self.__dict__.get("tables")
        if tables is not None and name in tables:
            return tables[name]
        raise AttributeError(name)

    def personal_name_tokens(self) -> set[str]:
        """Every first, middle and last name of students, guardians and staff (what no
        entry name of a bundle may contain)."""
        names: set[str] = set()
        for table, columns in (("students", ("first_name", "middle_name", "last_name")),
                               ("guardians", ("first_name", "last_name")),
                               ("staff", ("first_name", "last_name"))):
            frame = self.tables[table]
            for column in columns:
                names.update(str(v) for v in frame[column].dropna().unique())
        return names

    def equals(self, other: Dataset) -> bool:
        """Same metadata and the same data in every table (used to compare containers)."""
        if self.meta != other.meta or set(self.tables) != set(other.tables):
            return False
        return all(self.tables[n].equals(other.tables[n]) for n in self.tables)
