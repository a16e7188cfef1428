"""Our attendance grid against a naive table with one cell per mark, on the same weeks.

Both go through the same PDF/A pipeline (html_to_pdfa) in this process. "Ours" is what the
register prints for a week's attendance: blocks of monospaced lines with grid lines drawn
by CSS gradients (archiver.render.textgrid); "naive" is the layout issue 6 warns about:
an HTML table with one cell per mark, split into the same column blocks so that it fits
the page. `archiver bench` compares them on the demo school's weeks; run alone, on
invented weeks of 40 students x 22 lesson columns, it also prints the cost of tagging:

Usage: .venv/bin/python -m archiver.bench.grid [--pages N] [--repeat R]
Goal (issue 6): ours >= 10 pages/s per core and >= 15x the naive table.
"""

from __future__ import annotations

import argparse
import random
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from markupsafe import escape

from archiver.render.ceiling import PageRate
from archiver.render.context import RunContext
from archiver.render.pdfa import PDF_TAGS, html_to_pdfa
from archiver.render.textgrid import GAP_TEXT, OUT_TEXT, block_style, blocks
from archiver.views.register import MISSING, NOT_ENROLLED, GridRow, LessonEntry, WeekView

HEAD = ("<!DOCTYPE html><html lang='pl'><head><meta charset='utf-8'><title>bench</title>"
        "</head><body class='wide'>")
NAIVE_STYLE = ("<style>table.n{border-collapse:collapse;font:7.5pt 'DejaVu Sans Mono';"
               "break-after:page} table.n td{border:0.4pt solid #888;padding:0 1pt}</style>")


@dataclass(frozen=True)
class GridRun(PageRate):
    layout: str
    pages: int
    cpu_s: float
    wall_s: float


def ours_html(weeks: list[WeekView]) -> str:
    """The register's grid blocks of these weeks, one week per page."""
    parts = [HEAD]
    for week in weeks:
        parts.append('<div style="break-after: page">')
        parts += [f'<pre class="grid" style="{block_style(b)}" data-marks="{b.marks}" data-fold>'
                  f'{b.lines}</pre>' for b in blocks(week)]
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


def measure(layout: str, html: str, run_ctx: RunContext, tags: bool = PDF_TAGS) -> GridRun:
    """Lay out and write one HTML as PDF/A in this process; CPU and wall seconds."""
    cpu, wall = time.process_time(), time.perf_counter()
    _pdf, pages = html_to_pdfa(html, title="bench", run_ctx=run_ctx, pdf_tags=tags)
    return GridRun(layout, pages, time.process_time() - cpu, time.perf_counter() - wall)


def compare(weeks: list[WeekView], run_ctx: RunContext) -> tuple[GridRun, GridRun]:
    """(ours, naive) on the same weeks, after one warm-up of the fonts."""
    measure("warm-up", ours_html(weeks[:1]), run_ctx)
    return measure("ours", ours_html(weeks), run_ctx), measure("naive", naive_html(weeks),
                                                                 run_ctx)


STUDENTS, COLUMNS = 40, 22
SYMBOLS = ["ob"] * 12 + ["nb", "u", "sp", "zw", "ns"]


def invented_weeks(pages: int, seed: int = 1) -> list[WeekView]:
    """One week per page: 22 lessons over 5 days, 40 students, random marks."""
    rng = random.Random(seed)
    result = []
    for page in range(pages):
        monday = date(2025, 9, 1) + timedelta(weeks=page)
        lessons = tuple(
            LessonEntry(monday + timedelta(days=i % 5), i // 5 + 1, "Matematyka", "N. N.",
                        "held", "temat", "", False, None, column=i + 1)
            for i in range(COLUMNS))
        lessons = tuple(sorted(lessons, key=lambda e: (e.day, e.period)))
        rows = tuple(GridRow(n + 1, f"Nazwisko{n:02d} Imię{n:02d}",
                             tuple(rng.choice(SYMBOLS) for _ in range(COLUMNS)))
                     for n in range(STUDENTS))
        result.append(WeekView(monday, monday + timedelta(days=6), lessons, lessons, rows, ()))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=6, help="grid pages (the same for both)")
    parser.add_argument("--repeat", type=int, default=2,
                        help="runs; the best of each is reported (the machine is shared)")
    args = parser.parse_args()
    run_ctx = RunContext("bench", datetime(2026, 6, 27, 12, 0, tzinfo=UTC))
    weeks = invented_weeks(args.pages)
    html_ours, html_naive = ours_html(weeks), naive_html(weeks)
    measure("warm-up", ours_html(weeks[:1]), run_ctx, False)  # fonts and caches
    print(f"{args.pages} pages of {STUDENTS} students x {COLUMNS} lesson columns each")
    best: dict[str, float] = {}
    runs = (("ours (as shipped, tagged)", html_ours, True), ("ours untagged", html_ours, False),
            ("naive table", html_naive, False))  # the naive table untagged: its best case
    for _ in range(args.repeat):
        for name, html, tags in runs:
            run = measure(name, html, run_ctx, tags)
            # Pages per CPU second of this one process = pages/s per core, whatever else
            # the shared machine is doing; wall-clock pages/s printed beside it.
            best[name] = max(best.get(name, 0.0), run.pages_per_cpu_s)
            print(f"{name:<26} {run.pages:>3} pages: {run.pages_per_cpu_s:6.2f} pages/s per "
                  f"core (CPU {run.cpu_s:5.2f} s; wall {run.wall_s:5.2f} s = "
                  f"{run.pages / run.wall_s:6.2f} pages/s)")
    shipped, untagged, naive_best = (best[name] for name, _, _ in runs)
    print(f"ratio ours / naive: {shipped / naive_best:.1f}x (best of {args.repeat}; "
          "goal: ours >= 10 pages/s per core and >= 15x the naive table)")
    print(f"tagging (PDF_TAGS) costs {100 * (1 - shipped / untagged):.0f}% of our speed")


if __name__ == "__main__":
    main()
