"""PAdES signatures on PDF/A documents, and their verification.

Without a time-stamping authority a signature is baseline-B: its time is the signer's
claim. With one (Signer.timestamps) it is B-LTA: a signature timestamp (B-T), then in
one more revision the chain and OCSP/CRL answers of the signer and the TSA in a DSS
(B-LT) and a document timestamp over it all (LTA); archive_timestamp() adds a further
DSS update and document timestamp later, before the last TSA certificate expires.

Signing is an incremental update that adds only an invisible signature field (zero-size
widget outside the page, with the print flag, no appearance stream, so no font) and the
signature dictionary. pyHanko by default also rewrites the document information and the XMP
metadata (producer, modification date) in a way that breaks PDF/A (the info dictionary
and XMP disagree; the new XMP stream is compressed): we keep both untouched instead.
"""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import replace
from datetime import UTC, datetime
from io import BytesIO

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.fields import (
    InvisSigSettings,
    SigFieldSpec,
    SigSeedSubFilter,
    append_signature_field,
    enumerate_sig_fields,
)
from pyhanko.sign.general import extract_certificate_info
from pyhanko.sign.signers.pdf_signer import (
    PdfSignatureMetadata,
    PdfSigner,
    PdfTimeStamper,
    TimestampDSSContentSettings,
)
from pyhanko.sign.validation import EmbeddedPdfSignature, async_validate_pdf_signature
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko.sign.validation.status import PdfSignatureStatus, SignatureCoverageLevel
from pyhanko_certvalidator import CertificateValidator, ValidationContext

from archiver.errors import InputError
from archiver.i18n import Message, _
from archiver.sign.certs import quiet_libraries
from archiver.sign.keys import Signer
from archiver.sign.longterm import check_pdf_at, checked_verdict
from archiver.sign.timestamping import TimestampService, online_context, self_signed
from archiver.sign.verdict import SignatureVerdict, broken

DEFAULT_REASON = "Podpis dokumentu archiwalnego"
FIELD_PREFIX = "Podpis"
TIMESTAMP_PREFIX = "ZnacznikCzasu"
# zero-size, printable (PDF/A forbids hidden annotations) and outside the page, which
# PDF/UA accepts for an untagged widget (the render layer claims PDF/UA too)
_INVISIBLE = InvisSigSettings(set_print_flag=True, box_out_of_bounds=True)


class _MetadataKeepingWriter(IncrementalPdfFileWriter):
    """An incremental writer that leaves Info and XMP alone and derives the new file ID."""

    signing_time: datetime

    def _update_meta(self) -> None:  # pyHanko hook; see the module docstring for why
        return None

    @classmethod
    def _handle_id(cls, prev: PdfFileReader) -> generic.ArrayObject:
        # keep ID[0] (same document); ID[1] from the content, so signing is reproducible
        ids = super()._handle_id(prev)
        seed = hashlib.sha256(bytes(ids[0]) + prev.last_startxref.to_bytes(8, "big"))
        return generic.ArrayObject([ids[0], generic.ByteStringObject(seed.digest()[:16])])


class _PinnedClockSigner(PdfSigner):
    """PdfSigner whose signature time (/M) is the caller's, not the wall clock."""

    def __init__(self, *args: object, signing_time: datetime, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self._signing_time = signing_time

    def init_signing_session(self, pdf_out, existing_fields_only=False):  # noqa: ANN001
        session = super().init_signing_session(pdf_out, existing_fields_only=existing_fields_only)
        session.system_time = self._signing_time
        return session


def _free_field_name(reader: PdfFileReader, prefix: str = FIELD_PREFIX) -> str:
    taken = {name for name, *_ in enumerate_sig_fields(reader)}
    number = 1
    while f"{prefix}{number}" in taken:
        number += 1
    return f"{prefix}{number}"


def sign_pdf(
    pdf: bytes,
    signer: Signer,
    *,
    reason: str = DEFAULT_REASON,
    location: str | None = None,
    signing_time: datetime,
) -> bytes:
    """Add a PAdES signature (ETSI.CAdES.detached) to a PDF, keeping PDF/A intact:
    baseline-B, or B-LTA when the signer has a time-stamping authority."""
    if signing_time.tzinfo is None:
        raise ValueError("signing_time must be timezone-aware")
    signer.check_valid_at(signing_time)
    try:
        writer = _MetadataKeepingWriter(BytesIO(pdf), strict=False)
        field_name = _free_field_name(writer.prev)
    except (PdfError, ValueError) as exc:
        raise InputError(_("cannot sign: not a readable PDF ({exc})").format(exc=exc)) from None
    meta = PdfSignatureMetadata(
        field_name=field_name,
        subfilter=SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason,
        location=location,
    )
    field_spec = SigFieldSpec(sig_field_name=field_name, invis_sig_settings=_INVISIBLE)
    service = signer.timestamps
    with quiet_libraries():
        if service is None:
            pdf_signer = _PinnedClockSigner(meta, signer=signer.backend,
                                            new_field_spec=field_spec, signing_time=signing_time)
            return asyncio.run(pdf_signer.async_sign_pdf(writer)).getvalue()
        return asyncio.run(_sign_lta(writer, meta, field_spec, signer, service, signing_time))


def long_term_roots(signer: Signer) -> list:
    """The roots the long-term data are collected against: those in the PKCS#12 chain."""
    roots = self_signed(list(signer.chain))
    if not roots:
        raise InputError(
            _("the signing key file holds no root certificate, so no long-term "
              "validation data (chain, OCSP/CRL) can be collected for the timestamped "
              "signatures"),
            hint=_("export the PKCS#12 with the whole certificate chain, root included"))
    return roots


async def _sign_lta(writer: IncrementalPdfFileWriter, meta: PdfSignatureMetadata,
                    field_spec: SigFieldSpec, signer: Signer, service: TimestampService,
                    signing_time: datetime) -> bytes:
    async with online_context(long_term_roots(signer), list(signer.chain)) as (context, http):
        timestamper = service.timestamper(http)
        pdf_signer = _PinnedClockSigner(meta, signer=signer.backend, timestamper=timestamper,
                                        new_field_spec=field_spec, signing_time=signing_time)
        signed = (await pdf_signer.async_sign_pdf(writer)).getvalue()
        validator = CertificateValidator(signer.certificate, list(signer.chain),
                                         validation_context=context)
        path = await validator.async_validate_usage(set())  # fetches its OCSP/CRL now
        return await _document_timestamp(signed, context, timestamper, [path])


async def _document_timestamp(pdf: bytes, context, timestamper, paths: list) -> bytes:
    """One revision: the DSS updated with `paths`, the TSA's chain and every OCSP/CRL the
    context fetched, then a document timestamp over the whole file (PAdES-LTA)."""
    writer = _MetadataKeepingWriter(BytesIO(pdf), strict=False)
    DocumentSecurityStore.supply_dss_in_writer(writer, None, paths=paths,
                                               validation_context=context)
    field_name = _free_field_name(writer.prev, TIMESTAMP_PREFIX)
    append_signature_field(writer, SigFieldSpec(sig_field_name=field_name,
                                                invis_sig_settings=_INVISIBLE))
    output = BytesIO()
    await PdfTimeStamper(timestamper, field_name=field_name).async_timestamp_pdf(
        writer, "sha256", validation_context=context, output=output,
        dss_settings=TimestampDSSContentSettings(update_before_ts=True, include_vri=False))
    return output.getvalue()


def archive_timestamp(pdf: bytes, service: TimestampService, trust_roots: list) -> bytes:
    """Renew a B-LTA PDF: revocation data of its last timestamp's TSA now, and a new
    document timestamp from `service` over everything (a new revision; nothing changed)."""
    reader = PdfFileReader(BytesIO(pdf), strict=False)
    stamps = [extract_certificate_info(s.signed_data) for s in reader.embedded_timestamp_signatures]
    if not stamps:
        raise InputError(_("the PDF has no document timestamp to renew (not PAdES "
                           "B-LTA)"))

    async def run() -> bytes:
        async with online_context(trust_roots, []) as (context, http):
            paths = []
            for info in stamps:  # the earlier TSAs' status now, while they are still valid
                validator = CertificateValidator(info.signer_cert, info.other_certs,
                                                 validation_context=context)
                paths.append(await validator.async_validate_usage(
                    set(), extended_key_usage={"time_stamping"}))
            return await _document_timestamp(pdf, context, service.timestamper(http), paths)

    with quiet_libraries():
        return asyncio.run(run())


def verify_pdf(
    pdf: bytes, trust_roots: list | None = None, *, target: str = "PDF",
    at: datetime | None = None,
) -> list[SignatureVerdict]:
    """One verdict per signature in the PDF (empty list: the PDF is not signed), its
    trust judged at `at` (default now)."""
    try:
        reader = PdfFileReader(BytesIO(pdf), strict=False)
        embedded = list(reader.embedded_regular_signatures)
    except Exception as exc:  # pyHanko raises many kinds on a damaged file
        if b"/ByteRange" not in pdf:
            return []  # unreadable but never signed: integrity is the manifests' job
        return [broken(target, "PAdES", f"the PDF cannot be read ({type(exc).__name__})")]
    verdicts = [_verify_one(sig, trust_roots, target, at or datetime.now(UTC))
                for sig in embedded]
    if verdicts and pdf[pdf.rfind(b"%%EOF") + 5 :].strip():
        # pyHanko tolerates junk after the last %%EOF; an archived file must not carry any
        verdicts = [
            replace(v, intact=False, problems=(*v.problems, "data appended after the PDF's end"))
            for v in verdicts
        ]
    return verdicts


def _timestamped(embedded: EmbeddedPdfSignature) -> bool:
    """A signature timestamp, or document timestamps after the signature (LTA)."""
    from archiver.sign.cades import signature_timestamps

    return bool(signature_timestamps(embedded.signed_data)
                or embedded.reader.embedded_timestamp_signatures)


def _unchanged_since_signing(status: PdfSignatureStatus) -> bool:
    # later revisions may only add signatures (another signer, a timestamp), nothing else
    if status.coverage is SignatureCoverageLevel.ENTIRE_FILE:
        return True
    level = status.modification_level
    return (
        status.coverage is SignatureCoverageLevel.ENTIRE_REVISION
        and level is not None
        and level <= ModificationLevel.FORM_FILLING
        and status.docmdp_ok is not False
    )


def _verify_one(
    embedded: EmbeddedPdfSignature, trust_roots: list | None, target: str, moment: datetime
) -> SignatureVerdict:
    label = f"{target} ({embedded.field_name})"
    try:
        with quiet_libraries():
            status = asyncio.run(
                async_validate_pdf_signature(
                    embedded, signer_validation_context=ValidationContext(trust_roots=[])
                )
            )
    except Exception as exc:  # a damaged signature container
        return broken(label, "PAdES", f"the signature cannot be read ({type(exc).__name__})")
    problems = []
    if not status.intact:
        problems.append(Message("the signed bytes were changed (digest mismatch)"))
    elif not status.valid:
        problems.append(Message("the signature value does not match the signer's key"))
    unchanged = _unchanged_since_signing(status)
    if not unchanged:
        problems.append(Message("the file was changed after it was signed"))
    certs = extract_certificate_info(embedded.signed_data)
    signing_time = embedded.self_reported_timestamp
    check = (check_pdf_at(embedded, trust_roots, moment)
             if trust_roots is not None and _timestamped(embedded) else None)
    kind = ("PAdES" if embedded.sig_object.get("/SubFilter") == "/ETSI.CAdES.detached"
            else "PDF (not PAdES)")
    return checked_verdict(label, kind, intact=status.intact and status.valid and unchanged,
                           certs=certs, signing_time=signing_time, problems=problems,
                           trust_roots=trust_roots, moment=moment, timestamp_check=check)


