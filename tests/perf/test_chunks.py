"""A register laid out in parts and merged says the same, page by page, as laid out whole,
and stays a valid, deterministic PDF/A-3u with its sources, fonts, tags and bookmarks."""

from __future__ import annotations

import io
import subprocess
import tempfile

import pikepdf
import pytest
from perf_helpers import CTX, pdf_pages, register_spec

from archiver.config import Config
from archiver.render import chunks
from archiver.render.documents import prepare_document, render_document

PDFAID = "{http://www.aiim.org/pdfa/ns/id/}"
HEAD = '<html><head><title>t</title></head><body class="wide"><div class="running">x</div>'


def _html(*sections: str) -> str:
    return HEAD + "\n".join(sections) + "</body></html>"


def test_split_cuts_only_before_sections_that_start_a_page() -> None:
    title = '<section class="title-page"><h1>T</h1></section>'
    week = '<section class="section"><h2>W{}</h2></section>'
    html = _html(title, *(week.format(i) for i in range(5)))
    parts = chunks.split_html(html, sections_per_part=2)
    assert len(parts) == 3
    for part in parts:
        assert part.startswith(HEAD) and part.endswith("</body></html>")
    assert "T</h1>" in parts[0] and "W0" in parts[0] and "W1" not in parts[0]
    assert "W1" in parts[1] and "W2" in parts[1] and "T</h1>" not in parts[1]
    assert "W3" in parts[2] and "W4" in parts[2]
    # every section is in exactly one part
    joined = "".join(parts)
    assert all(joined.count(f"W{i}</h2>") == 1 for i in range(5))


def test_split_keeps_a_document_whole_when_sections_nest_or_do_not_break() -> None:
    nested = _html('<section class="section"><section class="section">a</section></section>',
                   '<section class="section">b</section>')
    assert chunks.split_html(nested, sections_per_part=1) == [nested]
    flowing = _html(*['<section class="flow">x</section>'] * 4)
    assert chunks.split_html(flowing, sections_per_part=1) == [flowing]
    assert chunks.split_html("<p>no sections</p>", 1) == ["<p>no sections</p>"]


@pytest.fixture(scope="module")
def whole_and_parts(small):
    """The small demo's year register laid out whole and in parts of two sections."""
    spec = register_spec(small)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(chunks, "SECTIONS_PER_PART", 1000)
        whole = render_document(spec, small, Config(), CTX)
        patch.setattr(chunks, "SECTIONS_PER_PART", 2)
        prepared = prepare_document(spec, small, Config(), CTX)
        parts = render_document(spec, small, Config(), CTX)
    return whole, parts, prepared


def test_register_is_laid_out_in_several_parts(whole_and_parts):
    _whole, _parts, prepared = whole_and_parts
    assert len(prepared.parts) >= 3
    assert prepared.parts[0].attachments and not any(p.attachments for p in prepared.parts[1:])


def test_parts_read_the_same_as_the_whole_page_by_page(whole_and_parts):
    whole, parts, _ = whole_and_parts
    assert parts.pages == whole.pages
    assert parts.pdf != whole.pdf  # really merged, not the same path
    assert pdf_pages(parts.pdf) == pdf_pages(whole.pdf)


def test_page_numbers_run_across_the_parts(whole_and_parts):
    _whole, parts, _ = whole_and_parts
    pages = pdf_pages(parts.pdf)
    assert len(pages) == parts.pages
    for number, page in enumerate(pages, start=1):
        assert f"strona {number} z {parts.pages}" in page
        assert page.count("strona ") == 1


@pytest.fixture(scope="module")
def merged(whole_and_parts) -> pikepdf.Pdf:
    return pikepdf.open(io.BytesIO(whole_and_parts[1].pdf))


def test_merged_register_is_pdfa_3u_with_its_sources_once(whole_and_parts, merged):
    meta = merged.open_metadata(set_pikepdf_as_editor=False)
    assert meta[PDFAID + "part"] == "3" and meta[PDFAID + "conformance"] == "U"
    assert meta["dc:title"] == "Dziennik lekcyjny oddziału 7a"
    assert merged.Root.OutputIntents[0].S == "/GTS_PDFA1"
    whole = pikepdf.open(io.BytesIO(whole_and_parts[0].pdf))
    names = [str(f.UF) for f in merged.Root.AF]
    assert names == [str(f.UF) for f in whole.Root.AF] and len(set(names)) == len(names)
    assert "students.csv" in names and "scope.json" in names
    for mine, theirs in zip(merged.Root.AF, whole.Root.AF, strict=True):
        assert mine.EF.F.read_bytes() == theirs.EF.F.read_bytes()


def _fonts(pdf: pikepdf.Pdf):
    """Every font of every page, and of the form XObjects and patterns drawn on it."""
    seen: set = set()
    stack = [page.Resources for page in pdf.pages]
    while stack:
        resources = stack.pop()
        yield from resources.get("/Font", {}).values()
        for group in ("/XObject", "/Pattern"):
            for inner in resources.get(group, {}).values():
                if inner.objgen not in seen and "/Resources" in inner:
                    seen.add(inner.objgen)
                    stack.append(inner.Resources)


def test_every_font_is_embedded_and_every_subset_has_its_own_tag(merged):
    programs: dict[str, bytes] = {}
    for font in _fonts(merged):
        cid = font.DescendantFonts[0] if "/DescendantFonts" in font else font
        descriptor = cid.FontDescriptor
        program = next(descriptor[k] for k in ("/FontFile2", "/FontFile3", "/FontFile")
                       if k in descriptor)
        assert "/ToUnicode" in font, font.BaseFont
        data = program.read_bytes()
        # ISO 32000-1 9.6.4: different subsets in one file have different tags
        assert programs.setdefault(str(font.BaseFont), data) == data, font.BaseFont
    assert len(programs) > 6  # the parts' subsets and the page numbers' are all kept


def test_structure_tree_and_bookmarks_point_at_the_merged_pages(whole_and_parts, merged):
    pages = {p.obj.objgen for p in merged.pages}
    tree = merged.Root.StructTreeRoot
    nums = tree.ParentTree.Nums
    keys = [int(nums[i]) for i in range(0, len(nums), 2)]
    assert keys == sorted(set(keys))
    assert {int(p.obj.StructParents) for p in merged.pages} <= set(keys)
    seen, stack = 0, list(tree.K[0].K)
    while stack:
        element = stack.pop()
        if isinstance(element, pikepdf.Dictionary):
            seen += 1
            if "/Pg" in element:
                assert element.Pg.objgen in pages
            stack.extend(k for k in element.get("/K", []) if isinstance(k, pikepdf.Dictionary))
    assert seen > 100
    whole = pikepdf.open(io.BytesIO(whole_and_parts[0].pdf))
    assert _outline(merged) == _outline(whole)
    assert len(tree.K[0].K) == len(whole.Root.StructTreeRoot.K[0].K)


def _outline(pdf: pikepdf.Pdf) -> list[tuple[int, str, int]]:
    """(depth, title, page index) of every bookmark, in order."""
    index = {p.obj.objgen: i for i, p in enumerate(pdf.pages)}
    found: list[tuple[int, str, int]] = []

    def walk(item, depth):
        while item is not None:
            found.append((depth, str(item.Title), index[item.Dest[0].objgen]))
            walk(item.get("/First"), depth + 1)
            item = item.get("/Next")

    walk(pdf.Root.Outlines.get("/First"), 0)
    assert int(pdf.Root.Outlines.Count) == len(found)
    return found


def test_merged_register_passes_qpdf_check(whole_and_parts):
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(whole_and_parts[1].pdf)
        handle.flush()
        result = subprocess.run(["qpdf", "--check", handle.name], capture_output=True,
                                text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_merging_the_same_parts_again_gives_the_same_bytes(whole_and_parts):
    _whole, parts, prepared = whole_and_parts
    laid_out = [chunks.render_part(job) for job in prepared.parts]
    assert chunks.assemble(prepared.parts, laid_out).pdf == parts.pdf
