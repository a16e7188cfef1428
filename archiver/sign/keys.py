"""The signing key: a PKCS#12 file (.p12/.pfx), as a municipality's qualified seal comes."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from asn1crypto import keys, x509
from asn1crypto import pkcs12 as asn1_pkcs12
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    pkcs12,
)
from pyhanko.sign.signers import SimpleSigner
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

from archiver.errors import InputError, RefusedError
from archiver.i18n import _
from archiver.sign.certs import display_name
from archiver.sign.timestamping import TimestampService


class _LoadedKeySigner(SimpleSigner):
    """pyHanko's SimpleSigner re-parses and re-validates the private key on every
    signature (0.1 s for RSA, twice per PDF); sign with the key loaded once instead."""

    def __init__(self, *, private_key: PrivateKeyTypes, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self._private_key = private_key

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
        key = self._private_key
        hash_algorithm = get_pyca_cryptography_hash(digest_algorithm)
        if mechanism == "rsassa_pkcs1v15" and isinstance(key, rsa.RSAPrivateKey):
            return key.sign(data, padding.PKCS1v15(), hash_algorithm)
        if mechanism == "ecdsa" and isinstance(key, ec.EllipticCurvePrivateKey):
            return key.sign(data, ec.ECDSA(hash_algorithm))
        return super().sign_raw(data, digest_algorithm)  # other mechanisms: pyHanko's way


@dataclass(frozen=True)
class Signer:
    """A private key with its certificate and chain, ready for sign_pdf / sign_detached."""

    common_name: str
    certificate: x509.Certificate = field(repr=False)
    backend: SimpleSigner = field(repr=False)
    chain: tuple[x509.Certificate, ...] = field(default=(), repr=False)  # from the PKCS#12
    timestamps: TimestampService | None = None  # with it: B-LTA PDFs and a CAdES-T seal

    def check_valid_at(self, moment: datetime) -> None:
        """Refuse to sign at a time outside the certificate's validity period."""
        validity = self.certificate["tbs_certificate"]["validity"]
        start, end = validity["not_before"].native, validity["not_after"].native
        if not start <= moment <= end:
            raise RefusedError(
                _("the signing certificate is not valid at the signing time "
                  "{moment:%Y-%m-%d %H:%M} (valid {start:%Y-%m-%d} to {end:%Y-%m-%d})").format(
                    moment=moment, start=start, end=end),
                hint=_("use a current certificate; the signing time is the computer's "
                       "clock (SOURCE_DATE_EPOCH sets only the printed time of "
                       "documents)"),
            )


def _is_pkcs12(data: bytes) -> bool:
    try:
        pfx = asn1_pkcs12.Pfx.load(data, strict=True)
        return pfx["version"].native == "v3" and pfx["auth_safe"]["content_type"].native in (
            "data",
            "signed_data",
        )
    except (ValueError, TypeError, KeyError):
        return False


def load_signer(p12_path: Path, password: bytes | None) -> Signer:
    """Load a signer from a PKCS#12 file; InputError naming the cause, never the password."""
    p12_path = Path(p12_path)
    try:
        data = p12_path.read_bytes()
    except OSError as exc:
        raise InputError(_("cannot read the signing key file {p12_path}: {strerror}").format(
                             p12_path=p12_path, strerror=exc.strerror)) from None
    if not _is_pkcs12(data):
        raise InputError(
            _("{p12_path} is not a PKCS#12 file (.p12/.pfx)").format(p12_path=p12_path),
            hint=_("export the signing certificate with its private key as PKCS#12"),
        )
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(data, password)
    except ValueError:
        cause = "it needs a password, none was given" if password is None else "wrong password"
        raise InputError(
            _("cannot open the signing key file {p12_path}: {cause}").format(
                p12_path=p12_path, cause=cause),
            hint=_("give the PKCS#12 password with --sign-password-file"),
        ) from None
    if key is None:
        raise InputError(_("{p12_path} holds no private key, only certificates").format(
                             p12_path=p12_path))
    if cert is None:
        raise InputError(_("{p12_path} holds a private key but no certificate for it").format(
                             p12_path=p12_path))
    asn1_cert = x509.Certificate.load(cert.public_bytes(Encoding.DER))
    chain = tuple(x509.Certificate.load(c.public_bytes(Encoding.DER)) for c in extra)
    store = SimpleCertificateStore()
    store.register_multiple(chain)
    key_der = key.private_bytes(Encoding.DER, PrivateFormat.PKCS8, NoEncryption())
    backend = _LoadedKeySigner(
        private_key=key,
        signing_cert=asn1_cert,
        signing_key=keys.PrivateKeyInfo.load(key_der),
        cert_registry=store,
    )
    return Signer(display_name(asn1_cert.subject), asn1_cert, backend, chain)


SIGN_PASSWORD_ENV = "ARCHIVER_SIGN_PASSWORD"


def read_sign_password(password_file: Path | None) -> bytes | None:
    """The PKCS#12 password: first line of `password_file`, else $ARCHIVER_SIGN_PASSWORD.

    The variable is removed from the environment once read, so child processes do not
    inherit it. None when neither is given (an unencrypted PKCS#12).
    """
    if password_file is None:
        value = os.environ.pop(SIGN_PASSWORD_ENV, None)
        return value.encode("utf-8") if value else None
    try:
        with open(password_file, "rb") as handle:
            first = handle.readline().rstrip(b"\r\n")
    except OSError as exc:
        raise InputError(
            _("cannot read the signing password file {password_file}: {strerror}").format(
                password_file=password_file, strerror=exc.strerror)
        ) from None
    if not first:
        raise InputError(_("signing password file {password_file}: the first line is "
                           "empty").format(password_file=password_file))
    return first
