"""A throwaway PKI for tests: a root CA, a signer certificate, a PKCS#12 export."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

DIRECTOR = "Anna Kowalska-Dyrektor"
NOW = datetime(2026, 6, 27, 12, 0, tzinfo=UTC)
P12_PASSWORD = b"haslo-do-podpisu-7Qx"


@dataclass(frozen=True)
class Issued:
    """A certificate with its private key."""

    cert: x509.Certificate
    key: object

    def pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)


def _name(common_name: str, organization: str = "Szkoła Podstawowa nr 1 w Testowie") -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "PL"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _key_usage(*, signing: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=signing, content_commitment=signing, key_encipherment=False,
        data_encipherment=False, key_agreement=False, key_cert_sign=not signing,
        crl_sign=not signing, encipher_only=False, decipher_only=False,
    )


def make_root(common_name: str = "Testowe Centrum Certyfikacji") -> Issued:
    """A self-signed root CA (EC P-256: quick to make)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = _name(common_name, "Testowy Dostawca Usług Zaufania")
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - timedelta(days=365))
        .not_valid_after(NOW + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(_key_usage(signing=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return Issued(cert, key)


def make_signer(
    root: Issued,
    common_name: str = DIRECTOR,
    *,
    valid_from: datetime = NOW - timedelta(days=30),
    valid_days: int = 730,
    key_type: str = "rsa",
) -> Issued:
    """An end-entity signing certificate: RSA 2048 (most qualified certificates) or EC
    P-256 (e.g. the e-dowód's podpis osobisty)."""
    key = (
        rsa.generate_private_key(public_exponent=65537, key_size=2048)
        if key_type == "rsa"
        else ec.generate_private_key(ec.SECP256R1())
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name))
        .issuer_name(root.cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(valid_from)
        .not_valid_after(valid_from + timedelta(days=valid_days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(signing=True), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root.key.public_key()),
            critical=False,
        )
        .sign(root.key, hashes.SHA256())
    )
    return Issued(cert, key)


def export_p12(signer: Issued, root: Issued, password: bytes | None) -> bytes:
    """PKCS#12 with the key, the certificate and the root, as a CA hands it out."""
    encryption = (
        serialization.BestAvailableEncryption(password)
        if password
        else serialization.NoEncryption()
    )
    return pkcs12.serialize_key_and_certificates(
        b"podpis", signer.key, signer.cert, [root.cert], encryption
    )


@dataclass(frozen=True)
class Pki:
    """A root CA, the director's certificate under it, and an unrelated root."""

    root: Issued
    director: Issued
    unrelated_root: Issued
    p12_path: Path
    root_pem: Path
    unrelated_pem: Path


def make_pdfa(text: str = "Dziennik lekcyjny klasy 1a — zażółć gęślą jaźń") -> bytes:
    """A small PDF/A-3u made with WeasyPrint, as the render layer makes documents."""
    import weasyprint

    html = (
        "<html lang='pl'><head><meta charset='utf-8'><title>Dziennik lekcyjny</title>"
        "<style>body{font-family:'DejaVu Sans'}</style></head>"
        f"<body><h1>Dziennik lekcyjny</h1><p>{text}</p></body></html>"
    )
    return weasyprint.HTML(string=html).write_pdf(pdf_variant="pdf/a-3u")
