"""Signatures inside a bag: their tag-file names, and checking every one present.

A detached signature of `manifest-sha256.txt` is a tag file beside it, covered by the
tag manifest: `manifest-sha256.txt.p7s` (CAdES) or `.xades` (XAdES); a later one gets
a number, `manifest-sha256.txt-2.xades`, so that no signature ever replaces another.
Signed PDFs under `data/` carry their PAdES signatures inside.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import UTC, datetime

from archiver.bundle.bagtext import parse_tag_file
from archiver.errors import RefusedError
from archiver.sign.cades import verify_detached
from archiver.sign.pades import verify_pdf
from archiver.sign.verdict import SignatureVerdict, broken
from archiver.sign.xades import looks_like_xml, verify_xades

MANIFEST = "manifest-sha256.txt"
_SIGNATURE_EXTENSIONS = (".p7s", ".p7m", ".xades", ".sig", ".asc")
_SIGNATURE_NAME = re.compile(r"^manifest-sha256\.txt(?:-(?P<n>[1-9][0-9]*))?\.(?P<ext>p7s|xades)$")


def is_signature_name(name: str) -> bool:
    """True for a tag file holding a detached signature of the manifest."""
    return _SIGNATURE_NAME.match(name) is not None


def signature_extension(signature: bytes) -> str:
    """`.xades` for an XML signature, `.p7s` for anything else (CMS)."""
    return ".xades" if looks_like_xml(signature) else ".p7s"


def signature_tag_name(existing: Iterable[str], signature: bytes) -> str:
    """The first free signature name: `manifest-sha256.txt.p7s`, then `...-2.p7s`, ..."""
    taken = set()
    for name in existing:
        match = _SIGNATURE_NAME.match(name)
        if match:
            taken.add(int(match["n"] or 1))
    number = 1
    while number in taken:
        number += 1
    suffix = "" if number == 1 else f"-{number}"
    return f"{MANIFEST}{suffix}{signature_extension(signature)}"


def verify_manifest_signature(
    manifest: bytes, signature: bytes, trust_roots: list | None = None, *, source: str = ""
) -> SignatureVerdict:
    """Check one detached signature (CAdES or XAdES, by content) over the manifest."""
    target = f"{MANIFEST} ({source})" if source else MANIFEST
    if looks_like_xml(signature):
        return verify_xades(manifest, signature, trust_roots, target=target)
    return verify_detached(manifest, signature, trust_roots, target=target)


def check_attachable(
    manifest: bytes, signature: bytes, trust_roots: list | None = None
) -> SignatureVerdict:
    """The verdict for a signature about to be attached; RefusedError unless it holds."""
    verdict = verify_manifest_signature(manifest, signature, trust_roots)
    if not verdict.ok:
        reasons = "; ".join(verdict.problems) or "it does not verify"
        raise RefusedError(
            f"the signature does not match this bundle's {MANIFEST}: {reasons}",
            hint="sign exactly the file written by `archiver sign-request` for this bundle",
        )
    return verdict


def verify_bag_signatures(
    bag_files: Mapping[str, bytes], trust_roots: list | None = None
) -> list[SignatureVerdict]:
    """Verdicts for every signature in a decrypted bag: manifest signatures and signed PDFs.

    `bag_files` maps bag-relative names (`manifest-sha256.txt`, `data/x.pdf`) to contents;
    only signature tag files, the manifest and PDFs are read. Unsigned PDFs give no verdict.
    """
    verdicts: list[SignatureVerdict] = []
    manifest = bag_files.get(MANIFEST)
    for name in sorted(n for n in bag_files if is_signature_name(n)):
        if manifest is None:
            verdicts.append(broken(f"{MANIFEST} ({name})", "detached", f"{MANIFEST} is missing"))
            continue
        verdicts.append(
            verify_manifest_signature(manifest, bag_files[name], trust_roots, source=name)
        )
    for name in sorted(n for n in bag_files if _is_stray_signature(n)):
        verdicts.append(broken(name, "detached", "a signature file this program cannot match "
                               f"to what it signs (only {MANIFEST} signatures are checked)"))
    for name in sorted(n for n in bag_files if n.startswith("data/") and _is_pdf(n)):
        verdicts.extend(verify_pdf(bag_files[name], trust_roots, target=name))
    exported_at = _exported_at(bag_files.get("bag-info.txt"))
    return [_flag_backdated(v, exported_at) for v in verdicts]


def _exported_at(bag_info: bytes | None) -> datetime | None:
    """Data-Exported-At of bag-info.txt, or None when absent or not a zoned date-time."""
    if bag_info is None:
        return None
    fields, _problems = parse_tag_file(bag_info)
    for label, value in fields:
        if label == "Data-Exported-At":
            try:
                moment = datetime.fromisoformat(value)
            except ValueError:
                return None
            return moment if moment.tzinfo else None
    return None


def _flag_backdated(verdict: SignatureVerdict, exported_at: datetime | None) -> SignatureVerdict:
    # a signature claiming a time before the export was made was backdated
    if exported_at is None or verdict.signing_time is None or verdict.signing_time >= exported_at:
        return verdict
    signed = verdict.signing_time.astimezone(UTC)
    problem = (f"signed {signed:%Y-%m-%d %H:%M} UTC, before the data was exported "
               f"(Data-Exported-At {exported_at.isoformat()}): a backdated signature")
    return replace(verdict, time_ok=False, problems=(*verdict.problems, problem))


def _is_stray_signature(name: str) -> bool:
    # a tag file that looks like a signature but is not one of ours must not pass unseen
    return (
        not name.startswith("data/")
        and name.lower().endswith(_SIGNATURE_EXTENSIONS)
        and not is_signature_name(name)
    )


def _is_pdf(name: str) -> bool:
    return name.lower().endswith(".pdf")
