"""Signatures inside a bag: their tag-file names, and checking every one present.

The bag's seal is a detached signature of `tagmanifest-sha256.txt`, which lists
bagit.txt, bag-info.txt (category, retention, operator), both payload manifests and
every other tag file, so the signature covers the metadata as well as the documents:
`tagmanifest-sha256.txt.p7s` (CAdES) or `.xades` (XAdES), a later one numbered
`tagmanifest-sha256.txt-2.xades`, so that no signature ever replaces another. A file
made from the tag manifest cannot be listed in it: seals stand beside it, unlisted, and
prove themselves. Bags made before issue 17 hold `manifest-sha256.txt.p7s` over the
payload manifest only; they are still checked, and reported as not covering bag-info.txt.
Signed PDFs under `data/` carry their PAdES signatures inside.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from archiver.bundle.bagtext import parse_tag_file
from archiver.bundle.hashing import sidecar_path
from archiver.errors import RefusedError
from archiver.i18n import _, shown
from archiver.sign.cades import verify_detached
from archiver.sign.pades import verify_pdf
from archiver.sign.verdict import SignatureVerdict, broken
from archiver.sign.xades import looks_like_xml, verify_xades

MANIFEST = "manifest-sha256.txt"
TAG_MANIFEST = "tagmanifest-sha256.txt"
_SIGNATURE_EXTENSIONS = (".p7s", ".p7m", ".xades", ".sig", ".asc")
_SIGNATURE_NAME = re.compile(
    r"^(?P<covered>(?:tag)?manifest-sha256\.txt)(?:-(?P<n>[1-9][0-9]*))?\.(?P<ext>p7s|xades)$")
_LEGACY_NOTE = (f"covers {MANIFEST} only (an older bag): bag-info.txt is not covered by "
                "this signature")


def is_signature_name(name: str) -> bool:
    """True for a tag file holding a detached signature of the tag or payload manifest."""
    return _SIGNATURE_NAME.match(name) is not None


def covered_file(name: str) -> str:
    """The file a signature tag file signs: tagmanifest-sha256.txt or (older bags)
    manifest-sha256.txt."""
    match = _SIGNATURE_NAME.match(name)
    if match is None:
        raise ValueError(f"{name} is not a signature tag file name")
    return match["covered"]


def signature_extension(signature: bytes) -> str:
    """`.xades` for an XML signature, `.p7s` for anything else (CMS)."""
    return ".xades" if looks_like_xml(signature) else ".p7s"


def signature_tag_name(existing: Iterable[str], signature: bytes) -> str:
    """The first free seal name: `tagmanifest-sha256.txt.p7s`, then `...-2.p7s`, ...
    (numbers count the older bags' manifest signatures too: one sequence per bag)."""
    taken = set()
    for name in existing:
        match = _SIGNATURE_NAME.match(name)
        if match:
            taken.add(int(match["n"] or 1))
    number = 1
    while number in taken:
        number += 1
    suffix = "" if number == 1 else f"-{number}"
    return f"{TAG_MANIFEST}{suffix}{signature_extension(signature)}"


def verify_manifest_signature(
    manifest: bytes, signature: bytes, trust_roots: list | None = None, *, source: str = "",
    covered: str = TAG_MANIFEST, at: datetime | None = None,
) -> SignatureVerdict:
    """Check one detached signature (CAdES or XAdES, by content) over `covered`, whose
    bytes are `manifest`; the verdict's target names that file and the signature's."""
    target = f"{covered} ({source})" if source else covered
    if looks_like_xml(signature):
        return verify_xades(manifest, signature, trust_roots, target=target, at=at)
    return verify_detached(manifest, signature, trust_roots, target=target, at=at)


def check_attachable(
    tag_manifest: bytes, signature: bytes, trust_roots: list | None = None
) -> SignatureVerdict:
    """The verdict for a seal about to be attached; RefusedError unless it holds."""
    verdict = verify_manifest_signature(tag_manifest, signature, trust_roots)
    if not verdict.ok:
        reasons = "; ".join(shown(p) for p in verdict.problems) or _("it does not verify")
        raise RefusedError(
            _("the signature does not match this bundle's {TAG_MANIFEST}: {reasons}").format(
                TAG_MANIFEST=TAG_MANIFEST, reasons=reasons),
            hint=_("sign exactly the file written by `archiver sign-request` for this "
                   "bundle"),
        )
    return verdict


def verify_bag_signatures(
    bag_files: Mapping[str, bytes], trust_roots: list | None = None,
    at: datetime | None = None,
) -> list[SignatureVerdict]:
    """Verdicts for every signature in a decrypted bag: manifest signatures and signed PDFs.

    `bag_files` maps bag-relative names (`manifest-sha256.txt`, `data/x.pdf`) to contents;
    only signature tag files, the manifest and PDFs are read. Unsigned PDFs give no verdict.
    """
    verdicts: list[SignatureVerdict] = []
    for name in sorted(n for n in bag_files if is_signature_name(n)):
        verdicts.append(_verify_seal(bag_files, name, trust_roots, at))
    for name in sorted(n for n in bag_files if _is_stray_signature(n)):
        verdicts.append(broken(name, "detached", "a signature file this program cannot match "
                               f"to what it signs (only {TAG_MANIFEST} and {MANIFEST} "
                               "signatures are checked)"))
    for name in sorted(n for n in bag_files if n.startswith("data/") and _is_pdf(n)):
        verdicts.extend(verify_pdf(bag_files[name], trust_roots, target=name, at=at))
    from archiver.sign.renewal import verify_renewals, verify_token_seal

    verdicts += verify_token_seal(bag_files, trust_roots, at)
    verdicts += verify_renewals(bag_files, trust_roots, at)
    exported_at = _exported_at(bag_files.get("bag-info.txt"))
    return [_flag_backdated(v, exported_at) for v in verdicts]


def _verify_seal(bag_files: Mapping[str, bytes], name: str,
                 trust_roots: list | None, at: datetime | None) -> SignatureVerdict:
    covered = covered_file(name)
    content = bag_files.get(covered)
    if content is None:
        return broken(f"{covered} ({name})", "detached", f"{covered} is missing")
    verdict = verify_manifest_signature(content, bag_files[name], trust_roots, source=name,
                                        covered=covered, at=at)
    if covered == MANIFEST:
        verdict = replace(verdict, problems=(*verdict.problems, _LEGACY_NOTE))
    elif not verdict.intact:
        verdict = replace(verdict, problems=(
            *verdict.problems, f"{covered} lists bag-info.txt, bagit.txt and the manifests: "
            "one of them, or the tag manifest itself, was changed after signing"))
    return verdict


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
        not name.startswith(("data/", "renewals/"))
        and name.lower().endswith(_SIGNATURE_EXTENSIONS)
        and not is_signature_name(name)
    )


def _is_pdf(name: str) -> bool:
    return name.lower().endswith(".pdf")


def derived_bundle_path(bundle_path: Path, out_dir: Path, suffix: str) -> Path:
    """`NAME{suffix}.zip` in out_dir for a new bundle made from `bundle_path` (signed,
    renewed), or `NAME{suffix}-2`, ...: never a name a bundle or its sidecar has. A suffix
    the old name already ends in (with its number) is not added twice."""
    stem = re.sub(rf"{suffix}(-[0-9]+)?$", "", Path(bundle_path).stem)
    number = 1
    while True:
        candidate = Path(out_dir) / f"{stem}{suffix if number == 1 else f'{suffix}-{number}'}.zip"
        if not candidate.exists() and not sidecar_path(candidate).exists():
            return candidate
        number += 1
