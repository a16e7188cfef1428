"""Rendering: every PDF archiver makes, from Jinja2 templates (report_templates/) to
PDF/A-3u with WeasyPrint. This package is the one door: nothing outside it imports jinja2
or weasyprint.

Public API for jobs (render, term-end, disclose):
- `plan_documents(dataset, kinds, classes, student, period) -> list[DocumentSpec]`
- `render_documents(specs, dataset, config, run_ctx, jobs=..., cache=...)`: many documents
  on an executor, in parts, each from its slice of the export, through the render cache
  (batch.py, slicing.py, chunks.py, cache.py, cache_keys.py);
- `render_document(spec, dataset, config, run_ctx) -> RenderedDocument`: one, in process;
- `render_pdf(template, context, run_ctx, title=...) -> (bytes, pages)`: a single-template
  document (the handover protocol, the cover letter, the register of disclosures);
- `load_export(path, cache)` / `keep_export(cache, dataset)`: an unchanged export answered
  from the render cache (export_cache.py).
"""

from archiver.render.batch import (
    Progress,
    RenderStats,
    open_render_cache,
    render_documents,
    start_layout_workers,
)
from archiver.render.cache import CachedDocument, RenderCache
from archiver.render.context import AccountName, RunContext, run_time
from archiver.render.documents import (
    DocumentSpec,
    PageHeader,
    RenderedDocument,
    document_file_name,
    document_title,
    page_header,
    period_phrase,
    period_text,
    render_document,
    render_html,
    render_pdf,
    student_file_part,
)
from archiver.render.export_cache import keep_export, load_export
from archiver.render.naming import FIXED_WORDS as FILE_NAME_WORDS
from archiver.render.naming import safe_part
from archiver.render.pdfa import PDF_VARIANT, EmbeddedFile, RenderError, html_to_pdfa
from archiver.render.plan import class_ids_by_name, plan_documents

__all__ = [
    "FILE_NAME_WORDS", "AccountName", "CachedDocument", "DocumentSpec", "EmbeddedFile",
    "PDF_VARIANT",
    "PageHeader", "Progress", "RenderCache", "RenderError", "RenderStats", "RenderedDocument",
    "keep_export", "load_export",
    "RunContext", "class_ids_by_name", "document_file_name", "document_title", "html_to_pdfa",
    "open_render_cache", "page_header", "period_phrase", "period_text", "plan_documents",
    "render_document", "render_documents", "render_html", "render_pdf", "run_time", "safe_part",
    "start_layout_workers",
    "student_file_part",
]
