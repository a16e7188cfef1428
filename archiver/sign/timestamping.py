"""RFC 3161 time-stamping and the long-term validation data collected when signing.

A timestamp proves the signature existed at a time the signer did not choose; the chain
and OCSP/CRL answers collected then (PAdES B-LT in the PDF's DSS, CAdES B-LT in the
`.p7s`'s certificates and crls) let a verifier check it years later, offline. pyHanko
does the work; this room only says which authority and which roots.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
from asn1crypto import x509
from pyhanko.sign.timestamps import HTTPTimeStamper
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.fetchers.aiohttp_fetchers import AIOHttpFetcherBackend

from archiver.errors import InputError, UsageError
from archiver.i18n import _
from archiver.passwords import MAX_PASSWORD_FILE

TIMEOUT = 30  # seconds for one answer of the TSA, OCSP responder or CRL server


@dataclass(frozen=True)
class TimestampService:
    """An RFC 3161 time-stamping authority, with HTTP basic credentials if it needs them."""

    url: str
    credentials: tuple[str, str] | None = field(default=None, repr=False)

    def timestamper(self, session: aiohttp.ClientSession | None = None) -> HTTPTimeStamper:
        """pyHanko's client for this authority."""
        return HTTPTimeStamper(self.url, timeout=TIMEOUT, auth=self.credentials,
                               session=session)


def timestamp_service(url: str | None, credentials_file: Path | str | None = None
                      ) -> TimestampService | None:
    """The service for --timestamp-url / [signing] timestamp_url, None without a URL."""
    if not url:
        if credentials_file:
            raise UsageError(_("timestamp credentials were given without a timestamp "
                               "URL"),
                             hint=_("give --timestamp-url or [signing] timestamp_url"))
        return None
    if not url.startswith(("http://", "https://")):
        raise UsageError(_("the timestamp URL {url!r} is not an http:// or https:// "
                           "address").format(url=url))
    return TimestampService(url, read_credentials(credentials_file) if credentials_file
                            else None)


def read_credentials(path: Path | str) -> tuple[str, str]:
    """USER:PASSWORD from the first line of a file (read at most 4 KB); InputError if not."""
    path = Path(path)
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_PASSWORD_FILE + 1)
    except OSError as exc:
        raise InputError(_("cannot read the timestamp credentials file {path}: "
                           "{strerror}").format(path=path, strerror=exc.strerror)) from None
    first = raw[:MAX_PASSWORD_FILE].split(b"\n", 1)[0].rstrip(b"\r").decode("utf-8", "replace")
    user, colon, password = first.partition(":")
    if len(raw) > MAX_PASSWORD_FILE or not colon or not user or not password:
        raise InputError(_("the timestamp credentials file {path} must hold "
                           "USER:PASSWORD on its first line").format(path=path))
    return user, password


def self_signed(certs: list[x509.Certificate]) -> list[x509.Certificate]:
    """The root certificates among `certs` (issuer = subject, as roots are)."""
    return [c for c in certs if c.subject == c.issuer]


@asynccontextmanager
async def online_context(trust_roots: list[x509.Certificate], intermediates: list
                         ) -> AsyncIterator[tuple[ValidationContext, aiohttp.ClientSession]]:
    """A validation context that fetches OCSP/CRL answers now (to embed them), and the
    HTTP session it and the timestamper share; closed on leaving."""
    async with aiohttp.ClientSession() as session:
        context = ValidationContext(
            trust_roots=trust_roots, other_certs=intermediates, allow_fetching=True,
            revocation_mode="require",
            fetcher_backend=AIOHttpFetcherBackend(session, per_request_timeout=TIMEOUT))
        yield context, session
