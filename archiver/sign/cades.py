"""Detached CMS (CAdES-BES) signatures, `.p7s` in DER, over a manifest of the bag."""

from __future__ import annotations

import asyncio
import base64
import binascii
from datetime import datetime

from asn1crypto import cms, pem
from pyhanko.sign.general import extract_certificate_info
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes
from pyhanko.sign.validation import async_validate_detached_cms
from pyhanko_certvalidator import ValidationContext

from archiver.sign.certs import check_chain, display_name, quiet_libraries
from archiver.sign.keys import Signer
from archiver.sign.verdict import SignatureVerdict, broken

KIND = "CAdES"


def sign_detached(data: bytes, signer: Signer, signing_time: datetime) -> bytes:
    """A detached CAdES-BES signature (DER `.p7s`) over `data`, dated `signing_time`."""
    if signing_time.tzinfo is None:
        raise ValueError("signing_time must be timezone-aware")
    signer.check_valid_at(signing_time)
    coro = signer.backend.async_sign_general_data(
        data,
        "sha256",
        detached=True,
        use_cades=True,
        signed_attr_settings=PdfCMSSignedAttributes(signing_time=signing_time),
    )
    with quiet_libraries():
        return asyncio.run(coro).dump()


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
    target: str = "manifest-sha256.txt",
) -> SignatureVerdict:
    """Check a `.p7s` over `data`: digest and signature value, signer, time, and trust."""
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
        problems.append("the signed file was changed (digest mismatch)")
    elif not status.valid:
        problems.append("the signature value does not match the signer's key")
    signing_time = status.signer_reported_dt
    if signing_time is None:
        problems.append("no signing time in the signature")
    trust, trust_problem = check_chain(
        certs.signer_cert, certs.other_certs, trust_roots, signing_time
    )
    if trust_problem:
        problems.append(trust_problem)
    return SignatureVerdict(
        target=target,
        kind=KIND,
        intact=status.intact and status.valid,
        trust=trust,
        signer=display_name(certs.signer_cert.subject),
        issuer=display_name(certs.signer_cert.issuer),
        signing_time=signing_time,
        problems=tuple(problems),
    )
