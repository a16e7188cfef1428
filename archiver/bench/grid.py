"""Our attendance grid against a naive table with one cell per mark, on the same weeks.

Both go through the same PDF/A pipeline (html_to_pdfa) in this process. "Ours" is what the
register prints for a week's attendance: blocks of monospaced lines with grid lines drawn
by CSS gradients (archiver.render.textgrid); "naive" is the layout issue 6 warns about,
as in bench/render_grid.py: an HTML table with one cell per mark, split into the same
column blocks so that it fits the page.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from markupsafe import escape

from archiver.render.context import RunContext
from archiver.render.pdfa import html_to_pdfa
from archiver.render.textgrid import GAP_TEXT, OUT_TEXT, block_style, blocks
from archiver.views.register import MISSING, NOT_ENROLLED, WeekView

HEAD = ("<!DOCTYPE html><html lang='pl'><head><meta charset='utf-8'><title>bench</title>"
        "</head><body class='wide'>")
NAIVE_STYLE = ("<style>table.n{border-collapse:collapse;font:7.5pt 'DejaVu Sans Mono';"
               "break-after:page} table.n td{border:0.4pt solid #888;padding:0 1pt}</style>")


@dataclass(frozen=True)
class GridRun:
    layout: str
    pages: int
    cpu_s: float
    wall_s: float

    @property
    def pages_per_cpu_s(self) -> float:
        return self.pages / self.cpu_s if self.cpu_s else 0.0


def ours_html(weeks: list[WeekView]) -> str:
    """The register's grid blocks of these weeks, one week per page."""
    parts = [HEAD]
    for week in weeks:
        parts.append('<div style="break-after: page">')
        parts += [f'<pre class="grid" style="{block_style(b)}">{b.lines}</pre>'
                  for b in blocks(week)]
        parts.append("</div>")
    return "".join(parts) + "</body></html>"


def _shown(mark: str) -> str:
    return GAP_TEXT if mark == MISSING else OUT_TEXT if mark == NOT_ENROLLED else mark


def naive_html(weeks: list[WeekView]) -> str:
    """The same marks as a table with one cell per mark, in the same column blocks."""
    parts = [HEAD, NAIVE_STYLE]
    for week in weeks:
        found = blocks(week)
        if not found:
            continue
        per_block = found[0].columns  # as many columns as our layout puts across the page
        for start in range(0, len(week.columns), per_block):
            cols = range(start, min(start + per_block, len(week.columns)))
            parts.append("<table class='n'><tr><td>dzień</td>")
            parts += [f"<td>{week.columns[i].day:%d.%m}</td>" for i in cols]
            parts.append("</tr><tr><td>lekcja</td>")
            parts += [f"<td>{week.columns[i].period}</td>" for i in cols]
            parts.append("</tr>")
            for row in week.rows:
                parts.append(f"<tr><td>{row.number} {escape(row.name)}</td>")
                parts += [f"<td>{escape(_shown(row.marks[i]))}</td>" for i in cols]
                parts.append("</tr>")
            parts.append("</table>")
    return "".join(parts) + "</body></html>"


def measure(layout: str, html: str, run_ctx: RunContext) -> GridRun:
    """Lay out and write one HTML as PDF/A in this process; CPU and wall seconds."""
    cpu, wall = time.process_time(), time.perf_counter()
    _pdf, pages = html_to_pdfa(html, title="bench", run_ctx=run_ctx)
    return GridRun(layout, pages, time.process_time() - cpu, time.perf_counter() - wall)


def compare(weeks: list[WeekView], run_ctx: RunContext) -> tuple[GridRun, GridRun]:
    """(ours, naive) on the same weeks, after one warm-up of the fonts."""
    measure("warm-up", ours_html(weeks[:1]), run_ctx)
    return measure("ours", ours_html(weeks), run_ctx), measure("naive", naive_html(weeks),
                                                                 run_ctx)
