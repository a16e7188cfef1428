"""Ruled blocks of monospaced lines (attendance grids, summaries): the rules drawn as a few
filled rectangles of PDF operators while the PDF is written, not by CSS.

The rules used to be nine CSS gradient layers per block, which WeasyPrint draws in Python
as shading patterns: a fifth of a register's CPU time (issue 18). A block says what its
rules are in a custom property of its inline style (`--rules: name col columns header
...`, in characters and lines, see `textgrid.ruled`); `draw_rules` runs in
pdfa's finisher, where the laid-out boxes and the pages' content streams are both at
hand, finds each such block on its page and appends the rectangles to the page's content,
marked as an artifact (they are decoration, not content, for a screen reader).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator

from weasyprint.formatting_structure import boxes

from archiver.render.textgrid import CHAR_PT as BASE_CHAR_PT
from archiver.render.textgrid import LINE_PT as BASE_LINE_PT

PX_PT = 0.75  # CSS px to pt
BASE_SIZE = 7.5  # pt: the monospaced blocks' size CHAR_PT and LINE_PT are measured at
RULE_RGB = (0.541, 0.541, 0.541)  # #8a8a8a: row and column rules
STRONG_RGB = (0.133, 0.133, 0.133)  # #222: under the header lines, at day boundaries

_RULES = re.compile(r"--rules:\s*([-*0-9. /]+)")
DOTS = "--dots"  # a box's bottom padding drawn as a dotted line (a signature line)
DOTS_RGB = (0.0, 0.0, 0.0)


def _ruled_blocks(box: boxes.Box) -> Iterator[tuple[boxes.Box, list[float] | None]]:
    if isinstance(box, boxes.LineBox):
        return
    element = getattr(box, "element", None)
    style = element.get("style") if element is not None and isinstance(
        box, boxes.BlockBox) else None
    if style and "--rules" in style:
        found = _RULES.search(style)
        if found:
            yield box, _geometry(found.group(1))
            return
    if style and DOTS in style:
        yield box, None
        return
    for child in box.all_children():
        yield from _ruled_blocks(child)


def _geometry(value: str) -> list[list[float] | None]:
    """`light_from_line / light x... / heavy x... / under lines... / rows` ("-": none;
    rows "*": a light rule under every line)."""
    groups: list[list[float] | None] = [
        None if g.strip() == "*" else [float(v) for v in g.split() if v != "-"]
        for g in value.split("/")]
    return (groups + [[], [], [], [], None])[:5]


def _rect(x: float, y: float, w: float, h: float) -> str:
    return f"{x:.3f} {y:.3f} {w:.3f} {h:.3f} re"


def block_operators(x: float, top: float, width: float, height: float,
                    geometry: list[list[float]], first_fragment: bool,
                    scale: float = 1.0) -> list[str]:
    """Filled rectangles for one block whose padding box is at (x, top) in PDF points
    (y grows upwards: `top` is the box's upper edge), `width` x `height` points;
    `geometry` as textgrid.ruled writes it; `scale`: the block's font size over 7.5pt (an
    attendance grid set larger to fill the page's width, issue 15)."""
    (skip, *_), light, heavy, under = geometry[0] or [0.0], geometry[1], geometry[2], geometry[3]
    CHAR_PT, LINE_PT = BASE_CHAR_PT * scale, BASE_LINE_PT * scale  # noqa: N806
    bottom = top - height
    lines = int(height / LINE_PT + 0.01)  # (floor division lost the last line now and then)
    # row rules: the last 0.4pt of every line (of the lines listed)
    chosen = range(1, lines + 1) if geometry[4] is None else [int(n) for n in geometry[4]]
    rows = [_rect(x, top - n * LINE_PT, width, 0.4) for n in chosen if n <= lines]
    light_top = top - (skip * LINE_PT if first_fragment else 0.0)
    cols = [_rect(x + c * CHAR_PT, bottom, 0.4, light_top - bottom) for c in light]
    strong = [_rect(x + c * CHAR_PT, bottom, 0.9, height) for c in heavy]
    if first_fragment:
        strong += [_rect(x, top - n * LINE_PT, width, 0.8) for n in under]
    ops = ["{:.3f} {:.3f} {:.3f} rg".format(*RULE_RGB), *rows, *cols, "f"]
    if strong:
        ops += ["{:.3f} {:.3f} {:.3f} rg".format(*STRONG_RGB), *strong, "f"]
    return ops


def dots_operators(x: float, bottom: float, width: float, thickness: float) -> list[str]:
    """A dotted line of `thickness` along the bottom of a box (x, width; `bottom`: its
    lower edge, PDF points), as WeasyPrint draws a `border-bottom: dotted` without rounded
    corners: round dots `thickness` wide (four Bezier curves each, WeasyPrint's), one at
    each end, evenly spaced at least a dot apart: one dot's operators written once, each
    moved a pitch from the one before, where WeasyPrint clipped the border to the dots
    and wrote each curve through pydyf (~1,000 curves a line)."""
    spaces = int(width / thickness / 2)
    if spaces < 1:
        return []
    pitch = thickness + (width - (spaces + 1) * thickness) / spaces
    r = thickness / 2
    k = r / math.sqrt(math.pi)  # WeasyPrint's control distance (draw/border.py draw_dash)
    dot = (f"{r:.4f} 0 m {r:.4f} {k:.4f} {k:.4f} {r:.4f} 0 {r:.4f} c {-k:.4f} {r:.4f} "
           f"{-r:.4f} {k:.4f} {-r:.4f} 0 c {-r:.4f} {-k:.4f} {-k:.4f} {-r:.4f} 0 {-r:.4f} c "
           f"{k:.4f} {-r:.4f} {r:.4f} {-k:.4f} {r:.4f} 0 c h f")  # a dot round (0, 0)
    step = f"1 0 0 1 {pitch:.5f} 0 cm {dot}"  # the next dot, a pitch to the right
    return ["q {:.3f} {:.3f} {:.3f} rg".format(*DOTS_RGB),
            f"1 0 0 1 {x + r:.4f} {bottom + r:.4f} cm {dot}", *[step] * spaces, "Q"]


def draw_rules(document, pdf) -> None:
    """Append the rules of every ruled block to its page's content stream."""
    kids = list(pdf.pages["Kids"])[::3]  # pydyf keeps references as number, 0, "R"
    seen: set[int] = set()
    for index, page in enumerate(document.pages):
        ops: list[str] = []
        page_top = page.height * PX_PT
        for box, values in _ruled_blocks(page._page_box):
            if values is None:  # a dotted line (DOTS) in the box's bottom padding
                ops += dots_operators(box.border_box_x() * PX_PT, page_top - (
                    box.border_box_y() + box.border_height()) * PX_PT,
                    box.border_width() * PX_PT, box.padding_bottom * PX_PT)
                continue
            first = id(box.element) not in seen
            seen.add(id(box.element))
            ops += block_operators(box.padding_box_x() * PX_PT,
                                   page_top - box.padding_box_y() * PX_PT,
                                   box.padding_width() * PX_PT, box.padding_height() * PX_PT,
                                   values, first, box.style["font_size"] * PX_PT / BASE_SIZE)
        if ops:
            _append(pdf, kids[index], ops)


def _number(reference: object) -> int:
    text = reference.decode() if isinstance(reference, bytes) else str(reference)
    return int(text.split()[0])


def _append(pdf, page_reference: object, ops: list[str]) -> None:
    page = pdf.objects[_number(page_reference)]
    stream = pdf.objects[_number(page["Contents"])]
    stream.stream.insert(0, b"q")
    stream.stream.append(b"Q")
    stream.stream.append(b"/Artifact BMC q")
    stream.stream.extend(op.encode("ascii") for op in ops)
    stream.stream.append(b"Q EMC")
