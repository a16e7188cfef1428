"""The subject's short name over every column of an attendance grid, turned on its side.

A grid column is three characters of the monospaced grid wide: room for a two-letter code,
not for "j. pol." or "godz. wych.". The names stand above the grid's block instead, read
bottom to top as column heads of a printed register do, in one small inline SVG per
block: the names are the lines of one `<pre>` turned a quarter left (a CSS transform; a
`<text>` per column in an SVG cost a tenth of the register's time), the rules a small
SVG of three paths and a label, drawn without WeasyPrint's general SVG code
(render/attendance_svg.py: `data-chart`).
"""

from __future__ import annotations

from markupsafe import Markup, escape

from archiver.render.attendance_svg import CHART
from archiver.render.printable import printable
from archiver.render.tablines import SIZE_PT, fit_pt, text_pt
from archiver.render.textgrid import CHAR_PT, COUNT_CH, GridBlock

FONT_PT = 7.0  # the names' size (DejaVu Sans Condensed, as the lesson list): .grid-names
MOST_PT = 46.0  # the tallest a name may stand; a longer one is cut with "…"
BORDER_PT = 0.6  # .grid's border in style.css: the columns start inside it
LIGHT, HEAVY = "#8a8a8a", "#222"  # as archiver.render.rules draws the grid's own rules


def grid_head(block: GridBlock) -> Markup:
    """An SVG as wide as the block's grid, each column's subject name turned upwards at
    the column's middle, with the grid's column rules (heavy where a day begins) and
    "przedmiot" under the names' column."""
    if not block.shorts:
        return Markup("")
    unit = CHAR_PT * block.scale
    scale = FONT_PT / SIZE_PT  # tablines measures at SIZE_PT
    names = [fit_pt(printable(s), MOST_PT / scale) for s in block.shorts]
    tall = min(MOST_PT, max(text_pt(n) * scale for n in names)) + 5.0
    left = BORDER_PT + (block.name_ch + 0.5) * unit
    col = block.col_ch * unit
    width = 2 * BORDER_PT + (block.name_ch + 0.5 + block.col_ch * block.columns
                             + COUNT_CH * block.count_columns) * unit
    starts = set(block.day_starts)
    light = "".join(f"M{left + k * col:.2f} 0V{tall:.2f}" for k in range(block.columns)
                    if k not in starts)
    heavy = "".join(f"M{left + k * col:.2f} 0V{tall:.2f}" for k in sorted(starts))
    if block.count_columns:
        heavy += f"M{left + block.columns * col:.2f} 0V{tall:.2f}"
    edge = (f"M{BORDER_PT / 2:.2f} {tall:.2f}V{BORDER_PT / 2:.2f}"
            f"H{width - BORDER_PT / 2:.2f}V{tall:.2f}")
    label = (f'<text x="{BORDER_PT + 0.6 * unit:.2f}" y="{tall - 2.5:.2f}" '
             f'font-family="DejaVu Sans Condensed" font-size="{FONT_PT}">przedmiot</text>')
    rules = (f'<svg width="{width:.2f}pt" height="{tall:.2f}pt" '
             f'viewBox="0 0 {width:.2f} {tall:.2f}" {CHART}="">'
             f'<path d="{light or "M0 0"}" stroke="{LIGHT}" stroke-width="0.4" fill="none"/>'
             f'<path d="{heavy or "M0 0"}" stroke="{HEAVY}" stroke-width="0.9" fill="none"/>'
             f'<path d="{edge}" stroke="{HEAVY}" stroke-width="{BORDER_PT}" fill="none"/>'
             + label + "</svg>")
    # the names: one line per column in a box turned a quarter left about its bottom left
    # corner, which stands 2.5pt above the head's bottom, right of the last column: its
    # lines become the columns, read upwards. Unturned, the box stands above the head: in
    # the flow or below it, its height (a line per column) would carry it or its lines
    # to the next page. One absolute box per block (three cost a tenth of the grid pages).
    high = col * len(names)
    names_box = (f'<pre class="grid-names" data-fold style="left: {left + high:.2f}pt; '
                 f'top: {tall - 2.5 - high:.2f}pt; width: {tall:.2f}pt; height: {high:.3f}pt; '
                 f'line-height: {col:.3f}pt">'
                 + "\n".join(str(escape(n)) for n in names) + "</pre>")
    return Markup(f'<div class="grid-head">{rules}{names_box}</div>')
