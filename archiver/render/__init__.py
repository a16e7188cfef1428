"""Rendering: Jinja2 templates (report_templates/) to PDF/A-3u with WeasyPrint.

Public API for jobs (render, term-end, disclose):
- `plan_documents(dataset, kinds, classes, student, period) -> list[DocumentSpec]`
- `render_document(spec, dataset, config, run_ctx) -> RenderedDocument`
- `html_to_pdfa(html, *, title, attachments, run_ctx) -> (bytes, pages)` for any other
  document (handover protocol, cover letter...) built with `render_html` and base.html.
"""

from archiver.render.context import RunContext, run_time
from archiver.render.documents import (
    DocumentSpec,
    PageHeader,
    RenderedDocument,
    document_file_name,
    page_header,
    render_document,
    render_html,
)
from archiver.render.pdfa import PDF_VARIANT, EmbeddedFile, RenderError, html_to_pdfa
from archiver.render.plan import plan_documents

__all__ = [
    "PDF_VARIANT", "DocumentSpec", "EmbeddedFile", "PageHeader", "RenderError",
    "RenderedDocument", "RunContext", "document_file_name", "html_to_pdfa", "page_header",
    "plan_documents", "render_document", "render_html", "run_time",
]
