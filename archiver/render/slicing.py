"""The rows of the export one document needs, and a digest of them (the cache key's core).

A class's register or attendance summary reads only that class's students (and their
guardians, grades, behaviour and notes), its lessons and their attendance, plus the small
tables every document reads whole (staff, classes, subjects, attendance types, days off).
A message transcript reads the messages and everyone who may send or receive one, and no
lessons, attendance or grades. A slice renders exactly the same document as the whole
dataset (tests/perf compare the bytes); it keeps a worker's memory and a cache key to what
the document is made of, so a change in one class leaves every other class's documents
cached.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict

import numpy as np
import pandas as pd

from archiver.model import Dataset
from archiver.render.documents import DocumentSpec, student_name_key
from archiver.views import document_kind

WHOLE = ("staff", "classes", "subjects", "attendance_types", "days_off")
PER_STUDENT = ("guardians", "grades", "behaviour", "notes")
MESSAGES = ("messages", "message_recipients", "message_attachments")
PEOPLE = ("students", "guardians")


class Slicer:
    """Cuts slices of one dataset; indexes the big tables once for many documents."""

    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset
        self._digests = dataset.slice_digests  # by (table, slice): kept with the dataset
        self._meta: str | None = None
        self._rows: tuple[dict[str, np.ndarray], ...] | None = None
        # the last class slice made, by (slicing, class): a class's register and attendance
        # summary come one after the other and are made from the same rows (views never
        # change a dataset's tables)
        self._last: tuple[tuple[str, str], Dataset] | None = None

    def _positions_of(self) -> tuple[dict[str, np.ndarray], ...]:
        """Row positions of each class's students, lessons and marks (made once)."""
        if self._rows is None:
            tables = self.dataset.tables
            lesson_class = pd.Series(tables["lessons"]["class_id"].to_numpy(),
                                     index=tables["lessons"]["lesson_id"].to_numpy())
            classes = tables["attendance"]["lesson_id"].map(lesson_class)
            self._rows = (_positions(tables["students"]["class_id"]),
                          _positions(tables["lessons"]["class_id"]), _positions(classes))
        return self._rows

    def digest_for(self, spec: DocumentSpec) -> str:
        """dataset_digest() of slice_for(spec), each table hashed once per class (a
        register and an attendance summary share theirs; whole tables are hashed once;
        digests the dataset already holds are not computed again)."""
        whole = _whole_tables(_slicing(spec))
        memos = {name: (name, "*" if name in whole else f"{_slicing(spec)}:{spec.class_id}")
                 for name in self.dataset.tables}
        if any(memo not in self._digests for memo in memos.values()):
            sliced = self.slice_for(spec)
            for name, memo in memos.items():
                if memo not in self._digests:
                    self._digests[memo] = table_digest(name, sliced.tables[name])
        if self._meta is None:
            self._meta = _meta_digest(self.dataset)  # a slice keeps its dataset's meta
        digest = hashlib.sha256(self._meta.encode())
        for name in sorted(memos):
            digest.update(self._digests[memos[name]].encode())
        return digest.hexdigest()

    def _dataset(self, tables: dict[str, pd.DataFrame]) -> Dataset:
        return Dataset(self.dataset.meta, tables, self.dataset.source,
                       name_key=student_name_key(self.dataset))

    def slice_for(self, spec: DocumentSpec) -> Dataset:
        """A dataset holding only the rows `spec`'s document is made from."""
        tables = self.dataset.tables
        if _slicing(spec) in ("correspondence", "school"):
            keep = _whole_tables(_slicing(spec))
            sliced = {name: frame if name in keep else frame.iloc[0:0]
                      for name, frame in tables.items()}
            return self._dataset(sliced)
        class_id = str(spec.class_id)
        key = (_slicing(spec), class_id)
        last = self._last
        if last is not None and last[0] == key:
            return last[1]
        sliced = {name: tables[name].iloc[0:0] for name in tables}
        for name in WHOLE:
            sliced[name] = tables[name]
        students, lessons, attendance = self._positions_of()
        sliced["students"] = _take(tables["students"], students.get(class_id))
        sliced["lessons"] = _take(tables["lessons"], lessons.get(class_id))
        sliced["attendance"] = _take(tables["attendance"], attendance.get(class_id))
        ids = set(sliced["students"]["student_id"])
        for name in PER_STUDENT:
            frame = tables[name]
            sliced[name] = frame[frame["student_id"].isin(ids)].reset_index(drop=True)
        made = self._dataset(sliced)
        self._last = (key, made)
        return made


def _whole_tables(slicing: str) -> set[str]:
    """The tables a slice of this kind takes whole (the others: its rows, or none)."""
    if slicing == "correspondence":
        return set(WHOLE) | set(MESSAGES) | set(PEOPLE)
    if slicing == "school":  # every class's pupils, lessons and marks
        return set(WHOLE) | {"students", "lessons", "attendance"}
    return set(WHOLE)


def _slicing(spec: DocumentSpec) -> str:
    return document_kind(spec.kind).slicing


def _positions(keys: pd.Series) -> dict[str, np.ndarray]:
    """Row positions per key, in table order."""
    codes, uniques = pd.factorize(keys, use_na_sentinel=True)
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(uniques) + 1))
    return {str(u): order[bounds[i]:bounds[i + 1]] for i, u in enumerate(uniques)}


def _take(frame: pd.DataFrame, rows: np.ndarray | None) -> pd.DataFrame:
    if rows is None:
        return frame.iloc[0:0].reset_index(drop=True)
    return frame.iloc[rows].reset_index(drop=True)


def slice_for(dataset: Dataset, spec: DocumentSpec) -> Dataset:
    """The rows of `dataset` that `spec`'s document is made from (one-off; use Slicer for
    many documents)."""
    return Slicer(dataset).slice_for(spec)


def dataset_digest(dataset: Dataset) -> str:
    """SHA-256 of the metadata and every table's columns, dtypes and values (row order
    counts); the same data always gives the same digest, in any process."""
    digest = hashlib.sha256(_meta_digest(dataset).encode())
    for name in sorted(dataset.tables):
        digest.update(table_digest(name, dataset.tables[name]).encode())
    return digest.hexdigest()


def _meta_digest(dataset: Dataset) -> str:
    meta = asdict(dataset.meta)
    meta.pop("raw", None)
    return hashlib.sha256(json.dumps(meta, sort_keys=True, default=str).encode()).hexdigest()


def table_digest(name: str, frame: pd.DataFrame) -> str:
    """SHA-256 of one table: name, columns, dtypes, row count and every value in order."""
    digest = hashlib.sha256()
    header = [name, len(frame), [(str(c), str(t)) for c, t in frame.dtypes.items()]]
    digest.update(json.dumps(header).encode())
    if len(frame):
        digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return digest.hexdigest()
