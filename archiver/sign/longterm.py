"""Checking a signature at a chosen time, as an archive must, years after it was made.

pyHanko's AdES validation (ETSI EN 319 102-1) decides, offline, from what the signature
carries: a signature timestamp proves when it was made; the chain and OCSP/CRL answers
kept with it (the PDF's DSS, the `.p7s`'s certificates and crls) show the certificates
were valid and unrevoked then; document or archive timestamps prove all that existed
while the timestamping authorities' own certificates were valid. Revocation answers are
accepted however old (MAX_DIFF freshness of a century): an archive read offline cannot
learn of a later revocation, and says which time it relied on.
"""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from asn1crypto import cms
from pyhanko.sign.ades.report import AdESFailure, AdESIndeterminate, AdESPassed
from pyhanko.sign.general import extract_certificate_info
from pyhanko.sign.validation import ades
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.policy_decl import (
    LocalKnowledge,
    PdfSignatureValidationSpec,
    RevinfoOnlineFetchingRule,
    RevocationInfoGatheringSpec,
    SignatureValidationSpec,
)
from pyhanko_certvalidator.context import CertValidationPolicySpec
from pyhanko_certvalidator.ltv.types import ValidationTimingInfo
from pyhanko_certvalidator.policy_decl import (
    CertRevTrustPolicy,
    FreshnessReqType,
    RevocationCheckingPolicy,
    RevocationCheckingRule,
)
from pyhanko_certvalidator.registry import SimpleTrustManager
from pyhanko_certvalidator.revinfo.archival import CRLContainer, OCSPContainer

from archiver.sign.certs import check_chain, display_name, quiet_libraries
from archiver.sign.verdict import SignatureVerdict, Trust

_ANY_AGE = timedelta(days=36500)
_NO_POE = (AdESIndeterminate.NO_POE, AdESIndeterminate.OUT_OF_BOUNDS_NO_POE,
           AdESIndeterminate.OUT_OF_BOUNDS_NOT_REVOKED, AdESIndeterminate.EXPIRED)


@dataclass(frozen=True)
class TimeCheck:
    """What AdES validation at `moment` found for one signature."""

    passed: bool
    moment: datetime  # the validation time (verify --at, else now)
    proven_time: datetime | None  # when a timestamp proves the signature existed
    problem: str | None = None


def checked_verdict(target: str, kind: str, *, intact: bool, certs: object,
                    signing_time: datetime | None, problems: list, trust_roots: list | None,
                    moment: datetime, timestamp_check: TimeCheck | None) -> SignatureVerdict:
    """The verdict of a signature whose bytes were checked (`intact`, `problems` so far):
    trusted as `timestamp_check` found when it is timestamped and roots were given; else
    (no timestamp: its time is a claim) as the signer's chain holds at `moment`."""
    proven = None
    if timestamp_check is not None:
        trust = Trust.TRUSTED if timestamp_check.passed else Trust.UNTRUSTED
        trust_problem, proven = timestamp_check.problem, timestamp_check.proven_time
    else:
        trust, trust_problem = check_chain(certs.signer_cert, certs.other_certs, trust_roots,
                                           moment)
    if trust_problem:
        problems.append(trust_problem)
    return SignatureVerdict(
        target=target,
        kind=kind,
        intact=intact,
        trust=trust,
        signer=display_name(certs.signer_cert.subject),
        issuer=display_name(certs.signer_cert.issuer),
        signing_time=signing_time,
        problems=tuple(problems),
        proven_time=proven,
        checked_at=moment if trust_roots is not None else None,
    )


def validation_spec(trust_roots: list, ocsps: list = (), crls: list = (),
                    certs: list = ()) -> SignatureValidationSpec:
    """Offline validation against `trust_roots`, OCSP or CRL required for every
    certificate, from what the signature carries plus the given revocation data."""
    rule = RevocationCheckingRule.CRL_OR_OCSP_REQUIRED
    policy = CertValidationPolicySpec(
        trust_manager=SimpleTrustManager.build(trust_roots=list(trust_roots)),
        revinfo_policy=CertRevTrustPolicy(
            RevocationCheckingPolicy(rule, rule), freshness=_ANY_AGE,
            freshness_req_type=FreshnessReqType.MAX_DIFF_REVOCATION_VALIDATION))
    knowledge = LocalKnowledge(
        known_ocsps=[c for o in ocsps for c in OCSPContainer.load_multi(o)],
        known_crls=[CRLContainer(c) for c in crls], known_certs=list(certs))
    return SignatureValidationSpec(
        cert_validation_policy=policy, local_knowledge=knowledge,
        revinfo_gathering_policy=RevocationInfoGatheringSpec(
            online_fetching_rule=RevinfoOnlineFetchingRule.LOCAL_ONLY))


def _timing(moment: datetime) -> ValidationTimingInfo:
    return ValidationTimingInfo(moment, moment, True)


def _problem(subindication: object, moment: datetime) -> str:
    when = f"{moment.astimezone(UTC):%Y-%m-%d}"
    if subindication in _NO_POE:
        return (f"at {when} no timestamp proves the signature existed while its "
                "certificates were valid (expired, and not renewed in time)")
    if subindication in (AdESIndeterminate.REVOKED_NO_POE, AdESIndeterminate.REVOKED_CA_NO_POE,
                         AdESFailure.REVOKED):
        return "a certificate in the chain is revoked"
    if subindication is AdESIndeterminate.NO_CERTIFICATE_CHAIN_FOUND:
        return "no chain from the signer's certificate to a --trust root"
    if subindication in (AdESIndeterminate.TRY_LATER,
                         AdESIndeterminate.REVOCATION_OUT_OF_BOUNDS_NO_POE):
        return ("no OCSP response or CRL kept with the signature covers its certificates "
                "(not long-term: it cannot be checked offline)")
    name = getattr(subindication, "name", str(subindication))
    return f"the signature does not validate at {when} ({name})"


def check_pdf_at(embedded: EmbeddedPdfSignature, trust_roots: list,
                 moment: datetime) -> TimeCheck:
    """A PAdES signature at `moment`: B-T/LT/LTA validation with the DSS and the chain of
    document timestamps as its evidence."""
    spec = PdfSignatureValidationSpec(validation_spec(trust_roots))
    with quiet_libraries():
        result = asyncio.run(ades.ades_lta_validation(embedded, spec, _timing(moment)))
    return _outcome(result.ades_subindic, result.best_signature_time, moment, True)


def check_cms_at(signed: cms.SignedData, data: bytes, trust_roots: list, moment: datetime,
                 *, evidence_time: datetime | None = None) -> TimeCheck:
    """A detached CAdES signature over `data` at `moment`, with the certificates and
    revocation answers it carries. `evidence_time`: a time an archive timestamp proves
    the signature and its data existed (then it is judged as of that time)."""
    from archiver.sign.cades import evidence, signature_timestamps

    ocsps, crls = evidence(signed)
    spec = validation_spec(trust_roots, ocsps, crls)
    when = evidence_time or moment
    with quiet_libraries():
        result = asyncio.run(ades.ades_with_time_validation(
            signed, spec, timing_info=_timing(when),
            raw_digest=hashlib.sha256(data).digest()))
    return _outcome(result.ades_subindic, result.best_signature_time, moment,
                    bool(signature_timestamps(signed)))


def _outcome(subindication: object, best_time: datetime | None, moment: datetime,
             timestamped: bool) -> TimeCheck:
    if subindication is AdESPassed.OK:
        return TimeCheck(True, moment, best_time if timestamped else None)
    return TimeCheck(False, moment, None, _problem(subindication, moment))


def timestamp_expiry(token: cms.ContentInfo) -> datetime:
    """When the certificate of the TSA that issued `token` expires."""
    cert = extract_certificate_info(token["content"]).signer_cert
    return cert["tbs_certificate"]["validity"]["not_after"].native
