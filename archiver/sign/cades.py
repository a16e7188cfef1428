"""Detached CMS (CAdES) signatures, `.p7s` in DER, over the bag's tag manifest.

Without a time-stamping authority: CAdES-BES (baseline-B). With one: a
signature-time-stamp (CAdES-T), then the signer's and the TSA's chains in
SignedData.certificates and their OCSP responses / CRLs in SignedData.crls (the
CAdES B-LT places, ETSI EN 319 122-1): unsigned, so the signature is unchanged, and a
verifier years later needs no network.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
from datetime import UTC, datetime

from asn1crypto import cms, pem
from pyhanko.sign.general import extract_certificate_info
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes
from pyhanko.sign.validation import async_validate_detached_cms
from pyhanko_certvalidator import CertificateValidator, ValidationContext

from archiver.i18n import Message
from archiver.sign.certs import quiet_libraries
from archiver.sign.keys import Signer
from archiver.sign.longterm import check_cms_at, checked_verdict
from archiver.sign.timestamping import online_context
from archiver.sign.verdict import SignatureVerdict, broken

KIND = "CAdES"


def sign_detached(data: bytes, signer: Signer, signing_time: datetime) -> bytes:
    """A detached CAdES signature (DER `.p7s`) over `data`, dated `signing_time`:
    CAdES-BES, or CAdES-T with long-term data when the signer has a TSA."""
    if signing_time.tzinfo is None:
        raise ValueError("signing_time must be timezone-aware")
    signer.check_valid_at(signing_time)
    attributes = PdfCMSSignedAttributes(signing_time=signing_time)
    if signer.timestamps is None:
        coro = signer.backend.async_sign_general_data(
            data, "sha256", detached=True, use_cades=True, signed_attr_settings=attributes)
        with quiet_libraries():
            return asyncio.run(coro).dump()
    with quiet_libraries():
        return asyncio.run(_sign_long_term(data, signer, attributes)).dump()


async def _sign_long_term(data: bytes, signer: Signer,
                          attributes: PdfCMSSignedAttributes) -> cms.ContentInfo:
    from archiver.sign.pades import long_term_roots

    assert signer.timestamps is not None
    async with online_context(long_term_roots(signer), list(signer.chain)) as (context, http):
        info = await signer.backend.async_sign_general_data(
            data, "sha256", detached=True, use_cades=True, signed_attr_settings=attributes,
            timestamper=signer.timestamps.timestamper(http))
        paths = [await CertificateValidator(signer.certificate, list(signer.chain),
                                            validation_context=context
                                            ).async_validate_usage(set())]
        for token in signature_timestamps(info["content"]):
            tsa = extract_certificate_info(token["content"])
            paths.append(await CertificateValidator(
                tsa.signer_cert, tsa.other_certs, validation_context=context
            ).async_validate_usage(set(), extended_key_usage={"time_stamping"}))
        add_evidence(info["content"], [c for p in paths for c in p], context.ocsps,
                     context.crls)
    return info


def signature_timestamps(signed: cms.SignedData) -> list[cms.ContentInfo]:
    """The RFC 3161 tokens in the signer's signature-time-stamp attributes (CAdES-T)."""
    attrs = signed["signer_infos"][0]["unsigned_attrs"]
    if attrs.native is None:
        return []
    return [value for attr in attrs if attr["type"].native == "signature_time_stamp_token"
            for value in attr["values"]]


def add_evidence(signed: cms.SignedData, certs: list, ocsps: list, crls: list) -> None:
    """Certificates and revocation answers into SignedData (unsigned fields), once each."""
    present = {c.chosen.dump() for c in signed["certificates"]} if signed["certificates"] \
        else set()
    choices = list(signed["certificates"]) if signed["certificates"] else []
    for cert in certs:
        if cert.dump() not in present:
            present.add(cert.dump())
            choices.append(cms.CertificateChoices(name="certificate", value=cert))
    signed["certificates"] = choices
    revocation = list(signed["crls"]) if signed["crls"] else []
    seen = {r.chosen.dump() for r in revocation}
    for crl in crls:
        if crl.dump() not in seen:
            revocation.append(cms.RevocationInfoChoice(name="crl", value=crl))
    for response in ocsps:
        other = cms.OtherRevocationInfoFormat({"other_rev_info_format": "ocsp_response",
                                               "other_rev_info": response})
        if other.dump() not in seen:
            revocation.append(cms.RevocationInfoChoice(name="other", value=other))
    signed["crls"] = revocation


def evidence(signed: cms.SignedData) -> tuple[list, list]:
    """The OCSP responses and CRLs kept in SignedData.crls (CAdES B-LT)."""
    ocsps, crls = [], []
    for choice in signed["crls"] if signed["crls"] else []:
        if choice.name == "crl":
            crls.append(choice.chosen)
        elif choice.name == "other" and \
                choice.chosen["other_rev_info_format"].native == "ocsp_response":
            ocsps.append(choice.chosen["other_rev_info"])
    return ocsps, crls


def parse_cms(p7s: bytes) -> cms.SignedData:
    """The SignedData of a `.p7s` in DER, PEM or bare base64; ValueError if it is none."""
    if pem.detect(p7s):
        _kind, _headers, p7s = pem.unarmor(p7s)
    elif p7s[:1] != b"\x30":  # not DER: some signing applications save base64 text
        try:
            p7s = base64.b64decode(b"".join(p7s.split()), validate=True)
        except (binascii.Error, ValueError):
            raise ValueError("neither DER nor base64") from None
    info = cms.ContentInfo.load(p7s, strict=True)
    if info["content_type"].native != "signed_data":
        raise ValueError(f"a CMS {info['content_type'].native}, not signed data")
    signed = info["content"]
    signed.native  # parse fully now so a damaged file fails here  # noqa: B018
    return signed


def verify_detached(
    data: bytes,
    p7s: bytes,
    trust_roots: list | None = None,
    *,
    target: str = "tagmanifest-sha256.txt",
    at: datetime | None = None,
) -> SignatureVerdict:
    """Check a `.p7s` over `data`: digest and signature value, signer, time, and trust at
    `at` (default now; a timestamped one with its long-term evidence, AdES)."""
    try:
        signed = parse_cms(p7s)
    except (ValueError, TypeError, KeyError) as exc:
        return broken(target, KIND, f"not a readable CMS signature ({exc})")
    if len(signed["signer_infos"]) != 1:
        return broken(target, KIND, f"{len(signed['signer_infos'])} signers in one file; "
                      "only single-signer signatures are supported")
    content = signed["encap_content_info"]["content"]
    if content.native is not None:
        # an enveloping .p7s holds the file: it must be this one; then check it as detached
        # (the signature covers the content's digest, not where the content is kept)
        if content.native != data:
            return broken(target, KIND, "the signature carries different content than this file")
        content_type = signed["encap_content_info"]["content_type"].native
        signed = signed.untag()  # a copy, free of its ContentInfo wrapper
        signed["encap_content_info"] = {"content_type": content_type}
    try:
        with quiet_libraries():
            status = asyncio.run(
                async_validate_detached_cms(
                    data, signed, signer_validation_context=ValidationContext(trust_roots=[])
                )
            )
    except Exception as exc:  # any failure inside a damaged container
        return broken(target, KIND, f"the signature cannot be checked ({type(exc).__name__})")
    certs = extract_certificate_info(signed)
    problems = []
    if not status.intact:
        problems.append(Message("the signed file was changed (digest mismatch)"))
    elif not status.valid:
        problems.append(Message("the signature value does not match the signer's key"))
    signing_time = status.signer_reported_dt
    if signing_time is None:
        problems.append(Message("no signing time in the signature"))
    moment = at or datetime.now(UTC)
    check = (check_cms_at(signed, data, trust_roots, moment)
             if trust_roots is not None and signature_timestamps(signed) else None)
    return checked_verdict(target, KIND, intact=status.intact and status.valid, certs=certs,
                           signing_time=signing_time, problems=problems,
                           trust_roots=trust_roots, moment=moment, timestamp_check=check)
