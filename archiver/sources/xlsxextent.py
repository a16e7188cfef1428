"""How many cells a worksheet spans, read from its XML before the reader makes it dense.

The workbook reader (calamine) builds each sheet as a dense grid of rows x columns from
the first to the last cell. Two cells, A1 and XFD1048576, ask it for 17 billion cells: the
process aborts. A stray cell far from the table (Excel's Ctrl+End, a crafted file) must
instead give a clear error naming the sheet, so the span is measured here first, from the
cell references in the XML and every row or cell that has none.
"""

from __future__ import annotations

import re
import zipfile

from archiver.errors import InputError
from archiver.i18n import _

# A million rows of 26 columns (A-Z): far more than any export table needs, and what a
# sheet with no reference past column Z or row 999999 can span, so that common case costs
# one scan of the XML.
MAX_CELLS = 27_000_000
_REF = rb'\sr\s*=\s*["\']'  # the r attribute, however quoted or spaced
# A reference past column Z or row 999999, or one spelt with a character reference.
_FAR = re.compile(_REF + rb'(?:[A-Za-z]{2,3}\d|[A-Za-z]{0,3}\d{7}|[^"\'>]*&)')
_ENTITY = re.compile(_REF + rb'[^"\'>]*&')
_WIDE_COLUMN = re.compile(_REF + rb'([A-Za-z]{2,3})\d')
_ROW_NUMBER = {n: re.compile(_REF + rb'[A-Za-z]{0,3}(\d{%d})["\']' % n) for n in range(1, 9)}


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number


def _largest_row(xml: bytes) -> int:
    """The largest row number any reference names; 0 when there is none."""
    if _ROW_NUMBER[8].search(xml) or re.search(_REF + rb'[A-Za-z]{0,3}\d{9}', xml):
        return 10**8  # beyond any worksheet: refused by the caller
    for digits in range(7, 0, -1):
        found = _ROW_NUMBER[digits].findall(xml)
        if found:
            return int(max(found))  # equal lengths: the text order is the number order
    return 0


def _cells(xml: bytes) -> int:
    return xml.count(b"<c ") + xml.count(b"<c>") + xml.count(b"<c/>")


def sheet_span(xml: bytes) -> tuple[int, int]:
    """(rows, columns) the densest reading of this sheet XML may take (an upper bound)."""
    rows = xml.count(b"<row ") + xml.count(b"<row>")
    unreferenced = rows + _cells(xml) - xml.count(b' r="')
    if unreferenced <= 0 and not _FAR.search(xml):
        return 999_999, 26  # every row and cell placed by a reference within A1:Z999999
    if _ENTITY.search(xml):
        return 10**8, 1  # a reference spelt with &...; nothing an export tool writes
    wide = set(_WIDE_COLUMN.findall(xml))
    columns = max((_column_number(w) for w in wide), default=26 if b' r="' in xml else 0)
    if unreferenced <= 0:
        return _largest_row(xml), columns
    # A row without a reference is the next row; a cell without one the next column.
    per_row = max((_cells(part) for part in xml.split(b"<row")), default=0)
    return _largest_row(xml) + rows, columns + per_row


def check_sheet_spans(package: zipfile.ZipFile, where: str) -> None:
    """Refuse a workbook with a worksheet spanning more than MAX_CELLS cells."""
    for info in package.infolist():
        if not (info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")):
            continue
        rows, columns = sheet_span(package.read(info))
        if rows * columns > MAX_CELLS:
            raise InputError(
                _("{where}: refused, worksheet {rsplit} spans {rows:,} rows x "
                  "{columns:,} columns, more than the {MAX_CELLS:,} cells allowed (a "
                  "cell far outside the table?)").format(
                    where=where, rsplit=info.filename.rsplit('/', 1)[-1], rows=rows,
                    columns=columns, MAX_CELLS=MAX_CELLS),
                hint=_("delete the rows and columns after the table's end and save "
                       "again"))
