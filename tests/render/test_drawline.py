"""Folded blocks' lines written from remembered glyph parts (render/drawline.py): the very
bytes WeasyPrint's own draw_first_line writes, for documents and for odd text."""

from __future__ import annotations

import pytest
from markupsafe import Markup
from render_helpers import CTX, spec_for

from archiver.config import Config
from archiver.render import drawline, render_document
from archiver.render.marks import fold_height, split_marks
from archiver.render.pdfa import html_to_pdfa


def _weasyprint_draws(monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(drawline, "draw", lambda original, *args: original(*args[:5]))
    monkeypatch.setattr(drawline, "known", lambda *args: False)
    monkeypatch.setattr(drawline, "known_runs", lambda *args: None)
    monkeypatch.setattr(drawline, "replay", lambda *args: False)


def _results(monkeypatch, name: str) -> list:  # noqa: ANN001
    """What each call of drawline's `name` returns from now on, in order."""
    found, function = [], getattr(drawline, name)
    monkeypatch.setattr(drawline, name, lambda *args: found.append(function(*args)) or found[-1])
    return found


def _page(body: str) -> str:
    return ('<!DOCTYPE html><html lang="pl"><head><meta charset="utf-8"><title>t</title>'
            f"</head><body>{body}</body></html>")


def test_lines_of_known_characters_are_drawn_without_shaping_and_others_are_not(monkeypatch):
    monkeypatch.setattr(drawline, "_LEARNT", {})  # nothing met before in this process
    drawn = _results(monkeypatch, "known")
    lines = ["Kowalska Anna  ob  nb", "Anna Kowalska  nb  ob", "Żółć ąę 😀", "Żółć ąę"]
    html = ('<!DOCTYPE html><html lang="pl"><body><pre class="tablines" '
            f'style="width: 400pt; {fold_height(chr(10).join(lines), 10.8)}" data-fold>'
            + "\n".join(lines) + "</pre></body></html>")
    html_to_pdfa(html, title="t", run_ctx=CTX)
    # the second line's characters were all in the first; the emoji is another font's
    assert drawn[:2] == [False, True] and drawn[2] is False


def test_lines_of_characters_met_in_the_document_take_their_parts_as_they_were(
        monkeypatch):
    """A line whose every character was in a known line before in the same document is
    written from those characters' parts of the string (no glyph looked up again): the
    same bytes as WeasyPrint's drawing."""
    monkeypatch.setattr(drawline, "_LEARNT", {})
    lines = ["Kowalska Anna  ob  nb", "Anna Kowalska  nb  ob", "Kowal Anna ob", "Żak ob"]
    html = _page(f'<pre class="tablines" style="width: 400pt; '
                 f'{fold_height(chr(10).join(lines), 10.8)}" data-fold>'
                 + "\n".join(lines) + "</pre>")
    looked_up = []
    run_string = drawline._run_string
    monkeypatch.setattr(drawline, "_run_string",
                        lambda font, size, text, entries: looked_up.append(text) or
                        run_string(font, size, text, entries))
    ours = html_to_pdfa(html, title="t", run_ctx=CTX)[0]
    # the first is shaped by Pango, the second's glyphs looked up, the third's characters
    # all met in the second; the fourth's "Ż" was never met (Pango's)
    assert looked_up == [lines[1]]
    _weasyprint_draws(monkeypatch)
    assert html_to_pdfa(html, title="t", run_ctx=CTX)[0] == ours


@pytest.mark.parametrize("kind,class_id", [("register", "C7A"), ("attendance", "C7A"),
                                           ("messages", "C7A")])
def test_documents_are_the_same_bytes_as_drawn_by_weasyprint(small, monkeypatch, kind,
                                                             class_id):
    spec = spec_for(small, kind, class_id)
    ours = render_document(spec, small, Config(), CTX).pdf
    _weasyprint_draws(monkeypatch)
    assert render_document(spec, small, Config(), CTX).pdf == ours


# Lines of every sort drawn_line must hand back to WeasyPrint or get right: Polish letters
# and a bold mark, kerning pairs of the proportional face, an emoji (a colour font), a
# private-use character (no glyph: .notdef), combining marks, right-to-left text, a
# zero-width joiner and a glyph met first at another size.
LINES = ["1 Żółć &amp; Co <b class=\"absent\">nb</b> ob <b>sp</b>",
         "AVATAR Tą WAWA «ffi» fl",
         "uwaga 😀 koniec",
         "znak \ue000 prywatny",
         "e\u0301 a\u0328 o\u0302\u0323",
         "שלום עולם مرحبا",
         "a\u200db\u200cc",
         "2 Kowalska Anna    ob  u"]


@pytest.mark.parametrize("css", ["grid", "tablines"])
def test_odd_lines_are_the_same_bytes_as_drawn_by_weasyprint(monkeypatch, css):
    plain, marks = split_marks(Markup("\n".join(LINES)))
    style = f"width: 400pt; {fold_height(plain, 10.8)}"

    def document() -> bytes:
        html = ('<!DOCTYPE html><html lang="pl"><head><meta charset="utf-8"><title>t</title>'
                f'</head><body><pre class="{css}" style="{style}" data-marks="{marks}" '
                f'data-fold>{plain}</pre><pre class="{css}" style="font-size: 13pt; '
                f'{fold_height(plain, 15.6)}" data-fold>{plain}</pre></body></html>')
        return html_to_pdfa(html, title="t", run_ctx=CTX)[0]

    ours = document()
    _weasyprint_draws(monkeypatch)
    assert document() == ours


# A grid's lines with bold and tinted cells (several per line, at the line's start and end).
MARKED = ["<b class=\"risk\"> 42,9</b> Kowalska Anna  <b>ob</b> <b class=\"absent\">nb</b>",
          "Nowak Jan      <b>ob</b> 100,0 <b class=\"gap\">u</b>",
          "Żak Łucja      ob <b class=\"risk\">  0,0%</b>"]


def test_marked_lines_met_before_are_drawn_without_shaping_as_weasyprint_draws_them(
        monkeypatch):
    """The second document's marked lines are drawn from the glyphs and widths the first
    taught (its fonts are new: a glyph's width as the first document had it), tints where
    Pango measured them: the same bytes as WeasyPrint's drawing."""
    monkeypatch.setattr(drawline, "_LEARNT", {})
    monkeypatch.setattr(drawline, "_WIDTHS", {})
    plain, marks = split_marks(Markup("\n".join(MARKED)))
    html = _page(f'<pre class="grid" style="width: 400pt; {fold_height(plain, 9)}" '
                 f'data-marks="{marks}" data-fold>{plain}</pre>')
    drawn = _results(monkeypatch, "known_runs")
    html_to_pdfa(html, title="t", run_ctx=CTX)  # learns the line's glyphs
    drawn.clear()
    ours = html_to_pdfa(html, title="t", run_ctx=CTX)[0]
    # the first: its bold font is not yet in the document (Pango adds it); then known
    assert len(drawn) == 3 and drawn[0] is None and None not in drawn[1:]
    _weasyprint_draws(monkeypatch)
    assert html_to_pdfa(html, title="t", run_ctx=CTX)[0] == ours


def test_lines_met_before_are_drawn_again_from_their_runs_as_weasyprint_draws_them(
        monkeypatch):
    """Lines of a kerned face (a table's rows, the grid's subjects), in the block's size
    and in sizes of their own, each twice in a document: the second of each, and every one
    of them in a second document (its fonts new: a glyph's width as the first had it), is
    drawn from the runs Pango shaped the first time; the same bytes as WeasyPrint's
    drawing, ligatures, right-to-left text and lines Pango must draw included."""
    monkeypatch.setattr(drawline, "_LINES", {})
    monkeypatch.setattr(drawline, "_WIDTHS", {})
    plain, _marks = split_marks(Markup("\n".join(LINES * 2)))
    sizes = " ".join(f"{12 * n}/{7 + n % len(LINES) % 3}" for n in range(2 * len(LINES)))
    html = _page(f'<pre class="frow" style="width: 400pt; {fold_height(plain, 10.8)}"'
                 f' data-fold>{plain}</pre><pre class="frow" data-fold-lines="{sizes}" '
                 f'style="height: {24 * len(LINES)}pt" data-fold>{plain}</pre>')
    replayed = _results(monkeypatch, "replay")
    first = html_to_pdfa(html, title="t", run_ctx=CTX)[0]
    # the second of each line in each block, but two that Pango must draw each time: the
    # private-use character's .notdef and the zero-width joiner's empty glyph
    drawn_again = len(LINES) - 2
    assert replayed.count(True) == 2 * drawn_again
    replayed.clear()
    second = html_to_pdfa(html, title="t", run_ctx=CTX)[0]
    # all of them, but the very first line: its font is not yet in the new document (Pango
    # adds it)
    assert replayed[0] is False and replayed.count(True) == 4 * drawn_again - 1
    _weasyprint_draws(monkeypatch)
    assert html_to_pdfa(html, title="t", run_ctx=CTX)[0] == first == second


def test_lines_remembered_are_the_latest_few(monkeypatch):
    """A worker draws many documents: the lines it remembers are bounded."""
    monkeypatch.setattr(drawline, "_LINES", {})
    monkeypatch.setattr(drawline, "_LINES_LIMIT", 5)
    lines = "\n".join(f"Wiersz {n} Tą AVATAR" for n in range(12))
    html = _page(f'<pre class="frow" style="{fold_height(lines, 10.8)}" data-fold>'
                 f'{lines}</pre>')
    html_to_pdfa(html, title="t", run_ctx=CTX)
    assert [key[-1] for key in drawline._LINES] == [f"Wiersz {n} Tą AVATAR"
                                                    for n in range(7, 12)]
