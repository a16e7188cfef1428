"""Text measured and wrapped by Pango itself, as WeasyPrint would lay it out (issue 18).

WeasyPrint lays out a line in Python around Pango (half a millisecond a line, whatever its
length), and a `<pre data-fold>` block (render/marks.py) is laid out as one line and costs
almost nothing. Text that must wrap, a message's body or a run of names, can be folded
once its lines are known: this module asks Pango for them, with the same font map
(fontconfig), font description, language and attributes WeasyPrint gives a text box, so a
line ends where WeasyPrint would have ended it (`white-space: pre-wrap; overflow-wrap:
anywhere`: broken at Pango's word breaks, a word wider than a line broken between
characters), and a width is the width Pango draws (kerning included).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from archiver.render.fonts import font_advances

PX_PER_PT = 4 / 3  # CSS px (WeasyPrint's unit) per pt
# One layout per face is shared by every caller, and Pango objects are not thread-safe: a
# term-end of many schools prepares documents in threads (Pango aborted the process).
_PANGO = threading.RLock()
WINDOW = 600  # characters laid out at a time: a line never holds this many but in odd text


@lru_cache(maxsize=1)
def _font_map():  # noqa: ANN202 (a cffi pointer)
    from weasyprint.text.fonts import FontConfiguration

    config = FontConfiguration()
    return config, config.font_map  # the configuration keeps the map's fonts alive


@dataclass(frozen=True)
class Face:
    """A face as CSS gives it: family, size in pt, bold or not, condensed or not."""

    family: str = "DejaVu Sans"
    size_pt: float = 9.0
    bold: bool = False
    condensed: bool = False


class _Layout:
    """One PangoLayout for a face, reused for every text measured in it."""

    def __init__(self, face: Face) -> None:
        from weasyprint.text.constants import PANGO_STRETCH
        from weasyprint.text.ffi import ffi, gobject, pango

        self.ffi, self.pango = ffi, pango
        context = ffi.gc(pango.pango_font_map_create_context(_font_map()[1]),
                         gobject.g_object_unref)
        pango.pango_context_set_round_glyph_positions(context, False)
        pango.pango_context_set_base_dir(context, pango.PANGO_DIRECTION_LTR)
        self._lang = ffi.new("char[]", b"pl")
        pango.pango_context_set_language(context, pango.pango_language_from_string(self._lang))
        description = ffi.gc(pango.pango_font_description_new(),
                             pango.pango_font_description_free)
        self._family = ffi.new("char[]", face.family.encode())
        pango.pango_font_description_set_family(description, self._family)
        pango.pango_font_description_set_style(description, pango.PANGO_STYLE_NORMAL)
        pango.pango_font_description_set_stretch(
            description, PANGO_STRETCH["condensed" if face.condensed else "normal"])
        pango.pango_font_description_set_weight(description, 700 if face.bold else 400)
        pango.pango_font_description_set_absolute_size(
            description, int(face.size_pt * PX_PER_PT * 1024))
        pango.pango_font_description_set_variant(description, pango.PANGO_VARIANT_NORMAL)
        self.layout = ffi.gc(pango.pango_layout_new(context), gobject.g_object_unref)
        pango.pango_layout_set_auto_dir(self.layout, False)
        pango.pango_layout_set_font_description(self.layout, description)
        self._context, self._description = context, description
        self._rect = ffi.new("PangoRectangle *")
        self._tab: int | None = None

    def set(self, text: bytes, width_px: float | None, char_wrap: bool = False,
            bold: tuple[tuple[int, int], ...] = ()) -> None:
        pango = self.pango
        if b"\t" in text:  # tab-size 8, as WeasyPrint sets it (measured before the text)
            self._tabs()
        pango.pango_layout_set_width(self.layout, -1 if width_px is None
                                     else int(max(0.0, width_px) * 1024))
        pango.pango_layout_set_wrap(self.layout, pango.PANGO_WRAP_CHAR if char_wrap
                                    else pango.PANGO_WRAP_WORD)
        pango.pango_layout_set_text(self.layout, text, len(text))
        # overflow-wrap: anywhere, as WeasyPrint sets it: no hyphen where a word is broken
        attrs = pango.pango_attr_list_new()
        attr = pango.pango_attr_insert_hyphens_new(False)
        attr.start_index, attr.end_index = 0, len(text)
        pango.pango_attr_list_change(attrs, attr)
        if bold:  # these byte ranges in bold, as marks.py draws them
            from archiver.render import marks

            for start, end in bold:
                weight = marks._lib().pango_attr_weight_new(marks.WEIGHT_BOLD)
                weight.start_index, weight.end_index = start, end
                marks._lib().pango_attr_list_insert(
                    marks._ffi.cast("void *", marks._address(attrs)), weight)
        pango.pango_layout_set_attributes(self.layout, attrs)
        pango.pango_attr_list_unref(attrs)

    def _tabs(self) -> None:
        pango = self.pango
        if self._tab is None:
            self._tab = round(self._width(b" " * 8))
        width = self._tab
        array = self.ffi.gc(pango.pango_tab_array_new_with_positions(
            1, True, pango.PANGO_TAB_LEFT, width or 1), pango.pango_tab_array_free)
        pango.pango_layout_set_tabs(self.layout, array)

    def _width(self, text: bytes) -> float:
        pango = self.pango
        pango.pango_layout_set_width(self.layout, -1)
        pango.pango_layout_set_text(self.layout, text, len(text))
        line = pango.pango_layout_get_line_readonly(self.layout, 0)
        pango.pango_layout_line_get_extents(line, self.ffi.NULL, self._rect)
        return self._rect.width / 1024

    def lines(self) -> list[tuple[int, int, float]]:
        """(start byte, length in bytes, width px) of each line of the layout."""
        pango, out, index = self.pango, [], 0
        while (line := pango.pango_layout_get_line_readonly(self.layout, index)) \
                != self.ffi.NULL:
            pango.pango_layout_line_get_extents(line, self.ffi.NULL, self._rect)
            out.append((line.start_index, line.length, self._rect.width / 1024))
            index += 1
        return out


_FILES = {("DejaVu Sans", False): "DejaVuSans-Bold.ttf", ("DejaVu Sans", True):
          "DejaVuSansCondensed-Bold.ttf"}  # the bold faces: as wide as the regular or wider
_ODD = re.compile("[\t\u2028\u2029\x0b\x0c\x85]")  # tabs, breaks Pango makes itself


@lru_cache(maxsize=8)
def _widest(face: Face) -> dict[int, float] | None:
    """Bold advance widths (pt) of the face's characters: a bound of any text's width in
    it, for lines that plainly fit (None: no font file, always ask Pango)."""
    name = _FILES.get((face.family, face.condensed))
    return None if name is None else font_advances(name, face.size_pt)


def _plainly_fits(text: str, room_pt: float, face: Face) -> bool:
    """Whether `text` is surely one line in `room_pt` (its characters' bold advances, with a
    margin for kerning, within the room): then Pango need not be asked."""
    if len(text) > room_pt / 2 or _ODD.search(text):
        return False
    widths = _widest_chars(face)
    if widths is None:
        return False
    try:
        total = sum([widths[char] for char in text])
    except KeyError:
        return False  # drawn from another font: Pango knows its width
    return total * 1.02 + 1.0 <= room_pt


@lru_cache(maxsize=8)
def _widest_chars(face: Face) -> dict[str, float] | None:
    """_widest by character."""
    widths = _widest(face)
    return None if widths is None else {chr(code): w for code, w in widths.items()}


@lru_cache(maxsize=8)
def _layout(face: Face) -> _Layout:
    return _Layout(face)


@lru_cache(maxsize=65536)
def width_pt(text: str, face: Face) -> float:
    """The width Pango lays `text` out at, in pt (one line, kerning included)."""
    if not text:
        return 0.0
    with _PANGO:
        layout = _layout(face)
        layout.set(text.encode(), None)
        return sum(w for _s, _l, w in layout.lines()) / PX_PER_PT


# Words of Latin letters and digits, with dots and commas after their first character,
# one space between them: the line breaking rules (UAX #14, as Pango applies them) break
# such a text at its spaces only (letters and digits hold together, LB23; a dot or comma
# before a letter or digit too, LB25/LB29), so its pieces are its words. (A word may not
# begin with a dot or comma: no break before one even after a space, LB13.)
_WORD = "[0-9A-Za-zÀ-ÖØ-öø-ž][0-9A-Za-zÀ-ÖØ-öø-ž.,]*"
_WORDS_ONLY = re.compile(f"{_WORD}(?: {_WORD})*")


@lru_cache(maxsize=8192)
def min_content_pt(text: str, face: Face) -> float:
    """The widest piece of `text` between its break opportunities (its min-content width:
    Pango's word breaks, as WeasyPrint finds them), in pt; a text of plain words (names,
    dates, numbers) measured word by word without laying it out to find its breaks."""
    if _WORDS_ONLY.fullmatch(text):
        return max(width_pt(word, face) for word in text.split(" "))
    return _min_content_laid_out(text, face)


def _min_content_laid_out(text: str, face: Face) -> float:
    data = text.encode()
    with _PANGO:
        layout = _layout(face)
        layout.set(data, 0.001)
        pieces = [data[s:s + n].decode() for s, n, _w in layout.lines()]
    return max((width_pt(p.strip(), face) for p in pieces), default=0.0)


def wrap(text: str, room_pt: float, face: Face,
         bold: int | Sequence[tuple[int, int]] = 0, collapse: bool = False) -> list[str]:
    """`text` in lines as WeasyPrint lays it out `white-space: pre-wrap; overflow-wrap:
    anywhere` in `room_pt`: a line break ends a line; Pango breaks a line at a word break,
    and a word wider than the line between characters. Every character is kept, in order
    ("".join of the lines is `text` without its line breaks). `bold`: its first characters
    are bold, or these (start, end) ranges of them (with `collapse` False). `collapse`:
    `white-space: normal` instead (runs of white space are one space, none at a line's
    ends, line breaks are spaces)."""
    if collapse:
        text = " ".join(filter(None, re.split("[ \t\n\r\f]+", text)))
    spans = [(0, bold)] if isinstance(bold, int) else list(bold)
    lines: list[str] = []
    offset = 0
    for paragraph in text.split("\n"):
        if _plainly_fits(paragraph, room_pt, face):
            lines.append(paragraph)
            offset += len(paragraph) + 1
            continue
        own = tuple((max(0, a - offset), min(len(paragraph), b - offset)) for a, b in spans
                    if b > offset and a < offset + len(paragraph))
        with _PANGO:
            lines += _paragraph(paragraph, room_pt * PX_PER_PT, _layout(face), own)
        offset += len(paragraph) + 1
    return [line.rstrip(" ") for line in lines] if collapse else lines


def _paragraph(text: str, room: float, layout: _Layout,
               bold: tuple[tuple[int, int], ...] = ()) -> list[str]:
    """One paragraph's lines (room in px). Laid out a window of text at a time, so that a
    megabyte without a line break costs as much as its lines, not their square."""
    if not text:
        return [""]
    lines: list[str] = []
    position, window = 0, WINDOW
    while position < len(text):
        whole = position + window >= len(text)
        data = text[position:position + window].encode()
        heavy = tuple((len(text[position:max(a, position)].encode()),
                       len(text[position:min(b, position + window)].encode()))
                      for a, b in bold if b > position and a < position + window)
        layout.set(data, room, bold=heavy)
        found = layout.lines()
        if found[0][2] > room:  # a word wider than the line: broken between characters
            layout.set(data, room, char_wrap=True, bold=heavy)
            found = layout.lines()
            if len(found) == 1 and not whole:
                window *= 2  # no break within the window: look further
                continue
            line = data[:found[0][1]].decode()
            lines.append(line)
            position, window = position + len(line), WINDOW
            continue
        if len(found) == 1 and not whole:
            window *= 2  # the window's last line may go on after it: never take it
            continue
        consumed = 0
        for start, length, width in found if whole else found[:-1]:
            if width > room:  # an overlong word further down: from there again
                break
            lines.append(data[start:start + length].decode())
            consumed = start + length
        position, window = position + len(data[:consumed].decode()), WINDOW
    return lines


@lru_cache(maxsize=32)
def baseline_pt(face: Face, line_pt: float) -> float:
    """Where WeasyPrint puts the baseline of a line of `face` with line height `line_pt`,
    in pt from the line's top (its strut: half the leading, then the ascent)."""
    with _PANGO:
        layout = _layout(face)
        layout.set(b" ", None)
        pango = layout.pango
        line = pango.pango_layout_get_line_readonly(layout.layout, 0)
        pango.pango_layout_line_get_extents(line, layout.ffi.NULL, layout._rect)
        height = layout._rect.height / 1024
        baseline = pango.pango_layout_get_baseline(layout.layout) / 1024
    return (baseline + (line_pt * PX_PER_PT - height) / 2) / PX_PER_PT
