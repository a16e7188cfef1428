"""disclose: one student's data for an authorized institution (court, police, education
authority...), minimised, encrypted, with a cover letter and an audit entry.

Every condition is checked before anything is written: a refused request leaves
nothing in --out and nothing in the audit log.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from archiver import files
from archiver.audit import AuditLog, record
from archiver.config import Config
from archiver.errors import RefusedError
from archiver.files import remove_stale_partials, withdrawn_on_failure, write_whole
from archiver.i18n import N_, _
from archiver.jobs.delivery import Delivery
from archiver.jobs.packing import (
    PackResult,
    base_bag_info,
    one_line,
    pack_bundle,
    write_how_to_open,
)
from archiver.load import load
from archiver.model import Dataset
from archiver.passwords import PasswordSlip, choose_password, write_slip_or_withdraw
from archiver.people import find_student, the_director
from archiver.render import (
    DocumentSpec,
    Progress,
    RenderedDocument,
    RunContext,
    document_title,
    page_header,
    period_phrase,
    period_text,
    plan_documents,
    render_documents,
    render_pdf,
    safe_part,
    student_file_part,
)
from archiver.sign import sign_pdf
from archiver.sign.clock import check_can_sign
from archiver.views import STUDENT_KINDS, Period, Scope, make_scope
from archiver.views.cover_letter import (
    LETTER_NAME,
    LETTER_TITLE,
    cover_letter,
    letter_page,
    staff_name,
)
from archiver.views.handover import disclosure_protocol, local_time


@dataclass(kw_only=True)
class DiscloseRequest(Delivery):
    source: Path
    student_id: str
    recipient: str
    legal_basis: str
    case_ref: str
    approved_by: str
    date_from: date | None = None
    date_to: date | None = None
    documents: Sequence[str] = ()
    slip_out: Path | None = None
    school_ref: str = ""  # the school's own reference number (nasz znak), --ref


@dataclass
class DiscloseResult:
    pack: PackResult
    letter_path: Path
    slip_path: Path | None
    seconds: float
    documents: list[str] = field(default_factory=list)


def check_request(ds: Dataset, request: DiscloseRequest) -> None:
    """Refuse (RefusedError) a disclosure the school may not make; names what is wrong."""
    for label, value in (("--recipient", request.recipient),
                         ("--legal-basis", request.legal_basis),
                         ("--case-ref", request.case_ref)):
        if not value or not value.strip():
            raise RefusedError(_("{label} must not be empty: a disclosure needs the "
                                 "recipient, the legal basis and the case reference").format(
                                   label=label))
    if not (ds.students["student_id"] == request.student_id).any():
        raise RefusedError(_("student id {student_id!r} does not exist in the export").format(
                               student_id=request.student_id))
    staff = ds.staff[ds.staff["staff_id"] == request.approved_by]
    if staff.empty:
        raise RefusedError(_("--approved-by {approved_by!r} is not a staff member in "
                             "the export").format(approved_by=request.approved_by))
    roles = {r.strip() for r in str(staff["roles"].iloc[0]).split(";")}
    if "director" not in roles:
        raise RefusedError(_("--approved-by {approved_by!r} does not have the director "
                             "role; only the director may approve a disclosure").format(
                               approved_by=request.approved_by))


def _letter_pdf(ds: Dataset, config: Config, request: DiscloseRequest, run_ctx: RunContext,
                period: str, phrase: str, kinds: Sequence[str], bundle_name: str,
                bundle_sha256: str, recipients_copy: bool) -> tuple[bytes, int]:
    letter = cover_letter(ds, config, run_ctx, recipient=request.recipient,
                          legal_basis=request.legal_basis, case_ref=request.case_ref,
                          school_ref=request.school_ref, student_id=request.student_id,
                          approved_by=request.approved_by, period=phrase, kinds=kinds,
                          bundle_name=bundle_name, bundle_sha256=bundle_sha256,
                          recipients_copy=recipients_copy)
    header = page_header(ds, config, LETTER_TITLE, period, run_ctx)
    return render_pdf("cover-letter", letter_page(letter, header), run_ctx)


def _plan(ds: Dataset, request: DiscloseRequest) -> tuple[list[DocumentSpec], list[str], str]:
    kinds = [k for k in STUDENT_KINDS if k in (request.documents or STUDENT_KINDS)]
    specs = plan_documents(ds, kinds, None, request.student_id,
                           Period(request.date_from, request.date_to))
    period = period_text(ds, _whole_request(ds, request))
    return specs, kinds, period


def _whole_request(ds: Dataset, request: DiscloseRequest) -> Scope:
    """The period the request names (a student's documents may each cover less: a stay)."""
    return make_scope(ds.meta, None, Period(request.date_from, request.date_to))


def disclose(ds: Dataset, config: Config, request: DiscloseRequest, run_ctx: RunContext, *,
             progress: Progress | None = None) -> DiscloseResult:
    """Render the student's minimised documents and pack them with the cover letter."""
    started = time.monotonic()
    specs, kinds, period = _plan(ds, request)
    out_dir = files.ensure_folder(request.out_dir)
    remove_stale_partials(out_dir)
    choice = choose_password(request.password_file, request.slip_out, out_dir, config)
    stamp = run_ctx.printed_at.strftime("%Y%m%dT%H%M%SZ")
    name = (f"{safe_part(ds.meta.school.id, 'szkola')}_udostepnienie_"
            f"{student_file_part(ds, request.student_id)}_{stamp}.zip")
    phrase = period_phrase(ds, _whole_request(ds, request))
    letter, letter_pages = _letter_pdf(ds, config, request, run_ctx, period, phrase, kinds,
                                       name, "", recipients_copy=False)
    description = disclosure_protocol(
        ds, config, run_ctx, period, recipient=request.recipient,
        legal_basis=request.legal_basis, case_ref=request.case_ref,
        student_id=request.student_id, approved_by=staff_name(ds, request.approved_by))
    header = page_header(ds, config, description.heading, period, run_ctx)
    bag_info = base_bag_info(ds, config, run_ctx, name.removesuffix(".zip"),
                                    f"Udostępnienie danych ucznia: {period}")
    bag_info.update({"Disclosure-Recipient": one_line(request.recipient),
                     "Disclosure-Legal-Basis": one_line(request.legal_basis),
                     "Disclosure-Case-Reference": one_line(request.case_ref),
                     "Disclosure-Approved-By": one_line(request.approved_by),
                     "Disclosure-Student-Id": one_line(request.student_id)})
    if request.school_ref.strip():
        bag_info["Disclosure-School-Reference"] = one_line(request.school_ref)

    def title_of(doc: RenderedDocument) -> str:
        return document_title(doc.spec, str(class_names.get(doc.spec.class_id, "")))

    class_names = dict(zip(ds.classes["class_id"], ds.classes["name"], strict=True))
    documents = render_documents(specs, ds, config, run_ctx, jobs=request.jobs,
                                 progress=progress)
    pack = pack_bundle(
        bundle_path=out_dir / name, password=choice.password, bag_info=bag_info,
        description=description, header=header, documents=documents, title_of=title_of,
        source=ds.source, forbidden_name_tokens=ds.personal_name_tokens(),
        fixed_words=(LETTER_NAME, "udostepnienie"),
        run_ctx=run_ctx, include_source=False, signer=request.signer,
        exported_at=ds.meta.exported_at,
        extra_documents=[(LETTER_NAME, LETTER_TITLE, letter, letter_pages)],
    )
    published = [pack.bundle.path, pack.bundle.sidecar_path, pack.protocol_path]
    with withdrawn_on_failure(published, "the bundle was removed with it, since the "
                                     "recipient's letter is part of the disclosure"):
        outside, _pages = _letter_pdf(ds, config, request, run_ctx, period, phrase, kinds,
                                 pack.bundle.path.name, pack.bundle.sha256, recipients_copy=True)
        if request.signer:
            outside = sign_pdf(outside, request.signer, signing_time=check_can_sign(
                request.signer, ds.meta.exported_at))
        letter_path = write_whole(
            pack.bundle.path.with_name(pack.bundle.path.name.removesuffix(".zip")
                                       + "-pismo.pdf"), outside, what=N_("the cover letter"),
                                   kind="cover-letter")
    slip_path = None
    if choice.generated:
        slip = PasswordSlip(pack.bundle.path.name, pack.bundle.sha256, choice.password,
                            local_time(ds, run_ctx), run_ctx.operator_label)
        made = [pack.bundle.path, pack.bundle.sidecar_path, pack.protocol_path, letter_path]
        slip_path = write_slip_or_withdraw(slip, request.slip_out, out_dir, made)
    return DiscloseResult(pack, letter_path, slip_path, time.monotonic() - started, kinds)


def run_disclose(request: DiscloseRequest, config: Config, *,
                 progress: Progress | None = None) -> DiscloseResult:
    """Check, then disclose and record; a refusal writes nothing and records nothing."""
    run_ctx = RunContext.create(request.operator)
    ds = load(request.source)
    # Names as the secretary typed them become ids here; only ids are recorded.
    request = dataclasses.replace(request, student_id=find_student(ds, request.student_id),
                                  approved_by=the_director(ds, request.approved_by))
    check_request(ds, request)
    if request.signer:
        check_can_sign(request.signer, ds.meta.exported_at)
    specs, kinds, period = _plan(ds, request)
    first, last = specs[0].date_from, specs[0].date_to
    log = AuditLog.for_config(config, request.state_dir)
    scope = {"school_id": ds.meta.school.id, "school_year": ds.meta.school_year,
             "student_id": request.student_id, "documents": kinds,
             "period": {"from": first.isoformat(), "to": last.isoformat()},
             "config_fingerprint": config.fingerprint()}
    with record(log, "disclose", operator=request.operator, scope=scope,
                recipient=request.recipient.strip(), legal_basis=request.legal_basis.strip(),
                case_ref=request.case_ref.strip(), approved_by=request.approved_by,
                record_refusals=False) as rec:
        with files.output_folder(request.out_dir):
            result = disclose(ds, config, request, run_ctx, progress=progress)
        rec.add_output(result.pack.bundle.path, kind="bundle")
        rec.add_output(result.letter_path, kind="cover-letter")
        rec.add_output(result.pack.protocol_path, kind="protocol")
        write_how_to_open(rec, result.pack.bundle.path.name,
                                 [result.pack.bundle.path.parent], disclosure=True)
    return result
