"""Broken exports made from the minimal valid one: each example changes a few things in
its files (cells, headers, bytes, encodings, export.json), as a careless export tool, a
damaged medium or an attacker would."""

from __future__ import annotations

import csv
import io
import json
import sys
import tempfile
from functools import lru_cache
from pathlib import Path

from hostile_support import hostile_text
from hypothesis import strategies as st
from minimal_export import write_minimal

csv.field_size_limit(sys.maxsize)  # the mutations themselves write fields of any size
TYPED_VALUES = ("", "12", "-1", "1e400", "NaN", "inf", "true", "TRUE", "2025-02-30", "9999-12-31",
                "0001-01-01T00:00:00Z", "2263-01-01",
                "2025-09-01T25:00:00+02:00", "0101", "99999999999999999999999", "1.5",
                "2025-09-01", "2025-09-01T08:00:00", "held", "year", "director")


@lru_cache(maxsize=1)
def baseline_files() -> dict[str, bytes]:
    """The minimal valid export as folder files: name -> bytes."""
    with tempfile.TemporaryDirectory() as name:
        folder = write_minimal(Path(name), "folder")
        return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8", "surrogatepass")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | hostile_text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                  max_size=4),
    max_leaves=10)


@st.composite
def _cell(draw, files: dict[str, bytes]) -> None:
    name = draw(st.sampled_from(sorted(n for n in files if n.endswith(".csv"))))
    rows = _rows(files[name])
    row = draw(st.integers(0, len(rows)))  # 0 is the header; len(rows) appends a row
    if row == len(rows):
        rows.append([draw(hostile_text()) for _ in rows[0]])
    elif not rows[row]:  # a row an earlier change emptied
        rows[row].append(draw(hostile_text()))
    else:
        column = draw(st.integers(0, len(rows[row]) - 1))
        rows[row][column] = draw(hostile_text() | st.sampled_from(TYPED_VALUES))
    files[name] = _csv(rows)


@st.composite
def _columns(draw, files: dict[str, bytes]) -> None:
    name = draw(st.sampled_from(sorted(n for n in files if n.endswith(".csv"))))
    rows = _rows(files[name])
    column = draw(st.integers(0, len(rows[0]) - 1))
    how = draw(st.sampled_from(["drop", "duplicate", "rename", "short_row", "long_row"]))
    if how == "drop":
        rows = [r[:column] + r[column + 1:] for r in rows]
    elif how == "duplicate":
        rows = [r + [r[column] if column < len(r) else ""] for r in rows]
    elif how == "rename":
        rows[0][column] = draw(hostile_text())
    elif len(rows) > 1:
        rows[-1] = rows[-1][:column] if how == "short_row" else rows[-1] + ["extra"]
    files[name] = _csv(rows)


@st.composite
def _bytes(draw, files: dict[str, bytes]) -> None:
    name = draw(st.sampled_from(sorted(files)))
    data = files[name]
    how = draw(st.sampled_from(["truncate", "nul", "random", "flip", "encoding", "newlines",
                                "quote", "bom", "empty", "remove"]))
    if how == "truncate":
        files[name] = data[: draw(st.integers(0, len(data)))]
    elif how == "nul":
        at = draw(st.integers(0, len(data)))
        files[name] = data[:at] + b"\x00" * draw(st.integers(1, 3)) + data[at:]
    elif how == "random":
        files[name] = draw(st.binary(max_size=3000))
    elif how == "flip" and data:
        at = draw(st.integers(0, len(data) - 1))
        files[name] = data[:at] + bytes([data[at] ^ draw(st.integers(1, 255))]) + data[at + 1:]
    elif how == "encoding":
        codec = draw(st.sampled_from(["cp1250", "iso-8859-2", "utf-16", "utf-32", "cp852"]))
        files[name] = data.decode("utf-8").encode(codec, "replace")
    elif how == "newlines":
        files[name] = data.replace(b"\r\n", draw(st.sampled_from([b"\r", b"\n", b"\n\r"])))
    elif how == "quote":
        at = draw(st.integers(0, len(data)))
        files[name] = data[:at] + b'"' + data[at:]
    elif how == "bom":
        files[name] = draw(st.sampled_from([b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"])) + data
    elif how == "empty":
        files[name] = b""
    elif how == "remove":
        del files[name]


@st.composite
def _export_json(draw, files: dict[str, bytes]) -> None:
    meta = json.loads(files["export.json"])
    path = draw(st.sampled_from([
        ("format",), ("version",), ("exported_at",), ("school",), ("school", "id"),
        ("school", "name"), ("school_year",), ("terms",), ("timezone",), ("terms", 0),
        ("terms", 0, "start"), ("terms", 1, "term"), ("terms", 1, "end")]))
    node = meta
    try:
        for key in path[:-1]:
            node = node[key]
        node[path[-1]]  # noqa: B018  (an earlier change may have replaced a parent)
        if not isinstance(node, dict | list):
            raise TypeError("a parent became a single value")
    except (KeyError, IndexError, TypeError):
        node, path = meta, path[:1]
    node[path[-1]] = draw(json_values | st.sampled_from(TYPED_VALUES))
    files["export.json"] = json.dumps(meta, ensure_ascii=draw(st.booleans()),
                                      allow_nan=True).encode("utf-8")


@st.composite
def broken_export(draw, base: dict[str, bytes] | None = None) -> dict[str, bytes]:
    """The minimal export's files with a few random breakages."""
    files = dict(baseline_files() if base is None else base)
    # Text-level changes first (they parse the files), then at most one to the bytes.
    for _ in range(draw(st.integers(0, 3))):
        mutate = draw(st.sampled_from([_cell, _cell, _columns, _export_json]))
        draw(mutate(files))
    if draw(st.booleans()) or files == (baseline_files() if base is None else base):
        draw(_bytes(files))
    return files
