"""A disclosure's cover letter (pismo przewodnie): what it says to the recipient.

Two copies: one inside the encrypted bundle, one beside it for the recipient
(`recipients_copy`), readable before the password arrives. Both name only the student
the data concern, never anyone else.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from archiver.config import Config
from archiver.model import Dataset
from archiver.views.certification import place_date
from archiver.views.common import school_name, sex_from_pesel
from archiver.views.handover import made_at
from archiver.views.kinds import DOCUMENT_KINDS, PAGE_KINDS

if TYPE_CHECKING:
    from archiver.render.context import RunContext

LETTER_NAME = "pismo-przewodnie.pdf"  # its name inside the bundle
LETTER_TITLE = PAGE_KINDS["cover-letter"].title


def staff_name(ds: Dataset, staff_id: str) -> str:
    row = ds.staff[ds.staff["staff_id"] == staff_id].iloc[0]
    return f"{row['first_name']} {row['last_name']}"


def student_name(ds: Dataset, student_id: str) -> str:
    row = ds.students[ds.students["student_id"] == student_id].iloc[0]
    return f"{row['first_name']} {row['last_name']}"


def pupil_sex(ds: Dataset, student_id: str) -> str:
    """"F" or "M" from the pupil's PESEL, "" when it is not known."""
    row = ds.students[ds.students["student_id"] == student_id].iloc[0]
    return sex_from_pesel(row.get("pesel")) or ""


def pupil_phrase(ds: Dataset, student_id: str) -> str:
    """Whom the data concern, phrased so that no name needs declining: "dotyczące ucznia:
    Jan Kowalski", "dotyczące uczennicy: Anna Nowak" (sex from the PESEL); without a PESEL
    a form that needs no gender: "dotyczące: Anna Nowak"."""
    noun = {"F": " uczennicy", "M": " ucznia"}.get(pupil_sex(ds, student_id), "")
    return f"dotyczące{noun}: {student_name(ds, student_id)}"


def cover_letter(ds: Dataset, config: Config, run_ctx: RunContext, *, recipient: str,
                 legal_basis: str, case_ref: str, school_ref: str, student_id: str,
                 approved_by: str, period: str, kinds: Sequence[str], bundle_name: str,
                 bundle_sha256: str, recipients_copy: bool) -> dict[str, Any]:
    """What cover_letter.html gets as `letter` (`approved_by`: the director's staff id,
    `period`: the period in a sentence, "za ...")."""
    return {
        "place_date": place_date(ds, config, run_ctx.printed_at),
        "school": school_name(ds, config),
        "school_address": ds.meta.school.address,
        "school_ref": school_ref.strip(),
        "recipient": recipient.strip(),
        "legal_basis": legal_basis.strip(),
        "case_ref": case_ref.strip(),
        "student_id": student_id,
        "pupil": pupil_phrase(ds, student_id),
        "period": period,
        "scope": [DOCUMENT_KINDS[k].scope_words[pupil_sex(ds, student_id)] for k in kinds],
        "approved_by": config.school.director or staff_name(ds, approved_by),
        "operator": run_ctx.operator_label,
        "made_at": made_at(ds, run_ctx),
        "bundle_name": bundle_name,
        "bundle_sha256": bundle_sha256,
        "recipients_copy": recipients_copy,
    }


def letter_page(letter: dict[str, Any], header: Any) -> dict[str, Any]:
    """What cover_letter.html gets."""
    return {"letter": letter, "header": header}
