"""The table of document kinds: everything archiver knows about a kind, as data.

As WeasyPrint keeps its PDF variants in one table, every part of archiver that depends on
the kind of a document reads it here: planning (render/plan.py), the view builder and
template (render/documents.py), titles and file names, slicing the export
(render/slicing.py), the order parts go to the workers (render/batch.py), the cover letter
of a disclosure, the register of disclosures, the CLI's --document choices and the bench.

A new kind is one entry in `DOCUMENT_KINDS`, its view module in views/ and its template in
report_templates/ (named `<name>.html`, getting `view`, `header`, `student` ...).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from archiver.config import Config
from archiver.errors import UsageError
from archiver.i18n import N_, _
from archiver.model import Dataset
from archiver.views.attendance import build_attendance
from archiver.views.messages import build_transcript
from archiver.views.register import build_register
from archiver.views.school_attendance import build_school_attendance
from archiver.views.scope import Scope

STUDENT_SUFFIX = " – wyciąg dotyczący jednego ucznia"


@dataclass(frozen=True)
class DocumentKind:
    """One kind of document (register, attendance summary, message transcript ...)."""

    name: str  # --document NAME, DocumentSpec.kind, the audit log's scope
    build: Callable[[Dataset, Config, Scope], Any]  # the view builder: what the pages say
    title: str  # the printed title of a class's document; {cls} = the class as printed
    file_word: str  # in file names: 7a_<word>_2025-2026.pdf (ASCII)
    # a disclosure's cover letter: what the recipient receives, said of a boy ("M"), of a
    # girl ("F") and, when the sex is not known, in words that need no gender ("")
    scope_words: dict[str, str]
    register_name: str  # the register of disclosures: the document in short
    english: str  # the bench's reports
    student_title: str | None = None  # for one student; default: title + STUDENT_SUFFIX
    school_title: str | None = None  # set: also one document for the whole school
    student_per_class: bool = True  # one student: one per class they were in, else one
    slicing: str = "class"  # rows it is made from: "class" (its pupils, lessons, marks)
    #                         or "correspondence" (messages and people, whole school)
    parts_may_be_cut: bool = True  # False: the school-wide document is one long part
    school_only: bool = False  # only the one for the whole school (never a class's, never
    #                            in a pupil's documents or a disclosure); slicing "school"
    # built from the views of the classes' documents of this kind, over the same period
    # (build(..., class_views={class_id: view})): a batch hands over those it built
    reuses: str | None = None
    progress: str | None = None  # the CLI's progress lines (an N_ msgid); None: "document"

    @property
    def template(self) -> str:
        """Its template in report_templates/."""
        return f"{self.name}.html"

    def title_for(self, class_label: str, *, student: bool, school: bool) -> str:
        """The printed title; never a person's name (it goes into headers and metadata)."""
        if student and self.student_title:
            return self.student_title
        if school and self.school_title:
            return self.school_title
        title = self.title.format(cls=class_label)
        return title + STUDENT_SUFFIX if student else title


def _pupil_words(text: str) -> dict[str, str]:
    """`text` with "{ucznia}" said of a boy, of a girl, and left out when the sex is not
    known (the letter names the pupil just before the list)."""
    return {"M": text.format(ucznia=" ucznia"), "F": text.format(ucznia=" uczennicy"),
            "": text.format(ucznia="")}


DOCUMENT_KINDS: dict[str, DocumentKind] = {kind.name: kind for kind in (
    DocumentKind(
        "register", build_register, "Dziennik lekcyjny oddziału {cls}", "dziennik",
        _pupil_words("wyciąg z dziennika lekcyjnego: frekwencja, oceny, zachowanie i uwagi"
                     "{ucznia} oraz daty, przedmioty i tematy lekcji"),
        "dziennik lekcyjny (wyciąg)", "class register", progress=N_("class register")),
    DocumentKind(
        "attendance", build_attendance, "Zestawienie frekwencji oddziału {cls}", "frekwencja",
        _pupil_words("zestawienie frekwencji{ucznia}"), "zestawienie frekwencji",
        "attendance summary", progress=N_("attendance summary")),
    DocumentKind(
        "messages", build_transcript, "Wiadomości – oddział {cls}", "wiadomosci",
        {"M": "korespondencja (moduł WIADOMOŚCI), w której uczestniczył uczeń lub jego "
              "rodzice/opiekunowie",
         "F": "korespondencja (moduł WIADOMOŚCI), w której uczestniczyła uczennica lub jej "
              "rodzice/opiekunowie",
         "": "korespondencja (moduł WIADOMOŚCI) z udziałem tej osoby lub jej "
             "rodziców/opiekunów"},
        "korespondencja (wiadomości)", "message transcript",
        student_title="Wiadomości – korespondencja dotycząca jednego ucznia",
        school_title="Wiadomości do całej szkoły", student_per_class=False,
        slicing="correspondence", parts_may_be_cut=False, progress=N_("messages")),
    DocumentKind(
        "school-attendance", build_school_attendance, "Zestawienie frekwencji szkoły",
        "frekwencja-szkoly", _pupil_words("zestawienie frekwencji szkoły"),
        "zestawienie frekwencji szkoły",
        "school attendance summary", school_title="Zestawienie frekwencji szkoły",
        slicing="school", school_only=True, reuses="attendance"),
)}
KINDS = tuple(DOCUMENT_KINDS)  # in printing order
# The kinds a pupil's documents (render --student, disclose) may be of.
STUDENT_KINDS = tuple(k for k, kind in DOCUMENT_KINDS.items() if not kind.school_only)


@dataclass(frozen=True)
class PageKind:
    """A document of one template made outside the batch (the handover protocol, the cover
    letter, the register of disclosures, the shelf's reports): its view builds the context,
    `render_pdf(name, context, run_ctx)` makes the PDF."""

    name: str
    template: str  # in report_templates/
    title: str = ""  # the PDF's metadata title; "" = the document's own, given to render_pdf


PAGE_KINDS: dict[str, PageKind] = {kind.name: kind for kind in (
    PageKind("handover", "handover.html"),  # title: the protocol's heading
    PageKind("bundle-index", "bundle_index.html", "Spis zawartości paczki archiwalnej"),
    PageKind("cover-letter", "cover_letter.html",
             "Pismo przewodnie – udostępnienie danych ucznia"),
    PageKind("disclosures", "disclosures.html", "Rejestr udostępnień danych osobowych"),
    PageKind("shelf-report", "shelf_report.html", "Raport stanu archiwum paczek"),
    PageKind("shelf-destruction", "shelf_destruction.html"),  # title: list or protocol
)}


def document_kind(name: str) -> DocumentKind:
    """The kind called `name`, or a UsageError listing the kinds."""
    try:
        return DOCUMENT_KINDS[name]
    except KeyError:
        raise UsageError(_("unknown document kind {name!r}").format(name=name),
                         hint=_("kinds: {kinds}").format(kinds=", ".join(KINDS))) from None


def kind_of_title(title: str) -> str:
    """The kind a printed title belongs to (its first word is the kind's own), else "other"."""
    def prefixes(kind: DocumentKind) -> list[str]:
        return [p for p in (kind.title.split("{cls}")[0].strip(), kind.student_title,
                            kind.school_title) if p]

    found = [(len(p), k.name) for k in DOCUMENT_KINDS.values() for p in prefixes(k)
             if title.startswith(p)]
    return max(found)[1] if found else "other"
