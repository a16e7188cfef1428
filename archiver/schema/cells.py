"""Cell values -> text -> typed values, one column at a time.

Every container is first brought to text ("" = missing), so a workbook's native number or
date passes the same rules as CSV text. Parsing runs on a column's distinct values only
(`pd.factorize`), which keeps a million attendance rows with a few thousand ids cheap.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime, time

import numpy as np
import pandas as pd

from archiver.i18n import N_

INT_RE = r"[+-]?\d+"
FLOAT_RE = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
DATE_RE = r"\d{4}-\d{2}-\d{2}"
DATETIME_RE = r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?"
OFFSET_RE = r"(?:Z|[+-]\d{2}:?\d{2})"

# Why a value was refused, by column type (the value itself is quoted by the caller).
# marked for the catalog; translated with N_() where a problem is made
TYPE_MESSAGES = {
    "int": N_("{value} is not a whole number"),
    "float": N_("{value} is not a number"),
    "bool": N_("{value} is not a boolean (expected true or false)"),
    "date": N_("{value} is not a date (expected YYYY-MM-DD)"),
    "datetime": N_("{value} is not a date-time (expected ISO 8601 with a UTC offset, "
                   "e.g. 2025-09-01T08:05:00+02:00)"),
    "naive": N_("{value} has no UTC offset (add +01:00, +02:00 or Z)"),
}


def native_text(value: object, col_type: str) -> str:
    """One workbook/database cell as the format's text; `col_type` settles 1/0 booleans."""
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, int | np.integer):
        if col_type == "bool" and value in (0, 1):
            return "true" if value else "false"  # SQLite has no boolean type
        return str(int(value))
    if isinstance(value, float | np.floating):
        if math.isnan(value):
            return ""
        if float(value).is_integer():
            return native_text(int(value), col_type)  # 101.0 -> "101": Excel stores numbers
        return repr(float(value))
    if isinstance(value, datetime):
        if col_type != "datetime" and value.time() == time(0) and value.tzinfo is None:
            return value.date().isoformat()  # a date cell of a workbook
        return value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


# Kinds of column that may be converted once per distinct value. A "mixed" column may
# hold True beside 1, equal keys to a hash table that are written differently: per cell.
_BY_DISTINCT = frozenset({"integer", "floating", "mixed-integer", "mixed-integer-float",
                          "boolean", "datetime", "date", "time", "empty", "bytes"})


def as_text(series: pd.Series, col_type: str) -> np.ndarray:
    """The column as an object array of str, "" for missing."""
    values = series.to_numpy(dtype=object)
    kind = pd.api.types.infer_dtype(values, skipna=False)
    if kind == "string":
        return values
    if kind in _BY_DISTINCT:
        codes, uniques = pd.factorize(values)
        texts = np.array([native_text(v, col_type) for v in uniques] + [""], dtype=object)
        return texts[codes]  # code -1 (missing) takes the last: ""
    return np.array([v if isinstance(v, str) else native_text(v, col_type) for v in values],
                    dtype=object)


@dataclass
class Parsed:
    """A column's distinct values parsed: `codes` maps rows to `uniques`.

    `typed` holds one typed value per unique (NA where missing or invalid) and `reason`
    the key of TYPE_MESSAGES for a value that could not be parsed (None when fine).
    """

    codes: np.ndarray
    uniques: np.ndarray
    typed: pd.api.extensions.ExtensionArray | np.ndarray
    reason: np.ndarray

    def column(self, dtype: str) -> pd.Series:
        """The typed column for every row."""
        values = self.typed.take(self.codes)
        return pd.Series(values, dtype=dtype)

    def rows_with(self, mask_of_uniques: np.ndarray) -> np.ndarray:
        """0-based rows whose value is one of the flagged uniques."""
        if not mask_of_uniques.any():
            return np.zeros(0, dtype=np.int64)
        return np.flatnonzero(mask_of_uniques[self.codes])


def parse(text: np.ndarray, col_type: str) -> Parsed:
    """Factorize the text column and parse each distinct value according to `col_type`."""
    codes, uniques = pd.factorize(text, use_na_sentinel=False)
    uniques = np.asarray(uniques, dtype=object)
    present = uniques != ""
    reason = np.full(len(uniques), None, dtype=object)
    parser = _PARSERS.get(col_type, _parse_text)
    typed = parser(uniques, present, reason)
    return Parsed(codes.astype(np.intp), uniques, typed, reason)


def _fullmatch(uniques: np.ndarray, pattern: str) -> np.ndarray:
    regex = re.compile(pattern)
    return np.fromiter((regex.fullmatch(v) is not None for v in uniques), bool, len(uniques))


def _parse_text(uniques: np.ndarray, present: np.ndarray, reason: np.ndarray):
    return pd.array(np.where(present, uniques, None), dtype="string")


def _parse_int(uniques: np.ndarray, present: np.ndarray, reason: np.ndarray):
    good = present & _fullmatch(uniques, INT_RE)
    # A whole number beyond 64 bits is no count, weight or year: refused as a value.
    good &= np.fromiter((ok and abs(int(v)) < 2**63 for v, ok in zip(uniques, good, strict=True)),
                        bool, len(uniques))
    reason[present & ~good] = "int"
    values = [int(v) if ok else None for v, ok in zip(uniques, good, strict=True)]
    return pd.array(values, dtype="Int64")


def _parse_float(uniques: np.ndarray, present: np.ndarray, reason: np.ndarray):
    good = present & _fullmatch(uniques, FLOAT_RE)
    reason[present & ~good] = "float"
    values = [float(v) if ok else None for v, ok in zip(uniques, good, strict=True)]
    return pd.array(values, dtype="Float64")


def _parse_bool(uniques: np.ndarray, present: np.ndarray, reason: np.ndarray):
    truth = {"true": True, "false": False}
    good = np.fromiter((v in truth for v in uniques), bool, len(uniques))
    reason[present & ~good] = "bool"
    return pd.array([truth.get(v) for v in uniques], dtype="boolean")


def _plausible_year(uniques: np.ndarray, shaped: np.ndarray) -> np.ndarray:
    """Years pandas can hold (1678-2261): a date such as 9999-12-31 is refused as a value,
    not left to overflow the conversion."""
    return shaped & np.fromiter((ok and 1678 <= int(v[:4]) <= 2261
                                 for v, ok in zip(uniques, shaped, strict=True)),
                                bool, len(uniques))


def _parse_date(uniques: np.ndarray, present: np.ndarray, reason: np.ndarray):
    shaped = _plausible_year(uniques, present & _fullmatch(uniques, DATE_RE))
    stamps = pd.to_datetime(pd.Series(np.where(shaped, uniques, None), dtype=object),
                            format="%Y-%m-%d", errors="coerce")
    good = shaped & stamps.notna().to_numpy()
    reason[present & ~good] = "date"
    return stamps.astype("datetime64[ns]").to_numpy()


def _parse_datetime(uniques: np.ndarray, present: np.ndarray, reason: np.ndarray):
    aware = _plausible_year(uniques, present & _fullmatch(uniques, DATETIME_RE + OFFSET_RE))
    naive = present & ~aware & _fullmatch(uniques, DATETIME_RE)
    stamps = pd.to_datetime(pd.Series(np.where(aware, uniques, None), dtype=object),
                            utc=True, format="ISO8601", errors="coerce")
    good = aware & stamps.notna().to_numpy()
    reason[naive] = "naive"
    reason[present & ~good & ~naive] = "datetime"
    return stamps.astype("datetime64[ns, UTC]").array


_PARSERS = {
    "int": _parse_int,
    "float": _parse_float,
    "bool": _parse_bool,
    "date": _parse_date,
    "datetime": _parse_datetime,
}
