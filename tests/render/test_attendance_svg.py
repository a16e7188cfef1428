"""The attendance charts drawn as a whole (render/attendance_svg.py) print what WeasyPrint's
own SVG drawing prints: the same words at the same places, in the same order, still a
Figure with its alternative text."""

from __future__ import annotations

import io
import re
import subprocess
import xml.etree.ElementTree as ET

import pikepdf
from markupsafe import Markup
from render_helpers import CTX

from archiver.render.attendance_charts import Bar, column_bars, horizontal_bars
from archiver.render.attendance_svg import CHART, drawable, packed
from archiver.render.pdfa import html_to_pdfa
from archiver.views.attendance import Share

WORD = re.compile(r'<word xMin="([-\d.]+)" yMin="([-\d.]+)" xMax="([-\d.]+)" '
                  r'yMax="([-\d.]+)">([^<]*)</word>')


def _charts() -> str:
    bars = [Bar(" 1 Żółkiewska-Wąs Agnieszka Łucja", Share(40, 60),
                "– poniżej progu: 3 przedmioty"),
            Bar("12 Nowak  Jan", Share(99, 1)), Bar("13 Ząb Teodor", None),
            Bar("14 Wawrzyniak Tomasz", Share(100, 0))]
    months = [Bar("wrz", Share(9, 1)), Bar("paź", Share(3, 7)), Bar("sem.", None, "1"),
              Bar("rok", Share(1, 1))]
    return [horizontal_bars(bars, 50.0, "Frekwencja uczniów"),
            column_bars(months, 50.0, "Frekwencja w miesiącach")]


def _pdf(body: str) -> bytes:
    html = f'<!DOCTYPE html><html lang="pl"><body class="wide">{body}</body></html>'
    return html_to_pdfa(html, title="wykres", run_ctx=CTX, running=False)[0]


def _words(pdf: bytes, tmp_path, name: str) -> list[tuple[str, tuple[float, ...]]]:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-bbox", path, "-"], check=True,
                         capture_output=True).stdout.decode()
    return [(w[4], tuple(float(v) for v in w[:4])) for w in WORD.findall(out)]


def _raw(pdf: bytes, tmp_path, name: str) -> str:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-raw", path, "-"], check=True,
                          capture_output=True).stdout.decode()


def test_a_chart_drawn_as_a_whole_prints_what_weasyprints_svg_drawing_prints(tmp_path):
    charts = _charts()
    ours = _pdf("".join(f'<div class="chart">{packed(c)}</div>' for c in charts))
    assert all(f'{CHART}=""' in c for c in charts)  # drawn by WeasyPrint's SVG code:
    theirs = _pdf("".join(f'<div class="chart">{c}</div>'.replace(f' {CHART}=""', "")
                          for c in charts))
    words, expected = _words(ours, tmp_path, "ours"), _words(theirs, tmp_path, "theirs")
    assert [w for w, _ in words] == [w for w, _ in expected]
    assert "Żółkiewska-Wąs" in [w for w, _ in words] and "próg" in [w for w, _ in words]
    for (word, box), (_, other) in zip(words, expected, strict=True):
        assert max(abs(a - b) for a, b in zip(box, other, strict=True)) < 0.05, word
    assert _raw(ours, tmp_path, "ours") == _raw(theirs, tmp_path, "theirs")
    with pikepdf.open(io.BytesIO(ours)) as pdf:  # far fewer objects: no XObject per label
        figures = [e for e in _elements(pdf.Root.StructTreeRoot) if e.get("/S") == "/Figure"]
        assert [str(f.Alt) for f in figures] == ["Frekwencja uczniów", "Frekwencja w miesiącach"]
        xobjects = sum(len(p.Resources.get("/XObject", {})) for p in pdf.pages)
    with pikepdf.open(io.BytesIO(theirs)) as pdf:
        assert xobjects < sum(len(p.Resources.get("/XObject", {})) for p in pdf.pages)


def _elements(node):  # noqa: ANN001, ANN202
    if isinstance(node, pikepdf.Dictionary):
        yield node
        kids = node.get("/K")
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids] if kids else []:
            yield from _elements(kid)


def test_only_what_the_charts_use_is_drawn_as_a_whole(tmp_path):
    svg = "http://www.w3.org/2000/svg"
    chart = ET.fromstring(str(horizontal_bars([Bar("a", Share(1, 1))], 50.0, "t")))
    assert drawable(list(chart))
    ET.SubElement(chart, f"{{{svg}}}circle", r="3")  # another element: WeasyPrint draws it
    assert not drawable(list(chart))
    chart = ET.fromstring(str(horizontal_bars([Bar("a", Share(1, 1))], 50.0, "t")))
    turned = chart.find(f"{{{svg}}}text")
    turned.set("transform", "rotate(90)")  # an attribute it ignores
    assert not drawable(list(chart))
    # packed, such a chart is still printed whole, by WeasyPrint's own SVG code
    markup = ET.tostring(chart, encoding="unicode").replace("ns0:", "").replace(":ns0", "")
    words = [w for w, _ in _words(_pdf(str(packed(Markup(markup)))), tmp_path, "other")]
    assert "próg" in words and "a" in words and "100%" in words


def test_labels_of_known_characters_print_as_when_pango_laid_them_out(tmp_path):
    """A label whose characters its face has shaped before is drawn from their remembered
    glyphs and widths (drawline.known): the same bytes as when each went through Pango."""
    from archiver.render import drawline

    body = "".join(f'<div class="chart">{packed(c)}</div>' for c in _charts())
    drawline._LEARNT.clear()
    fresh = _pdf(body)  # every label laid out by Pango (learning its glyphs)
    assert drawline._LEARNT  # learnt
    calls = []
    known = drawline.known
    drawline.known = lambda *a: calls.append(a[2]) or known(*a)
    try:
        again = _pdf(body)
    finally:
        drawline.known = known
    assert "100%" in calls and again == fresh


def _png(pdf: bytes, tmp_path, name: str) -> bytes:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1", path,
                    tmp_path / name], check=True)
    return next(tmp_path.glob(f"{name}-*.png")).read_bytes()


def test_a_grid_head_drawn_as_a_whole_prints_what_weasyprints_svg_drawing_prints(small,
                                                                                 tmp_path):
    """The rules and the label over a register's attendance grid (grid_heads.py, three
    straight paths and a `<text>` without a fill of its own) print as WeasyPrint's SVG code
    prints them: the same pixels, the label in black."""
    from render_helpers import spec_for

    from archiver.config import Config
    from archiver.render.grid_heads import grid_head
    from archiver.render.textgrid import blocks
    from archiver.views import build_register

    view = build_register(small, Config(), spec_for(small, "register", "C7A").scope)
    block = next(b for w in view.weeks if w.columns and w.rows for b in blocks(w))
    head = str(grid_head(block))
    svg = head[head.index("<svg"):head.index("</svg>") + 6]
    assert f'{CHART}=""' in svg and "<path" in svg and "fill=" not in svg.split("<text")[1]
    assert drawable(list(ET.fromstring(svg)))
    ours = _pdf(f"<div>{svg}</div>")
    theirs = _pdf(f"<div>{svg}</div>".replace(f' {CHART}=""', ""))
    assert _png(ours, tmp_path, "ours") == _png(theirs, tmp_path, "theirs")
    assert [w for w, _ in _words(ours, tmp_path, "ours")] == ["przedmiot"]
    curved = ET.fromstring(svg.replace('d="M', 'd="C1 2 3 4 5 6M', 1))
    assert not drawable(list(curved))  # anything but straight rules: WeasyPrint draws it


def test_a_charts_colours_are_converted_once_and_print_as_weasyprints(monkeypatch, tmp_path):
    """Every bar and label sets its colour; WeasyPrint converted it to sRGB each time.
    Here each colour is converted once, and the charts print the same colours."""
    from tinycss2.color4 import Color

    from archiver.render import attendance_svg

    conversions: list[tuple[str, str]] = []
    real = Color.to

    def counted(self, space):  # noqa: ANN001, ANN202
        conversions.append((self.space, space))
        return real(self, space)

    monkeypatch.setattr(Color, "to", counted)
    attendance_svg._colour.cache_clear()
    charts = _charts()
    ours = _pdf("".join(f'<div class="chart">{packed(c)}</div>' for c in charts))
    colours = attendance_svg._colour.cache_info().currsize
    assert colours >= 3  # the bars' tints, the threshold's line, the labels' black
    assert len(conversions) == colours  # drawn again, a colour is not converted again
    _pdf("".join(f'<div class="chart">{packed(c)}</div>' for c in charts))
    assert len(conversions) == colours
    monkeypatch.setattr(attendance_svg, "_colour", attendance_svg._colour.__wrapped__)
    converted = _pdf("".join(f'<div class="chart">{packed(c)}</div>' for c in charts))
    theirs = _pdf("".join(f'<div class="chart">{c}</div>'.replace(f' {CHART}=""', "")
                          for c in charts))
    pages = [subprocess.run(["pdftoppm", "-png", "-r", "60", "-"], input=pdf,
                            capture_output=True, check=True).stdout
             for pdf in (ours, converted)]
    assert pages[0] == pages[1]
    assert _raw(ours, tmp_path, "ours") == _raw(theirs, tmp_path, "theirs")
