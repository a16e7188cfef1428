"""Parse one CSV table and export.json from bytes (shared by the folder and zip readers)."""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd

from archiver.errors import InputError
from archiver.i18n import _
from archiver.interrupts import deferred
from archiver.sources.raw import RawTable


def decode_utf8(data: bytes, location: str) -> str:
    """UTF-8 text with an optional BOM removed; InputError naming the line otherwise."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(
            _("{location}: not UTF-8 text (byte 0x{data:02x} on line {line})").format(
                location=location, data=data[exc.start], line=line),
            hint=_("save the file as UTF-8"),
        ) from None


def read_export_json(data: bytes, location: str = "export.json") -> dict:
    """The metadata object of export.json."""
    text = decode_utf8(data, location)
    try:
        meta = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(_("{location}: not valid JSON (line {lineno}: {msg})").format(
                             location=location, lineno=exc.lineno, msg=exc.msg)) from None
    if not isinstance(meta, dict):
        raise InputError(_("{location}: expected a JSON object with the export's keys").format(
                             location=location))
    return meta


def _line_breaks(text: str) -> int:
    return text.count("\n") + text.count("\r") - text.count("\r\n")


def read_csv_table(name: str, data: bytes, location: str) -> RawTable:
    """Parse RFC 4180 CSV; every value stays text, "" for an empty field."""
    text = decode_utf8(data, location)
    if not text.strip():
        raise InputError(_("{location}: the file is empty; expected at least a header "
                           "line").format(location=location))
    # pandas' C reader loses a KeyboardInterrupt raised while it takes text from its
    # source and reports "Calling read(nbytes) on source failed": a Ctrl-C or SIGTERM then
    # read as a fault of a good file and the run went on or stopped with the wrong words.
    # Held for the parse (a fraction of a second), the signal acts as soon as it ends.
    try:
        with deferred():
            grid = pd.read_csv(
                io.StringIO(text), header=None, dtype=object, na_filter=False,
                skip_blank_lines=False, keep_default_na=False, engine="c",
            )
    except (pd.errors.ParserError, ValueError) as exc:
        raise InputError(_("{location}: not readable as CSV ({parser_reason})").format(
                             location=location, parser_reason=_parser_reason(exc))) from None
    lines = _record_lines(grid, text)
    header = [str(h).strip() for h in grid.iloc[0].tolist()]
    body = grid.iloc[1:]
    filled = (body != "").to_numpy().any(axis=1) if len(body.columns) else np.zeros(len(body), bool)
    body = body[filled]
    lines = lines[1:][filled]
    frame, duplicates = _name_columns(body, header)
    return RawTable(name, frame, lines, location, duplicates)


def _parser_reason(exc: Exception) -> str:
    # pandas says "Error tokenizing data. C error: Expected 5 fields in line 7, saw 6".
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text.split("C error: ")[-1].rstrip(".")


def _record_lines(grid: pd.DataFrame, text: str) -> np.ndarray:
    """The file line on which each record (header included) starts."""
    count = len(grid)
    lines = np.arange(1, count + 1, dtype=np.int64)
    ends_open = not text.endswith(("\n", "\r"))
    if _line_breaks(text) + int(ends_open) == count:
        return lines  # no quoted field spans lines: record i is on line i
    extra = np.zeros(count, dtype=np.int64)
    for column in grid.columns:
        values = grid[column]
        extra += (values.str.count("\n") + values.str.count("\r")
                  - values.str.count("\r\n")).to_numpy(dtype=np.int64)
    lines[1:] += np.cumsum(extra)[:-1]
    return lines


def _name_columns(body: pd.DataFrame, header: list[str]) -> tuple[pd.DataFrame, tuple[str, ...]]:
    keep: dict[str, object] = {}
    duplicates: list[str] = []
    for position, name in enumerate(header):
        if not name:
            continue
        if name in keep:
            duplicates.append(name)
            continue
        keep[name] = body.columns[position]
    frame = body[list(keep.values())].copy()
    frame.columns = list(keep)
    frame.index = pd.RangeIndex(len(frame))
    return frame, tuple(dict.fromkeys(duplicates))
