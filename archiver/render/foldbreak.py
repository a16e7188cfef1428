"""Page ends inside a folded block, where its pieces begin (issue 18).

A folded block (render/marks.py: fold) is laid out as one line: WeasyPrint cannot end a
page inside it, so a block of several pieces that each could have stood on a page of its
own (a message's recipients, group by group, and its text, a few lines at a time:
render/lines.py `_Flow`) went to the next page whole, and the page ended up to a block
early. A block that says where its pieces begin (`data-fold-cuts`: the block's height,
then each piece's first line, its top and where its content ends, in pt from the block's
top; the height is not in a style attribute, so that the blocks share one computed style:
render/styles.py) is laid out here as
the pieces of it that fit in the page's room: the lines of the pieces that fit stay, the
next page begins with the next piece (a skip stack of its own, `{piece: None}`), as if
each piece had been a block of its own. A piece fits when its content fits (the space
after its last line may fall past the page's end, as a block's margin may), as the boxes
the pieces once were fitted. The laid-out fragment's text box carries which of the
block's lines it draws and how far up they move (`FRAGMENT`, read by marks' drawing). A
block that is a message's box itself (its border and padding: lines.message_lines) is
sliced as WeasyPrint slices a box: a continuation has no border and padding above it, a
fragment none below it, and a fragment fills the page's room below it.
"""

from __future__ import annotations

from functools import lru_cache
from math import inf

FOLD_CUTS = "data-fold-cuts"
# On a fragment's text box: (its first line, the line after its last or None, its top in
# the block: how far up its lines and rules are drawn, the span of the block's rules it
# draws: [from, to) px from the block's first baseline; the first fragment's from any
# height above, as a block whole draws its rules).
FRAGMENT = "archiver_fold_fragment"
PX_PER_PT = 4 / 3


@lru_cache(maxsize=1024)
def pieces(cuts: str) -> tuple[float, tuple[tuple[int, float, float], ...]]:
    """FOLD_CUTS "height line/top/end ..." as the block's height px and its pieces' (first
    line, top px, content's end px)."""
    height, *rest = cuts.split()
    out = []
    for piece in rest:
        line, top, end = piece.split("/")
        out.append((int(line), float(top) * PX_PER_PT, float(end) * PX_PER_PT))
    return float(height) * PX_PER_PT, tuple(out)


def _text_box(box):  # noqa: ANN001, ANN202
    """The block's one laid-out text box (its line's first), or None."""
    while getattr(box, "children", None):
        box = box.children[0]
        if hasattr(box, "pango_layout"):
            return box
    return None


def _split(original):  # noqa: ANN001, ANN202
    from archiver.render.marks import FOLDED

    def block_container_layout(context, box, *args, **named):  # noqa: ANN001, ANN202
        # a block in the flow comes from block_box_layout, every argument by position
        # (other callers, named arguments: absolute and floating boxes, cells, pages);
        # a block laid out as its first line only (marks.fold): not one laid out whole
        element = getattr(box, "element", None)
        cuts = element.get(FOLD_CUTS) if not named and element is not None and \
            box.element_tag == "pre" and element.get(FOLDED) is not None else None
        if not cuts:
            return original(context, box, *args, **named)
        bottom_space, skip_stack, page_is_empty, *args = args
        whole, parts = pieces(cuts)
        first = next(iter(skip_stack)) if skip_stack else 0
        if first:  # a box's border and padding above its first piece only (as WeasyPrint
            box.remove_decoration(start=True, end=False)  # slices a box at a page end)
        result = original(context, box, bottom_space, None, page_is_empty, *args)
        new_box = result[0]
        if new_box is None:
            return result
        top = new_box.content_box_y()
        start = parts[first][1]
        room = context.page_bottom - bottom_space

        def fits(end: float) -> bool:
            return not context.overflows(room, top + end - start)

        last = len(parts)
        if not fits(whole):  # the pieces whose content fits, at least one on an empty page
            last = next((n for n in range(len(parts), first, -1)
                         if fits(parts[n - 1][2])), first + 1 if page_is_empty else None)
            if last is None:  # not even the first: the parent sends the block on
                last = len(parts)
        bottom = whole if last == len(parts) and fits(whole) else parts[last - 1][2]
        new_box.height = bottom - start  # (laid out as its first line: no height of its own)
        if first == 0 and bottom == whole:
            return result  # the block whole
        text = _text_box(new_box)
        if text is not None:  # its lines, and its rules' span from the first baseline
            base = text.position_y + text.baseline - top
            following = parts[last][1] if last < len(parts) else whole
            setattr(text, FRAGMENT, (parts[first][0], parts[last][0] if last < len(parts)
                                     else None, start, start - base if first else -inf,
                                     following - base))
        resume_at = None
        if last < len(parts):  # and below its last only; the box fills the page's room
            resume_at = {last: None}
            if new_box.border_bottom_width or new_box.padding_bottom:  # a box: as sliced
                new_box.remove_decoration(start=False, end=True)
                new_box.height = max(new_box.height, context.page_bottom - bottom_space
                                     - new_box.position_y
                                     - (new_box.margin_height() - new_box.height))
        return (new_box, resume_at, *result[2:])

    block_container_layout.archiver_foldbreak = True
    block_container_layout.__wrapped__ = original
    return block_container_layout


def install() -> None:
    """Let pages end between a folded block's pieces (idempotent; marks.install has
    checked the WeasyPrint version)."""
    from weasyprint.layout import block

    if getattr(block.block_container_layout, "archiver_foldbreak", False):
        return
    block.block_container_layout = _split(block.block_container_layout)
