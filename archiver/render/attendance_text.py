"""The attendance summaries' paragraphs (legends) pre-wrapped and folded (issue 18).

A legend was a `<p class="legend">` WeasyPrint laid out line by line, with an inline box
per bold word (a category's symbol, a subject's short name): some 30 ms of a 6-page
summary's 110 ms in the worker. Now the template's own markup of the paragraph (text and
`<b>`, `<b class="risk">`) is wrapped here with Pango's own widths and breaks as
WeasyPrint would break it (render/pango_text through lines.marked_lines) and printed as a
`<p data-fold>` of those lines, laid out as one line (render/marks.py: fold) with its bold
and tinted words drawn as marks. The words, their order and their lines are the same; the
paragraph is still a P of the document's structure.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from markupsafe import Markup, escape

from archiver.render.lines import marked_lines
from archiver.render.marks import fold_height
from archiver.render.pango_text import Face

MM = 72 / 25.4
# The boxes a legend is laid out in (style.css): a wide page's content (A4 landscape less
# its 12mm margins, @page wide), the chart beside the pupils at risk (.risk-row .chart) and
# the list of those pupils (.risk-row .risk-list).
ROOMS = {"page": (297 - 2 * 12) * MM, "chart": 115 * MM, "risk": 150 * MM}
FACE = Face("DejaVu Sans", 7.5)  # .legend: 7.5pt, the html's line height 1.35
LINE_PT = 7.5 * 1.35
PLAIN_FACE = Face("DejaVu Sans", 9.0)  # a plain <p>: 9pt/1.35
PLAIN_LINE_PT = 9.0 * 1.35
_PIECE = re.compile(r'<b(?: class="(risk)")?>([^<]*)</b>|([^<]+)|(<[^>]*>)')


def _pieces(html: str) -> list[tuple[str, str]]:
    """(text, mark kind) of a paragraph's markup: plain text, `<b>` (b), `<b class="risk">`
    (r, bold on a tint); anything else is refused (it would print otherwise)."""
    pieces = []
    for found in _PIECE.finditer(html):
        risk, bold, plain, other = found.groups()
        if other is not None:
            raise ValueError(f"a folded paragraph holds other markup than <b>: {other!r}")
        if plain is not None:
            pieces.append((Markup(plain).unescape(), ""))
        elif bold:
            pieces.append((Markup(bold).unescape(), "r" if risk else "b"))
    return pieces


@lru_cache(maxsize=512)  # the same legends in every class's summary: wrapped once
def _paragraph(html: str, css: str, room: str, face: Face, line_pt: float) -> Markup:
    lines, marks = marked_lines(_pieces(html), face, ROOMS[room])
    text = "\n".join(lines)
    # no line break after the tag: HTML drops one only after <pre>
    return Markup('<p class="{}" data-fold data-marks="{}" style="{}">').format(
        css, marks, fold_height(text, line_pt)) + escape(text) + Markup("</p>")


def legend(room: str = "page", *, caller: Any) -> Markup:  # noqa: ANN401 (Jinja's caller)
    """`{% call legend("chart") %}…{% endcall %}`: the paragraph as a folded `.legend`."""
    return _paragraph(str(caller()), "legend folded", room, FACE, LINE_PT)


def paragraph(room: str = "page", *, caller: Any) -> Markup:  # noqa: ANN401
    """`{% call paragraph("risk") %}…{% endcall %}`: a plain `<p>` (9pt) folded."""
    return _paragraph(str(caller()), "folded", room, PLAIN_FACE, PLAIN_LINE_PT)


TEMPLATE_TEXT = {"legend": legend, "paragraph": paragraph}
