"""Bold and tinted marks of monospaced blocks, drawn without a <b> box each (render/marks.py)."""

from __future__ import annotations

import io
import re

import pikepdf
import pytest
from markupsafe import Markup
from render_helpers import WEEKS, pdf_pages, pdf_text

from archiver.config import Config
from archiver.render.marks import TINTS, split_marks
from archiver.render.textgrid import blocks
from archiver.views import build_register, make_scope
from archiver.views.attendance import mark_emphasis


def test_marks_are_taken_out_of_the_lines_by_character_of_the_printed_text():
    lines = Markup('dzień  pn\n 1 Żółć &amp; Co <b class="absent">nb</b> ob <b>sp</b>\n'
                   ' 2 Ąę &lt;x&gt; <b class="gap">? </b><b class="risk">40,0%</b>')
    plain, marks = split_marks(lines)
    assert str(plain) == ("dzień  pn\n 1 Żółć &amp; Co nb ob sp\n"
                          " 2 Ąę &lt;x&gt; ? 40,0%")
    printed = plain.unescape().split("\n")
    found = [(int(n), printed[int(n)][int(s):int(e)], kind) for n, span, kind in
             (m.split(":") for m in marks.split()) for s, e in [span.split("-")]]
    assert found == [(1, "nb", "a"), (1, "sp", "b"), (2, "? ", "g"), (2, "40,0%", "r")]
    assert split_marks(Markup("no marks")) == (Markup("no marks"), "")
    with pytest.raises(ValueError):
        split_marks(Markup('x <b class="other">y</b>'))


def _bold_mono_glyphs_and_tints(pdf: bytes, pages: list[int]
                                ) -> tuple[int, dict[tuple[float, ...], int]]:
    """Glyphs shown in DejaVu Sans Mono Bold, and tint rectangles by colour, in the
    content of these pages (indexes); tints only inside artifacts, and narrower than a
    column (the lesson list's header band has the grey too)."""
    glyphs, tints = 0, {}
    shades = {tuple(round(c / 255, 3) for c in rgb) for rgb in TINTS.values()}
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        for page in (doc.pages[i] for i in pages):
            bold = {str(name) for name, font in page.Resources.Font.items()
                    if str(font.BaseFont).endswith("DejaVu-Sans-Mono-Bold")}
            font, artifact, colour, paths = None, 0, None, 0
            for operands, operator in pikepdf.parse_content_stream(page):
                op = str(operator)
                if op == "re" and float(operands[2]) < 100:  # a mark's few characters
                    paths += 1
                elif op in ("W", "n"):  # a clipping path, not painted
                    paths = 0
                elif op == "f":
                    if artifact and colour in shades:
                        tints[colour] = tints.get(colour, 0) + paths
                    paths = 0
                elif op == "Tf":
                    font = str(operands[0])
                elif op in ("TJ", "Tj") and font in bold:
                    parts = operands[0] if op == "TJ" else [operands[0]]
                    glyphs += sum(len(bytes(p)) // 2 for p in parts
                                  if isinstance(p, pikepdf.String))
                elif op == "BMC" and str(operands[0]) == "/Artifact":
                    artifact += 1
                elif op == "EMC" and artifact:
                    artifact -= 1
                elif op == "rg":
                    colour = tuple(round(float(v), 3) for v in operands)
    return glyphs, tints


def test_the_registers_marks_print_bold_and_absences_on_a_tint(small, rendered):
    doc = rendered("register", "C7A")
    marks = mark_emphasis(small, Config())
    view = build_register(small, Config(), make_scope(small.meta, "C7A", WEEKS))
    found = [m.split(":") for week in view.weeks for b in blocks(week, marks=marks)
             for m in b.marks.split()]
    assert found, "the small export has absences and lateness"
    chars = sum(int(e) - int(s) for _n, span, _k in found for s, e in [span.split("-")])
    texts = pdf_pages(doc.pdf)
    grids = [i for i, page in enumerate(texts) if "Frekwencja – tydzień" in page]
    glyphs, tints = _bold_mono_glyphs_and_tints(doc.pdf, grids)
    assert glyphs == chars  # every marked character, and only those, in the bold face
    grey = tuple(round(c / 255, 3) for c in TINTS["a"])
    assert tints.get(grey, 0) == sum(k == "a" for _n, _s, k in found)
    gap = tuple(round(c / 255, 3) for c in TINTS["g"])
    # (a missing topic in the lesson list is a <b> on the gap's tint too)
    assert tints.get(gap, 0) >= sum(k == "g" for _n, _s, k in found) > 0
    # the marks read where they stand in the line: "u", "nb" between the presences
    text = "\n".join(texts)
    assert re.search(r"Kowalska Anna +(?:\S+ +)*u ", text)


def test_a_weasyprint_of_other_internals_is_refused_not_printed_with(monkeypatch):
    import weasyprint
    from weasyprint.draw import text

    from archiver.errors import RenderError
    from archiver.render import marks

    monkeypatch.setattr(text, "draw_first_line", text.draw_first_line.archiver_original)
    monkeypatch.setattr(weasyprint, "__version__", "71.0")
    with pytest.raises(RenderError, match="WeasyPrint 71.0"):
        marks.install()
    monkeypatch.setattr(weasyprint, "__version__", "70.0")
    marks.install()
    assert text.draw_first_line.archiver_marks


def test_a_folded_block_prints_what_its_lines_laid_out_one_by_one_print():
    from render_helpers import CTX

    from archiver.render.marks import fold_height
    from archiver.render.pdfa import html_to_pdfa

    lines = Markup("dzień  pn 01.09\n 1 Żółć &amp; Co <b class=\"absent\">nb</b> ob <b>sp</b>"
                   "\n\n 2 Kowalska Anna    ob  u")
    plain, marks = split_marks(lines)
    style = f"width: 300pt; {fold_height(plain, 9.0)}"

    def document(fold: str) -> bytes:
        html = ('<!DOCTYPE html><html lang="pl"><head><meta charset="utf-8"><title>t</title>'
                f'</head><body><p>przed</p><pre class="grid" style="{style}" '
                f'data-marks="{marks}"{fold}>{plain}</pre><p>po</p></body></html>')
        return html_to_pdfa(html, title="t", run_ctx=CTX)[0]

    folded, whole = document(" data-fold"), document("")
    for options in ((), ("-layout",), ("-raw",)):
        assert pdf_text(folded, *options) == pdf_text(whole, *options)
    assert "Kowalska Anna" in pdf_text(folded, "-layout")
    glyphs, _tints = _bold_mono_glyphs_and_tints(folded, [0])
    assert glyphs == 4  # "nb" and "sp" bold, in the folded block too


def test_a_ruled_block_gets_the_rule_under_its_last_line_whatever_its_height_rounds_to():
    # rows "*": a light rule under every line; the block's height comes back from layout in
    # px, where 9.0pt x n (or 10.8pt x n) is not always exactly n lines again
    from archiver.render.rules import block_operators

    for scale, n in [(1.0, n) for n in range(1, 60)] + [(1.2, n) for n in range(1, 60)]:
        height = n * 9.0 * scale * 4 / 3 * 0.75
        ops = block_operators(0.0, 500.0, 100.0, height, [[0.0], [], [], [], None], True, scale)
        assert sum(op.endswith(" re") and " 0.400 re" in op for op in ops) == n, (scale, n)


def test_a_grids_lines_and_marks_are_what_its_markup_would_give():
    """A week's grid (a name with HTML characters, gaps, absences, lateness, marks outside
    the stay and the group): its lines and marks are what split_marks reads from the same
    grid written as <b> markup, each emphasised mark in bold over its cell."""
    from datetime import date

    from markupsafe import escape

    from archiver.render.textgrid import GAP_TEXT, OUT_TEXT, _cell
    from archiver.views.register import (
        MISSING,
        NOT_ENROLLED,
        NOT_IN_GROUP,
        GridRow,
        LessonEntry,
        WeekView,
    )

    day = date(2025, 9, 1)
    columns = tuple(LessonEntry(day, p, "matematyka", "T", "held", "", "", False, None,
                                column=p, code="ma", short="mat.") for p in range(1, 6))
    rows = (GridRow(1, "Żółć & <b>Co</b>", ("nb", MISSING, "sp", "ob", NOT_ENROLLED)),
            GridRow(2, "Ąę", (NOT_IN_GROUP, "u", "nb", "ob", "sp")))
    week = WeekView(day, day, columns, columns, rows, (), (1, 1), (1, 1))
    emphasis = {"nb": "absent", "sp": "late", "u": "excused"}
    block = blocks(week, marks=emphasis)[0]

    def cell(mark: str) -> str:
        width = block.col_ch
        if mark == MISSING:
            return ' <b class="gap">' + str(escape(_cell(GAP_TEXT, width)[1:])) + "</b>"
        shown = OUT_TEXT if mark == NOT_ENROLLED else "" if mark == NOT_IN_GROUP else mark
        kind = emphasis.get(mark, "")
        if kind:
            tag = '<b class="absent">' if kind == "absent" else "<b>"
            return " " + tag + str(escape(_cell(shown, width)[1:])) + "</b>"
        return str(escape(_cell(shown, width)))

    text = block.lines.unescape().split("\n")
    names = [line[:block.name_ch] for line in text[2:]]
    counts = [line[block.name_ch + block.col_ch * 5:] for line in text[2:]]
    markup = Markup("\n".join([str(escape(line)) for line in text[:2]] + [
        str(escape(name)) + "".join(cell(m) for m in row.marks) + str(escape(tail))
        for name, row, tail in zip(names, rows, counts, strict=True)]))
    assert (block.lines, block.marks) == split_marks(markup)
    assert "&lt;b&gt;Co&lt;/b&gt;" in str(block.lines) and len(block.marks.split()) == 6
