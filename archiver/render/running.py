"""Running headers and footers, page numbers included, drawn as PDF operators after layout.

Why not CSS margin boxes: WeasyPrint lays out four margin boxes on every page (their text,
their line boxes, `counter(pages)`), which measured a fifth of a grid page's layout time
and a seventh of a lesson page's (issue 18); a document laid out in parts also had to lay
out a second document holding only the page numbers. The texts are known after layout:
the named strings (`string-set` in style.css: school, title, section, period, data as of,
printed) are read from the laid-out boxes exactly as WeasyPrint resolves `string()` for a
margin box, and the page number and total once the document is whole. They are drawn here
in the places, fonts and sizes the margin boxes had:

- top left, bottom-aligned, 7.5pt/1.3 DejaVu Sans: the school, the document's title, the
  section the page starts in (`string(section, start)`); top right, right-aligned: the
  period and the data's date; a 0.5pt #444 rule under both, at the top margin's edge;
- bottom left, 7pt, 2mm under the bottom margin's edge: who printed it and when; bottom
  right, right-aligned: "strona N z M".

The glyphs come from a font WeasyPrint embeds once per process: a one-page PDF/A of the
characters the texts need (Polish letters, digits and punctuation, plus any other a
document's texts hold), whose font dictionaries (embedded subset, widths, ToUnicode) are
copied into each document; each character is drawn as its glyph code, advanced by the
font's own width. A text that one glyph per character cannot print as WeasyPrint would
(right-to-left or combining characters, zero-width marks, tabs, a character no font has)
is laid out by WeasyPrint instead, as the margin boxes were, and drawn as a Form XObject.
Everything drawn here is an artifact (a screen reader skips it, as it skips a printed
page's running header). Deterministic: no clock, the same bytes on every process.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import pikepdf
from markupsafe import escape

from archiver.i18n import _

NAMES = ("school", "doctitle", "section", "period", "asof", "printed")
PX_PT = 0.75
MM = 72 / 25.4
TOP_PT, TOP_LINE_PT = 7.5, 7.5 * 1.3
BOTTOM_PT = 7.0
PADDING = 2 * MM
BORDER = 0.5
BORDER_RGB = (0x44 / 255,) * 3  # #444
# DejaVu Sans's vertical metrics (hhea, 2048 units): where a line's baseline lies.
ASCENT, DESCENT = 1901 / 2048, 483 / 2048
TOP_SHARE = 0.6  # of the page area's width: the top-left box; the top-right has the rest
BOTTOM_SHARE = 0.78
_FONT_INDEX = 1_000_005  # the glyph font's subsets get a tag no part's font has
_FORM = pikepdf.Name("/ArchiverRunning")
# Left to right, one glyph per character: anything else is laid out by WeasyPrint.
_SIMPLE_BIDI = frozenset({"L", "EN", "ES", "ET", "CS", "ON", "WS", "BN"})


@dataclass(frozen=True)
class PageFrame:
    """What one laid-out page tells the running texts (picklable): its size and margins
    (pt), the named strings set on it in order, and those set at its very start."""

    width: float
    height: float
    margins: tuple[float, float, float, float]  # top, right, bottom, left
    assigned: tuple[tuple[str, str], ...] = ()
    at_start: tuple[str, ...] = ()


def page_frames(document) -> tuple[PageFrame, ...]:  # noqa: ANN001 (a WeasyPrint Document)
    """Every page's frame, read from WeasyPrint's laid-out page boxes."""
    frames = []
    for page in document.pages:
        box = page._page_box
        assigned = []
        for child in box.descendants():
            sets = child.string_set
            if sets and sets != "none":
                assigned += [(name, text) for name, text in sets]
        at_start, element = [], box
        while element is not None:  # WeasyPrint's test for string(name, start)
            if element.style["string_set"] != "none":
                at_start += [name for name, _ in element.style["string_set"]]
            children = getattr(element, "children", None)
            element = children[0] if children else None
        frames.append(PageFrame(
            box.margin_width() * PX_PT, box.margin_height() * PX_PT,
            tuple(v * PX_PT for v in (box.margin_top, box.margin_right, box.margin_bottom,
                                      box.margin_left)),
            tuple(assigned), tuple(at_start)))
    return tuple(frames)


def resolve(frames: Sequence[PageFrame]) -> list[dict[str, str]]:
    """Each page's named strings as style.css's margin boxes printed them: the first value
    set on the page (the section: only when set at the page's start), else the last one set
    on an earlier page, else empty."""
    last: dict[str, str] = {}
    found = []
    for frame in frames:
        mine: dict[str, str] = {}
        for name, text in frame.assigned:
            mine.setdefault(name, text)
        values = {}
        for name in NAMES:
            start_only = name == "section"
            if name in mine and (not start_only or name in frame.at_start):
                values[name] = mine[name]
            else:
                values[name] = last.get(name, "")
        for name, text in frame.assigned:
            last[name] = text
        found.append(values)
    return found


def _lines(*texts: str) -> list[str]:
    """The lines `white-space: pre` makes of texts joined by line breaks (a break at the
    very end makes no line)."""
    lines = "\n".join(texts).split("\n")
    return lines[:-1] if len(lines) > 1 and lines[-1] == "" else lines


def page_label(number: int, total: int) -> str:
    return f"strona {number} z {total}"


@dataclass(frozen=True)
class Placed:
    """A line of text: its left end (`align` "left") or right end ("right") at x, its
    baseline at y (pt from the page's top), its size."""

    text: str
    x: float
    y: float
    size: float
    align: str


def placed_lines(frame: PageFrame, values: dict[str, str], label: str) -> list[Placed]:
    """Where each running line goes on a page of `frame`'s geometry."""
    top, right, bottom, left = frame.margins
    area = frame.width - left - right
    placed = []
    under = top - BORDER - PADDING  # the top boxes' content ends here
    baseline = (TOP_LINE_PT - (ASCENT + DESCENT) * TOP_PT) / 2 + ASCENT * TOP_PT
    for x, align, lines in (
            (left, "left", _lines(values["school"], values["doctitle"], values["section"])),
            (left + area, "right", _lines(values["period"], values["asof"]))):
        first = under - len(lines) * TOP_LINE_PT
        placed += [Placed(line, x, first + i * TOP_LINE_PT + baseline, TOP_PT, align)
                   for i, line in enumerate(lines) if line]
    foot = frame.height - bottom + PADDING + ASCENT * BOTTOM_PT
    placed += [Placed(line, left, foot + i * BOTTOM_PT * (ASCENT + DESCENT), BOTTOM_PT, "left")
               for i, line in enumerate(_lines(values["printed"])) if line]
    placed.append(Placed(label, left + area, foot, BOTTOM_PT, "right"))
    return placed


# --- the glyph font -------------------------------------------------------------------

@dataclass(frozen=True)
class Glyph:
    font: str  # the font's resource name (in the page, or in the glyph PDF)
    code: bytes
    width: float  # in 1/1000 of the font size
    own: bool  # the page's own font (else the glyph PDF's)
    dejavu: bool  # DejaVu Sans: kerned as HarfBuzz kerns it


def _font_glyphs(name: str, font: pikepdf.Dictionary, own: bool) -> dict[str, Glyph]:
    """Each character one glyph of `font` prints, from its ToUnicode and widths."""
    widths = _widths(font)
    dejavu = _is_dejavu_sans(font)
    found: dict[str, Glyph] = {}
    for code, text in sorted(_to_unicode(font).items()):
        if len(text) == 1 and text not in found:
            cid = int.from_bytes(code, "big")
            found[text] = Glyph(name, code, widths.get(cid, 0.0), own, dejavu)
    return found


def _is_dejavu_sans(font: pikepdf.Dictionary) -> bool:
    return str(font.get("/BaseFont", "")).endswith("+DejaVu-Sans")


class GlyphFont:
    """The glyph PDF WeasyPrint wrote for a set of characters, and each character's glyph."""

    def __init__(self, pdf: bytes) -> None:
        self.pdf = pdf
        self.glyphs: dict[str, Glyph] = {}
        with pikepdf.open(io.BytesIO(pdf)) as source:
            fonts = source.pages[0].Resources.get("/Font", {})
            for name in sorted(fonts.keys()):
                for char, glyph in _font_glyphs(name, fonts[name], own=False).items():
                    self.glyphs.setdefault(char, glyph)


def _simple(char: str) -> bool:
    """Whether one glyph, left to right, prints `char` as WeasyPrint would."""
    return (unicodedata.bidirectional(char) in _SIMPLE_BIDI and not unicodedata.combining(char)
            and unicodedata.category(char) not in ("Mn", "Me", "Cf", "Cc"))


class _Kerning:
    """Pair kerning of DejaVu Sans as HarfBuzz applies it for Latin text (GPOS 'kern',
    pair adjustments), in font units, by glyph id: so a line drawn here is spaced as
    WeasyPrint spaces it. No kerning when the font file cannot be read."""

    def __init__(self, path: str | None) -> None:
        self.pairs: dict[tuple[int, int], int] = {}
        self.advances: dict[int, int] = {}
        self.units = 2048
        self._subtables: list = []
        self._order: list[str] = []
        self._ids: dict[str, int] = {}
        if not path:
            return
        try:
            from fontTools.ttLib import TTFont

            font = TTFont(path, lazy=True)
            self.units = font["head"].unitsPerEm
            self._order = font.getGlyphOrder()
            self._ids = {name: i for i, name in enumerate(self._order)}
            metrics = font["hmtx"].metrics
            self.advances = {self._ids[name]: adv for name, (adv, _lsb) in metrics.items()}
            gpos = font["GPOS"].table
            lookups: list[int] = []
            for record in gpos.ScriptList.ScriptRecord:
                if record.ScriptTag == "latn" and record.Script.DefaultLangSys:
                    for index in record.Script.DefaultLangSys.FeatureIndex:
                        feature = gpos.FeatureList.FeatureRecord[index]
                        if feature.FeatureTag == "kern":
                            lookups += feature.Feature.LookupListIndex
            for index in sorted(set(lookups)):
                lookup = gpos.LookupList.Lookup[index]
                tables = []
                for table in lookup.SubTable:
                    if lookup.LookupType == 9:
                        table = table.ExtSubTable
                    if getattr(table, "LookupType", 2) == 2:
                        tables.append(table)
                self._subtables.append(tables)
        except Exception:  # noqa: BLE001 (any unreadable font: draw without kerning)
            self._subtables = []

    def __call__(self, left: int, right: int) -> int:
        key = (left, right)
        found = self.pairs.get(key)
        if found is None:
            found = self.pairs[key] = self._find(left, right)
        return found

    def _find(self, left: int, right: int) -> int:
        if not self._subtables or left >= len(self._order) or right >= len(self._order):
            return 0
        first, second = self._order[left], self._order[right]
        total = 0
        for tables in self._subtables:
            for table in tables:
                if first not in table.Coverage.glyphs:
                    continue
                value = None
                if table.Format == 1:
                    pairs = table.PairSet[table.Coverage.glyphs.index(first)]
                    for record in pairs.PairValueRecord:
                        if record.SecondGlyph == second:
                            value = record.Value1
                            break
                    else:
                        continue
                else:
                    one = table.ClassDef1.classDefs.get(first, 0)
                    two = table.ClassDef2.classDefs.get(second, 0)
                    value = table.Class1Record[one].Class2Record[two].Value1
                total += getattr(value, "XAdvance", 0) or 0
                break
        return total


@lru_cache(maxsize=1)
def _kerning() -> _Kerning:
    import subprocess

    try:
        path = subprocess.run(["fc-match", "--format=%{file}", "DejaVu Sans"],
                              capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        path = ""
    return _Kerning(path if path.endswith((".ttf", ".otf")) else None)


_HEX = re.compile(rb"<([0-9a-fA-F]+)>")


def _to_unicode(font: pikepdf.Dictionary) -> dict[bytes, str]:
    """Glyph code -> text, from the font's ToUnicode CMap (bfchar and bfrange)."""
    data = font.ToUnicode.read_bytes()
    found: dict[bytes, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        pairs = _HEX.findall(block)
        for code, text in zip(pairs[::2], pairs[1::2], strict=False):
            found[bytes.fromhex(code.decode())] = bytes.fromhex(text.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
        for line in block.splitlines():
            values = _HEX.findall(line)
            if len(values) != 3 or b"[" in line:
                continue
            low, high, start = (int(v, 16) for v in values)
            width = len(values[0]) // 2
            for offset in range(high - low + 1):
                found[(low + offset).to_bytes(width, "big")] = chr(start + offset)
    return found


def _widths(font: pikepdf.Dictionary) -> dict[int, float]:
    """CID -> advance width (1/1000 em) from a Type0 font's /W array."""
    descendants = font.get("/DescendantFonts")
    if not descendants:
        return {}
    cid_font = descendants[0]
    default = float(cid_font.get("/DW", 1000))
    items = list(cid_font.get("/W", []))
    found: dict[int, float] = {}
    i = 0
    while i < len(items):
        first = int(items[i])
        if isinstance(items[i + 1], pikepdf.Array):
            for offset, width in enumerate(items[i + 1]):
                found[first + offset] = float(width)
            i += 2
        else:
            for cid in range(first, int(items[i + 1]) + 1):
                found[cid] = float(items[i + 2])
            i += 3
    return _DefaultWidths(found, default)


class _DefaultWidths(dict):
    def __init__(self, found: dict[int, float], default: float) -> None:
        super().__init__(found)
        self.default = default

    def get(self, key: int, _default: float | None = None) -> float:  # type: ignore[override]
        return super().get(key, self.default)


@lru_cache(maxsize=64)
def glyph_font(chars: frozenset[str], run_ctx) -> GlyphFont:  # noqa: ANN001
    """The glyph font for `chars`, laid out and written by WeasyPrint once per process."""
    from archiver.render.pdfa import html_to_pdfa

    text = " ".join(escape(c) for c in sorted(chars) if c.isprintable() and not c.isspace())
    html = ('<!DOCTYPE html><html lang="pl"><head><meta charset="utf-8"><title>glify</title>'
            "</head><body><p style=\"font: 7.5pt 'DejaVu Sans'; font-kerning: none; "
            f'font-variant-ligatures: none; white-space: pre-wrap">{text}</p></body></html>')
    pdf, _pages = html_to_pdfa(html, title="glify", run_ctx=run_ctx, pdf_tags=False,
                               running=False)
    return GlyphFont(pdf)




# --- WeasyPrint's own layout, for a text the glyph font cannot print -------------------

_FALLBACK = ('<!DOCTYPE html><html lang="pl"><head><meta charset="utf-8"><title>strony</title>'
             "<style>@page {{ size: {w}pt {h}pt !important; margin: {t}pt {r}pt {b}pt {l}pt "
             "!important; "
             "@top-left {{ content: {tl}; white-space: pre; font: 7.5pt/1.3 'DejaVu Sans'; "
             "vertical-align: bottom; padding-bottom: 2mm; width: 60% }} "
             "@top-right {{ content: {tr}; white-space: pre; font: 7.5pt/1.3 'DejaVu Sans'; "
             "text-align: right; vertical-align: bottom; padding-bottom: 2mm; width: 40% }} "
             "@bottom-left {{ content: {bl}; font: 7pt 'DejaVu Sans'; vertical-align: top; "
             "padding-top: 2mm; width: 78% }} "
             "@bottom-right {{ content: {br}; font: 7pt 'DejaVu Sans'; vertical-align: top; "
             "padding-top: 2mm; text-align: right; width: 22% }} }}</style></head>"
             "<body></body></html>")


def _css_string(text: str) -> str:
    return '"' + "".join(c if c not in '"\\\n' else ("\\A " if c == "\n" else "\\" + c)
                         for c in text) + '"'


@lru_cache(maxsize=64)
def _laid_out(frame: PageFrame, tl: str, tr: str, bl: str, br: str, run_ctx) -> bytes:  # noqa: ANN001
    from archiver.render.pdfa import RenderError, html_to_pdfa

    top, right, bottom, left = frame.margins
    html = _FALLBACK.format(w=frame.width, h=frame.height, t=top, r=right, b=bottom, l=left,
                            tl=_css_string(tl), tr=_css_string(tr), bl=_css_string(bl),
                            br=_css_string(br))
    pdf, pages = html_to_pdfa(html, title="strony", run_ctx=run_ctx, pdf_tags=False,
                              running=False)
    if pages != 1:
        raise RenderError(_("a page's running header did not fit one page"))
    return pdf


# --- drawing ---------------------------------------------------------------------------

def _number(value: float) -> str:
    return f"{value:.3f}"


def _runs(glyphs: dict[str, Glyph], text: str, size: float,
          resource: Callable[[Glyph], pikepdf.Name]) -> tuple[list[tuple], float]:
    """`text` as runs of (font resource, TJ items) spaced as WeasyPrint spaces them (its
    glyph widths, HarfBuzz's pair kerning for DejaVu Sans), and its width in points."""
    runs: list[tuple[pikepdf.Name, list]] = []
    width = 0.0
    chars = [glyphs[c] for c in text]
    names: dict[int, pikepdf.Name] = {}
    for i, glyph in enumerate(chars):
        name = names.get(id(glyph))
        if name is None:
            name = names[id(glyph)] = resource(glyph)
        if not runs or runs[-1][0] != name:
            runs.append((name, []))
        items = runs[-1][1]
        items.append(glyph.code)
        following = chars[i + 1] if i + 1 < len(chars) else None
        adjust, advance = _spacing(glyph.code, glyph.width, glyph.dejavu,
                                   following.code if following is not None else None,
                                   following is not None and following.dejavu, size)
        if adjust:
            items.append(adjust)
        width += advance * size / 1000
    return runs, width


@lru_cache(maxsize=65536)
def _spacing(code: bytes, glyph_width: float, dejavu: bool, following: bytes | None,
             following_dejavu: bool, size: float) -> tuple[int, float]:
    """A glyph's TJ adjustment and advance (1/1000 of the font size) before `following`
    (the same pairs recur on every page: worked out once)."""
    kern, px = _kerning(), round(size / PX_PT * 1024) / 1024  # Pango's size, 1/1024 px
    cid = int.from_bytes(code, "big")
    if not (dejavu and cid in kern.advances):
        return 0, glyph_width
    pair = kern(cid, int.from_bytes(following, "big")) if (
        following is not None and following_dejavu) else 0
    # HarfBuzz's advance at Pango's scale (1/1024 px), as WeasyPrint turns it into a TJ
    # adjustment against the glyph's width
    scale = (round(px * 1024) << 16) // kern.units
    units = _em_scale(kern.advances[cid], scale) + _em_scale(pair, scale)
    # Pango's line width sets the alignment
    return int(glyph_width - units * 1000 / 1024 / px), units * 1000 / 1024 / px


def _px(size: float) -> str:
    """A font size in pt as WeasyPrint writes it: in px, at Pango's 1/1024 px."""
    return f"{round(size / PX_PT * 1024) / 1024:.6f}"


def _em_scale(value: int, mult: int) -> int:
    """HarfBuzz's font-unit to scaled-unit rounding (hb_font_t::em_mult)."""
    return (value * mult + 32768) >> 16


def _text_ops(glyphs: dict[str, Glyph], resource: Callable[[Glyph], pikepdf.Name],
              line: Placed, height: float) -> list[bytes]:
    runs, width = _runs(glyphs, line.text, line.size, resource)
    x = line.x - (width if line.align == "right" else 0.0)
    ops = [f"BT 1 0 0 -1 {x / PX_PT:.6f} {line.y / PX_PT:.6f} Tm".encode()]
    for name, items in runs:
        array = b"".join(b"<" + item.hex().encode() + b">" if isinstance(item, bytes)
                         else str(item).encode() for item in items)
        ops.append(bytes(name.unparse()) + f" {_px(line.size)} Tf [".encode() + array + b"] TJ")
    ops.append(b"ET")
    return ops


def draw(target: pikepdf.Pdf, frames: Sequence[PageFrame], values: Sequence[dict[str, str]],
         total: int, run_ctx,  # noqa: ANN001
         between: Callable[[pikepdf.Pdf], None] | None = None) -> None:
    """Draw the running texts over every page of `target` (frames and values: one per
    page, in order), numbered 1 to `total`: the header, footer and rule, then
    `between(target)` (the page count phrase of a merged document), then the page numbers,
    in the order WeasyPrint drew a whole document's."""
    if not (len(frames) == len(values) == len(target.pages)):
        from archiver.render.pdfa import RenderError
        raise RenderError(_("page numbers do not match the document's pages"))
    pages = [placed_lines(f, v, page_label(i + 1, total))
             for i, (f, v) in enumerate(zip(frames, values, strict=True))]
    # each page's own DejaVu Sans subset prints what it has (the same glyph ids as any
    # subset of the face); the glyph font, laid out for the rest only, prints the others
    owned: dict[tuple[int, int], dict[str, Glyph]] = {}
    own = [_own_glyphs(page, owned) for page in target.pages]
    missing = frozenset(c for mine, placed in zip(own, pages, strict=True)
                        for line in placed for c in line.text if c not in mine)
    glyphs = glyph_font(missing, run_ctx) if missing else None
    with _Drawing(target, glyphs, run_ctx) as drawing:
        layers = [drawing.page(index, page, frame, value, placed, mine)
                  for index, (page, frame, value, placed, mine) in enumerate(
                      zip(target.pages, frames, values, pages, own, strict=True))]
    for page, (head, _number_ops) in zip(target.pages, layers, strict=True):
        page.contents_add(target.make_stream(b"q"), prepend=True)
        page.contents_add(target.make_stream(b"Q q /Artifact BMC\n" + head + b"\nEMC Q"))
    if between is not None:
        between(target)
    for page, (_head, number_ops) in zip(target.pages, layers, strict=True):
        page.contents_add(target.make_stream(b"q"), prepend=True)
        page.contents_add(target.make_stream(
            b"Q q /Artifact BMC\n" + number_ops + b"\nEMC Q"))


class _Drawing:
    """The operators of one document's running texts, and the font and form resources
    they need on each page."""

    def __init__(self, target: pikepdf.Pdf, glyphs: GlyphFont | None, run_ctx) -> None:  # noqa: ANN001
        self.target, self.glyphs, self.run_ctx = target, glyphs, run_ctx
        self.fonts: dict[str, pikepdf.Object] = {}
        self.names: dict[str, pikepdf.Name] = {}
        self.seen: set[tuple[int, int]] = set()
        self.source = pikepdf.open(io.BytesIO(glyphs.pdf)) if glyphs else None
        self._own_names: dict[str, pikepdf.Name] = {}
        # a line's operators and the fonts they use, per page height and own font: the
        # same header on every page is set once
        self._lines: dict[tuple, tuple[list[bytes], dict[str, pikepdf.Name]] | None] = {}
        self._glyph_lines: dict[tuple, tuple[list[bytes], dict[str, pikepdf.Name]]] = {}

    def __enter__(self) -> _Drawing:
        return self

    def __exit__(self, *_exc: object) -> None:
        if self.source is not None:
            self.source.close()

    def _resource(self, glyph: Glyph, added: dict[str, pikepdf.Name]) -> pikepdf.Name:
        from archiver.render.chunks import _rename_fonts

        if glyph.own:
            name = self._own_names.get(glyph.font)
            if name is None:
                name = self._own_names[glyph.font] = pikepdf.Name(glyph.font)
            return name
        if glyph.font not in self.fonts:
            source_font = self.source.pages[0].Resources.Font[glyph.font]
            self.fonts[glyph.font] = self.target.copy_foreign(source_font)
            self.names[glyph.font] = pikepdf.Name(f"/ArchiverRun{len(self.names)}")
            _rename_fonts(pikepdf.Dictionary(Font=pikepdf.Dictionary(
                {"/F": self.fonts[glyph.font]})), _FONT_INDEX, self.seen)
        added[glyph.font] = self.names[glyph.font]
        return self.names[glyph.font]

    def _line(self, line: Placed, height: float, mine: dict[str, Glyph]
              ) -> tuple[list[bytes], dict[str, pikepdf.Name]] | None:
        """A line's operators and the glyph-font resources they use; None when one glyph
        per character cannot print it."""
        key = (line, height, id(mine))
        if key in self._lines:
            return self._lines[key]
        found: dict[str, Glyph] = {}
        for char in set(line.text):
            glyph = mine.get(char) or (self.glyphs.glyphs.get(char) if self.glyphs else None)
            if glyph is None or not _simple(char):
                self._lines[key] = None
                return None
            found[char] = glyph
        # pages of one part pick their own font from different resources (61 for 141
        # pages of a register): the same glyphs give the same operators
        same = (line, height, frozenset(found.items()))
        done = self._glyph_lines.get(same)
        if done is None:
            added: dict[str, pikepdf.Name] = {}
            ops = _text_ops(found, lambda g: self._resource(g, added), line, height)
            done = self._glyph_lines[same] = (ops, added)
        self._lines[key] = done
        return done

    def page(self, index: int, page: pikepdf.Page, frame: PageFrame, values: dict[str, str],
             placed: list[Placed], mine: dict[str, Glyph]) -> tuple[bytes, bytes]:
        """(header, footer and rule; page number): operators for one page, its resources
        set."""
        resources = pikepdf.Dictionary(page.obj.Resources)
        added: dict[str, pikepdf.Name] = {}
        forms: dict[pikepdf.Name, pikepdf.Object] = {}
        layers = []
        for lines, label in ((placed[:-1], ""), (placed[-1:], placed[-1].text)):
            set_lines = [self._line(line, frame.height, mine) for line in lines]
            if all(found is not None for found in set_lines):
                # WeasyPrint's own frame (px, y down): text extractors read it as before
                ops = [f"q 1 0 0 -1 0 {frame.height:.6f} cm {PX_PT} 0 0 {PX_PT} 0 0 cm "
                       "0 0 0 rg".encode()]
                for line_ops, fonts in set_lines:
                    ops += line_ops
                    added.update(fonts)
                ops.append(b"Q")
            else:
                name = pikepdf.Name(f"{_FORM}{len(forms)}")
                shown = values if not label else dict.fromkeys(NAMES, "")
                forms[name] = _fallback_form(self.target, frame, shown, label, self.run_ctx,
                                             _FONT_INDEX + 1 + 2 * index + len(forms))
                ops = [bytes(name.unparse()) + b" Do"]
            layers.append(ops)
        layers[0].append(_rule_ops(frame))
        if added:
            font_dict = pikepdf.Dictionary(resources.get("/Font", pikepdf.Dictionary()))
            for key, name in added.items():
                font_dict[name] = self.fonts[key]
            resources.Font = font_dict
        if forms:
            xobjects = pikepdf.Dictionary(resources.get("/XObject", pikepdf.Dictionary()))
            for name, form in forms.items():
                xobjects[name] = form
            resources.XObject = xobjects
        page.obj.Resources = resources
        return b"\n".join(layers[0]), b"\n".join(layers[1])


def _rule_ops(frame: PageFrame) -> bytes:
    """The 0.5pt #444 rule under the two top boxes, drawn as WeasyPrint drew their bottom
    borders (in its px frame: a band clipped, then filled even-odd)."""
    top, right, _bottom, left = (v / PX_PT for v in frame.margins)
    area = frame.width / PX_PT - left - right
    band = top - BORDER / PX_PT
    ops = [f"q 1 0 0 -1 0 {frame.height:.6f} cm {PX_PT} 0 0 {PX_PT} 0 0 cm"]
    first = area * TOP_SHARE
    rgb = " ".join(f"{v:.6f}" for v in BORDER_RGB)
    for x, w in ((left, first), (left + first, area - first)):
        ops.append(f"q {x + w:.6f} {top:.6f} m {x:.6f} {top:.6f} l {x:.6f} {band:.6f} l "
                   f"{x + w:.6f} {band:.6f} l W* n {rgb} rg {x:.6f} 0 {w:.6f} {band:.6f} re "
                   f"{x:.6f} 0 {w:.6f} {top:.6f} re f* Q")
    ops.append("Q")
    return "\n".join(ops).encode()


def _own_glyphs(page: pikepdf.Page, owned: dict) -> dict[str, Glyph]:
    """The glyphs of the page's own DejaVu Sans subset, by character (none: empty)."""
    fonts = page.obj.Resources.get("/Font", {})
    for name in sorted(fonts.keys()):
        font = fonts[name]
        if _is_dejavu_sans(font):
            key = (font.objgen, name)
            if key not in owned:
                owned[key] = _font_glyphs(name, font, own=True)
            return owned[key]
    return {}


def _fallback_form(target: pikepdf.Pdf, frame: PageFrame, values: dict[str, str], label: str,
                   run_ctx, index: int) -> pikepdf.Object:  # noqa: ANN001
    """The page's running texts laid out by WeasyPrint, as a form XObject of `target` (its
    fonts tagged with `index`: each such form holds its own subsets)."""
    from archiver.render.chunks import _rename_fonts

    data = _laid_out(frame, "\n".join(_lines(values["school"], values["doctitle"],
                                             values["section"])),
                     "\n".join(_lines(values["period"], values["asof"])), values["printed"],
                     label, run_ctx)
    with pikepdf.open(io.BytesIO(data)) as laid_out:
        form = target.copy_foreign(laid_out.pages[0].as_form_xobject())
    _rename_fonts(form.get("/Resources"), index, set())
    return form


def draw_pdf(pdf: bytes, frames: Sequence[PageFrame], run_ctx) -> bytes:  # noqa: ANN001
    """A whole document's PDF with its running texts drawn (pages numbered from 1)."""
    with pikepdf.open(io.BytesIO(pdf)) as target:
        draw(target, frames, resolve(frames), len(frames), run_ctx)
        return save(target)


def save(target: pikepdf.Pdf) -> bytes:
    out = io.BytesIO()
    target.save(out, deterministic_id=True, fix_metadata_version=False,
                compress_streams=True, stream_decode_level=pikepdf.StreamDecodeLevel.none,
                object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return out.getvalue()
