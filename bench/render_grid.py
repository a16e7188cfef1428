"""Attendance-grid rendering speed: our monospaced layout vs a naive table (issue 6).

Renders the same data, 40 students x 22 lesson columns per page, as
  ours:  one <pre> block per page of fixed-width text lines, grid lines drawn by
         CSS gradients (archiver.render.textgrid, the register's real code path),
  naive: an HTML table with one cell per mark,
both through the same PDF/A-3u pipeline (html_to_pdfa: fonts, sRGB, XMP), in this one
process, and prints pages/s of each (per core: pages per CPU second of this process, so
other work on a shared machine does not skew it; wall-clock beside), the ratio, and the
cost of tagging (PDF_TAGS).

Usage: .venv/bin/python bench/render_grid.py [--pages N] [--repeat R]
Goal (issue 6): ours >= 10 pages/s per core and >= 15x the naive table.
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import UTC, date, datetime, timedelta

from markupsafe import escape

from archiver.render.context import RunContext
from archiver.render.pdfa import html_to_pdfa
from archiver.render.textgrid import block_style, blocks
from archiver.views.register import GridRow, LessonEntry, WeekView

STUDENTS, COLUMNS = 40, 22
SYMBOLS = ["ob"] * 12 + ["nb", "u", "sp", "zw", "ns"]
CTX = RunContext("bench", datetime(2026, 6, 27, 12, 0, tzinfo=UTC))
HEAD = "<html lang='pl'><head><meta charset='utf-8'><title>bench</title></head><body class='wide'>"


def weeks(pages: int, seed: int = 1) -> list[WeekView]:
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


def ours(data: list[WeekView]) -> str:
    parts = [HEAD]
    for week in data:
        for block in blocks(week, max_rows=STUDENTS):
            parts.append(f'<pre class="grid" style="{block_style(block)}; break-after: page">'
                         f"{block.lines}</pre>")
    return "".join(parts) + "</body></html>"


def naive(data: list[WeekView]) -> str:
    parts = [HEAD, "<style>table.n{border-collapse:collapse;font:7.5pt 'DejaVu Sans Mono';"
             "break-after:page} table.n td{border:0.4pt solid #888;padding:0 1pt}</style>"]
    for week in data:
        parts.append("<table class='n'><tr><td>dzień</td>")
        parts += [f"<td>{c.day:%d.%m}</td>" for c in week.columns]
        parts.append("</tr><tr><td>lekcja</td>")
        parts += [f"<td>{c.period}</td>" for c in week.columns]
        parts.append("</tr>")
        for row in week.rows:
            parts.append(f"<tr><td>{row.number} {escape(row.name)}</td>")
            parts += [f"<td>{escape(m)}</td>" for m in row.marks]
            parts.append("</tr>")
        parts.append("</table>")
    return "".join(parts) + "</body></html>"


def measure(html: str, tags: bool) -> tuple[int, float, float]:
    """(pages, wall seconds, CPU seconds of this process)."""
    wall, cpu = time.perf_counter(), time.process_time()
    _pdf, pages = html_to_pdfa(html, title="bench", run_ctx=CTX, pdf_tags=tags)
    return pages, time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=6, help="grid pages (the same for both)")
    parser.add_argument("--repeat", type=int, default=2,
                        help="runs; the best of each is reported (the machine is shared)")
    args = parser.parse_args()
    data = weeks(args.pages)
    html_ours, html_naive = ours(data), naive(data)
    measure(html_ours, False)  # warm up fonts and caches
    print(f"{args.pages} pages of {STUDENTS} students x {COLUMNS} lesson columns each")
    best: dict[str, float] = {}
    runs = (("ours (as shipped, tagged)", html_ours, True), ("ours untagged", html_ours, False),
            ("naive table", html_naive, False))  # the naive table untagged: its best case
    for _ in range(args.repeat):
        for name, html, tags in runs:
            pages, wall, cpu = measure(html, tags)
            # Pages per CPU second of this one process = pages/s per core, whatever else
            # the shared machine is doing; wall-clock pages/s printed beside it.
            best[name] = max(best.get(name, 0.0), pages / cpu)
            print(f"{name:<26} {pages:>3} pages: {pages / cpu:6.2f} pages/s per core "
                  f"(CPU {cpu:5.2f} s; wall {wall:5.2f} s = {pages / wall:6.2f} pages/s)")
    shipped, untagged, naive_best = (best[name] for name, _, _ in runs)
    print(f"ratio ours / naive: {shipped / naive_best:.1f}x (best of {args.repeat}; "
          "goal: ours >= 10 pages/s per core and >= 15x the naive table)")
    print(f"tagging (PDF_TAGS) costs {100 * (1 - shipped / untagged):.0f}% of our speed")


if __name__ == "__main__":
    main()
