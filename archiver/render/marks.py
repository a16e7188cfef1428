"""Bold marks on a tint in monospaced blocks (attendance grids, summaries), without an
inline element per mark.

A register's attendance grid marks every absence bold on a grey tint and other marks
than a plain presence bold: some 2,300 `<b>` elements in a class's year. Each one was an
inline box of its own, cut out of its line by WeasyPrint's line layout, styled by the
cascade, tagged, and drawn as a text object of its own with its own background: 40% of
the register's layout and writing time (issue 18). The face of these blocks is
monospaced and its bold has the same advances (DejaVu Sans Mono and DejaVu Sans Mono
Bold: 1233/2048 em, the same ascent and descent), so a line lays out the same in either
weight. Now a block is laid out as plain text, and the marks are applied when it is
drawn:

- the block's `<pre>` carries them in `data-marks`, by line and character
  (`split_marks` takes them out of the lines' `<b>` markup);
- when WeasyPrint draws a line of such a block, the marked characters get a Pango
  weight attribute (Pango then shapes them in the bold face, which WeasyPrint embeds as
  it embeds any face it draws), and the tints are drawn as rectangles (artifacts) just
  before the line's text, where WeasyPrint drew the `<b>` boxes' backgrounds: as wide as
  the marked characters, as high as the font's size, about the same baseline.

The text, its order and its positions stay those of the `<b>` markup (pdftotext reads the
same words), and the pages look the same.
"""

from __future__ import annotations

import itertools
import re
from functools import lru_cache

import cffi
from markupsafe import Markup

from archiver.render import drawline
from archiver.render.foldbreak import FOLD_CUTS, FRAGMENT

KINDS = {None: "b", "absent": "a", "gap": "g", "risk": "r"}  # <b class=...>: a letter
LINE_KINDS = {"cancelled": "c"}  # <span class=...> around a whole line: a letter
# The text colours of line kinds, as style.css has them (.cancelled).
COLOURS = {"c": (0x33, 0x33, 0x33)}
# Ranges of a line in another colour, as style.css has them (.note in a message's header):
# the line is drawn in pieces, each where the one before ended (render/lines.py).
PARTS = {"n": (0x33, 0x33, 0x33), "N": (0x33, 0x33, 0x33)}
# Parts in another size than their line's, in pt (N: .note in a heading, as its <span> had it,
# on the line's baseline).
PART_SIZES = {"N": 8.0}
_LINE_SPAN = re.compile(r'<span class="([a-z]+)">(.*)</span>')
# The tints, as style.css has them for .absent, .gap and .risk (bold only: none).
TINTS = {"a": (200, 200, 200), "g": (217, 217, 217), "r": (200, 200, 200)}
_BOLD = re.compile(r'<b(?: class="([a-z]+)")?>([^<]*)</b>')
_TAG = re.compile(r"<[^>]*>")


def split_marks(lines: Markup) -> tuple[Markup, str]:
    """(the lines without their `<b>` markup, the marks for `data-marks`): each mark
    `line:start-end:kind`, in characters of the unescaped line (a `<b>` per mark, never
    across lines; kind a, g, r: bold on a tint, b: bold)."""
    text = str(lines)
    if "<b" not in text and "<span" not in text:
        return lines, ""
    marks = []
    for number, line in enumerate(text.split("\n")):
        whole = _LINE_SPAN.fullmatch(line)
        if whole:
            if whole.group(1) not in LINE_KINDS:
                raise ValueError(f"no line of class {whole.group(1)!r}")
            line = whole.group(2)
            length = len(Markup(_BOLD.sub(r"\2", line)).unescape())
            marks.append(f"{number}:0-{length}:{LINE_KINDS[whole.group(1)]}")
        if "<b" not in line:
            continue
        position, at = 0, 0
        for found in _BOLD.finditer(line):
            position += len(Markup(line[at:found.start()]).unescape())
            length = len(Markup(found.group(2)).unescape())
            kind = KINDS.get(found.group(1))
            if kind is None:
                raise ValueError(f"no mark of class {found.group(1)!r}")
            if length:
                marks.append(f"{number}:{position}-{position + length}:{kind}")
            position += length
            at = found.end()
        if _TAG.search(line[at:]):
            raise ValueError("a marked line holds other markup than <b>")
    plain = _BOLD.sub(r"\2", text)
    if "<span" in plain:
        plain = "\n".join(_LINE_SPAN.sub(r"\2", line) for line in plain.split("\n"))
    return Markup(plain), " ".join(marks)


@lru_cache(maxsize=256)
def _by_index(marks: str) -> dict[int, tuple[tuple[int, int, str], ...]]:
    """A block's marks by line number: (start, end, kind) in characters of the line."""
    found: dict[int, list[tuple[int, int, str]]] = {}
    for mark in marks.split():
        line, span, kind = mark.split(":")
        start, end = span.split("-")
        found.setdefault(int(line), []).append((int(start), int(end), kind))
    return {n: tuple(spans) for n, spans in found.items()}


@lru_cache(maxsize=256)
def _by_line(marks: str, text: str) -> dict[str, tuple[tuple[int, int, str], ...]]:
    """Each marked line's text and its marks (a block's lines are unique: they begin
    with the pupil's number or name)."""
    lines = text.split("\n")
    return {lines[n]: spans for n, spans in _by_index(marks).items() if n < len(lines)}


def line_marks(textbox) -> tuple[tuple[int, int, str], ...]:  # noqa: ANN001 (a TextBox)
    """The marks of a laid-out line of a marked block (none for any other text)."""
    element = getattr(textbox, "element", None)  # SVG text draws boxes without one
    marks = element.get("data-marks") if element is not None else None
    if not marks or not element.text:
        return ()
    return _by_line(marks, element.text).get(textbox.text.rstrip("\n"), ())


_ffi = cffi.FFI()
_ffi.cdef("""
    typedef struct { int x; int y; int width; int height; } Rect;
    typedef struct { const void *klass; unsigned int start_index; unsigned int end_index; }
        Attr;
    Attr *pango_attr_weight_new (int weight);
    Attr *pango_attr_size_new_absolute (int size);
    Attr *pango_attr_stretch_new (int stretch);
    Attr *pango_attr_family_new (const char *family);
    void *pango_attr_list_copy (void *list);
    void *pango_attr_list_ref (void *list);
    void *pango_attr_list_new (void);
    void pango_attr_list_unref (void *list);
    void pango_attr_list_insert (void *list, Attr *attr);
    void *pango_layout_get_attributes (void *layout);
    void pango_layout_set_attributes (void *layout, void *attrs);
    void pango_layout_index_to_pos (void *layout, int index, Rect *pos);
""")
_pango = None
WEIGHT_BOLD = 700  # CSS bold, as <b> had it
PANGO_SCALE = 1024


def _lib():  # noqa: ANN202
    global _pango
    if _pango is None:
        from weasyprint.text import ffi as weasy_ffi

        # the very library WeasyPrint loaded, by the names it tries
        # (the full Linux name first: cffi searches for a bare name, slowly)
        _pango = weasy_ffi._dlopen(_ffi, "libpango-1.0.so.0", "libpango-1.0-0", "pango-1.0-0",
                                   "pango-1.0", "libpango-1.0.dylib", "libpango-1.0-0.dll")
    return _pango


def _address(pointer) -> int:  # noqa: ANN001 (a pointer of WeasyPrint's own FFI)
    from weasyprint.text.ffi import ffi as weasy_ffi

    return int(weasy_ffi.cast("uintptr_t", pointer))


def _embolden(layout, marks, text: str) -> list[tuple[float, float]]:  # noqa: ANN001
    """Set the marked characters of a WeasyPrint Layout in bold; their (x, width) in px
    from the line's start."""
    pango = _lib()
    pointer = _ffi.cast("void *", _address(layout.layout))
    attrs = pango.pango_layout_get_attributes(pointer)
    copy = pango.pango_attr_list_new() if attrs == _ffi.NULL else \
        pango.pango_attr_list_copy(attrs)
    byte = [0]
    for char in text:
        byte.append(byte[-1] + len(char.encode("utf-8")))
    for start, end, kind in marks:
        if kind in COLOURS or kind in PARTS:
            continue
        attr = pango.pango_attr_weight_new(WEIGHT_BOLD)
        attr.start_index, attr.end_index = byte[start], byte[min(end, len(text))]
        pango.pango_attr_list_insert(copy, attr)
    pango.pango_layout_set_attributes(pointer, copy)
    pango.pango_attr_list_unref(copy)
    spans, rect = [], _ffi.new("Rect *")
    for start, end, kind in marks:
        if kind not in TINTS:
            spans.append((0.0, 0.0))
            continue
        pango.pango_layout_index_to_pos(pointer, byte[start], rect)
        left = rect.x
        pango.pango_layout_index_to_pos(pointer, byte[min(end, len(text)) - 1], rect)
        spans.append((left / PANGO_SCALE, (rect.x + rect.width - left) / PANGO_SCALE))
    return spans


def _tint_ops(stream, textbox, marks, spans, dy: float = 0.0) -> list[bytes]:  # noqa: ANN001
    from weasyprint.text.line_break import strut

    size = textbox.style["font_size"]
    line_height, baseline = strut(textbox.style)
    top = textbox.position_y + dy + textbox.baseline - baseline + (line_height - size) / 2
    ops = []
    for (_start, _end, kind), (left, width) in zip(marks, spans, strict=True):
        if kind not in TINTS or width <= 0:
            continue
        red, green, blue = (c / 255 for c in TINTS[kind])
        ops.append(f"q {red:f} {green:f} {blue:f} rg {textbox.position_x + left:f} {top:f} "
                   f"{width:f} {size:f} re f Q".encode("ascii"))
    if ops and stream._tags is not None:
        ops = [b"/Artifact BMC", *ops, b"EMC"]
    return ops


def _before_text(stream) -> int:  # noqa: ANN001
    """Where in the stream the line's text object begins: before its marked-content
    sequence (`/Span <<…>> BDC`) when tagged, else before its `BT`."""
    ops = stream.stream
    for index in range(len(ops) - 1, max(-1, len(ops) - 8), -1):
        if ops[index] == b"BDC" and index >= 2:
            return index - 2
    for index in range(len(ops) - 1, max(-1, len(ops) - 8), -1):
        if ops[index] == b"BT":
            return index
    return len(ops)


class _Line:
    """One line of a folded block, as WeasyPrint's draw_first_line reads a text box."""

    def __init__(self, textbox, text: str) -> None:  # noqa: ANN001
        self.pango_layout, self.style, self.text = textbox.pango_layout, textbox.style, text


def _draw_parts(original, stream, textbox, line, marks, dy, args, folded):  # noqa: ANN001, ANN202
    """Draw a line with ranges of another colour (PARTS) piece by piece in one text object,
    each piece where the one before ended (as the inline boxes of the HTML it replaces
    were laid out one after the other), with its own marks."""
    from weasyprint.matrix import Matrix
    from weasyprint.text.line_break import line_size

    text, cuts = line.text, {0, len(line.text)}
    for start, end, kind in marks:
        if kind in PARTS:
            cuts |= {min(start, len(text)), min(end, len(text))}
    cuts = sorted(cuts)
    coloured = {(s, e): PARTS[k] for s, e, k in marks if k in PARTS}
    sized = {(s, e): PART_SIZES[k] for s, e, k in marks if k in PART_SIZES}
    pango = _lib()
    layout = _ffi.cast("void *", _address(textbox.pango_layout.layout))
    base = pango.pango_layout_get_attributes(layout)
    if base != _ffi.NULL:
        pango.pango_attr_list_ref(base)
    (a, b, _), (c, d, _), (e, f, _) = args[2]
    dx, emojis, resized = 0.0, [], []
    try:
        for start, end in zip(cuts, cuts[1:], strict=False):
            piece = text[start:end]
            size = sized.get((start, end))
            if size is None:
                pango.pango_layout_set_attributes(layout, base)
            else:
                resized.append(_with_size(pango, base, size * PX_PER_PT))
                pango.pango_layout_set_attributes(layout, resized[-1])
            textbox.pango_layout.set_text(piece, justify=True)
            own = tuple((max(s, start) - start, min(t, end) - start, k) for s, t, k in marks
                        if k not in PARTS and s < end and t > start)
            colour = coloured.get((start, end))
            if colour is not None:
                stream.stream.append("{:f} {:f} {:f} rg".format(
                    *(x / 255 for x in colour)).encode())
            matrix = Matrix(a, b, c, d, e + dx * a, f)
            if piece.strip():
                emojis += _draw_marked(original, stream, textbox, _Line(textbox, piece), own,
                                       dy, (args[0], args[1], matrix), folded)
            if colour is not None:
                red, green, blue = textbox.style["color"].to("srgb").coordinates
                stream.stream.append(f"{red:f} {green:f} {blue:f} rg".encode())
            first_line, _index = textbox.pango_layout.get_first_line()
            dx += line_size(first_line, textbox.style)[0]
    finally:
        for attrs in resized:
            pango.pango_attr_list_unref(attrs)
        if base != _ffi.NULL:
            pango.pango_attr_list_unref(base)
    return emojis


def _draw_marked(original, stream, textbox, line, marks, dy, args, folded=False,  # noqa: ANN001, ANN202, PLR0913
                 face=None, key=None):
    """Draw one line (`line`: the text box, or a folded block's line) with its marks,
    `dy` px below the text box's own line; a folded block's line by drawline.draw (the
    same operators, its glyphs' parts remembered, and the line's runs by its `key`)."""
    if marks and any(kind in PARTS for _s, _e, kind in marks):
        return _draw_parts(original, stream, textbox, line, marks, dy, args, folded)
    if marks:
        spans = _embolden(textbox.pango_layout, marks, line.text)
        ops = _tint_ops(stream, textbox, marks, spans, dy)
        if ops:
            at = _before_text(stream)
            stream.stream[at:at] = ops
    text_overflow, block_ellipsis, matrix = args
    colour = next((COLOURS[k] for _s, _e, k in marks if k in COLOURS), None) if marks else None
    if colour is not None:  # a line of another colour: set inside the text object
        stream.stream.append("{:f} {:f} {:f} rg".format(*(c / 255 for c in colour)).encode())
    if dy:
        from weasyprint.matrix import Matrix

        (a, b, _), (c, d, _), (e, f, _) = matrix
        matrix = Matrix(a, b, c, d, e, f + dy)
    if folded:
        bold = tuple((s, e) for s, e, _k in marks) if face is not None and marks else ()
        emojis = drawline.draw(original, stream, line, text_overflow, block_ellipsis, matrix,
                               face, bold, key)
    else:
        emojis = original(stream, line, text_overflow, block_ellipsis, matrix)
    if colour is not None:  # back to the block's colour for its next line
        red, green, blue = textbox.style["color"].to("srgb").coordinates
        stream.stream.append(f"{red:f} {green:f} {blue:f} rg".encode())
    return emojis


def _bold_only(marks) -> bool:  # noqa: ANN001
    """Whether a line's marks are only bold ones (on a tint or not), for drawline."""
    return all(kind in TINTS or kind == "b" for _s, _e, kind in marks)


def _known_line(stream, textbox, face, text: str, marks, dy: float, matrix, key=None) -> bool:  # noqa: ANN001, PLR0913
    """Draw a folded block's line of the face's own size from its characters' remembered
    glyphs (drawline), its bold marks in the face's remembered bold ones and its tints
    where `_embolden` measures them: the same operators as the Pango way. False (nothing
    drawn) when a character, or the line's shape, is not known. `key`: an unmarked line's
    key (drawline.shape)."""
    if not marks:
        return drawline.known(stream, face, text, matrix, key)
    found = drawline.known_runs(stream, face, text, tuple((s, e) for s, e, _k in marks))
    if found is None:
        return False
    runs, xs = found
    spans = [((xs[start] / PANGO_SCALE, (xs[end] - xs[start]) / PANGO_SCALE)
              if kind in TINTS else (0.0, 0.0)) for start, end, kind in marks]
    ops = _tint_ops(stream, textbox, marks, spans, dy)
    if ops:
        at = _before_text(stream)
        stream.stream[at:at] = ops
    drawline.show_runs(stream, runs, matrix)
    return True


def _marked_first_line(original):  # noqa: ANN001, ANN202
    def draw_first_line(stream, textbox, text_overflow, block_ellipsis, matrix):  # noqa: ANN001, ANN202
        element = getattr(textbox, "element", None)  # SVG text draws boxes without one
        folded = element.get(FOLDED) if element is not None else None
        args = (text_overflow, block_ellipsis, matrix)
        if folded is None:
            return _draw_marked(original, stream, textbox, textbox, line_marks(textbox), 0,
                                args)
        # a folded block: its one laid-out line stands for all its lines (see fold)
        from weasyprint.matrix import Matrix
        from weasyprint.text.line_break import strut

        pitch = strut(textbox.style)[0]
        by_index = _by_index(element.get("data-marks") or "")
        places = _places(element.get(FOLD_LINES) or "")
        rules = element.get(FOLD_RULES)
        fragment = getattr(textbox, FRAGMENT, None)  # a page ends in the block (foldbreak)
        if rules:
            ops = _rule_ops(stream, textbox, rules, fragment)
            at = _before_text(stream)
            stream.stream[at:at] = ops
        pango = _lib()
        layout = _ffi.cast("void *", _address(textbox.pango_layout.layout))
        base = pango.pango_layout_get_attributes(layout)  # the face's features: each line's
        if base != _ffi.NULL:
            pango.pango_attr_list_ref(base)
        sized: dict[tuple[float, bool, bool], object] = {}  # a line's face: the base list
        #                                                      with it
        emojis = []
        plain = text_overflow != "ellipsis" and block_ellipsis == "none" and \
            textbox.style["font_size"] >= 1e-6  # lines drawn as draw_first_line would
        face = drawline.face(textbox.style) if plain else None
        shape = drawline.shape(textbox.style) if plain else None  # lines met before
        (a, b, _), (c, d, _), (e, f, _) = matrix
        lines = folded.split("\n")
        numbers, shift = range(len(lines)), 0.0
        if fragment is not None:
            numbers = range(fragment[0], len(lines) if fragment[1] is None else fragment[1])
            shift = fragment[2]
        try:
            for number in numbers:
                text = lines[number]
                if not text.strip():
                    continue  # as WeasyPrint draws no line of spaces
                dy, own, dx = places[number] if number < len(places) else (None, None, 0.0)
                dy = (number * pitch if dy is None else dy) - shift
                marks = by_index.get(number, ())
                learn = None  # the line's face, its glyphs remembered (drawline)
                if face is not None and (not marks or _bold_only(marks)):
                    learn = face if own is None else (face, own)
                at = Matrix(a, b, c, d, e + dx * a, f + dy) if dy or dx else matrix
                key = (shape, own, text) if shape is not None and not marks else None
                if key is not None and drawline.replay(stream, key, at):
                    continue  # drawn as it was before
                if learn is not None and (not marks or not dx) and _known_line(
                        stream, textbox, learn, text, marks, dy, at, key):
                    continue  # drawn from the glyphs its characters had before
                attrs = base if own is None else sized.get(own)
                if attrs is None:
                    attrs = sized[own] = _with_size(pango, base, *own)
                pango.pango_layout_set_attributes(layout, attrs)  # not the last line's marks
                textbox.pango_layout.set_text(text, justify=True)
                emojis += _draw_marked(original, stream, textbox, _Line(textbox, text),
                                       marks, dy, (text_overflow, block_ellipsis, Matrix(
                                           a, b, c, d, e + dx * a, f)) if dx else args,
                                       True, learn, key)
        finally:
            for attrs in sized.values():
                pango.pango_attr_list_unref(attrs)
            if base != _ffi.NULL:
                pango.pango_attr_list_unref(base)
        return emojis

    draw_first_line.archiver_marks = True
    draw_first_line.archiver_original = original
    return draw_first_line


# A folded block of lines in several sizes (a message's header, count, recipients and text
# in one block: render/lines.py): each line's baseline below the first line's and its size,
# "dy/size" in pt ("dy" alone: the block's face; "dy/size/c": condensed; "dy/size/m": in
# MONO_FAMILY; "dy/size//x" or "dy/size/m/x": starting x pt right of the block's left, a
# cell of a table row: render/protocol_rows.py), a line after the last given a line's
# height below the one before in the block's own face; and rules across the block,
# "top/height/width/RRGGBB" in pt from the first line's baseline and the block's left
# ("top/height/width/RRGGBB/left": from `left` pt right of it) (artifacts, drawn before
# the text, as a border of a box the lines were in was).
FOLD_LINES = "data-fold-lines"
FOLD_RULES = "data-fold-rules"
MONO_FAMILY = b"DejaVu Sans Mono"  # a FOLD_LINES line's family when marked "m"


@lru_cache(maxsize=256)
def _places(lines: str) -> tuple[tuple[float | None, tuple[float, bool, bool] | None, float],
                                  ...]:
    """Each line's (dy px, (size px, condensed, mono), dx px) from FOLD_LINES (None: the
    block's own face)."""
    out = []
    for place in lines.split():
        dy, _, rest = place.partition("/")
        size, _, rest = rest.partition("/")
        flags, _, dx = rest.partition("/")
        out.append((float(dy) * PX_PER_PT,
                    (float(size) * PX_PER_PT, "c" in flags, "m" in flags) if size else None,
                    float(dx) * PX_PER_PT if dx else 0.0))
    return tuple(out)


PX_PER_PT = 4 / 3


def _with_size(pango, base, size: float, condensed: bool = False,  # noqa: ANN001, ANN202
               mono: bool = False):
    """A copy of a layout's attribute list with the whole text in `size` px (as WeasyPrint
    sets a font's size: in whole Pango units), condensed or not, in MONO_FAMILY or the
    block's own family."""
    copy = pango.pango_attr_list_new() if base == _ffi.NULL else pango.pango_attr_list_copy(base)
    attr = pango.pango_attr_size_new_absolute(int(size * PANGO_SCALE))
    attr.start_index, attr.end_index = 0, 0xFFFFFFFF
    pango.pango_attr_list_insert(copy, attr)
    from weasyprint.text.constants import PANGO_STRETCH

    attr = pango.pango_attr_stretch_new(
        PANGO_STRETCH["condensed" if condensed else "normal"])
    attr.start_index, attr.end_index = 0, 0xFFFFFFFF
    pango.pango_attr_list_insert(copy, attr)
    if mono:
        attr = pango.pango_attr_family_new(MONO_FAMILY)
        attr.start_index, attr.end_index = 0, 0xFFFFFFFF
        pango.pango_attr_list_insert(copy, attr)
    return copy


def _rule_ops(stream, textbox, rules: str, fragment=None) -> list[bytes]:  # noqa: ANN001
    """FOLD_RULES as filled rectangles, from the first line's baseline and the block's left
    (or `left` pt right of it; of a fragment of the block: its own rules, from its first
    baseline)."""
    baseline = textbox.position_y + textbox.baseline
    ops = []
    for rule in rules.split():
        top, height, width, colour, *left = rule.split("/")
        y = float(top) * PX_PER_PT
        if fragment is not None:
            if not fragment[3] <= y < fragment[4]:
                continue
            y -= fragment[2]
        red, green, blue = (int(colour[i:i + 2], 16) / 255 for i in (0, 2, 4))
        x = textbox.position_x + (float(left[0]) * PX_PER_PT if left else 0.0)
        ops.append(f"q {red:f} {green:f} {blue:f} rg {x:f} "
                   f"{baseline + y:f} {float(width) * PX_PER_PT:f} "
                   f"{float(height) * PX_PER_PT:f} re f Q".encode("ascii"))
    if ops and stream._tags is not None:
        ops = [b"/Artifact BMC", *ops, b"EMC"]
    return ops


FOLD = "data-fold"  # a <pre> whose lines are laid out as one (fold)
FOLD_MAX_PT = 400.0  # a taller block is laid out line by line: a page might not hold it
_HEIGHT = re.compile(r"(?:^|;)\s*height:")
FOLDED = "data-archiver-lines"  # its lines, set by fold for the drawing


def fold(root) -> None:  # noqa: ANN001 (an ElementTree element)
    """Lay out every `<pre data-fold>` (or `<p data-fold>`: a paragraph, tagged P, with
    `white-space: pre`) of the document as its first line only: its lines
    are drawn from `data-archiver-lines` (draw_first_line above), each a line's height
    below the one before, as WeasyPrint would have laid them out. Such a block has a
    fixed line height, one face, no child elements and its height set in its style
    (`fold_height`), so its layout does not depend on its other lines; WeasyPrint's line
    layout costs about half a millisecond per line, a grid block has some forty."""
    for element in itertools.chain(root.iter("pre"), root.iter("p")):
        text = element.text
        if element.get(FOLD) is None or not text or "\n" not in text or len(element):
            continue
        if not _HEIGHT.search(element.get("style") or "") and element.get(FOLD_CUTS) is None:
            continue  # too tall to be sure of one page (fold_height): laid out as it is
        first = text.split("\n", 1)[0]
        if not first.strip():
            continue  # no text box to draw from: laid out as it is
        element.set(FOLDED, text)
        element.text = first


def fold_height(lines: str, line_pt: float) -> str:
    """The style a folded block needs: its height, as its lines would have made it;
    nothing for a block taller than FOLD_MAX_PT, which is then laid out as it is."""
    height = (str(lines).count(chr(10)) + 1) * line_pt
    return f"height: {height:.4f}pt" if height <= FOLD_MAX_PT else ""


TESTED = (70,)  # WeasyPrint's major versions whose internals this module is written for
_SIGNATURE = ["stream", "textbox", "text_overflow", "block_ellipsis", "matrix"]


def install() -> None:
    """Make WeasyPrint draw the marks of marked blocks (idempotent). Refuses, with a
    RenderError, a WeasyPrint whose internals are not those this module was written for,
    rather than print pages without their marks."""
    import inspect

    import weasyprint
    from weasyprint.draw import text
    from weasyprint.text.line_break import Layout

    from archiver.errors import RenderError
    from archiver.i18n import _

    if getattr(text.draw_first_line, "archiver_marks", False):
        return
    major = int(weasyprint.__version__.split(".")[0])
    signature = list(inspect.signature(text.draw_first_line).parameters)
    if major not in TESTED or signature != _SIGNATURE or not hasattr(Layout, "reactivate"):
        raise RenderError(
            _("WeasyPrint {version} is not a version archiver can print with").format(
                version=weasyprint.__version__),
            hint=_("install the WeasyPrint version archiver names (pip install -e .)"))
    text.draw_first_line = _marked_first_line(text.draw_first_line)
