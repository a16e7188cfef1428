"""The register vendor's own signed year-end export, kept in the bag byte for byte.

Vendors write an XML file per register, each signed by the director, most often as an
enveloped XAdES (or a detached .xades/.p7s beside it, or all of it in a .zip). Each
signature is checked offline for integrity, signer and claimed signing time; whether the
certificate is qualified cannot be known offline, and is said so.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives.serialization import Encoding
from lxml import etree
from signxml.exceptions import InvalidDigest, SignXMLException
from signxml.xades import XAdESSignatureConfiguration, XAdESVerifier

from archiver.errors import InputError, RefusedError
from archiver.i18n import _, joined
from archiver.sign.cades import verify_detached
from archiver.sign.certs import display_name, quiet_libraries
from archiver.sign.xades import (
    _inside_validity,
    _parse,
    _signature_element,
    _signing_cert,
    _signing_time,
    _Unusable,
    verify_xades,
)

FOLDER = "zrodlo-dziennika"
MAX_SIZE = 512 << 20
QUALIFIED_NOTE = "kwalifikowany charakter podpisu niesprawdzany offline"


@dataclass(frozen=True)
class VendorSignature:
    """One signed file of the vendor's export and what its signature check found."""

    name: str  # inside data/zrodlo-dziennika/ (a .zip member: ZIP/member)
    intact: bool
    signer: str | None
    signing_time: datetime | None
    problem: str | None = None

    def status(self) -> str:
        """Polish, for the protocol and the index."""
        if self.intact:
            return f"podpis prawidłowy (integralność); {QUALIFIED_NOTE}"
        return ("PODPIS NIEPRAWIDŁOWY: podpisana treść lub podpis zostały zmienione, "
                "albo podpisu nie da się odczytać; przyjęty na żądanie "
                "(--accept-broken-signature)")


@dataclass(frozen=True)
class VendorFile:
    """A file given with --vendor-export, stored unchanged, with its signatures."""

    name: str
    data: bytes
    signatures: tuple[VendorSignature, ...]

    @property
    def broken(self) -> bool:
        return any(not s.intact for s in self.signatures)


def check_enveloped(name: str, xml: bytes) -> VendorSignature:
    """An XML file holding its own (enveloped) XAdES signature."""
    try:
        sig = _signature_element(_parse(xml))
        cert = _signing_cert(sig)
        when = _signing_time(sig)
    except (_Unusable, ValueError, TypeError, AttributeError) as exc:
        return VendorSignature(name, False, None, None, f"no usable XAdES signature ({exc})")
    asn1_cert = asn1_x509.Certificate.load(cert.public_bytes(Encoding.DER))
    signer = display_name(asn1_cert.subject)
    config = XAdESSignatureConfiguration(
        expect_references=True, verification_time=_inside_validity(cert, when))
    try:
        with quiet_libraries():
            XAdESVerifier().verify(xml, x509_cert=cert, expect_config=config)
    except InvalidDigest:
        return VendorSignature(name, False, signer, when, "the signed content was changed")
    except (SignXMLException, etree.LxmlError, ValueError) as exc:
        return VendorSignature(name, False, signer, when,
                               f"the signature does not verify ({type(exc).__name__})")
    return VendorSignature(name, True, signer, when)


def _check_detached(name: str, data: bytes, signature: bytes, kind: str) -> VendorSignature:
    if kind == ".p7s":
        verdict = verify_detached(data, signature, None, target=name)
    else:
        verdict = verify_xades(data, signature, None, target=name)
    problem = joined("; ", verdict.problems) or None
    return VendorSignature(name, verdict.intact, verdict.signer, verdict.signing_time,
                           None if verdict.intact else problem)


def check_members(files: dict[str, bytes], prefix: str = "") -> list[VendorSignature]:
    """Every .xml among `files`: with a detached X.xades / X.p7s (or X.xml.xades...)
    beside it, that; else its enveloped signature."""
    results = []
    for name in sorted(n for n in files if n.lower().endswith(".xml")):
        stem = name[:-4]
        detached = next(((files[c], c[-5:] if c.endswith(".p7s") else ".xades")
                         for c in (f"{name}.xades", f"{name}.p7s", f"{stem}.xades",
                                   f"{stem}.p7s") if c in files), None)
        label = prefix + name
        if detached:
            results.append(_check_detached(label, files[name], detached[0], detached[1]))
        else:
            results.append(check_enveloped(label, files[name]))
    return results


def read_vendor_exports(paths: list[Path]) -> list[VendorFile]:
    """Read and check every --vendor-export file (a detached signature given as its own
    file is paired with its XML by name); InputError for an unreadable one."""
    raw: dict[str, bytes] = {}
    for path in map(Path, paths):
        try:
            if path.stat().st_size > MAX_SIZE:
                raise InputError(_("{path} is larger than {value} MB").format(
                                     path=path, value=MAX_SIZE >> 20))
            raw[path.name] = path.read_bytes()
        except OSError as exc:
            raise InputError(_("cannot read the vendor export {path}: {strerror}").format(
                                 path=path, strerror=exc.strerror)) from None
    if len(raw) != len(paths):
        raise InputError(_("two --vendor-export files have the same name"))
    loose = {n: d for n, d in raw.items() if not n.lower().endswith(".zip")}
    checked = {s.name: s for s in check_members(loose)}
    result = []
    for name, data in raw.items():
        if name.lower().endswith(".zip"):
            result.append(VendorFile(name, data, tuple(_zip_signatures(name, data))))
        else:
            mine = tuple(s for s in checked.values() if s.name == name)
            if not mine and not name.lower().endswith((".xades", ".p7s")):
                mine = (VendorSignature(name, False, None, None, "not an XML file"),)
            result.append(VendorFile(name, data, mine))
    return result


def _zip_signatures(name: str, data: bytes) -> list[VendorSignature]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = {i.filename: archive.read(i) for i in archive.infolist()
                       if not i.is_dir() and i.file_size <= MAX_SIZE}
    except (zipfile.BadZipFile, OSError, RuntimeError) as exc:
        return [VendorSignature(name, False, None, None, f"not a readable ZIP ({exc})")]
    found = check_members(members, prefix=f"{name}/")
    return found or [VendorSignature(name, False, None, None, "no XML file inside")]


def refuse_broken(files: list[VendorFile], accept_broken: bool) -> None:
    """RefusedError (exit 4) for a broken signature, unless --accept-broken-signature."""
    broken = [s for f in files for s in f.signatures if not s.intact]
    if broken and not accept_broken:
        raise RefusedError(
            _("the vendor export {name} has a broken signature: {problem}; it was not "
              "archived").format(name=broken[0].name, problem=broken[0].problem),
            hint=_("ask the vendor for an intact copy, or keep it flagged with "
                   "--accept-broken-signature"))
