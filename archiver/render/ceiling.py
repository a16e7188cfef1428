"""WeasyPrint's plain-text ceiling: the same pages' text as preformatted text, one `<pre>`
per page, through the same PDF/A pipeline (html_to_pdfa: the project stylesheet, tagging,
embedded fonts, PDF/A-3u writing).

No document can be laid out faster than its own text with no boxes, rules or running
headers around it, so pages per CPU-second of a kind against this ceiling says how much of
the time goes into our layout rather than into WeasyPrint's text machinery itself. The
text of each page is taken from the laid-out boxes of a sample document of the kind
(every line box's text, and the running header and footer drawn after layout), so it is
what the page prints.
"""

from __future__ import annotations

import gc
import time
from dataclasses import dataclass

from markupsafe import escape
from weasyprint import HTML
from weasyprint.formatting_structure import boxes

from archiver.render import foldbreak, marks, running
from archiver.render.chunks import PartJob
from archiver.render.fetcher import SafeFetcher
from archiver.render.pdfa import _stylesheet, html_to_pdfa

# Margin boxes off (the header's text is printed in the page's <pre>): `!important`, since
# the project stylesheet comes after the document's own <style>.
_CEILING_STYLE = ("<style>@page { @top-left { content: none !important } "
                  "@top-right { content: none !important } "
                  "@bottom-left { content: none !important } "
                  "@bottom-right { content: none !important } } "
                  "pre.page { font: 7.5pt/9pt 'DejaVu Sans Mono'; white-space: pre; margin: 0 }"
                  "</style>")


LINE_PT = 9.0


class PageRate:
    """Pages per CPU second of a timed layout (its `pages` and `cpu_s`)."""

    pages: int
    cpu_s: float

    @property
    def pages_per_cpu_s(self) -> float:
        return self.pages / self.cpu_s if self.cpu_s else 0.0


@dataclass(frozen=True)
class Ceiling(PageRate):
    """The plain-text pages of a sample of one kind, laid out and written as PDF/A."""

    kind: str
    pages: int
    cpu_s: float


def _lines(box: boxes.Box, found: list[str]) -> None:
    if isinstance(box, boxes.LineBox):
        texts = [b for b in box.descendants() if isinstance(b, boxes.TextBox)]
        element = getattr(texts[0], "element", None) if texts else None
        folded = element.get(marks.FOLDED) if element is not None else None
        if folded is not None:  # a block laid out as its first line: its lines (this page's)
            lines = folded.split("\n")
            fragment = getattr(texts[0], foldbreak.FRAGMENT, None)
            found += lines[fragment[0]:fragment[1]] if fragment else lines
            return
        found.append("".join(b.text for b in texts))
        return
    for child in box.all_children():
        _lines(child, found)


@dataclass(frozen=True)
class PageText:
    """What one page prints, line by line, and the height its text may take (pt)."""

    text: str
    height_pt: float


def page_texts(parts: tuple[PartJob, ...]) -> list[PageText]:
    """The text of every page of a document laid out from its parts (a part's lead page,
    which only carries the running header, dropped), its running header and footer lines
    included (archiver.render.running draws them after layout)."""
    laid_out, frames = [], []
    for job in parts:
        source = HTML(string=job.html, url_fetcher=SafeFetcher(), base_url=None)
        marks.fold(source.etree_element)  # laid out as the document is (render/pdfa.py)
        document = source.render(stylesheets=[_stylesheet()])
        page_frames = running.page_frames(document)
        frames += page_frames
        for index, page in enumerate(document.pages):
            found: list[str] = []
            _lines(page._page_box, found)
            laid_out.append((index < int(job.lead_page), found,
                             page._page_box.height * 0.75))  # px to pt
    values = running.resolve(frames)
    kept = [(found, height, value) for (lead, found, height), value in zip(
        laid_out, values, strict=True) if not lead]
    texts = []
    for number, (found, height, value) in enumerate(kept, start=1):
        label = running.page_label(number, len(kept))
        head = [value["school"], value["doctitle"], value["section"], value["period"],
                value["asof"]]
        lines = [line for line in head if line] + found + [value["printed"], label]
        texts.append(PageText("\n".join(lines), height))
    return texts


def _page(index: int, page: PageText) -> str:
    """A page's text in lines small enough that they fit its page (a page of the class list
    has more lines than a 9pt line height allows), so one page of text stays one page."""
    lines = page.text.count("\n") + 1
    line_pt = min(LINE_PT, page.height_pt / (lines + 1))
    style = f"font-size: {line_pt * 7.5 / LINE_PT:.2f}pt; line-height: {line_pt:.2f}pt"
    if index:
        style += "; break-before: page"
    return f'<pre class="page" style="{style}">{escape(page.text)}</pre>'


def ceiling_html(texts: list[PageText], body_class: str) -> str:
    """One `<pre>` per page, each after a page break, on the document's page size."""
    pages = "".join(_page(i, page) for i, page in enumerate(texts))
    return ('<!DOCTYPE html><html lang="pl"><head><meta charset="utf-8"><title>ceiling</title>'
            f'{_CEILING_STYLE}</head><body class="{body_class}">{pages}</body></html>')


REPEATS = 3  # timings of the ceiling; the least is kept


def measure(kind: str, texts: list[PageText], body_class: str, run_ctx,
            repeats: int = REPEATS) -> Ceiling:
    """Lay out and write the plain-text pages in this process: CPU seconds and pages.

    The least CPU time of `repeats` layouts, each begun on a collected heap. A layout of a
    few hundred milliseconds may or may not contain one of the interpreter's full garbage
    collections (about 90 ms in a bench's process, whose heap holds an export): where it
    falls depends on what was allocated before, so a single timing moved the transcripts'
    ceiling by half with code that does not touch the ceiling's pages. The least of
    collected runs is the ceiling's own cost, and a high ceiling only makes the kinds'
    shares of it smaller."""
    html = ceiling_html(texts, body_class)
    html_to_pdfa(ceiling_html(texts[:1], body_class), title="ceiling", run_ctx=run_ctx,
                 running=False)  # warm
    timings, pages = [], 0
    for _ in range(max(1, repeats)):
        gc.collect()
        started = time.process_time()
        _pdf, pages = html_to_pdfa(html, title="ceiling", run_ctx=run_ctx, running=False)
        timings.append(time.process_time() - started)
    return Ceiling(kind, pages, min(timings))
