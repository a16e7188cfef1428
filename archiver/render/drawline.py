"""A folded block's line written with its glyphs' operators remembered (issue 18).

WeasyPrint's `draw_first_line` shapes a line with Pango and then walks its glyphs in
Python, one cffi struct read, width look-up and string step per glyph: about a sixth of a
class register's layout, where some fifty folded lines are drawn per page
(render/marks.py). `draw` writes the very same operators: it still shapes the line with
Pango (the glyphs, their runs and fonts are Pango's), but reads each run's glyphs in one
piece (`struct.iter_unpack` over the glyph array) and takes each glyph's part of the `TJ`
string from a table kept per font and size, filled by the same arithmetic as WeasyPrint's
the first time a glyph is met (its `to_unicode` and `widths` entries set as WeasyPrint
sets them, in the same order).

Whatever the table does not cover is drawn by WeasyPrint's own function, unchanged: an
ellipsis, a colour/bitmap/SVG font (emojis), an empty or unknown glyph (.notdef), a glyph
raised or lowered (y offset). Such a line's operators written so far are taken back first.
"""

from __future__ import annotations

import struct

_GLYPH = struct.Struct("<Iiii4x")  # PangoGlyphInfo: glyph, width, x_offset, y_offset, attr
_GLYPH_SIZE = 20
_PIECES = "_archiver_pieces"  # on a WeasyPrint pdf Font: {font_size: {glyph record: piece}}


class _Fallback(Exception):  # noqa: N818 (not an error: the line goes the general way)
    pass


def _piece(stream, font, pango_font, font_size, record, glyph_item, index, clusters, text,  # noqa: ANN001, PLR0913
           pango, ffi, from_units: float) -> str:
    """A glyph's part of the TJ string, as WeasyPrint's draw_first_line writes it, with the
    font's `to_unicode` and `widths` entries it sets."""
    glyph_id, width, x_offset, y_offset = record
    if y_offset or glyph_id == pango.PANGO_GLYPH_EMPTY or \
            glyph_id & pango.PANGO_GLYPH_UNKNOWN_FLAG:
        raise _Fallback
    if glyph_id not in font.to_unicode:
        offset = glyph_item.item.offset
        num_glyphs = glyph_item.glyphs.num_glyphs
        t1 = clusters[index]
        if glyph_item.item.analysis.level % 2:  # rtl
            t2 = glyph_item.item.length if index == 0 else clusters[index - 1]
        else:
            t2 = glyph_item.item.length if index == num_glyphs - 1 else clusters[index + 1]
        font.to_unicode[glyph_id] = text[offset + t1:offset + t2].decode()
    offset = x_offset / font_size
    piece = f">{-offset}<" if offset else ""
    piece += f"{glyph_id:04x}"
    if glyph_id in font.widths:
        logical_width = font.widths[glyph_id]
    else:
        pango.pango_font_get_glyph_extents(pango_font, glyph_id, stream.ink_rect,
                                           stream.logical_rect)
        logical_width = font.widths[glyph_id] = round(
            stream.logical_rect.width * 1000 * from_units / font_size)
    kerning = logical_width + offset - width * 1000 * from_units / font_size
    if kerning:
        piece += f">{int(kerning)}<"
    return piece


def draw(original, stream, textbox, text_overflow, block_ellipsis, matrix):  # noqa: ANN001, ANN201, PLR0913
    """Draw a line (WeasyPrint's `draw_first_line`'s arguments) as `original` would."""
    if text_overflow == "ellipsis" or block_ellipsis != "none":
        return original(stream, textbox, text_overflow, block_ellipsis, matrix)
    if not textbox.text.strip():
        return []
    if textbox.style["font_size"] < 1e-6:
        return []
    from weasyprint.text.ffi import FROM_UNITS, ffi, pango

    start, state = len(stream.stream), stream._current_font
    pango.pango_layout_set_single_paragraph_mode(textbox.pango_layout.layout, True)
    first_line, _index = textbox.pango_layout.get_first_line()
    stream.set_text_matrix(*matrix.values)
    previous_pango_font, string, text = None, "", None
    old_pango = pango.pango_version() < 14802
    try:
        run = first_line.runs[0]
        while run != ffi.NULL:
            glyph_item = run.data
            run = run.next
            glyph_string = glyph_item.glyphs
            num_glyphs = glyph_string.num_glyphs
            pango_font = glyph_item.item.analysis.font
            if pango_font != previous_pango_font:
                previous_pango_font = pango_font
                font, font_size = stream.add_font(pango_font)
                if font.png or font.svg or font.colr or font.bitmap:
                    raise _Fallback
                if old_pango:
                    font_size = textbox.style["font_size"]
                if string:
                    stream.show_text(string)
                string = ""
                stream.set_font_size(font.hash, font_size)
                tables = font.__dict__.setdefault(_PIECES, {})
                pieces = tables.setdefault(font_size, {})
            string += "<"
            records = _GLYPH.iter_unpack(
                ffi.buffer(glyph_string.glyphs, num_glyphs * _GLYPH_SIZE))
            parts = []
            for index, record in enumerate(records):
                piece = pieces.get(record)
                if piece is None:
                    if text is None:
                        text = textbox.pango_layout.text.encode()
                    piece = pieces[record] = _piece(
                        stream, font, pango_font, font_size, record, glyph_item, index,
                        glyph_string.log_clusters, text, pango, ffi, FROM_UNITS)
                parts.append(piece)
            string += "".join(parts)
            if string[-1] == "<":
                string = string[:-1]
            else:
                string += ">"
    except _Fallback:
        del stream.stream[start:]
        stream._current_font = state
        return original(stream, textbox, text_overflow, block_ellipsis, matrix)
    stream.show_text(string)
    return []
