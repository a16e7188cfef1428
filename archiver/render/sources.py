"""The document's slice of source data as files to embed: one CSV per table, plus scope.json.

CSV as the export format writes it (dates YYYY-MM-DD, date-times ISO 8601 in UTC with `Z`,
booleans true/false, empty = missing), rows in the order the view used them: the same data
always gives the same bytes.
"""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

import numpy as np
import pandas as pd

from archiver.render.pdfa import EmbeddedFile


def _cell(value: Any) -> str:
    if value is None or value is pd.NA or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, pd.Timestamp):
        if value.tzinfo is not None:
            return value.tz_convert("UTC").strftime("%Y-%m-%dT%H:%M:%SZ")
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


_BOOLEAN = {True: "true", False: "false", None: ""}


def _column_text(column: pd.Series) -> list[str]:
    """Every value of a column as `_cell` writes it, converted a column at a time (a
    register's sources hold some 100 000 cells: converting each alone took ~0.5 s)."""
    dtype = column.dtype
    if isinstance(dtype, pd.StringDtype):  # "" for missing (6x fillna)
        return column.to_numpy(dtype=object, na_value="").tolist()
    if isinstance(dtype, pd.Int64Dtype):  # Python ints, None for missing (2-4x astype)
        return ["" if v is None else str(v)
                for v in column.to_numpy(dtype=object, na_value=None).tolist()]
    if isinstance(dtype, pd.BooleanDtype):
        return [_BOOLEAN[v] for v in column.to_numpy(dtype=object, na_value=None).tolist()]
    if isinstance(dtype, pd.Float64Dtype):  # Python floats, None for missing: as _cell
        return ["" if v is None or v != v else str(int(v)) if v.is_integer() else str(v)
                for v in column.to_numpy(dtype=object, na_value=None).tolist()]
    if isinstance(dtype, pd.DatetimeTZDtype) or str(dtype).startswith("datetime64"):
        return _moments_text(column)
    return [_cell(value) for value in column]


FEW_MOMENTS = 256  # a shorter column is formatted value by value, without factorize


def _moments_text(column: pd.Series) -> list[str]:
    """Dates (YYYY-MM-DD) or date-times (in UTC, with Z), each distinct value formatted
    once: a register's marks share the moments they were recorded at (some 10 rows each),
    and pandas' strftime costs a microsecond a value. A short column (a class's pupils'
    birth dates) is formatted whole: factorize costs more there than it saves."""
    if len(column) < FEW_MOMENTS and (isinstance(column.dtype, pd.DatetimeTZDtype)
                                      or str(column.dtype).startswith("datetime64")):
        return _moment_texts(column)
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    texts = _moment_texts(pd.Series(uniques))
    texts.append("")  # code -1: missing
    return np.array(texts, dtype=object)[codes].tolist()


def _moment_texts(moments: pd.Series) -> list[str]:
    """Each value of `moments` as text, missing ones as ""."""
    if isinstance(moments.dtype, pd.DatetimeTZDtype):  # in UTC, to the second, with Z
        seconds = moments.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy("datetime64[s]")
        texts = _utc_texts(seconds)
        missing = np.isnat(seconds)
    elif str(moments.dtype).startswith("datetime64"):
        days = moments.to_numpy("datetime64[ns]").astype("datetime64[D]")
        texts = np.datetime_as_string(days, unit="D").tolist()
        missing = np.isnat(days)
    else:  # as pandas formats what it holds
        return moments.dt.strftime("%Y-%m-%d").fillna("").tolist()
    if missing.any():
        for at in np.flatnonzero(missing).tolist():
            texts[at] = ""
    return texts


_CLOCK = [f"T{h:02d}:{m:02d}:" for h in range(24) for m in range(60)]  # by minute of day
_SECOND = [f"{s:02d}Z" for s in range(60)]


def _utc_texts(seconds: np.ndarray) -> list[str]:
    """np.datetime_as_string(seconds, unit="s") + "Z" of each moment (datetime64[s]; NaT
    gives any text): the day written once for each distinct day, the time of day from
    the tables above (datetime_as_string costs ~1.5 µs a value: a register's marks were
    recorded at some 10,000 distinct moments)."""
    ticks = seconds.astype(np.int64)
    days, within = np.divmod(ticks, 86400)
    minutes, secs = np.divmod(within, 60)
    unique_days, codes = np.unique(days, return_inverse=True)
    day_texts = np.datetime_as_string(unique_days.astype("datetime64[D]"), unit="D").tolist()
    clock, second = _CLOCK, _SECOND
    return [day_texts[d] + clock[m] + second[s] for d, m, s in
            zip(codes.tolist(), minutes.tolist(), secs.tolist(), strict=True)]


def frame_to_csv(frame: pd.DataFrame) -> bytes:
    """A frame as UTF-8 CSV (RFC 4180 quoting, LF line ends), header first."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(list(frame.columns))
    columns = [_column_text(column) for _name, column in frame.items()]
    if len(columns) > 1 and not any(map(_QUOTED.search, map("".join, columns))):
        # nothing csv would quote (a row of one empty field is the one other case, and
        # it needs one column): the rows joined as csv writes them, without its per-cell
        # work (a register's 33,000 marks: 25 ms -> 5)
        if columns[0]:
            out.write("\n".join(map(",".join, zip(*columns, strict=True))) + "\n")
    else:
        writer.writerows(zip(*columns, strict=True))
    return out.getvalue().encode("utf-8")


_QUOTED = re.compile('[,"\r\n]')  # what csv.writer (QUOTE_MINIMAL, no escapechar) quotes


# The last frame written of each table (at least SUBSET_ROWS rows), and its CSV: a class's
# register and attendance summary come one after the other and embed the same marks
# (33,000 rows of a year: 50 ms of the summary's 110 in the main process).
_LAST: dict[str, list] = {}  # name: [frame, its CSV, its records' ends (lazily)]


def _same(frame: pd.DataFrame, seen: pd.DataFrame) -> bool:
    """The same rows, columns, dtypes and index: the same CSV (frame_to_csv reads only
    them). DataFrame.equals compares values exactly, a missing value equal to another."""
    return frame is seen or (
        frame.shape == seen.shape and list(frame.columns) == list(seen.columns)
        and frame.dtypes.astype(str).tolist() == seen.dtypes.astype(str).tolist()
        and frame.equals(seen))


SUBSET_ROWS = 200  # a frame this long is kept: a later frame of it or its rows reuses it


def _subset(frame: pd.DataFrame, seen: pd.DataFrame) -> np.ndarray | None:
    """The positions in `seen` of `frame`'s rows when `frame` is rows of it (taken by a
    mask or positions from a frame numbered 0..n-1, as a summary's held lessons are of the
    register's lessons: the index says which, and every value is compared), else None."""
    index, whole = frame.index, seen.index
    if isinstance(index, pd.RangeIndex) or not isinstance(whole, pd.RangeIndex) or \
            whole.start != 0 or whole.step != 1 or not len(index) or \
            index.dtype.kind not in "iu" or not index.is_monotonic_increasing or \
            not index.is_unique or index[0] < 0 or index[-1] >= len(seen):
        return None
    if list(frame.columns) != list(seen.columns) or \
            frame.dtypes.astype(str).tolist() != seen.dtypes.astype(str).tolist():
        return None
    positions = index.to_numpy()
    if not frame.equals(seen.iloc[positions]):
        return None
    return positions


def _records(data: bytes) -> np.ndarray:
    """Where each record of a CSV ends (its line break), the header's first: a line break
    inside a quoted field (an odd number of quotes before it) ends none."""
    raw = np.frombuffer(data, dtype=np.uint8)
    breaks = np.flatnonzero(raw == 10)
    quotes = np.cumsum(raw == 34)
    return breaks[quotes[breaks] % 2 == 0]


def _rows_csv(data: bytes, ends: np.ndarray, positions: np.ndarray) -> bytes:
    """The header and these rows' records of a CSV (each row's text depends on its values
    only: the same bytes frame_to_csv writes for those rows)."""
    starts = ends[:-1] + 1  # row i: from after record i's end to record i+1's end
    stops = ends[1:] + 1
    return data[:ends[0] + 1] + b"".join(
        data[a:b] for a, b in zip(starts[positions].tolist(), stops[positions].tolist(),
                                  strict=True))


def table_csv(name: str, frame: pd.DataFrame) -> bytes:
    """frame_to_csv(frame), from the last CSV made of table `name` when its frame is
    the same (compared in full: a few ms), or the rows of it `frame` holds (_subset)."""
    found = _LAST.get(name)
    if found is not None and len(frame) >= SUBSET_ROWS:
        # the same rows (a summary's lessons, all held: a mask of every row keeps the
        # RangeIndex, so they are not taken for a subset)
        if _same(frame, found[0]):
            return found[1]
        positions = _subset(frame, found[0])
        if positions is not None:
            if found[2] is None:
                found[2] = _records(found[1])
            return _rows_csv(found[1], found[2], positions)
    data = frame_to_csv(frame)
    if len(frame) >= SUBSET_ROWS:
        _LAST[name] = [frame.copy(), data, None]  # a copy: the caller may change its frame
    return data


def source_files(sources: dict[str, pd.DataFrame],
                 scope_info: dict[str, Any]) -> list[EmbeddedFile]:
    """Embedded files: `TABLE.csv` per source table (sorted by name) and `scope.json`."""
    files = [
        EmbeddedFile(f"{name}.csv", table_csv(name, sources[name]),
                     f"wiersze tabeli {name} eksportu, z których sporządzono dokument", "Source")
        for name in sorted(sources)
    ]
    info = {**scope_info, "tables": {name: len(sources[name]) for name in sorted(sources)}}
    blob = json.dumps(info, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8") + b"\n"
    files.append(EmbeddedFile("scope.json", blob, "zakres dokumentu i pochodzenie danych", "Data"))
    return files
