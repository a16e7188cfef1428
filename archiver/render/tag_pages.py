"""Tagging without rebuilding the list of pages for every tagged element (issue 18).

WeasyPrint tags a document after drawing it (weasyprint/pdf/tags.py, `add_tags`): every
structure element it makes names its page as `pdf.page_references[page_number]`, and
pydyf's `page_references` is a property that builds a new tuple of every page's reference
each time it is read. A document part has a few hundred to a few thousand tagged
elements, so the same tuple is made that many times (py-spy, session 28: ~5 % of an
attendance summary's layout). No page is added while tagging, so the references are the
same throughout: here `add_tags` is given a stand-in for the PDF whose `page_references`
is that tuple, made once; everything else (adding objects, the catalog) goes to the PDF
itself.
"""

from __future__ import annotations

from typing import Any


class _PagesOnce:
    """A pydyf PDF whose page references are read once, when tagging starts."""

    def __init__(self, pdf: Any) -> None:  # noqa: ANN401 (pydyf.PDF)
        self._pdf = pdf
        self.page_references = pdf.page_references

    def __getattr__(self, name: str) -> Any:  # noqa: ANN401
        return getattr(self._pdf, name)


def _tagged_once(add_tags: Any) -> Any:  # noqa: ANN401 (weasyprint.pdf.tags.add_tags)
    def add_tags_pages_once(pdf: Any, *args: Any) -> Any:  # noqa: ANN401
        return add_tags(_PagesOnce(pdf), *args)

    add_tags_pages_once.archiver_tag_pages = add_tags
    return add_tags_pages_once


def install() -> None:
    """Give weasyprint.pdf (which calls it) the wrapped add_tags (idempotent)."""
    import weasyprint.pdf as wpdf

    if getattr(wpdf.add_tags, "archiver_tag_pages", None) is None:
        wpdf.add_tags = _tagged_once(wpdf.add_tags)
