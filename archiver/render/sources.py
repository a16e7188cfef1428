"""The document's slice of source data as files to embed: one CSV per table, plus scope.json.

CSV as the export format writes it (dates YYYY-MM-DD, date-times ISO 8601 in UTC with `Z`,
booleans true/false, empty = missing), rows in the order the view used them: the same data
always gives the same bytes.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

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


def frame_to_csv(frame: pd.DataFrame) -> bytes:
    """A frame as UTF-8 CSV (RFC 4180 quoting, LF line ends), header first."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(list(frame.columns))
    for row in frame.itertuples(index=False, name=None):
        writer.writerow([_cell(v) for v in row])
    return out.getvalue().encode("utf-8")


def source_files(sources: dict[str, pd.DataFrame],
                 scope_info: dict[str, Any]) -> list[EmbeddedFile]:
    """Embedded files: `TABLE.csv` per source table (sorted by name) and `scope.json`."""
    files = [
        EmbeddedFile(f"{name}.csv", frame_to_csv(sources[name]),
                     f"wiersze tabeli {name} eksportu, z których sporządzono dokument", "Source")
        for name in sorted(sources)
    ]
    info = {**scope_info, "tables": {name: len(sources[name]) for name in sorted(sources)}}
    blob = json.dumps(info, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8") + b"\n"
    files.append(EmbeddedFile("scope.json", blob, "zakres dokumentu i pochodzenie danych", "Data"))
    return files
