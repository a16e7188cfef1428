"""Error cells of a workbook (#N/A, #DIV/0! ...), which calamine reads as empty.

An error cell is a value that was lost in the spreadsheet (a formula that failed). Read
as empty it would pass for a missing value (an unread message, a lesson without topic);
read as its text, as the openpyxl reader did, validation names it. Each sheet's XML is
streamed once looking for the error type attribute; only a sheet that has it is parsed.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
# How every writer spells an error cell's type; text holding it only costs a parse.
_MARKS = (b't="e"', b"t='e'")
_CHUNK = 1 << 22
_REF = re.compile(r"([A-Z]+)(\d+)")


class ErrorCells:
    """Finds a sheet's error cells and puts their text into rows read by calamine."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._parts: dict[str, str] | None = None

    def restore(self, sheet: str, rows: list[list]) -> None:
        """Write each error cell's text ("#N/A") into `rows` (row 1, column A at [0][0])."""
        with zipfile.ZipFile(self.path) as package:
            part = self._sheet_parts(package).get(sheet)
            if part is None or not _has_mark(package, part):
                return
            with package.open(part) as stream:
                found = _error_cells(stream)
        if found:
            _pad(rows, max(r for r, _, _ in found) + 1, max(c for _, c, _ in found) + 1)
        for row, column, text in found:
            rows[row][column] = text

    def _sheet_parts(self, package: zipfile.ZipFile) -> dict[str, str]:
        """Sheet name -> its XML part, from the workbook and its relationships."""
        if self._parts is None:
            book = ElementTree.fromstring(package.read("xl/workbook.xml"))
            rels = ElementTree.fromstring(package.read("xl/_rels/workbook.xml.rels"))
            targets = {r.get("Id"): r.get("Target", "")
                       for r in rels.iter(f"{_PKG_REL}Relationship")}
            self._parts = {}
            for sheet in book.iter(f"{_MAIN}sheet"):
                target = targets.get(sheet.get(f"{_REL}id"), "")
                part = (target.lstrip("/") if target.startswith("/")
                        else posixpath.normpath(posixpath.join("xl", target)))
                self._parts[sheet.get("name", "")] = part
        return self._parts


def _pad(rows: list[list], height: int, width: int) -> None:
    """Grow the rows (all alike) to hold a cell at height-1, width-1; calamine's range
    already includes error cells, so this only guards against a reader change."""
    width = max(width, len(rows[0]) if rows else 0)
    for row in rows:
        row.extend([""] * (width - len(row)))
    rows.extend([""] * width for _ in range(height - len(rows)))


def _has_mark(package: zipfile.ZipFile, part: str) -> bool:
    tail = b""
    with package.open(part) as stream:
        while chunk := stream.read(_CHUNK):
            seam = tail + chunk[:8]  # a mark split between two chunks
            if any(mark in chunk or mark in seam for mark in _MARKS):
                return True
            tail = chunk[-8:]
    return False


def _error_cells(stream) -> list[tuple[int, int, str]]:
    """(0-based row, 0-based column, error text) of every error cell in the sheet XML."""
    found: list[tuple[int, int, str]] = []
    row = column = -1
    for event, element in ElementTree.iterparse(stream, events=("start", "end")):
        if element.tag == f"{_MAIN}row":
            if event == "start":
                row = int(element.get("r", row + 2)) - 1  # r counts from 1; absent: next
                column = -1
            else:
                element.clear()
        elif element.tag == f"{_MAIN}c" and event == "end":
            ref = _REF.fullmatch(element.get("r", ""))
            if ref:
                row, column = int(ref[2]) - 1, _column_index(ref[1])
            else:
                column += 1
            if element.get("t") == "e":
                value = element.find(f"{_MAIN}v")
                if value is not None and value.text:
                    found.append((row, column, value.text))
    return found


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1
