"""View builders: one module per document, Dataset + Config + Scope -> what the pages say.

Pure functions (pandas for the arithmetic); they never touch files. Each view also carries
`sources`: the rows of the export the document was made from, attached to the PDF.
"""

from archiver.views.attendance import AttendanceView, build_attendance
from archiver.views.kinds import (
    DOCUMENT_KINDS,
    KINDS,
    STUDENT_KINDS,
    DocumentKind,
    document_kind,
)
from archiver.views.messages import TranscriptView, build_transcript
from archiver.views.register import RegisterView, build_register
from archiver.views.scope import Period, Scope, make_scope, resolve_period

__all__ = [
    "DOCUMENT_KINDS", "KINDS", "STUDENT_KINDS", "AttendanceView", "DocumentKind", "Period",
    "RegisterView", "Scope", "TranscriptView", "document_kind",
    "build_attendance", "build_register", "build_transcript", "make_scope", "resolve_period",
]
