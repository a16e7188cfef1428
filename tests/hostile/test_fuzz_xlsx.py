"""Workbook exports broken at random: any native cell value in any cell, formulas
(=HYPERLINK...), damaged packages, hostile XML (entities, a far-away cell). A clean load or
one clear error; never a traceback, an aborted process or a file written anywhere."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime, timedelta
from functools import lru_cache

import pytest
from hostile_support import ATTACKS, hostile_text, load_in_sandbox, sandbox
from hypothesis import given
from hypothesis import strategies as st
from minimal_export import minimal_export, minimal_tables
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from archiver.sources.cells import flatten

native = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**53), 2**53),
    st.floats(allow_nan=True, allow_infinity=True), st.dates(), st.datetimes(),
    st.times(), st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=9999)),
    hostile_text().map(lambda t: ILLEGAL_CHARACTERS_RE.sub("", t)[:32767]),
    st.sampled_from(["=HYPERLINK(\"http://example.com/x\",\"kliknij\")", "=1/0", "=A1",
                     "=WEBSERVICE(\"http://example.com/\")"]),
)


def _cell(sheet, value: object, formula: bool) -> object:
    if isinstance(value, datetime) and value.tzinfo is not None:
        value = value.isoformat()  # Excel has no time zones: the format's text instead
    if isinstance(value, str):
        cell = WriteOnlyCell(sheet, value=value)
        if not (formula and value.startswith("=")):
            cell.data_type = "s"  # text that only looks like a formula stays text
        return cell
    return value


def workbook_bytes(tables: dict, export: dict, formulas: bool = False) -> bytes:
    book = Workbook(write_only=True)
    for name in sorted(tables):
        sheet = book.create_sheet(name)
        frame = tables[name]
        sheet.append([str(c) for c in frame.columns])
        for row in frame.itertuples(index=False, name=None):
            sheet.append([_cell(sheet, v, formulas) for v in row])
    sheet = book.create_sheet("export")
    sheet.append(["key", "value"])
    for key, value in export.items():
        sheet.append([_cell(sheet, key, False), _cell(sheet, value, formulas)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@lru_cache(maxsize=1)
def baseline_workbook() -> bytes:
    return workbook_bytes(_plain(minimal_tables()), flatten(minimal_export()))


def _plain(tables: dict) -> dict:
    """Frames with Python values openpyxl writes (no pandas NA)."""
    return {n: f.astype(object).where(f.notna(), None) for n, f in tables.items()}


def rewrite_part(data: bytes, part: str, change) -> bytes:
    """The package with one XML part replaced by change(old bytes)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            target.writestr(info, change(content) if info.filename == part else content)
    return out.getvalue()


def sheet_part(data: bytes, name: str) -> str:
    """The XML part of sheet `name` (openpyxl numbers them in creation order)."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        book = package.read("xl/workbook.xml").decode()
    names = re.findall(r'<sheet [^>]*name="([^"]+)"', book)
    return f"xl/worksheets/sheet{names.index(name) + 1}.xml"


@st.composite
def hostile_workbook(draw) -> bytes:
    tables, export = _plain(minimal_tables()), flatten(minimal_export())
    for _ in range(draw(st.integers(1, 4))):
        name = draw(st.sampled_from([*sorted(tables), "export"]))
        if name == "export":
            key = draw(st.sampled_from([*sorted(export), "terms.x.start", "school", "a.b.c",
                                        "terms.1", "..", "terms.99999999999999999999.end"]))
            export[key] = draw(native)
            continue
        frame = tables[name]
        row = draw(st.integers(0, len(frame)))
        column = draw(st.sampled_from(list(frame.columns)))
        frame.loc[row, column] = draw(native)
        tables[name] = frame.astype(object).where(frame.notna(), None)
    data = workbook_bytes(tables, export, formulas=draw(st.booleans()))
    damage = draw(st.sampled_from(["none", "none", "none", "truncate", "flip", "control",
                                   "random-sheet"]))
    # Positions as fractions: openpyxl stamps the package with the clock, so its length
    # may differ from one replay of an example to the next.
    if damage == "truncate":
        data = data[: int(len(data) * draw(st.floats(0, 1)))]
    elif damage == "flip":
        at = int((len(data) - 1) * draw(st.floats(0, 1)))
        data = data[:at] + bytes([data[at] ^ draw(st.integers(1, 255))]) + data[at + 1:]
    elif damage == "control":  # a raw control character inside the text of a cell
        part = sheet_part(data, draw(st.sampled_from(sorted(tables))))
        char = draw(st.sampled_from(["\x00", "\x01", "\x1b", "&#0;", "&#x1;", "&#xFFFE;"]))
        data = rewrite_part(data, part, lambda xml: xml.replace(b"</t>", char.encode() + b"</t>",
                                                                1))
    elif damage == "random-sheet":
        part = sheet_part(data, draw(st.sampled_from(sorted(tables))))
        noise = draw(st.binary(max_size=500))
        data = rewrite_part(data, part, lambda xml: noise)
    return data


def _load_workbook(data: bytes) -> str:
    with sandbox() as box:
        path = box.input / "eksport.xlsx"
        path.write_bytes(data)
        return load_in_sandbox(box, path)


def test_the_unbroken_workbook_loads() -> None:
    assert _load_workbook(baseline_workbook()) == "ok"


@given(hostile_workbook())
def test_a_hostile_workbook_loads_or_is_refused_cleanly(data: bytes) -> None:
    _load_workbook(data)


@pytest.mark.parametrize("name", ["eksport.xlsx", "eksport.zip"])
def test_a_zip_of_a_version_the_reader_cannot_open_is_refused_cleanly(name: str) -> None:
    """make test-slow's fuzzing: a package whose central directory says "version needed
    to extract 8.4" made zipfile raise NotImplementedError, which escaped as a traceback."""
    data = bytearray(baseline_workbook())
    at = data.rfind(b"PK\x01\x02")  # the last central directory entry
    data[at + 6:at + 8] = (84).to_bytes(2, "little")
    with sandbox() as box:
        path = box.input / name
        path.write_bytes(bytes(data))
        assert load_in_sandbox(box, path) == "unreadable"


def test_a_formula_is_never_evaluated_and_text_like_formulas_stay_text() -> None:
    tables = _plain(minimal_tables())
    tables["notes"].loc[0, "text"] = ATTACKS[5]  # =HYPERLINK(...) typed as text
    tables["lessons"].loc[0, "topic"] = '=HYPERLINK("http://example.com/","x")'
    data = workbook_bytes(tables, flatten(minimal_export()))
    formula = b'<c r="G2"><f>HYPERLINK("http://example.com/","x")</f></c>'
    data = rewrite_part(data, sheet_part(data, "lessons"),
                        lambda xml: re.sub(rb'<c r="G2".*?</c>', formula, xml, count=1))
    with sandbox() as box:
        path = box.input / "eksport.xlsx"
        path.write_bytes(data)
        from archiver.load import load_dataset
        dataset, report = load_dataset(path)
    assert dataset.notes["text"].iloc[0] == ATTACKS[5]
    # A formula without a saved result reads as empty: a held lesson without a topic.
    assert dataset.lessons["topic"].isna().iloc[0]
    assert any(w.table == "lessons" and w.column == "topic" for w in report.warnings)


FAR_CELL = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'


@pytest.mark.parametrize("where", ["notes", "export"])
def test_a_single_cell_far_away_does_not_exhaust_memory(where: str) -> None:
    # Two cells, A1 and XFD1048576: a reader that makes the sheet dense needs 17 billion
    # cells. The workbook is 5 kB.
    data = baseline_workbook()
    data = rewrite_part(data, sheet_part(data, where),
                        lambda xml: xml.replace(b"</sheetData>", FAR_CELL + b"</sheetData>"))
    assert _load_workbook(data) == "unreadable"


@pytest.mark.parametrize("doctype", [
    b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///{secret}">]>',
    b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">'
    b'<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">]>',
])
def test_xml_entities_are_never_expanded_from_files_or_into_bombs(doctype: bytes) -> None:
    with sandbox() as box:
        secret = box.root / "secret.txt"
        secret.write_text("TAJNE-DANE-SPOZA-EKSPORTU")
        doctype = doctype.replace(b"{secret}", str(secret).lstrip("/").encode())
        data = baseline_workbook()
        part = sheet_part(data, "notes")

        def inject(xml: bytes) -> bytes:
            xml = doctype + xml
            return xml.replace(b"<t>Pomoc kole", b"<t>&e;Pomoc kole", 1)

        path = box.input / "eksport.xlsx"
        path.write_bytes(rewrite_part(data, part, inject))
        outcome = load_in_sandbox(box, path)
        if outcome == "ok":
            from archiver.load import load_dataset
            text = str(load_dataset(path)[0].notes["text"].iloc[0])
            assert "TAJNE" not in text and "aaaaaaaaaaaaaaaaaaaa" not in text
