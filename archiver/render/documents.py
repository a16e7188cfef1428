"""Documents: what to render (DocumentSpec), how (render_document), and for whom (plan).

`render_document` is a pure function of its arguments (no clock, no files, no globals that
change), picklable in and out, so a process pool or Dask can run it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import partial
from typing import Any

from archiver.config import Config
from archiver.errors import UsageError
from archiver.i18n import _
from archiver.model import Dataset
from archiver.render import naming
from archiver.render.attendance_charts import TEMPLATE_CHARTS
from archiver.render.attendance_tables import (
    counts_as_phrase,
    overview_blocks,
    pupil_subject_blocks,
    risk_line,
    school_blocks,
    subject_blocks,
)
from archiver.render.attendance_text import TEMPLATE_TEXT
from archiver.render.chunks import PartJob, PartPdf, assemble, plan_parts, render_part
from archiver.render.context import RunContext
from archiver.render.environment import environment
from archiver.render.grade_lines import grade_blocks, note_blocks
from archiver.render.grid_heads import grid_head
from archiver.render.lessons import lesson_blocks
from archiver.render.lines import (
    body_blocks,
    category_codes,
    compact_recipients,
    message_head,
    message_lines,
    read_tally,
    tally_lines,
    thread_heading,
)
from archiver.render.pdfa import EmbeddedFile, html_to_pdfa
from archiver.render.register_tables import TEMPLATE_TABLES
from archiver.render.sources import source_files
from archiver.render.textgrid import block_style, blocks
from archiver.views import DOCUMENT_KINDS, Scope, common, document_kind
from archiver.views.attendance import mark_emphasis
from archiver.views.certification import certification
from archiver.views.grades import behaviour_terms
from archiver.views.kinds import PAGE_KINDS
from archiver.views.polish import date_pl, datetime_pl, list_name


@dataclass(frozen=True)
class DocumentSpec:
    """One document to render: kind, class (None: school-wide or a student's messages),
    student (None: the whole class), resolved period."""

    kind: str  # register / attendance / messages
    class_id: str | None
    student_id: str | None
    date_from: date
    date_to: date
    term: int | None = None
    whole_year: bool = False

    @property
    def scope(self) -> Scope:
        return Scope(self.class_id, self.date_from, self.date_to, self.student_id, self.term,
                     self.whole_year)


@dataclass(frozen=True)
class RenderedDocument:
    file_name: str  # no personal data: class name, kind, period, student id
    pdf: bytes
    pages: int
    sha256: str
    kind: str
    spec: DocumentSpec

    @property
    def scope(self) -> Scope:
        return self.spec.scope


@dataclass(frozen=True)
class PageHeader:
    """The running header and footer of every page (strings, as printed)."""

    school: str
    title: str
    period: str
    data_as_of: str
    printed_at: str
    operator: str
    software_version: str


def page_header(ds: Dataset, config: Config, title: str, period: str,
                run_ctx: RunContext) -> PageHeader:
    """The header for any document of this export (also for protocols and letters)."""
    tz = ds.meta.timezone
    return PageHeader(config.school.name or ds.meta.school.name, title, period,
                      datetime_pl(ds.meta.exported_at, tz), datetime_pl(run_ctx.printed_at, tz),
                      run_ctx.operator_label, run_ctx.software_version)


def span_text(first: date, last: date) -> str:
    """12.01–16.01.2026; 28.12.2025–03.01.2026 across a year; 12.01.2026 for one day."""
    if first == last:
        return date_pl(first)
    if first.year == last.year:
        return f"{first:%d.%m}–{date_pl(last)}"
    return f"{date_pl(first)}–{date_pl(last)}"


def period_text(ds: Dataset, scope: Scope) -> str:
    """The period as a heading names it: "rok szkolny 2025/2026 (01.09.2025–26.06.2026)",
    "semestr 1 roku szkolnego 2025/2026 (…)", or the dates alone "12.01–16.01.2026"."""
    span = span_text(scope.date_from, scope.date_to)
    if scope.whole_year:
        return f"rok szkolny {ds.meta.school_year} ({span})"
    if scope.term is not None:
        return f"semestr {scope.term} roku szkolnego {ds.meta.school_year} ({span})"
    return span


def period_phrase(ds: Dataset, scope: Scope) -> str:
    """The period in a sentence, after "za": "za rok szkolny 2025/2026", "za semestr 1
    roku szkolnego 2025/2026", "za okres 12.01–16.01.2026"."""
    if scope.whole_year:
        return f"za rok szkolny {ds.meta.school_year}"
    if scope.term is not None:
        return f"za semestr {scope.term} roku szkolnego {ds.meta.school_year}"
    return f"za okres {span_text(scope.date_from, scope.date_to)}"


def render_html(kind_or_template: str, **context: Any) -> str:
    """Render one of report_templates/ (by its name, or a page kind's) with the project's
    environment (autoescape on)."""
    template, _title = page_template(kind_or_template)
    return environment().get_template(template).render(**context)


def page_template(kind_or_template: str) -> tuple[str, str]:
    """(template, default title) of a page kind of views/kinds.PAGE_KINDS ("handover",
    "cover-letter", "disclosures" ...), or of a template named as such (`x.html`)."""
    if kind_or_template in PAGE_KINDS:
        kind = PAGE_KINDS[kind_or_template]
        return kind.template, kind.title
    if kind_or_template.endswith(".html"):
        return kind_or_template, ""
    raise ValueError(f"unknown page kind {kind_or_template!r}; kinds: {', '.join(PAGE_KINDS)}")


def render_pdf(kind_or_template: str, context: Mapping[str, Any], run_ctx: RunContext, *,
               title: str = "", attachments: Sequence[EmbeddedFile] = ()) -> tuple[bytes, int]:
    """A document of one template (protocol, cover letter, register of disclosures) as
    PDF/A: (pdf bytes, pages). `kind_or_template`: a page kind (views/kinds.PAGE_KINDS)
    or a template's name; `context` is what its view built; `title` goes into the PDF's
    metadata (default: the page kind's)."""
    template, default_title = page_template(kind_or_template)
    title = title or default_title
    if not title:
        raise ValueError(f"render_pdf({kind_or_template!r}) needs a title")
    html = render_html(template, **context)
    return html_to_pdfa(html, title=title, attachments=attachments, run_ctx=run_ctx)


def document_title(spec: DocumentSpec, class_label: str) -> str:
    """The printed title; never a person's name (it goes into headers and metadata)."""
    return document_kind(spec.kind).title_for(class_label, student=spec.student_id is not None,
                                              school=spec.class_id is None)


def _class_label(ds: Dataset, class_id: str) -> str:
    return common.class_label(ds, class_id) or class_id


def class_file_part(ds: Dataset, class_id: str) -> str:
    """The class's name as a safe file-name part, made unique with its id if two collide."""
    names = {str(c): naming.safe_part(str(n), "oddzial")
             for c, n in zip(ds.classes["class_id"], ds.classes["name"], strict=True)}
    mine = names.get(class_id, naming.safe_part(class_id, "oddzial"))
    # 7a and 7A are one name on Windows and macOS, and in the bundle's check of names.
    if [n.casefold() for n in names.values()].count(mine.casefold()) > 1:
        mine = f"{mine}-{naming.safe_part(class_id, 'id')}"
    return mine


def student_name_key(ds: Dataset) -> bytes:
    """The key of students' hashes in file names: a digest of every student's id, names
    and PESEL in the export. The same export always gives the same names; without the
    export's personal data, a hash cannot be traced back to its id. Made once per
    export: a slice carries its whole export's key (Dataset.name_key)."""
    if ds.name_key is not None:
        return ds.name_key
    digest = hashlib.sha256(b"archiver-student-names\0" + str(ds.meta.school.id).encode())
    students = ds.students
    columns = [c for c in ("student_id", "first_name", "last_name", "pesel", "birth_date")
               if c in students.columns]
    for row in sorted({tuple(str(v) for v in r) for r in
                       students[columns].itertuples(index=False, name=None)}):
        digest.update("\x1f".join(row).encode("utf-8") + b"\x1e")
    ds.name_key = digest.digest()
    return ds.name_key


def student_file_part(ds: Dataset, student_id: str) -> str:
    """`uczen-3f9c0a17b2`: the student in a file name (naming.student_part)."""
    return naming.student_part(student_id, student_name_key(ds))


def document_file_name(ds: Dataset, spec: DocumentSpec) -> str:
    """File name of the document: no personal data, safe on every file system."""
    period = naming.period_part(spec.date_from, spec.date_to, spec.term, spec.whole_year,
                                ds.meta.school_year)
    one_for_student = spec.student_id and not document_kind(spec.kind).student_per_class
    if spec.class_id is not None and not one_for_student:
        cls = class_file_part(ds, spec.class_id)
    else:
        cls = None if spec.student_id else "szkola"
    student = student_file_part(ds, spec.student_id) if spec.student_id is not None else None
    return naming.file_name(document_kind(spec.kind).file_word, cls, student, period)


def _student(ds: Dataset, spec: DocumentSpec) -> dict[str, Any] | None:
    if spec.student_id is None:
        return None
    rows = ds.students[ds.students["student_id"] == spec.student_id]
    if spec.class_id is not None:
        rows = rows[rows["class_id"] == spec.class_id]
    if rows.empty:
        raise UsageError(_("student id {student_id!r} has no stay in the requested "
                           "class").format(student_id=spec.student_id),
                         hint=_("use plan_documents to choose the classes of a student"))
    row = rows.iloc[0]
    number = int(row["register_number"]) if spec.class_id is not None else None
    return {"name": list_name(row["first_name"], row["last_name"]), "number": number}


def _scope_info(ds: Dataset, config: Config, spec: DocumentSpec, run_ctx: RunContext) -> dict:
    return {
        "document": spec.kind, "class_id": spec.class_id, "student_id": spec.student_id,
        "date_from": spec.date_from.isoformat(), "date_to": spec.date_to.isoformat(),
        "term": spec.term, "whole_year": spec.whole_year,
        "export": {"school_id": ds.meta.school.id, "school_year": ds.meta.school_year,
                   "exported_at": ds.meta.exported_at.isoformat(),
                   "source_system": ds.meta.source_system, "format": ds.meta.format,
                   "version": ds.meta.version},
        "configuration_fingerprint": config.fingerprint(),
        "software": f"archiver {run_ctx.software_version}",
        "printed_at": run_ctx.printed_at.isoformat(),
    }


def _show_year(view: object, spec: DocumentSpec) -> bool:
    """A register prints the year line (average, year grades) for a whole year, or when a
    year grade falls within a shorter period."""
    if spec.kind != "register" or spec.whole_year:
        return spec.kind == "register"
    return any(st.year_proposed or st.year_final
               for subject in view.grades for st in subject.students)


class ViewMemo:
    """The views of one batch's class documents that a school-wide kind is built from
    (DocumentKind.reuses), without their source rows (kept small)."""

    def __init__(self) -> None:
        self._kept: dict[str, dict[str, Any]] = {}
        self._wanted = {k.reuses for k in DOCUMENT_KINDS.values() if k.reuses}

    def keep(self, kind: str, class_id: str, view: Any) -> None:
        if kind in self._wanted:
            self._kept.setdefault(kind, {})[class_id] = replace(view, sources={})

    def of(self, kind: str) -> dict[str, Any]:
        return dict(self._kept.get(kind, {}))


@dataclass(frozen=True)
class PreparedDocument:
    """A document with its view built and its HTML cut into parts, ready to lay out
    (archiver.render.chunks); picklable."""

    spec: DocumentSpec
    file_name: str
    parts: tuple[PartJob, ...]


def prepare_document(spec: DocumentSpec, dataset: Dataset, config: Config,
                     run_ctx: RunContext, views: ViewMemo | None = None) -> PreparedDocument:
    """Build the view, render its template and plan the parts to lay out. `views` (one
    per batch, same export and configuration) keeps the class views a school-wide kind is
    built from (DocumentKind.reuses), so that they are not built twice."""
    kind = document_kind(spec.kind)
    if kind.reuses and views is not None and spec.class_id is None:
        view = kind.build(dataset, config, spec.scope, class_views=views.of(kind.reuses))
    else:
        view = kind.build(dataset, config, spec.scope)
    if views is not None and spec.class_id is not None and spec.student_id is None:
        views.keep(spec.kind, spec.class_id, view)
    label = _class_label(dataset, spec.class_id) if spec.class_id else ""
    title = document_title(spec, label)
    header = page_header(dataset, config, title, period_text(dataset, spec.scope), run_ctx)
    html = render_html(
        kind.template, view=view, header=header, student=_student(dataset, spec),
        tz=dataset.meta.timezone, block_style=block_style, grid_head=grid_head,
        grid_blocks=partial(blocks, marks=mark_emphasis(dataset, config)),
        lesson_blocks=lesson_blocks, grade_blocks=grade_blocks, note_blocks=note_blocks,
        category_codes=category_codes,
        subject_blocks=subject_blocks, risk_line=risk_line, counts_as_phrase=counts_as_phrase,
        overview_blocks=overview_blocks, pupil_subject_blocks=pupil_subject_blocks,
        compact_recipients=compact_recipients, read_tally=read_tally, body_blocks=body_blocks,
        message_head=message_head, message_lines=message_lines, tally_lines=tally_lines,
        thread_heading=thread_heading,
        behaviour_terms=behaviour_terms, school_blocks=school_blocks, **TEMPLATE_CHARTS,
        **TEMPLATE_TEXT, **TEMPLATE_TABLES,
        grades_plus=str(config.grades.plus).replace(".", ","),
        grades_minus=str(config.grades.minus).replace(".", ","),
        show_year=_show_year(view, spec),
        certification=certification(dataset, config, run_ctx.printed_at),
    )
    files: list[EmbeddedFile] = source_files(view.sources,
                                             _scope_info(dataset, config, spec, run_ctx))
    return PreparedDocument(spec, document_file_name(dataset, spec),
                            plan_parts(html, title, files, run_ctx))


def finish_document(prepared: PreparedDocument, parts: list[PartPdf]) -> RenderedDocument:
    """The document from its laid-out parts (merged when more than one)."""
    whole = assemble(prepared.parts, parts)
    return RenderedDocument(prepared.file_name, whole.pdf, whole.pages,
                            hashlib.sha256(whole.pdf).hexdigest(), prepared.spec.kind,
                            prepared.spec)


def render_document(spec: DocumentSpec, dataset: Dataset, config: Config,
                    run_ctx: RunContext) -> RenderedDocument:
    """Build the view, render its template and write PDF/A-3u with its source slice (a long
    document laid out in parts and merged: see archiver.render.chunks)."""
    prepared = prepare_document(spec, dataset, config, run_ctx)
    return finish_document(prepared, [render_part(job) for job in prepared.parts])
