"""Makes a detached XAdES-BES signature by hand, as a signing application elsewhere would.

Written independently of the code under test (lxml + cryptography only), so that the
verifier is checked against a signature it did not produce.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import datetime

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from lxml import etree
from sign_pki import Issued

DS = "http://www.w3.org/2000/09/xmldsig#"
XADES = "http://uri.etsi.org/01903/v1.3.2#"
EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"
RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"


def _el(parent: etree._Element, ns: str, tag: str, text: str | None = None, **attrs: str):
    node = etree.SubElement(parent, f"{{{ns}}}{tag}", attrs)
    node.text = text
    return node


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _c14n(node: etree._Element) -> bytes:
    return etree.tostring(node, method="c14n", exclusive=True)


def _digest_method(parent: etree._Element) -> None:
    _el(parent, DS, "DigestMethod", Algorithm=SHA256)


def make_detached_xades(
    data: bytes, file_name: str, signer: Issued, signing_time: datetime, *,
    enveloping: bool = False,
) -> bytes:
    """A XAdES-BES signature over `data`: detached, referenced by `file_name`, or with
    `enveloping` the data inside as base64 (what some signing services produce)."""
    sig = etree.Element(f"{{{DS}}}Signature", nsmap={"ds": DS}, Id="Signature-1")
    info = _el(sig, DS, "SignedInfo")
    _el(info, DS, "CanonicalizationMethod", Algorithm=EXC_C14N)
    _el(info, DS, "SignatureMethod", Algorithm=RSA_SHA256)
    data_ref = _el(info, DS, "Reference", Id="Reference-1",
                   URI="#Dane" if enveloping else file_name)
    if enveloping:
        _el(_el(data_ref, DS, "Transforms"), DS, "Transform",
            Algorithm="http://www.w3.org/2000/09/xmldsig#base64")
    _digest_method(data_ref)
    _el(data_ref, DS, "DigestValue", _b64(hashlib.sha256(data).digest()))
    props_ref = _el(
        info, DS, "Reference", Type="http://uri.etsi.org/01903#SignedProperties",
        URI="#SignedProperties-1",
    )
    _el(_el(props_ref, DS, "Transforms"), DS, "Transform", Algorithm=EXC_C14N)
    _digest_method(props_ref)
    props_digest = _el(props_ref, DS, "DigestValue")
    value = _el(sig, DS, "SignatureValue")
    cert_der = signer.cert.public_bytes(serialization.Encoding.DER)
    _el(_el(_el(sig, DS, "KeyInfo"), DS, "X509Data"), DS, "X509Certificate", _b64(cert_der))

    qualifying = etree.SubElement(
        _el(sig, DS, "Object"), f"{{{XADES}}}QualifyingProperties",
        nsmap={"xades": XADES}, Target="#Signature-1",
    )
    signed_props = _el(qualifying, XADES, "SignedProperties", Id="SignedProperties-1")
    sig_props = _el(signed_props, XADES, "SignedSignatureProperties")
    _el(sig_props, XADES, "SigningTime", signing_time.strftime("%Y-%m-%dT%H:%M:%SZ"))
    cert = _el(_el(sig_props, XADES, "SigningCertificate"), XADES, "Cert")
    cert_digest = _el(cert, XADES, "CertDigest")
    _digest_method(cert_digest)
    _el(cert_digest, DS, "DigestValue", _b64(hashlib.sha256(cert_der).digest()))
    serial = _el(cert, XADES, "IssuerSerial")
    _el(serial, DS, "X509IssuerName", signer.cert.issuer.rfc4514_string())
    _el(serial, DS, "X509SerialNumber", str(signer.cert.serial_number))

    if enveloping:
        _el(sig, DS, "Object", _b64(data), Id="Dane", Encoding="http://www.w3.org/2000/09/xmldsig#base64")
    props_digest.text = _b64(hashlib.sha256(_c14n(signed_props)).digest())
    raw = signer.key.sign(_c14n(info), padding.PKCS1v15(), hashes.SHA256())
    value.text = _b64(raw)
    return etree.tostring(sig, xml_declaration=True, encoding="UTF-8")
