"""Long documents in parts: each part laid out on its own, then merged into one PDF/A.

Why: WeasyPrint keeps every laid-out page of a document in memory until the PDF is written,
so a year's class register would make a process's memory grow with the length of the
year, and one long document would keep one core busy while the other idles. A document's
HTML is cut before its top-level `<section class="section">` elements (each starts on a
new page: `break-before: page` in style.css), so a part's layout is exactly the layout of
those pages in the whole document. The parts may run on different processes.

Running headers and page numbers: a part cannot know "strona X z Y" nor the section a
page of the next part starts in before all parts are laid out, so each part hands back
what its pages set (archiver.render.running.PageFrame) and the running texts of the whole
document are drawn over the merged pages (running.draw), as artifacts.

Every document with more than one part takes this path whatever executor renders its
parts, and the merge is deterministic (no clock, no random identifiers), so the parts of a
document rendered on one process or on many give the same bytes.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass

import pikepdf

from archiver.i18n import _
from archiver.render import running
from archiver.render.context import RunContext
from archiver.render.pagecount import anchor_of, has_anchor, stamp_at, stamp_into
from archiver.render.pdfa import EmbeddedFile, RenderError, write_pdfa

SECTIONS_PER_PART = 12  # about two pages each (a register week): ~24 pages per part

_SECTION = re.compile(r"<section\b")
_SECTION_END = "</section>"
_BREAKING = '<section class="section"'  # a section that starts on a new page
_BODY_CLASS = re.compile(r'<body class="([^"]*)"')


@dataclass(frozen=True)
class PartJob:
    """One part of a document, ready for any process to lay out (picklable)."""

    html: str
    title: str
    attachments: tuple[EmbeddedFile, ...]  # the document's source files: first part only
    run_ctx: RunContext
    numbered: bool  # True: a single-part document keeps its own page numbers
    lead_page: bool = False  # the first page only carries the running header: dropped


@dataclass(frozen=True)
class PartPdf:
    """A laid-out part: its PDF, page count and what each page sets for the running texts
    (a whole document: drawn already)."""

    pdf: bytes
    pages: int
    frames: tuple[running.PageFrame, ...] = ()


def split_html(html: str, sections_per_part: int | None = None) -> list[str]:
    """The document's HTML cut into parts of at most `sections_per_part` top-level sections
    (default SECTIONS_PER_PART), only before sections that start a new page; one part when
    the HTML has no such shape."""
    sections_per_part = sections_per_part or SECTIONS_PER_PART
    starts = [m.start() for m in _SECTION.finditer(html)]
    if len(starts) < 2:
        return [html]
    units, prefix, position = [], html[:starts[0]], starts[0]
    for index, start in enumerate(starts):
        end = html.find(_SECTION_END, start)
        following = starts[index + 1] if index + 1 < len(starts) else len(html)
        if end < 0 or end > following:  # nested or unclosed sections: keep it whole
            return [html]
        end += len(_SECTION_END)
        # whitespace between sections belongs to the section before it
        stop = following if index + 1 < len(starts) and not html[end:following].strip() else end
        units.append(html[position:stop])
        position = stop
    suffix = html[position:]
    groups: list[list[str]] = [[]]
    for unit in units:
        if len(groups[-1]) >= sections_per_part and unit.startswith(_BREAKING):
            groups.append([])
        groups[-1].append(unit)
    if len(groups) == 1:
        return [html]
    return [prefix + "".join(group) + suffix for group in groups]


def plan_parts(html: str, title: str, attachments: Sequence[EmbeddedFile], run_ctx: RunContext,
               sections_per_part: int | None = None) -> tuple[PartJob, ...]:
    """The parts to lay out for one document; the first carries the embedded files."""
    pieces = split_html(html, sections_per_part)
    if len(pieces) == 1:
        return (PartJob(html, title, tuple(attachments), run_ctx, True),)
    return tuple(PartJob(piece, title, tuple(attachments) if i == 0 else (), run_ctx, False,
                         lead_page=i > 0)
                 for i, piece in enumerate(pieces))


def render_part(job: PartJob) -> PartPdf:
    """Lay out one part (in any process): WeasyPrint to PDF/A-3u. A whole document gets its
    running texts and its page count (archiver.render.pagecount) drawn here."""
    pdf, frames = write_pdfa(job.html, title=job.title, attachments=job.attachments,
                             run_ctx=job.run_ctx)
    if not job.numbered:
        return PartPdf(pdf, len(frames), frames)
    with pikepdf.open(io.BytesIO(pdf)) as target:
        running.draw(target, frames, running.resolve(frames), len(frames), job.run_ctx)
        if has_anchor(job.html):
            stamp_into(target, len(frames), job.run_ctx)
        return PartPdf(running.save(target), len(frames))


def assemble(jobs: Sequence[PartJob], parts: Sequence[PartPdf]) -> PartPdf:
    """The document from its laid-out parts: the part itself, or the merged parts with
    "strona X z Y" drawn over every page."""
    if len(parts) != len(jobs) or not parts:
        raise RenderError(_("a document expected {jobs} parts and got {parts}").format(
                              jobs=len(jobs), parts=len(parts)))
    if len(parts) == 1:
        return parts[0]
    total = sum(p.pages - job.lead_page for job, p in zip(jobs, parts, strict=True))
    # the named strings run on across the parts, lead pages included; then those are dropped
    frames = [frame for part in parts for frame in part.frames]
    values = running.resolve(frames)
    kept, position, anchor, merged_pages = [], 0, None, 0
    for job, part in zip(jobs, parts, strict=True):
        kept += range(position + job.lead_page, position + part.pages)
        position += part.pages
        if anchor is None and has_anchor(job.html):
            with pikepdf.open(io.BytesIO(part.pdf)) as laid_out:
                found = anchor_of(laid_out)
            if found is not None and found[0] >= job.lead_page:
                anchor = (merged_pages + found[0] - job.lead_page, found[1], found[2])
        merged_pages += part.pages - job.lead_page
    with_frames = ([frames[i] for i in kept], [values[i] for i in kept])
    return PartPdf(merge_pdfs([p.pdf for p in parts], *with_frames, jobs[0].run_ctx,
                              anchor=anchor), total)


def _with_style(html: str, style: str) -> str:
    head_end = html.find("</head>")
    if head_end < 0:
        raise RenderError(_("a document template has no <head>: cannot render it in "
                            "parts"))
    return html[:head_end] + style + html[head_end:]


def body_class(html: str) -> str:
    """The class attribute of the document's <body> (its page style)."""
    found = _BODY_CLASS.search(html)
    return found.group(1) if found else ""


def merge_pdfs(parts: Sequence[bytes], frames: Sequence[running.PageFrame],
               values: Sequence[dict[str, str]], run_ctx: RunContext,
               anchor: tuple[int, float, float] | None = None) -> bytes:
    """One PDF of the parts' pages in order: the first part's catalog (XMP, OutputIntent,
    embedded files, language), the other parts' pages but their first (which holds only the
    running header), structure trees and outlines grafted on, and the running texts
    (`values`, one per merged page) drawn over every page; the page count phrase at
    `anchor` (merged page index, x, y), drawn after the header and footer and before the
    page number, in the order a whole document draws them."""
    with pikepdf.open(io.BytesIO(parts[0])) as target:
        for index, data in enumerate(parts[1:], start=1):
            with pikepdf.open(io.BytesIO(data)) as source:
                _append(target, source, index)
        pages = len(target.pages)
        phrase = None if anchor is None else (
            lambda pdf: stamp_at(pdf, *anchor, pages, run_ctx))
        running.draw(target, frames, values, pages, run_ctx, between=phrase)
        return running.save(target)


def _append(target: pikepdf.Pdf, source: pikepdf.Pdf, index: int) -> None:
    """Copy the source's pages but the first, with their structure elements, parent-tree
    entries and bookmarks, into target.

    Why a part starts with a page to drop: in the whole document a section after a forced
    page break is the first thing on its page, which is what `string(section, start)` in
    the page header needs; a part laid out with its running-header block on a page of its
    own, then a forced break, lays its sections out exactly as the whole document does.
    """
    key_offset = _next_parent_key(target)
    first_new = len(target.pages)
    lead = source.pages[0].obj
    for page in list(source.pages)[1:]:
        target.pages.append(page)
    seen: set[tuple[int, int]] = set()
    for page in target.pages[first_new:]:
        if "/StructParents" in page.obj:
            page.obj.StructParents = int(page.obj.StructParents) + key_offset
        _rename_fonts(page.obj.get("/Resources"), index, seen)
        for annot in page.obj.get("/Annots", []):
            if "/StructParent" in annot:
                annot.StructParent = int(annot.StructParent) + key_offset
    _graft_structure(target, source, key_offset, lead)
    _graft_outline(target, source, lead)


def _next_parent_key(pdf: pikepdf.Pdf) -> int:
    tree = pdf.Root.get("/StructTreeRoot")
    if tree is None or "/ParentTree" not in tree:
        return 0
    nums = tree.ParentTree.get("/Nums", [])
    return max((int(nums[i]) for i in range(0, len(nums), 2)), default=-1) + 1


def _graft_structure(target: pikepdf.Pdf, source: pikepdf.Pdf, key_offset: int,
                     dropped: pikepdf.Object) -> None:
    """Source's top-level structure elements (but those of the `dropped` page) become
    children of target's document element; its parent-tree entries are added under keys
    shifted by `key_offset`."""
    mine, theirs = target.Root.get("/StructTreeRoot"), source.Root.get("/StructTreeRoot")
    if mine is None or theirs is None:
        if (mine is None) != (theirs is None):
            raise RenderError(_("parts of one document differ in tagging"))
        return
    document = mine.K[0]
    for element in theirs.K[0].K:
        if _on_page(element, dropped):
            continue
        element = _copy(target, element)
        element.P = document
        document.K.append(element)
    nums = theirs.ParentTree.get("/Nums", pikepdf.Array())
    skipped = int(dropped.get("/StructParents", -1))
    for i in range(0, len(nums), 2):
        if int(nums[i]) == skipped:
            continue
        mine.ParentTree.Nums.append(int(nums[i]) + key_offset)
        mine.ParentTree.Nums.append(_copy(target, nums[i + 1]))
    if "/ParentTreeNextKey" in mine:
        mine.ParentTreeNextKey = _next_parent_key(target)


def _copy(target: pikepdf.Pdf, obj: pikepdf.Object) -> pikepdf.Object:
    """A foreign object in target: indirect ones copied (once per source), arrays item by item."""
    if obj.is_indirect:
        return target.copy_foreign(obj)
    if isinstance(obj, pikepdf.Array):
        return pikepdf.Array([_copy(target, item) for item in obj])
    return obj


def _on_page(element: pikepdf.Object, page: pikepdf.Object) -> bool:
    found = element.get("/Pg") if isinstance(element, pikepdf.Dictionary) else None
    return found is not None and found.objgen == page.objgen


def _graft_outline(target: pikepdf.Pdf, source: pikepdf.Pdf, dropped: pikepdf.Object) -> None:
    """Source's top-level bookmarks go under target's single top-level bookmark (the
    document's title heading), else beside target's top-level bookmarks."""
    theirs = source.Root.get("/Outlines")
    if theirs is None or "/First" not in theirs:
        return
    item = theirs.First
    while item is not None:
        dest = item.get("/Dest")
        if dest is not None and dest[0].objgen == dropped.objgen:
            raise RenderError(_("a bookmark points at the page a part drops"))
        item = item.get("/Next")
    if "/Outlines" not in target.Root:
        target.Root.Outlines = target.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Outlines))
    root = target.Root.Outlines
    parent = root
    if "/First" in root and root.First.objgen == root.Last.objgen:
        parent = root.First
    item = target.copy_foreign(theirs.First)
    while item is not None:
        following = item.get("/Next")
        item.Parent = parent
        if "/Last" in parent:
            parent.Last.Next = item
            item.Prev = parent.Last
        else:
            parent.First = item
            if "/Prev" in item:
                del item.Prev
        parent.Last = item
        if following is None and "/Next" in item:
            del item.Next
        item = following
    _recount(root)


def _recount(item: pikepdf.Object, root: bool = True) -> int:
    """Set /Count of `item` and its descendants (an open item: its visible descendants, a
    closed one: minus them); return how many items are visible below `item`."""
    visible, child = 0, item.get("/First")
    while child is not None:
        below = _recount(child, root=False)
        visible += 1 + (below if int(child.get("/Count", 0)) >= 0 else 0)
        child = child.get("/Next")
    if "/First" in item:
        closed = not root and int(item.get("/Count", 0)) < 0
        item.Count = -visible if closed else visible
    return visible


def _rename_fonts(resources: pikepdf.Object, index: int, seen: set[tuple[int, int]]) -> None:
    """Give part `index`'s font subsets their own tags: "Different subsets in the same PDF
    file shall have different tags" (ISO 32000-1, 9.6.4). Deterministic. Follows the
    resources of form XObjects and patterns, each object once."""
    if resources is None:
        return
    for font in _unseen(resources.get("/Font", {}), seen):
        for holder, key in _font_names(font):
            holder[key] = pikepdf.Name("/" + _retag(str(holder[key])[1:], index))
    for group in ("/XObject", "/Pattern"):
        for inner in _unseen(resources.get(group, {}), seen):
            _rename_fonts(inner.get("/Resources"), index, seen)


def _unseen(objects: pikepdf.Object, seen: set[tuple[int, int]]) -> list[pikepdf.Object]:
    """The dictionary's values not met before (shared objects are met once)."""
    found = []
    for name in sorted(objects.keys()):
        obj = objects[name]
        if obj.is_indirect:
            if obj.objgen in seen:
                continue
            seen.add(obj.objgen)
        found.append(obj)
    return found


def _font_names(font: pikepdf.Dictionary) -> list[tuple[pikepdf.Dictionary, str]]:
    found = []
    if "/BaseFont" in font:
        found.append((font, "/BaseFont"))
    for descendant in font.get("/DescendantFonts", []):
        found.append((descendant, "/BaseFont"))
        if "/FontDescriptor" in descendant:
            found.append((descendant.FontDescriptor, "/FontName"))
    if "/FontDescriptor" in font:
        found.append((font.FontDescriptor, "/FontName"))
    return [(holder, key) for holder, key in found if re.match(r"/[A-Z]{6}\+", str(holder[key]))]


def _retag(name: str, index: int) -> str:
    tag, rest = name.split("+", 1)
    digest = hashlib.sha256(f"{tag}:{index}".encode()).digest()
    return "".join(chr(65 + b % 26) for b in digest[:6]) + "+" + rest
