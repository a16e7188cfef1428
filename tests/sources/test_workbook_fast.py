"""The calamine-based workbook reader and the faster workbook writer.

Workbooks as Excel saves them (shared strings, numbers as floats, a built-in date
format, formulas with saved values, error cells) are made by hand here, because the
project's writer (openpyxl) writes none of these.
"""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from datetime import date

import pytest
from minimal_export import write_minimal

from archiver.errors import InputError
from archiver.load import load_dataset, read_and_validate
from archiver.sources import read_export

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
SHEET_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"


def _excel_like(path, sheets: dict[str, str], strings: list[str], declared: int | None = None):
    """An .xlsx package like Excel's: `sheets` maps a name to its <sheetData> content."""
    names = list(sheets)
    book = "".join(f'<sheet name="{n}" sheetId="{i}" r:id="rId{i}"/>'
                   for i, n in enumerate(names, 1))
    rels = "".join(f'<Relationship Id="rId{i}" Type="{REL}/worksheet" '
                   f'Target="worksheets/sheet{i}.xml"/>' for i in range(1, len(names) + 1))
    n = len(names)
    rels += (f'<Relationship Id="rId{n + 1}" Type="{REL}/styles" Target="styles.xml"/>'
             f'<Relationship Id="rId{n + 2}" Type="{REL}/sharedStrings" '
             'Target="sharedStrings.xml"/>')
    overrides = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
                        f'ContentType="{SHEET_CT}"/>' for i in range(1, n + 1))
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxml'
            'formats-officedocument.spreadsheetml.sheet.main+xml"/>' + overrides + "</Types>"),
        "_rels/.rels": (f'<Relationships xmlns="{PKG}"><Relationship Id="rId1" '
                        f'Type="{REL}/officeDocument" Target="xl/workbook.xml"/>'
                        "</Relationships>"),
        "xl/workbook.xml": (f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>{book}'
                            "</sheets></workbook>"),
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{PKG}">{rels}</Relationships>',
        "xl/styles.xml": (f'<styleSheet xmlns="{MAIN}"><cellXfs count="2">'
                          '<xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/>'
                          "</cellXfs></styleSheet>"),
        "xl/sharedStrings.xml": (f'<sst xmlns="{MAIN}" count="{len(strings)}" '
                                 f'uniqueCount="{declared or len(strings)}">'
                                 + "".join(f"<si><t>{s}</t></si>" for s in strings) + "</sst>"),
    }
    for i, name in enumerate(names, 1):
        parts[f"xl/worksheets/sheet{i}.xml"] = (f'<worksheet xmlns="{MAIN}"><sheetData>'
                                                f"{sheets[name]}</sheetData></worksheet>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for name, text in parts.items():
            package.writestr(name, text)
    return path


EXPORT_SHEET = ('<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
                '<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2"><v>1</v></c></row>')
STRINGS = ["key", "value", "version", "subject_id", "name", "sub1", "Język polski",
           "=SUM(A1:A2)", "nota"]


def _subjects_workbook(tmp_path, rows: str):
    header = ('<row r="1"><c r="A1" t="s"><v>3</v></c><c r="B1" t="s"><v>4</v></c>'
              '<c r="C1" t="s"><v>8</v></c></row>')
    return _excel_like(tmp_path / "excel.xlsx",
                       {"subjects": header + rows, "notatki": "", "export": EXPORT_SHEET},
                       STRINGS)


def test_workbook_saved_by_excel_gives_native_values(tmp_path) -> None:
    rows = ('<row r="2"><c r="A2" t="s"><v>5</v></c><c r="B2" t="s"><v>6</v></c>'
            '<c r="C2" s="1"><v>46027</v></c></row>'
            '<row r="3"><c r="A3"><v>101</v></c><c r="B3" t="s"><v>7</v></c>'
            '<c r="C3" t="b"><v>1</v></c></row>'
            '<row r="4"><c r="A4"><v>2.5</v></c><c r="B4" t="str"><f>A1&amp;"x"</f>'
            '<v>zapisana</v></c><c r="C4"><f>1/0</f></c></row>')
    raw = read_export(_subjects_workbook(tmp_path, rows))
    table = raw.tables["subjects"]
    assert raw.container == "xlsx" and raw.meta == {"version": 1.0}
    assert list(table.frame.columns) == ["subject_id", "name", "nota"]
    assert table.frame.values.tolist() == [
        ["sub1", "Język polski", date(2026, 1, 5)],  # numFmtId 14: a date
        [101.0, "=SUM(A1:A2)", True],                # a shared string is text, never a formula
        [2.5, "zapisana", ""],                       # a formula: its saved value, or empty
    ]
    assert table.lines.tolist() == [2, 3, 4]
    assert "notatki" in raw.tables and raw.tables["notatki"].frame.empty


def test_blank_rows_are_skipped_and_errors_cite_the_worksheet_row(tmp_path) -> None:
    rows = ('<row r="2"><c r="A2" t="s"><v>5</v></c></row>'
            '<row r="3"><c r="A3" t="inlineStr"><is><t></t></is></c></row>'
            '<row r="6"><c r="A6" t="inlineStr"><is><t>sub2</t></is></c>'
            '<c r="E6" t="inlineStr"><is><t>poza nagłówkiem</t></is></c></row>')
    table = read_export(_subjects_workbook(tmp_path, rows)).tables["subjects"]
    assert table.frame["subject_id"].tolist() == ["sub1", "sub2"]
    assert table.line(2) == 6 and list(table.frame.columns) == ["subject_id", "name", "nota"]


def test_an_error_cell_is_named_by_validation_not_read_as_missing(tmp_path) -> None:
    from openpyxl import load_workbook

    path = write_minimal(tmp_path, "xlsx")
    book = load_workbook(path)
    sheet = book["message_recipients"]
    column = [c.value for c in sheet[1]].index("read_at") + 1
    cell = sheet.cell(row=3, column=column)
    cell.value, cell.data_type = "#N/A", "e"  # read_at lost in the spreadsheet
    book.save(path)
    _, report = read_and_validate(path)
    problem = next(p for p in report.errors if p.column == "read_at")
    assert (problem.table, problem.row, problem.line) == ("message_recipients", 2, 3)
    assert "#N/A" in problem.message


def test_text_with_excel_escapes_and_formula_marks_reads_back_unchanged(tmp_path, tables
                                                                        ) -> None:
    texts = ["_x0041_ zostaje", "a_x000D_b", '=HYPERLINK("https://example.org")', "#DIV/0!",
             "  spacje  ", "linia 1\r\nlinia 2"]
    for row, text in enumerate(texts[:4]):
        tables["lessons"].loc[row, "topic"] = text
    tables["notes"].loc[0, "text"] = texts[4]
    tables["messages"].loc[0, "body"] = texts[5]
    folder = write_minimal(tmp_path, "folder", tables, name="f")
    workbook = write_minimal(tmp_path, "xlsx", tables, name="w")
    from_folder, _ = load_dataset(folder)
    from_workbook, _ = load_dataset(workbook)
    assert from_workbook.lessons["topic"].tolist()[:4] == texts[:4]
    assert from_workbook.notes["text"].iloc[0] == texts[4]
    assert from_workbook.messages["body"].iloc[0] == texts[5]
    assert from_folder.equals(from_workbook)


def test_written_workbook_has_fixed_times_and_opens_in_openpyxl(tmp_path) -> None:
    from openpyxl import load_workbook

    path = write_minimal(tmp_path, "xlsx")
    with zipfile.ZipFile(path) as package:
        assert {i.date_time for i in package.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = package.read("docProps/core.xml").decode()
    stamps = re.findall(r"<dcterms:(created|modified)[^>]*>([^<]+)<", core)
    assert stamps == [("created", "2026-06-27T13:30:00Z"), ("modified", "2026-06-27T13:30:00Z")]
    lessons = load_workbook(path)["lessons"]  # the full (validating) openpyxl reader
    assert lessons["C2"].is_date and lessons["C2"].number_format == "yyyy-mm-dd"
    assert lessons["D2"].value == 1 and lessons["D2"].data_type == "n"


@pytest.mark.parametrize("damage", ["truncated sheet", "missing sheet", "bad shared strings"])
def test_damaged_workbook_is_one_line_input_error(tmp_path, damage) -> None:
    path = write_minimal(tmp_path, "xlsx")
    with zipfile.ZipFile(path) as package:
        parts = {i.filename: package.read(i) for i in package.infolist()}
    if damage == "truncated sheet":
        parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"][:700]
    elif damage == "missing sheet":
        del parts["xl/worksheets/sheet2.xml"]
    else:
        parts["xl/sharedStrings.xml"] = b"<sst><si><t>nie"
        parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
            b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
            b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
        parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
            b"</Relationships>", b'<Relationship Type="http://schemas.openxmlformats.org/'
            b'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml" '
            b'Id="rId99"/></Relationships>')
    broken = tmp_path / "uszkodzony.xlsx"
    with zipfile.ZipFile(broken, "w") as package:
        for name, data in parts.items():
            package.writestr(name, data)
    with pytest.raises(InputError) as caught:
        load_dataset(broken)
    message = caught.value.message
    assert message.startswith("uszkodzony.xlsx: ") and "\n" not in message
    assert "workbook" in message


def test_shared_strings_declaring_billions_are_refused_before_the_reader_allocates(tmp_path
                                                                                   ) -> None:
    path = _excel_like(tmp_path / "excel.xlsx", {"subjects": "", "export": EXPORT_SHEET},
                       STRINGS, declared=4_000_000_000)
    # In a child process: without the check, calamine reserves 96 GB and aborts.
    code = ("import sys\nfrom archiver.errors import InputError\n"
            "from archiver.sources import read_export\n"
            "try:\n    read_export(sys.argv[1])\nexcept InputError as exc:\n"
            "    print(exc.message)\n")
    done = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-300:]
    assert done.stdout.startswith("excel.xlsx: damaged workbook (the shared strings table")


@pytest.mark.slow
def test_large_demo_as_a_workbook_equals_the_folder(tmp_path) -> None:
    from archiver.demo import generate
    from archiver.sources.write import write_export

    tables, export = generate("large", 2026)
    folder = write_export(tables, export, tmp_path / "demo", "folder")
    workbook = write_export(tables, export, tmp_path / "demo.xlsx", "xlsx")
    del tables
    from_folder, _ = load_dataset(folder)
    from_workbook, report = load_dataset(workbook)
    assert report.errors == [] and len(from_workbook.attendance) > 800_000
    assert from_folder.equals(from_workbook)
