"""Pages without margin boxes laid out for nothing.

The running texts and page numbers are drawn after layout (render/running.py), so no
stylesheet of archiver has a margin rule (@top-center and the like). WeasyPrint still
makes all 16 margin boxes of every page, with a style, counters and percentages each, only
to find that none is generated: about 5% of a register part's layout. Where no margin box
of a page has content, none is made; a page with one is laid out by WeasyPrint as before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

# Every margin box WeasyPrint's make_margin_boxes makes (css-page-3, 16 of them).
KEYWORDS = ("@top-left", "@top-center", "@top-right",
            "@bottom-left", "@bottom-center", "@bottom-right",
            "@left-top", "@left-middle", "@left-bottom",
            "@right-top", "@right-middle", "@right-bottom",
            "@top-left-corner", "@top-right-corner",
            "@bottom-left-corner", "@bottom-right-corner")


_NOT_GENERATED = ("normal", "inhibit", "none")


def _generated(context: Any, page: Any, keyword: str) -> bool:
    # As WeasyPrint's make_margin_boxes decides it (a rule's style, else the page's
    # anonymous style, whose content is 'normal').
    style = context.style_for(page.page_type, keyword)
    return style is not None and style["content"] not in _NOT_GENERATED


def _without_empty(real: Callable[..., Iterable[Any]]) -> Callable[..., Iterable[Any]]:
    def make_margin_boxes(context: Any, page: Any, state: Any) -> Iterable[Any]:
        if any(_generated(context, page, keyword) for keyword in KEYWORDS):
            return real(context, page, state)
        return ()  # WeasyPrint would make all 16 and yield none of them

    make_margin_boxes.archiver_margins = True  # type: ignore[attr-defined]
    make_margin_boxes.__wrapped__ = real  # type: ignore[attr-defined]
    return make_margin_boxes


def install() -> None:
    """Make WeasyPrint skip a page's margin boxes when no margin rule applies (idempotent;
    marks.install has checked the WeasyPrint version)."""
    from weasyprint import layout

    if getattr(layout.make_margin_boxes, "archiver_margins", False):
        return
    layout.make_margin_boxes = _without_empty(layout.make_margin_boxes)
