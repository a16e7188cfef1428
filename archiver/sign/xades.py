"""Verification of detached XAdES-BES signatures (`.xades`) made elsewhere over the manifest.

Polish signing applications (for a qualified signature or podpis osobisty) commonly save
a detached XAdES whose data reference points at the signed file by name. We check the
XML signature with signxml, bound to the certificate the signature itself names in
xades:SigningCertificate, and then the chain with the same offline check as CAdES/PAdES.
"""

from __future__ import annotations

import base64
import hashlib
import re
from datetime import UTC, datetime, timedelta

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from lxml import etree
from signxml.exceptions import InvalidCertificate, InvalidDigest, SignXMLException
from signxml.xades import XAdESSignatureConfiguration, XAdESVerifier

from archiver.i18n import Message
from archiver.sign.certs import check_chain, display_name, quiet_libraries
from archiver.sign.verdict import SignatureVerdict, broken

KIND = "XAdES"
NS = {
    "ds": "http://www.w3.org/2000/09/xmldsig#",
    "xades": "http://uri.etsi.org/01903/v1.3.2#",
}
_DIGESTS = {
    "http://www.w3.org/2001/04/xmlenc#sha256": hashlib.sha256,
    "http://www.w3.org/2001/04/xmldsig-more#sha384": hashlib.sha384,
    "http://www.w3.org/2001/04/xmlenc#sha512": hashlib.sha512,
    "http://www.w3.org/2000/09/xmldsig#sha1": hashlib.sha1,
}


class _Unusable(ValueError):
    """The XAdES file is readable XML but not a signature we can check."""


def looks_like_xml(signature: bytes) -> bool:
    """True for an XML document (XAdES), False for anything else (CMS)."""
    return signature.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"<"


def _parse(xml: bytes) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        return etree.fromstring(xml, parser)
    except etree.XMLSyntaxError as exc:
        raise _Unusable(f"not well-formed XML (line {exc.lineno})") from None


def _signature_element(root: etree._Element) -> etree._Element:
    if root.tag == f"{{{NS['ds']}}}Signature":
        return root
    found = root.findall(".//ds:Signature", NS)
    if len(found) != 1:
        raise _Unusable(f"{len(found)} ds:Signature elements; exactly one is supported")
    return found[0]


def _signing_cert(sig: etree._Element) -> x509.Certificate:
    """The certificate that xades:SigningCertificate(V2) names, taken from ds:KeyInfo."""
    certs = []
    for node in sig.findall("ds:KeyInfo/ds:X509Data/ds:X509Certificate", NS):
        certs.append(x509.load_der_x509_certificate(base64.b64decode("".join(node.text.split()))))
    cert_digest = sig.find(".//xades:SignedSignatureProperties/*/xades:Cert/xades:CertDigest", NS)
    if cert_digest is None:
        raise _Unusable("no xades:SigningCertificate: not a XAdES-BES signature")
    algorithm = cert_digest.find("ds:DigestMethod", NS).get("Algorithm")
    if algorithm not in _DIGESTS:
        raise _Unusable(f"unsupported certificate digest algorithm {algorithm}")
    expected = base64.b64decode(cert_digest.find("ds:DigestValue", NS).text or "")
    for cert in certs:
        if _DIGESTS[algorithm](cert.public_bytes(Encoding.DER)).digest() == expected:
            return cert
    raise _Unusable("the signing certificate named in the signature is not in ds:KeyInfo")


def _signing_time(sig: etree._Element) -> datetime | None:
    node = sig.find(".//xades:SignedSignatureProperties/xades:SigningTime", NS)
    if node is None or not (node.text or "").strip():
        return None
    try:
        return datetime.fromisoformat(node.text.strip())
    except ValueError:
        raise _Unusable("xades:SigningTime is not a date and time") from None


def _inside_validity(cert: x509.Certificate, moment: datetime | None) -> datetime:
    # signxml refuses a certificate outside its validity at verification_time; validity
    # is a trust question here, checked by check_chain, so integrity is checked inside it
    start, end = cert.not_valid_before_utc, cert.not_valid_after_utc
    if moment is None or moment < start or moment > end:
        return start + timedelta(seconds=1)
    return moment


def verify_xades(
    data: bytes,
    xades: bytes,
    trust_roots: list | None = None,
    *,
    target: str = "tagmanifest-sha256.txt",
    at: datetime | None = None,
) -> SignatureVerdict:
    """Check a detached XAdES-BES over `data`: references, signature value, signer, and
    trust at `at` (default now: its signing time is only claimed)."""
    try:
        root = _parse(xades)
        sig = _signature_element(root)
        cert = _signing_cert(sig)
        signing_time = _signing_time(sig)
    except (_Unusable, ValueError, TypeError, AttributeError) as exc:
        return broken(target, KIND, f"not a usable XAdES signature ({exc})")
    intact, problems = _check_integrity(data, xades, sig, cert, signing_time)
    asn1_cert = asn1_x509.Certificate.load(cert.public_bytes(Encoding.DER))
    intermediates = [asn1_x509.Certificate.load(base64.b64decode("".join(n.text.split())))
                     for n in sig.findall("ds:KeyInfo/ds:X509Data/ds:X509Certificate", NS)]
    moment = at or datetime.now(UTC)
    trust, trust_problem = check_chain(asn1_cert, intermediates, trust_roots, moment)
    if trust_problem:
        problems.append(trust_problem)
    if signing_time is None:
        problems.append(Message("no signing time in the signature"))
    return SignatureVerdict(
        target=target,
        kind=KIND,
        intact=intact,
        trust=trust,
        signer=display_name(asn1_cert.subject),
        issuer=display_name(asn1_cert.issuer),
        signing_time=signing_time,
        problems=tuple(problems),
        checked_at=moment if trust_roots is not None else None,
    )


def _check_integrity(
    data: bytes, xades: bytes, sig: etree._Element, cert: x509.Certificate,
    signing_time: datetime | None,
) -> tuple[bool, list[str]]:
    """Signature value, every reference's digest, and that one reference is exactly `data`."""
    config = XAdESSignatureConfiguration(
        expect_references=True, verification_time=_inside_validity(cert, signing_time)
    )
    try:
        with quiet_libraries():
            results = XAdESVerifier().verify(
                xades, x509_cert=cert, uri_resolver=lambda _uri: data, expect_config=config
            )
    except InvalidDigest as exc:
        return False, [_digest_problem(sig, str(exc))]
    except InvalidCertificate:
        return False, ["the signer's certificate cannot be used"]
    except (SignXMLException, etree.LxmlError, ValueError) as exc:
        return False, [f"signature not valid ({_short(exc)})"]
    # detached (a reference by file name) or enveloping (base64 inside): either way one
    # verified reference must be exactly the manifest, or it is a signature of something else
    if any(result.signed_data == data for result in results):
        return True, []
    return False, ["the signature does not cover this file"]


def _digest_problem(sig: etree._Element, message: str) -> str:
    match = re.search(r"\((?P<uri>[^()]*)\)\s*$", message)
    for ref in sig.findall("ds:SignedInfo/ds:Reference", NS):
        if match and ref.get("URI") == match["uri"] and ref.get("Type", "").endswith(
            "#SignedProperties"
        ):
            return "the signed properties were changed (digest mismatch)"
    return "the signed file was changed (digest mismatch)"


def _short(exc: Exception) -> str:
    # signxml messages may quote certificate subjects (a name, a PESEL): keep only a
    # leading reason that holds no distinguished name
    text = str(exc).split(":")[0].strip()[:80]
    if not text or "=" in text:
        return type(exc).__name__
    return f"{type(exc).__name__}: {text}"
