"""Certificates: display names, trust roots from files, and the chain check.

The chain is checked offline (no CRL or OCSP fetching: an archive is verified years
later, often without a network). A signature without a timestamp is checked at the
verification time (now, or `verify --at`), never at the time it claims: nobody proved
that time (issue 17). Timestamped signatures go through longterm.py instead.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from asn1crypto import pem, x509
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import (
    DisallowedAlgorithmError,
    ExpiredError,
    NotYetValidError,
    PathBuildingError,
    PathValidationError,
    RevokedError,
    ValidationError,
)

from archiver.errors import InputError
from archiver.i18n import _
from archiver.sign.verdict import Trust

# Libraries whose warnings quote certificate subjects (a person's name, even a PESEL).
_CHATTY_LOGGERS = ("pyhanko", "pyhanko_certvalidator", "signxml")


@contextmanager
def quiet_libraries() -> Iterator[None]:
    """Silence pyHanko/signxml logging: their messages carry certificate subjects."""
    loggers = [logging.getLogger(name) for name in _CHATTY_LOGGERS]
    saved = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        for lg, level in zip(loggers, saved, strict=True):
            lg.setLevel(level)


def _first(value: object) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    return str(value) if value else None


def display_name(name: x509.Name) -> str:
    """The common name (or given name + surname, or organisation) of a subject/issuer.

    Never the whole distinguished name: it may hold a serial number that is a PESEL.
    """
    parts = name.native
    common = _first(parts.get("common_name"))
    if common:
        return common
    given, surname = _first(parts.get("given_name")), _first(parts.get("surname"))
    person = " ".join(p for p in (given, surname) if p)
    return person or _first(parts.get("organization_name")) or "(no name in certificate)"


def load_certificates(data: bytes) -> list[x509.Certificate]:
    """Every certificate in PEM (one or many) or DER bytes; ValueError if none."""
    if pem.detect(data):
        certs = [x509.Certificate.load(der) for kind, _h, der in pem.unarmor(data, multiple=True)
                 if kind == "CERTIFICATE"]
    else:
        certs = [x509.Certificate.load(data)]
    for cert in certs:
        cert.native  # parse fully now, so a broken file fails here and not later  # noqa: B018
    if not certs:
        raise ValueError("no CERTIFICATE block")
    return certs


def load_trust_roots(paths: Iterable[Path | str]) -> list[x509.Certificate]:
    """Certificates from `--trust` files (PEM, one or more, or DER); InputError if unreadable."""
    roots: list[x509.Certificate] = []
    for path in map(Path, paths):
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InputError(_("cannot read the trust root file {path}: {strerror}").format(
                                 path=path, strerror=exc.strerror)) from None
        try:
            roots.extend(load_certificates(data))
        except (ValueError, TypeError):
            raise InputError(
                _("{path} holds no readable X.509 certificate").format(path=path),
                hint=_("give the root CA certificate as a .pem or .cer (DER) file"),
            ) from None
    return roots


def check_chain(
    cert: x509.Certificate,
    intermediates: Iterable[x509.Certificate],
    trust_roots: list[x509.Certificate] | None,
    moment: datetime | None,
) -> tuple[Trust, str | None]:
    """Whether `cert` chains to one of `trust_roots` at `moment`; NOT_CHECKED without roots."""
    if trust_roots is None:
        return Trust.NOT_CHECKED, None
    context = ValidationContext(
        trust_roots=list(trust_roots),
        moment=moment or datetime.now(UTC),
        allow_fetching=False,
        revocation_mode="soft-fail",
    )
    validator = CertificateValidator(cert, list(intermediates), validation_context=context)
    try:
        with quiet_libraries():
            asyncio.run(validator.async_validate_usage(set()))
    except PathBuildingError:
        return Trust.UNTRUSTED, "no chain from the signer's certificate to a --trust root"
    except (PathValidationError, ValidationError) as exc:
        return Trust.UNTRUSTED, _chain_problem(exc)
    return Trust.TRUSTED, None


def _chain_problem(exc: Exception) -> str:
    # certvalidator's own messages quote the subject (personal data): say it generically
    for kind, text in (
        (ExpiredError, "a certificate in the chain had expired at the time checked"),
        (NotYetValidError, "a certificate in the chain was not yet valid at the time checked"),
        (RevokedError, "a certificate in the chain is revoked"),
        (DisallowedAlgorithmError, "the chain uses a disallowed algorithm"),
    ):
        if isinstance(exc, kind):
            return text
    return "the certificate chain to the --trust root is not valid"
