"""The attendance summaries' legends, pre-wrapped and folded (render/attendance_text.py),
print every word where the template's own `<p class="legend">` printed it, in the same
lines, bold and tinted words included, and stay paragraphs (P) of the tagged PDF."""

from __future__ import annotations

import io

import pikepdf
import pytest
from jinja2 import Environment
from render_helpers import CTX, pdf_words

from archiver.render.attendance_text import TEMPLATE_TEXT
from archiver.render.pdfa import html_to_pdfa

LEGEND = ("Frekwencja ucznia na lekcjach każdego przedmiotu (tylko lekcje jego grupy); "
          "„—” – brak lekcji. <b class=\"risk\">Pogrubione na szarym tle</b> – poniżej "
          "progu 50%.\nPrzedmioty: " + "; ".join(
              f"<b>{short}</b> — {name}" for short, name in [
                  ("biol.", "Biologia"), ("edb", "Edukacja dla bezpieczeństwa"),
                  ("godz. wych.", "Godzina wychowawcza"), ("j. ang.", "Język angielski"),
                  ("wf", "Wychowanie fizyczne"), ("x&lt;y", "Przedmiot &lt;b&gt; &amp; inny"),
                  ("zaj. art.", "Zajęcia artystyczne " * 6)]) + ".")


def _pdf(body: str) -> bytes:
    html = ('<!DOCTYPE html><html lang="pl"><head><meta charset="utf-8"><title>t</title>'
            f'</head><body class="wide">{body}<p>po</p></body></html>')
    return html_to_pdfa(html, title="t", run_ctx=CTX)[0]


@pytest.mark.parametrize(("room", "wrapper"), [
    ("page", "{}"),
    ("chart", '<div class="risk-row"><div class="risk-list"></div><div class="chart">{}'
              "</div></div>"),
])
def test_a_folded_legend_prints_its_words_where_the_paragraph_did(room: str,
                                                                  wrapper: str) -> None:
    env = Environment(autoescape=True)
    folded = env.from_string('{% call legend(room) %}' + LEGEND + "{% endcall %}").render(
        room=room, **TEMPLATE_TEXT)
    assert "<b" not in folded and "data-fold" in folded
    before = pdf_words(_pdf(wrapper.format(f'<p class="legend">{LEGEND}</p>')))
    after = pdf_words(_pdf(wrapper.format(folded)))
    assert [w for w, _x, _y in after] == [w for w, _x, _y in before]
    assert len({y for _w, _x, y in before}) >= 4  # wrapped over several lines
    for (word, x0, y0), (_w, x1, y1) in zip(before, after, strict=True):
        assert abs(x0 - x1) < 0.25 and abs(y0 - y1) < 0.05, word  # a quarter of a point


def test_a_folded_legend_is_a_paragraph_with_its_tint_and_bold_words() -> None:
    env = Environment(autoescape=True)
    folded = env.from_string('{% call legend() %}' + LEGEND + "{% endcall %}").render(
        **TEMPLATE_TEXT)
    with pikepdf.open(io.BytesIO(_pdf(folded))) as pdf:
        kinds = []

        def walk(node) -> None:  # noqa: ANN001
            if isinstance(node, pikepdf.Dictionary) and "/S" in node:
                kinds.append(str(node.S))
            kids = node.get("/K") if isinstance(node, pikepdf.Dictionary) else None
            for kid in (kids if isinstance(kids, pikepdf.Array) else [kids] if kids else []):
                walk(kid)

        walk(pdf.Root.StructTreeRoot)
        contents = pdf.pages[0].Contents
        content = b"".join(c.read_bytes() for c in contents) if isinstance(
            contents, pikepdf.Array) else contents.read_bytes()
        fonts = [str(f.BaseFont) for f in pdf.pages[0].Resources.Font.values()]
    assert kinds.count("/P") == 2  # the legend and the paragraph after it
    assert b"0.784314 0.784314 0.784314 rg" in content  # the risk tint, #c8c8c8
    assert any("Bold" in f for f in fonts)


def test_a_legend_with_other_markup_is_refused() -> None:
    env = Environment(autoescape=True)
    with pytest.raises(ValueError, match="other markup"):
        env.from_string('{% call legend() %}a <i>b</i>{% endcall %}').render(**TEMPLATE_TEXT)
