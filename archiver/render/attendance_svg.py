"""The attendance summaries' charts drawn without WeasyPrint's general SVG machinery.

The charts (render/attendance_charts.py) are plain SVG: rectangles, lines and one-line
labels, every attribute set on the element itself. WeasyPrint draws such an SVG with its
general code: a CSS cascade per node, a graphics state per node, and each `<text>` laid
out and drawn LETTER BY LETTER (a Pango layout per character) and, when anchored at its
middle or end, drawn in a form XObject of its own that is then moved by the text's width.
That was about 30% of an attendance summary's layout and writing time (issue 18).

An `<svg data-chart>` is drawn here instead, inside WeasyPrint's own drawing of the
replaced box (so it keeps its place, its transform and its tagging: a Figure with the
`<title>` as its alternative text): each shape with the same operators, each label laid
out once as a whole (one Pango layout per face and size, its text set for each label,
kerning and ligatures off, so that its glyphs stand where the letter-by-letter layout put
them), anchored by its width, drawn in the same order. Anything else than what the
charts use (another element, a nested one, a transform, a style) is drawn by WeasyPrint
as before: the markup stays an ordinary SVG, and prints the same either way.
"""

from __future__ import annotations

import base64
import re
from functools import cache, lru_cache
from xml.etree import ElementTree

from markupsafe import Markup

from archiver.render import drawline

CHART = "data-chart"  # on the <svg> of a chart drawn here
_SVG = "{http://www.w3.org/2000/svg}"
_SHAPES = {"rect", "line", "path"}
_KNOWN = {"rect", "line", "path", "text", "title"}
# attributes the fast path understands, per element (anything else: WeasyPrint draws it)
_ATTRS = {
    "rect": {"x", "y", "width", "height", "fill", "stroke", "stroke-width"},
    "line": {"x1", "y1", "x2", "y2", "fill", "stroke", "stroke-width", "stroke-dasharray"},
    "text": {"x", "y", "font-size", "font-family", "font-weight", "text-anchor", "fill"},
    "title": set(),
    "path": {"d", "fill", "stroke", "stroke-width"},
}
# a path of straight rules only, in absolute commands: "M x y", "V y", "H x" (grid_heads)
_RULE = re.compile(r"([MVH])(-?[\d.]+)(?: (-?[\d.]+))?")
_RULES = re.compile(r"(?:M-?[\d.]+ -?[\d.]+|[VH]-?[\d.]+)+")


def _local(tag: str) -> str:
    return tag.split("}", 1)[-1]


def drawable(children) -> bool:  # noqa: ANN001 (ElementTree elements)
    """Whether every element of the chart is one the fast path draws as WeasyPrint would."""
    for child in children:
        tag = _local(child.tag) if isinstance(child.tag, str) else ""
        if tag not in _KNOWN or len(child) or not set(child.attrib) <= _ATTRS[tag]:
            return False
        if tag == "text" and child.get("text-anchor", "start") not in (
                "start", "middle", "end"):
            return False
        if tag == "path" and not _RULES.fullmatch(child.get("d", "")):
            return False
    return True


@lru_cache(maxsize=16)
def _colour(value: str):  # noqa: ANN202
    """A fill or stroke attribute's colour, parsed once per process, its conversions
    remembered too: WeasyPrint's `set_color` converts a colour to sRGB each time it is
    set, and `pop_state` forgets the colour, so every label and bar converted its colour
    again (about a sixth of a summary's chart drawing, py-spy)."""
    from weasyprint.svg.utils import color

    found = color(value)
    return _converting(type(found))(found.space, found.coordinates, found.alpha)


@cache
def _converting(base: type) -> type:
    """A subclass of tinycss2's colour class `base` whose `to(space)` is computed once per
    colour and space (the same coordinates: the conversion is a function of them)."""
    def to(self, space):  # noqa: ANN001, ANN202 (tinycss2's own signature)
        known = self.__dict__.setdefault("_archiver_to", {})
        found = known.get(space)
        if found is None:
            found = known[space] = base.to(self, space)
        return found

    return type(base.__name__, (base,), {"to": to, "__module__": __name__})


def _number(value: str | None) -> float:
    return float(value) if value else 0.0


class _Texts:
    """One Pango layout per face and size, reused for every label of that face."""

    def __init__(self, svg) -> None:  # noqa: ANN001 (a WeasyPrint SVG)
        self.svg, self.layouts = svg, {}

    def layout(self, family: str, weight: int, size: float):  # noqa: ANN201
        key = (family, weight, size)
        found = self.layouts.get(key)
        if found is None:
            from weasyprint.css.properties import INITIAL_VALUES
            from weasyprint.svg.text import Style
            from weasyprint.text.line_break import Layout

            style = Style()
            style.update(INITIAL_VALUES)
            style.font_config = self.svg.font_config
            style["font_family"] = [f.strip("\"'") for f in family.split(",")]
            style["font_weight"] = weight
            style["font_size"] = size
            # as laid out letter by letter: no kerning, no ligature between letters
            style["font_kerning"] = "none"
            style["font_variant_ligatures"] = "none"
            found = self.layouts[key] = (Layout(style), style, drawline.face(style))
        return found


def _draw_text(svg, texts: _Texts, element) -> None:  # noqa: ANN001
    from weasyprint.draw import text as draw_text
    from weasyprint.matrix import Matrix
    from weasyprint.svg.text import TextBox
    from weasyprint.text.line_break import line_size

    # white space as WeasyPrint's SVG text has it (Node.text_children): line breaks
    # dropped, tabs and runs of spaces one space, none at the start
    label = re.sub(" +", " ", re.sub("[\n\r]", "", element.text or "").replace("\t", " "))
    label = label.lstrip(" ")
    if not label:
        return
    weight = 700 if element.get("font-weight") == "bold" else 400
    layout, style, face = texts.layout(element.get("font-family", "sans-serif"), weight,
                                       float(element.get("font-size")))
    # a label of characters met before in its face: its width and glyphs remembered
    # (drawline.known: kerning and ligatures are off), not laid out by Pango again
    width = None if face is None else drawline.known_width(face, label)
    if width is None:
        layout.set_text(label)
        first_line, _ = layout.get_first_line()
        width = line_size(first_line, style)[0]
    anchor = element.get("text-anchor", "start")
    shift = 0.0 if anchor == "start" else width / 2 if anchor == "middle" else width
    stream = svg.stream
    stream.push_state()
    fill = element.get("fill", "black")  # SVG's initial fill; "none": drawn invisible
    fill = None if fill == "none" else fill
    if fill:
        stream.set_color(_colour(fill))
    stream.begin_text()
    stream.set_text_rendering(0 if fill else 3)
    matrix = Matrix(a=1, d=-1, e=_number(element.get("x")) - shift,
                    f=_number(element.get("y")))
    if face is None or not drawline.known(stream, face, label, matrix):
        if getattr(layout, "text", None) != label:
            layout.set_text(label)
        original = getattr(draw_text.draw_first_line, "archiver_original",
                           draw_text.draw_first_line)  # no marks: drawline (same operators)
        drawline.draw(original, stream, TextBox(layout, style), "none", "none", matrix,
                      face)
    stream.end_text()
    stream.pop_state()


def _draw_shape(svg, tag: str, element) -> None:  # noqa: ANN001
    stream = svg.stream
    stream.push_state()
    fill = element.get("fill", "black")  # SVG's initial fill, a line's too (WeasyPrint
    stroke = element.get("stroke")  # fills and strokes it: "B", its look at low resolution)
    width = _number(element.get("stroke-width", "1"))
    if fill and fill != "none":
        stream.set_color(_colour(fill))
    else:
        fill = None
    if stroke and stroke != "none" and width:
        stream.set_color(_colour(stroke), stroke=True)
        stream.set_line_width(width)
    else:
        stroke = None
    dash = tuple(float(v) for v in (element.get("stroke-dasharray") or "").split())
    if dash and any(dash) and min(dash) >= 0:
        stream.set_dash(dash, 0)
    if tag == "rect":
        stream.rectangle(_number(element.get("x")), _number(element.get("y")),
                         _number(element.get("width")), _number(element.get("height")))
    elif tag == "path":
        x = y = 0.0
        for command, first, second in _RULE.findall(element.get("d")):
            if command == "M":
                x, y = float(first), float(second)
                stream.move_to(x, y)
                continue
            if command == "V":
                y = float(first)
            else:
                x = float(first)
            stream.line_to(x, y)
    else:
        stream.move_to(_number(element.get("x1")), _number(element.get("y1")))
        stream.line_to(_number(element.get("x2")), _number(element.get("y2")))
    if fill and stroke:
        stream.fill_and_stroke()
    elif stroke:
        stream.stroke()
    elif fill:
        stream.fill()
    else:
        stream.end()
    stream.pop_state()


def _draw_chart(svg, node, children: list, font_size: float) -> None:  # noqa: ANN001
    from weasyprint.svg.images import svg as svg_tag

    stream = svg.stream
    stream.push_state()
    svg_tag(svg, node, font_size)  # the root's viewBox, as WeasyPrint sets it
    texts = _Texts(svg)
    for element in children:
        tag = _local(element.tag)
        if tag in _SHAPES:
            _draw_shape(svg, tag, element)
        elif tag == "text":
            _draw_text(svg, texts, element)
    stream.pop_state()


def packed(chart: Markup) -> Markup:
    """The chart as printed: its drawing (every element but the `<title>`) moved into
    its `data-chart` attribute, base64-encoded. Some 160 SVG elements and 900 attributes
    a summary were a sixth of its worker time before anything was drawn: WeasyPrint's
    HTML parser (Python) read them character by character and its cascade styled each
    element; one long attribute is read at once, and decoded only to be drawn."""
    text = str(chart)
    head, rest = text.split("</title>", 1)
    body = rest.removesuffix("</svg>")
    if f'{CHART}=""' not in head or rest == body:
        raise ValueError("not a chart of attendance_charts")
    # in lines of 64 characters, a line break at either end (printable() would break a
    # run of more than 80 with U+200B: the blob, or the title after it)
    code = base64.b64encode(body.encode("utf-8")).decode("ascii")
    blob = "\n" + "\n".join(code[i:i + 64] for i in range(0, len(code), 64)) + "\n"
    return Markup(head.replace(f'{CHART}=""', f'{CHART}="{blob}"') + "</title></svg>")


def _children(node) -> list:  # noqa: ANN001 (a WeasyPrint SVG node)
    """The chart's drawing: its packed elements, else the ones in the tree."""
    blob = node.get(CHART)
    if not blob:
        return [e for e in node._etree_node if isinstance(e.tag, str)]
    body = base64.b64decode(blob).decode("utf-8")
    return list(ElementTree.fromstring(f'<g xmlns="{_SVG[1:-1]}">{body}</g>'))


def _chart_draw_node(original):  # noqa: ANN001, ANN202
    def draw_node(self, node, font_size, fill_stroke=True, context=None):  # noqa: ANN001, ANN202
        if node is self.tree and node.get(CHART) is not None:
            children = _children(node)
            if drawable(children):
                return _draw_chart(self, node, children, font_size)
            if node.get(CHART):  # something else packed: WeasyPrint draws it as SVG
                node._etree_node.extend(children)
                node._wrapper.etree_children = [*node._wrapper.etree_children, *children]
                node._children = None
        return original(self, node, font_size, fill_stroke, context)

    draw_node.archiver_charts = True
    return draw_node


def install() -> None:
    """Draw `<svg data-chart>` charts here (idempotent; marks.install has checked the
    WeasyPrint version these internals are written for)."""
    from weasyprint.svg import SVG

    if not getattr(SVG.draw_node, "archiver_charts", False):
        SVG.draw_node = _chart_draw_node(SVG.draw_node)
