"""Turn the generated frames into the tables' exact columns holding plain values."""

from __future__ import annotations

import pandas as pd

from archiver.demo.lessons import TIMEZONE
from archiver.schema.tables import TABLES


def _plain(column: pd.Series, kind: str) -> pd.Series:
    """Object column of Python values (str, int, float, bool, date) with None for missing;
    date-times as timezone-aware Europe/Warsaw stamps (NaT for missing)."""
    if kind == "datetime":
        return pd.to_datetime(column).dt.tz_convert(TIMEZONE)
    convert = {"int": int, "float": float, "bool": bool}.get(kind)
    if convert is not None:
        values = [None if pd.isna(v) else convert(v) for v in column]
        return pd.Series(values, index=column.index, dtype=object)
    if kind != "date":  # text of every kind; an empty string means missing, as in CSV
        text = column.astype(object)
        return text.where(column.notna() & (text != ""), None)
    return column.astype(object).where(column.notna(), None)


def finalise(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Every table of the format, in schema order, with exactly the schema's columns."""
    out = {}
    for name, spec in TABLES.items():
        frame = tables[name].reset_index(drop=True)
        out[name] = pd.DataFrame({c.name: _plain(frame[c.name], c.type) for c in spec.columns})
    return out
