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

A line without marks whose every character was met before in the same face is not even
shaped (`known`): Pango shaped each of them alone to one glyph of one font in a line of
one run (`learn`), and in these faces a Latin letter, digit, space or punctuation mark is
shaped alike in any context (only blocks whose style turns kerning and ligatures off
take this way: style.css), so the line is one run of those glyphs. Other scripts,
combining marks, format characters and characters of another font go to Pango. Within a
document, such a line whose every character was in one before takes their parts of the
string as they were.

A line drawn before, in any face (kerning and ligatures on too), is drawn again from the
runs Pango shaped it in (`replay`): a line's glyphs depend only on its text and on the
attributes of its layout, which its key tells (`shape`). The first time in a document its
glyphs' `to_unicode` and `widths` entries are set as `draw` sets them; after that, its
operators are written as they were.
"""

from __future__ import annotations

import struct

_GLYPH = struct.Struct("<Iiii4x")  # PangoGlyphInfo: glyph, width, x_offset, y_offset, attr
_GLYPH_SIZE = 20
_PIECES = "_archiver_pieces"  # on a WeasyPrint pdf Font: {font_size: {glyph record: piece}}


# Characters shaped alike in any context: Latin (Basic to Extended-B, without controls and
# the soft hyphen) and the General Punctuation block's spaces, dashes, quotes and dots
# (not its zero-width, bidi and format characters).
_PLAIN = frozenset(
    [chr(c) for c in range(0x20, 0x7F)] + [chr(c) for c in range(0xA0, 0x250) if c != 0xAD]
    + [chr(c) for c in range(0x2000, 0x200B)] + [chr(c) for c in range(0x2010, 0x2028)]
    + [chr(c) for c in range(0x2030, 0x205F)])
# The style properties that choose a line's font and how Pango shapes it.
_FACE = ("font_family", "font_size", "font_style", "font_weight", "font_stretch",
         "font_variant_ligatures", "font_variant_position", "font_variant_caps",
         "font_variant_numeric", "font_variant_alternates", "font_variant_east_asian",
         "font_feature_settings", "font_variation_settings", "font_kerning",
         "font_language_override", "lang", "letter_spacing", "word_spacing",
         "text_transform")
_LEARNT: dict[object, dict[str, tuple[object, float, tuple[int, int, int, int]]]] = {}
_LIMIT = 64  # faces kept (archiver's blocks have a handful)
# A glyph's width as WeasyPrint sets it in a document's font (its `widths`) the first time
# it draws the glyph, by (font's name hash, size, glyph): the same in every document.
_WIDTHS: dict[tuple[str, float, int], int] = {}


def face(style) -> object | None:  # noqa: ANN001
    """What a text box's style gives its lines' shaping (None: not to be remembered)."""
    if style["font_kerning"] != "none" or style["font_variant_ligatures"] != "none":
        return None  # a character's glyph and advance may depend on its neighbours
    return _style_key(style, _FACE)


def _style_key(style, names: tuple[str, ...]) -> tuple | None:  # noqa: ANN001
    """The style's values of `names` as a key (None: one of them cannot be one)."""
    try:
        key = tuple(_frozen(style[name]) for name in names)
        hash(key)
    except (TypeError, KeyError):
        return None
    return key


def _frozen(value: object) -> object:
    return tuple(_frozen(v) for v in value) if isinstance(value, list | tuple) else value


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
        font.to_unicode[glyph_id] = _unicode(
            text, glyph_item.item.offset, glyph_item.item.length,
            glyph_item.item.analysis.level % 2, clusters, index,
            glyph_item.glyphs.num_glyphs)
    if glyph_id not in font.widths:
        pango.pango_font_get_glyph_extents(pango_font, glyph_id, stream.ink_rect,
                                           stream.logical_rect)
        font.widths[glyph_id] = round(
            stream.logical_rect.width * 1000 * from_units / font_size)
        _WIDTHS[font.hash, font_size, glyph_id] = font.widths[glyph_id]
    return _format(record, font.widths[glyph_id], font_size)


def _unicode(text: bytes, offset: int, length: int, rtl: int, clusters, index: int,  # noqa: ANN001, PLR0913
             num_glyphs: int) -> str:
    """The characters a run's glyph `index` stands for (its cluster), as WeasyPrint maps
    it in the font's `to_unicode`."""
    t1 = clusters[index]
    if rtl:
        t2 = length if index == 0 else clusters[index - 1]
    else:
        t2 = length if index == num_glyphs - 1 else clusters[index + 1]
    return text[offset + t1:offset + t2].decode()


def _format(record: tuple[int, int, int, int], logical_width: int, font_size: float) -> str:
    """A glyph's part of the TJ string, its x offset and kerning as WeasyPrint writes
    them (`logical_width`: its width in the document's font, in 1/1000 em)."""
    glyph_id, width, x_offset, _y = record
    offset = x_offset / font_size
    piece = f">{-offset}<" if offset else ""
    piece += f"{glyph_id:04x}"
    kerning = logical_width + offset - width * 1000 * _FROM_UNITS / font_size
    if kerning:
        piece += f">{int(kerning)}<"
    return piece


def draw(original, stream, textbox, text_overflow, block_ellipsis, matrix,  # noqa: ANN001, ANN201, PLR0913
         learn: object | None = None, bold: tuple[tuple[int, int], ...] = (),
         line: tuple | None = None):
    """Draw a line (WeasyPrint's `draw_first_line`'s arguments) as `original` would;
    `learn`: the line's face (`face`), its glyphs then remembered for `known` (its layout
    has the face's attributes and no others but a bold weight on the character ranges
    `bold`, whose glyphs are remembered as the face's bold ones for `known_runs`);
    `line`: the line's key (see `shape`; its layout has the attributes the key tells and
    no others), its runs then remembered for `replay`."""
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
    runs = [] if learn is not None and textbox.pango_layout.text == textbox.text else None
    shaped = [] if line is not None and textbox.pango_layout.text == line[-1] and \
        not getattr(textbox.pango_layout, "justification_spacing", 0) else None
    try:
        run = first_line.runs[0]
        while run != ffi.NULL:
            glyph_item = run.data
            run = run.next
            glyph_string = glyph_item.glyphs
            num_glyphs = glyph_string.num_glyphs
            pango_font = glyph_item.item.analysis.font
            new_font = pango_font != previous_pango_font
            if new_font:
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
            if runs is not None or shaped is not None:
                records = tuple(records)
            if runs is not None:
                runs.append((glyph_item.item.offset, glyph_item.item.length, records,
                             glyph_string, pango_font, font_size))
            if shaped is not None:
                shaped.append((new_font, pango_font, font_size, records,
                               glyph_item.item.offset, glyph_item.item.length,
                               glyph_item.item.analysis.level % 2,
                               tuple(ffi.unpack(glyph_string.log_clusters, num_glyphs))))
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
    if runs:
        _learn_runs(learn, textbox.text, runs, bold)
    if shaped:
        _remember_line(line, shaped)
    return []


# Lines drawn before, by their keys (`shape`): their runs as Pango shaped them (a line's
# glyphs depend only on its text and the attributes its key tells: the same in every
# document), the latest _LINES_LIMIT; and the operators of the lines already drawn in the
# document being written (its fonts, `stream._fonts`, tell the document).
_LINES: dict[tuple, tuple] = {}
_LINES_LIMIT = 4096
_DOCUMENT: list = [None, {}, {}]  # fonts, lines' operators, faces' characters (_known_run)
# The style properties that, with a line's text, make its shaping (draw_first_line's
# layout): its face, its direction and decoration; lines not wrapped and not spaced out.
_SHAPE = (*_FACE, "direction", "text_decoration_line", "tab_size")


def shape(style) -> tuple | None:  # noqa: ANN001
    """What a text box's style gives its lines' shaping, the first part of a line's key
    for `replay`: (this, the line's own size or None, its text), the line drawn by a
    layout with the style's attributes (and the size's: marks._with_size); None when a
    line's shape may depend on more than that (a line Pango may wrap, spacing WeasyPrint
    adds to the layout's attributes as it sets a text)."""
    if style["white_space"] not in ("pre", "nowrap") or style["word_spacing"] or \
            style["letter_spacing"] not in ("normal", 0):
        return None  # (overflow-wrap adds no hyphens at breaks: none in such a line)
    return _style_key(style, _SHAPE)


def _remember_line(key: tuple, shaped: list) -> None:
    """Remember a drawn line's runs, when they are the whole of its text."""
    from weasyprint.text.fonts import get_pango_font_key

    if sum(run[5] for run in shaped) != len(key[-1].encode()):
        return  # not the whole text in one line
    if len(_LINES) >= _LINES_LIMIT:
        del _LINES[next(iter(_LINES))]  # the oldest
    _LINES[key] = tuple((new_font, get_pango_font_key(pango_font)[0], *rest)
                        for new_font, pango_font, *rest in shaped)


def _document(stream) -> list:  # noqa: ANN001
    """What is kept of the document `stream` writes (`_DOCUMENT`), new for a new one."""
    if _DOCUMENT[0] is not stream._fonts:
        _DOCUMENT[:] = [stream._fonts, {}, {}]
    return _DOCUMENT


def _document_lines(stream) -> dict:  # noqa: ANN001
    """The operators of lines already drawn in the document `stream` writes."""
    return _document(stream)[1]


def replay(stream, key: tuple, matrix) -> bool:  # noqa: ANN001
    """Draw a line drawn before (`key`: see `shape`) from its remembered runs, the same
    operators as `draw` wrote; False (nothing drawn) when it was not met before, or this
    document lacks a font or a glyph's width of it (the line goes to Pango)."""
    drawn = _document_lines(stream)
    ops = drawn.get(key)
    if ops is None:
        runs = _LINES.get(key)
        if runs is None:
            return False
        ops = _operators(stream._fonts, key[-1], runs)
        if ops is None:
            return False
        drawn[key] = ops
    stream.set_text_matrix(*matrix.values)
    for font_hash, font_size, string in ops:
        if string is None:
            stream.set_font_size(font_hash, font_size)
        else:
            stream.show_text(string)
    return True


def _operators(fonts: dict, text: str, runs: tuple) -> list | None:
    """A remembered line's operators in a document of `fonts`, as `draw` writes them:
    (font hash, size, None) to set a font, (None, None, string) to show a string; each new
    glyph's `to_unicode` and `widths` entries set as `draw` sets them."""
    ops, string, data = [], "", None
    for new_font, font_key, font_size, records, offset, length, rtl, clusters in runs:
        if new_font:
            font = fonts.get(font_key)
            if font is None:
                return None
            if string:
                ops.append((None, None, string))
            string = ""
            ops.append((font.hash, font_size, None))
            pieces = font.__dict__.setdefault(_PIECES, {}).setdefault(font_size, {})
        parts = []
        for index, record in enumerate(records):
            piece = pieces.get(record)
            if piece is None:
                glyph_id = record[0]
                if glyph_id not in font.to_unicode:
                    if data is None:
                        data = text.encode()
                    font.to_unicode[glyph_id] = _unicode(data, offset, length, rtl,
                                                         clusters, index, len(records))
                if glyph_id not in font.widths:
                    remembered = _WIDTHS.get((font.hash, font_size, glyph_id))
                    if remembered is None:
                        return None
                    font.widths[glyph_id] = remembered
                piece = pieces[record] = _format(record, font.widths[glyph_id], font_size)
            parts.append(piece)
        string += "<" + "".join(parts)
        if string[-1] == "<":
            string = string[:-1]
        else:
            string += ">"
    ops.append((None, None, string))
    return ops


def _learn_runs(key, text: str, runs, bold: tuple[tuple[int, int], ...]) -> None:  # noqa: ANN001
    """Remember the glyphs of a drawn line's runs: a line without bold ranges of one run
    only (the face's glyphs), else each run wholly inside or outside the bold ranges (the
    face's bold or its own glyphs); a run across a range's edge is not remembered."""
    if not bold:
        if len(runs) == 1 and runs[0][0] == 0 and runs[0][1] == len(text.encode()):
            _learn(key, text, *runs[0][2:])
        return
    data = text.encode()
    for offset, length, records, glyph_string, pango_font, font_size in runs:
        start = len(data[:offset].decode())
        piece = data[offset:offset + length].decode()
        end = start + len(piece)
        inside = [s <= start and end <= e for s, e in bold]
        if any(inside):
            _learn((key, BOLD), piece, records, glyph_string, pango_font, font_size)
        elif not any(s < end and start < e for s, e in bold):
            _learn(key, piece, records, glyph_string, pango_font, font_size)


BOLD = "bold"  # a face's bold glyphs (a mark's weight) are remembered under (face, BOLD)


def _learn(key, text: str, records, glyph_string, pango_font, font_size: float) -> None:  # noqa: ANN001
    """Remember the glyphs of a line of one run, one glyph per character."""
    table = _LEARNT.get(key)
    if table is None:
        if len(_LEARNT) >= _LIMIT:
            return
        table = _LEARNT[key] = {}
    if len(records) != len(text) or all(c in table for c in text):
        return
    if any(c not in _PLAIN for c in text):
        return
    clusters, offset = glyph_string.log_clusters, 0
    for index, char in enumerate(text):  # one glyph per character, in order
        if clusters[index] != offset:
            return
        offset += len(char.encode())
    from weasyprint.text.fonts import get_pango_font_key

    font_key = get_pango_font_key(pango_font)[0]
    for char, record in zip(text, records, strict=True):
        if record[3] == 0:  # not raised or lowered
            table.setdefault(char, (font_key, font_size, record))


def _known_glyphs(key, text: str) -> list | None:  # noqa: ANN001
    """The remembered (font, size, glyph record) of each character of `text` in face
    `key`, or None when one of them (or the face) is not known, or there is no text."""
    table = _LEARNT.get(key)
    if table is None or not text:
        return None
    entries = [table.get(c) for c in text]
    return None if None in entries else entries


def known_width(key, text: str) -> float | None:  # noqa: ANN001
    """The width (px) a line of `text` has in face `key` when every character of it is
    known (`known` can draw it), else None: its glyphs' advances (one run, one glyph per
    character, no kerning: the width Pango lays such a line out at)."""
    entries = _known_glyphs(key, text)
    return None if entries is None else sum(e[2][1] for e in entries) * _FROM_UNITS


def known(stream, key, text: str, matrix, line: tuple | None = None) -> bool:  # noqa: ANN001
    """Draw a line without marks from the glyphs remembered for its face `key`, when every
    character of it is known; False (nothing drawn) when not. `line`: its key (`shape`),
    its operators then kept for `replay` in this document."""
    run = _known_run(stream, key, text)
    if run is None:
        return False
    font, font_size, string = run
    stream.set_text_matrix(*matrix.values)
    stream.set_font_size(font.hash, font_size)
    stream.show_text(string)
    if line is not None:
        _document_lines(stream)[line] = [(font.hash, font_size, None), (None, None, string)]
    return True


def _known_run(stream, key, text: str):  # noqa: ANN001, ANN202
    """One run of remembered glyphs for `text` in face `key`: (font, size, TJ string), or
    None when a character is unknown, the glyphs are not of one font and size, or this
    document's PDF lacks the font (the line goes to Pango). A line whose every character
    was in such a run before in this document takes its characters' parts of the string
    as they were (the face's characters in the document: `_DOCUMENT`)."""
    faces = _document(stream)[2]
    have = faces.get(key)  # (font, size, {character: its part of a TJ string})
    if have is not None and text and set(text) <= have[2].keys():
        string = "<" + "".join(map(have[2].__getitem__, text))
        return have[0], have[1], string[:-1] if string[-1] == "<" else string + ">"
    entries = _known_glyphs(key, text)
    if entries is None:
        return None
    font_key, font_size = entries[0][0], entries[0][1]
    if any(e[0] != font_key or e[1] != font_size for e in entries):
        return None
    font = stream._fonts.get(font_key)  # the font as this document's PDF has it
    if font is None:
        return None
    string = _run_string(font, font_size, text, entries)
    if string is None:
        return None
    if have is None:
        have = faces[key] = (font, font_size, {})
    if have[0] is font and have[1] == font_size:
        pieces = font.__dict__[_PIECES][font_size]
        for char, entry in zip(text, entries, strict=True):
            have[2][char] = pieces[entry[2]]
    return font, font_size, string


def _run_string(font, font_size: float, text: str, entries) -> str | None:  # noqa: ANN001
    """A run's TJ string of remembered glyphs, as `draw` writes it (None: a glyph's width
    is Pango's to tell, the line goes to Pango)."""
    pieces = font.__dict__.setdefault(_PIECES, {}).setdefault(font_size, {})
    parts = []
    for char, (_k, _s, record) in zip(text, entries, strict=True):
        piece = pieces.get(record)
        if piece is None:
            glyph_id = record[0]
            if glyph_id not in font.widths:
                # first in this document: the width WeasyPrint set for it in this size
                remembered = _WIDTHS.get((font.hash, font_size, glyph_id))
                if remembered is None:
                    return None
                font.widths[glyph_id] = remembered
            font.to_unicode.setdefault(glyph_id, char)  # as WeasyPrint sets it (1:1)
            piece = pieces[record] = _format(record, font.widths[glyph_id], font_size)
        parts.append(piece)
    string = "<" + "".join(parts)
    return string[:-1] if string[-1] == "<" else string + ">"


def known_runs(stream, key, text: str, bold: tuple[tuple[int, int], ...]):  # noqa: ANN001, ANN201
    """A line of `text` with the character ranges `bold` (sorted, apart, non-empty) in the
    bold weight, when every character of it is known in face `key` or its bold: its runs
    as (font, size, TJ string) and each character's x (Pango units) from the line's start,
    one more for its end; None when not (it goes to Pango). Pango lays such a line out as
    one run per range and between ranges, each of its face's remembered glyphs."""
    cuts, at = [], 0
    for start, end in bold:
        if start <= at and cuts or start < at or end <= start or end > len(text):
            return None  # touching, overlapping, empty or outside: Pango's to tell
        cuts += [(at, start, key), (start, end, (key, BOLD))]
        at = end
    cuts.append((at, len(text), key))
    runs, xs = [], [0]
    for start, end, face_key in cuts:
        if start == end:
            continue
        run = _known_run(stream, face_key, text[start:end])
        entries = _known_glyphs(face_key, text[start:end])
        if run is None or entries is None:
            return None
        runs.append(run)
        for entry in entries:
            xs.append(xs[-1] + entry[2][1])
    return runs, xs


def show_runs(stream, runs, matrix) -> None:  # noqa: ANN001
    """Write a line's runs (`known_runs`) as `draw` writes them."""
    stream.set_text_matrix(*matrix.values)
    for font, font_size, string in runs:
        stream.set_font_size(font.hash, font_size)
        stream.show_text(string)


_FROM_UNITS = 1 / 1024  # weasyprint.text.ffi.FROM_UNITS (Pango units to px)
