"""Renewing a bundle's timestamps before the last timestamping certificate expires.

A new bundle is written (the old one is never touched): every PDF gets a DSS update and a
new document timestamp (an incremental revision; what was signed stays byte for byte the
start of the file), and the bag's seals move with the tag files they cover into
`renewals/N/`, each with an RFC 3161 archive timestamp over it (`SEAL.tsr`, carrying its
TSA's chain and revocation data). The new bag's own tag manifest is sealed by a timestamp
(`tagmanifest-sha256.txt.tsr`): the director's key is not needed to renew. Verification
follows the chain: every `renewals/N/` seal over its tag manifest, judged as of the time
its archive timestamps prove, and every file then sealed still here, or a PDF that only
grew by timestamp revisions.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

from asn1crypto import cms
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.ades.report import AdESPassed
from pyhanko.sign.general import extract_certificate_info
from pyhanko.sign.validation import ades
from pyhanko_certvalidator import CertificateValidator

from archiver.bundle import BundleResult, BundleWriter
from archiver.bundle.bagtext import (
    COMPUTED_LABELS,
    is_reserved_tag_name,
    parse_manifest,
    parse_tag_file,
)
from archiver.bundle.writer import is_seal_name
from archiver.errors import RefusedError, VerificationError
from archiver.i18n import Message, _, joined
from archiver.sign.bag import derived_bundle_path
from archiver.sign.cades import add_evidence, parse_cms, verify_detached
from archiver.sign.certs import quiet_libraries
from archiver.sign.longterm import _timing, timestamp_expiry, validation_spec
from archiver.sign.pades import archive_timestamp
from archiver.sign.timestamping import TimestampService, online_context, self_signed
from archiver.sign.verdict import SignatureVerdict, Trust, broken
from archiver.sign.xades import looks_like_xml, verify_xades

RENEWALS = "renewals"
TOKEN_SEAL = "tagmanifest-sha256.txt.tsr"
RENEWED_SUFFIX = "-odnowiony"
_COVERED = ("bagit.txt", "bag-info.txt", "manifest-sha256.txt", "manifest-sha512.txt",
            "tagmanifest-sha256.txt")
_RENEWAL = re.compile(rf"^{RENEWALS}/(?P<n>[1-9][0-9]*)/(?P<name>[^/]+)$")


@dataclass(frozen=True)
class RenewResult:
    """The new bundle, which renewal it holds, and the PDFs that got a new timestamp."""

    bundle: BundleResult
    number: int
    renewed_pdfs: tuple[str, ...]


# -- writing ---------------------------------------------------------------------------

def _token(data: bytes, service: TimestampService, roots: list) -> bytes:
    """An RFC 3161 token over SHA-256(data), with its TSA's chain and OCSP/CRL inside."""
    async def run() -> cms.ContentInfo:
        async with online_context(roots, []) as (context, http):
            token = await service.timestamper(http).async_timestamp(
                hashlib.sha256(data).digest(), "sha256")
            tsa = extract_certificate_info(token["content"])
            path = await CertificateValidator(tsa.signer_cert, tsa.other_certs,
                                              validation_context=context
                                              ).async_validate_usage(
                set(), extended_key_usage={"time_stamping"})
            add_evidence(token["content"], list(path), context.ocsps, context.crls)
            return token

    with quiet_libraries():
        return asyncio.run(run()).dump()


def _roots_from(bag: Mapping[str, bytes], extra: list) -> list:
    roots = list(extra)
    for name in bag:
        if name.endswith((".p7s", ".tsr")) and not name.startswith("data/"):
            try:
                signed = parse_cms(bag[name])
            except (ValueError, TypeError, KeyError):
                continue
            roots += self_signed([c.chosen for c in signed["certificates"] or []
                                  if c.name == "certificate"])
    unique = {r.dump(): r for r in roots}
    return list(unique.values())


def renewed_bundle_path(bundle_path: Path, out_dir: Path) -> Path:
    """`NAME-odnowiony.zip` in out_dir, or `-odnowiony-2`, ...: never an existing name."""
    return derived_bundle_path(bundle_path, out_dir, RENEWED_SUFFIX)


def renew(bag: Mapping[str, bytes], service: TimestampService, target: Path, password,
          trust_roots: list | None = None) -> RenewResult:
    """Write the renewed bag of `bag` (bag-relative name -> bytes) to `target`."""
    roots = _roots_from(bag, trust_roots or [])
    if not roots:
        raise RefusedError(_("no root certificate in the bundle's signatures and none given "
                             "with --trust: the timestamps' chains cannot be checked"),
                           hint=_("give the time-stamping authority's root with --trust"))
    seals = sorted(n for n in bag if is_seal_name(n))
    if not seals:
        raise RefusedError(_("the bundle has no seal (signature over its tag manifest) to "
                             "renew; sign it first (term-end --sign-with, sign-attach)"))
    number = 1 + max((int(m["n"]) for n in bag if (m := _RENEWAL.match(n))), default=0)
    folder = f"{RENEWALS}/{number}"
    kept = {f"{folder}/{name}": bag[name] for name in _COVERED if name in bag}
    for name in seals:
        kept[f"{folder}/{name}"] = bag[name]
        kept[f"{folder}/{name}.tsr"] = _token(bag[name], service, roots)
    for name in sorted(n for n in bag if _RENEWAL.match(n) and n.endswith(".tsr")):
        # earlier archive timestamps get a new one over them too (a chain, ETSI-style)
        kept[f"{folder}/{name.replace('/', '-')}.tsr"] = _token(bag[name], service, roots)
    renewed: list[str] = []
    fields, _problems = parse_tag_file(bag["bag-info.txt"])
    info: dict[str, str | list[str]] = {}
    for label, value in fields:
        if label not in COMPUTED_LABELS:
            info.setdefault(label, []).append(value)  # type: ignore[union-attr]
    with BundleWriter(target, password, {k: v[0] if len(v) == 1 else v
                                         for k, v in info.items()}) as writer:
        for name in bag:
            if not name.startswith("data/"):
                continue
            data = bag[name]
            if name.lower().endswith(".pdf") and _has_document_timestamp(data):
                data = archive_timestamp(data, service, roots)
                renewed.append(name)
            writer.add_bytes(name[len("data/"):], data,
                             compress=False if name.lower().endswith(".pdf") else None)
        for name in bag:
            if not name.startswith("data/") and not is_reserved_tag_name(name) \
                    and not is_seal_name(name):
                writer.add_tag_file(name, bag[name])
        for name, data in kept.items():
            writer.add_tag_file(name, data)
        writer.seal_with(lambda tags: [(TOKEN_SEAL, _token(tags, service, roots))])
    assert writer.result is not None
    return RenewResult(writer.result, number, tuple(renewed))


def _has_document_timestamp(pdf: bytes) -> bool:
    try:
        return bool(PdfFileReader(BytesIO(pdf), strict=False).embedded_timestamp_signatures)
    except Exception:  # a PDF pyHanko cannot read is not ours to renew  # noqa: BLE001
        return False


# -- verifying -------------------------------------------------------------------------

def _token_time(token: bytes) -> datetime:
    info = parse_cms(token)["encap_content_info"]["content"].parsed
    return info["gen_time"].native


def check_token(token: bytes, data: bytes, trust_roots: list, moment: datetime
                ) -> str | None:
    """None if the RFC 3161 `token` over `data` holds at `moment`, else the problem."""
    try:
        signed = parse_cms(token)
        imprint = signed["encap_content_info"]["content"].parsed["message_imprint"]
    except (ValueError, TypeError, KeyError):
        return "not a readable RFC 3161 timestamp"
    if imprint["hashed_message"].native != hashlib.sha256(data).digest():
        return "the timestamp covers other content (digest mismatch)"
    from archiver.sign.cades import evidence

    ocsps, crls = evidence(signed)
    spec = validation_spec(trust_roots, ocsps, crls)
    with quiet_libraries():
        result = asyncio.run(ades.ades_timestamp_validation(
            signed, spec, lambda _alg: hashlib.sha256(data).digest(), _timing(moment)))
    if result.ades_subindic is not AdESPassed.OK:
        name = getattr(result.ades_subindic, "name", str(result.ades_subindic))
        return f"the timestamp does not validate at {moment:%Y-%m-%d} ({name})"
    return None


def _proven_at(bag: Mapping[str, bytes], name: str, trust_roots: list, moment: datetime
               ) -> tuple[datetime | None, str | None]:
    """When the archive timestamps prove `name` existed: follow the chain of tokens over
    tokens to the newest, which must hold at `moment`; each older one is judged as of
    the time of the one over it."""
    token_name = f"{name}.tsr"
    if token_name not in bag:
        return None, f"no archive timestamp over {name}"
    later = [n for n in bag if n.endswith(f"/{token_name.replace('/', '-')}.tsr")]
    if later:
        when, problem = _proven_at(bag, later[0][:-len(".tsr")], trust_roots, moment)
        if problem:
            return None, problem
        moment = when or moment
    problem = check_token(bag[token_name], bag[name], trust_roots, moment)
    return (None, problem) if problem else (_token_time(bag[token_name]), None)


def verify_renewals(bag: Mapping[str, bytes], trust_roots: list | None,
                    at: datetime | None) -> list[SignatureVerdict]:
    """Verdicts for every renewal in the bag: its seals as of the proven time, and that
    what they sealed is still here (a PDF may only have grown by timestamp revisions)."""
    moment = at or datetime.now(UTC)
    numbers = sorted({int(m["n"]) for n in bag if (m := _RENEWAL.match(n))})
    verdicts: list[SignatureVerdict] = []
    for number in numbers:
        folder = f"{RENEWALS}/{number}"
        covered = bag.get(f"{folder}/tagmanifest-sha256.txt")
        if covered is None:
            verdicts.append(broken(folder, "renewal", "its tagmanifest-sha256.txt is missing"))
            continue
        for name in sorted(n for n in bag if n.startswith(f"{folder}/tagmanifest-sha256.txt")
                           and n.endswith((".p7s", ".xades"))):
            verdicts.append(_old_seal(bag, name, covered, trust_roots, moment))
        verdicts.append(_continuity(bag, folder))
    return verdicts


def _old_seal(bag: Mapping[str, bytes], name: str, covered: bytes, trust_roots: list | None,
              moment: datetime) -> SignatureVerdict:
    target = f"{name.rsplit('/', 1)[0]}/tagmanifest-sha256.txt ({name})"
    proven, problem = (None, None)
    if trust_roots is not None:
        proven, problem = _proven_at(bag, name, trust_roots, moment)
    if looks_like_xml(bag[name]):
        verdict = verify_xades(covered, bag[name], trust_roots, target=target, at=proven or moment)
    else:
        verdict = verify_detached(covered, bag[name], trust_roots, target=target,
                                  at=proven or moment)
    if problem and trust_roots is not None:
        from dataclasses import replace

        verdict = replace(verdict, trust=Trust.UNTRUSTED,
                          problems=(*verdict.problems, f"archive timestamp: {problem}"))
    return verdict


def _continuity(bag: Mapping[str, bytes], folder: str) -> SignatureVerdict:
    problems = []
    listed, _ = parse_manifest(bag[f"{folder}/tagmanifest-sha256.txt"], "sha256")
    for name, digest in listed.items():
        copy = bag.get(f"{folder}/{name}", bag.get(name))
        if copy is None or hashlib.sha256(copy).hexdigest() != digest:
            problems.append(Message("{name} differs from what the seal covered", name=name))
    manifest = bag.get(f"{folder}/manifest-sha256.txt")
    if manifest is not None:
        sealed, _ = parse_manifest(manifest, "sha256")
        for name, digest in sealed.items():
            current = bag.get(name)
            if current is None:
                problems.append(Message("{name}, sealed, is missing", name=name))
            elif hashlib.sha256(current).hexdigest() != digest and not (
                    name.lower().endswith(".pdf") and _starts_with_sealed(current, digest)):
                problems.append(Message("{name} is neither the sealed file nor the sealed "
                                        "PDF with revisions added",
                                        name=name))
        for name in sorted(n for n in bag if n.startswith("data/") and n not in sealed):
            problems.append(Message("{name} was added after the seal", name=name))
    old_info = bag.get(f"{folder}/bag-info.txt")
    if old_info is not None and _meta(old_info) != _meta(bag.get("bag-info.txt", b"")):
        problems.append(Message("bag-info.txt says something else than the sealed one"))
    return SignatureVerdict(folder, "renewal", intact=not problems, trust=Trust.NOT_CHECKED,
                            signer="archiver timestamp-renew", problems=tuple(problems))


def _meta(bag_info: bytes) -> list[tuple[str, str]]:
    fields, _ = parse_tag_file(bag_info)
    return [(k, v) for k, v in fields if k not in COMPUTED_LABELS]


def _starts_with_sealed(pdf: bytes, digest: str) -> bool:
    """The PDF's bytes up to one of its earlier %%EOF markers are the sealed file."""
    for match in re.finditer(rb"%%EOF", pdf):
        end = match.end()
        for cut in (end, end + 1, end + 2):
            if cut <= len(pdf) and hashlib.sha256(pdf[:cut]).hexdigest() == digest:
                return True
    return False


def verify_token_seal(bag: Mapping[str, bytes], trust_roots: list | None,
                      at: datetime | None) -> list[SignatureVerdict]:
    """The renewed bag's own seal: an RFC 3161 timestamp over its tag manifest."""
    if TOKEN_SEAL not in bag:
        return []
    target = f"tagmanifest-sha256.txt ({TOKEN_SEAL})"
    tags = bag.get("tagmanifest-sha256.txt", b"")
    token = bag[TOKEN_SEAL]
    try:
        signed = parse_cms(token)
        imprint = signed["encap_content_info"]["content"].parsed["message_imprint"]
        tsa = extract_certificate_info(signed).signer_cert
    except (ValueError, TypeError, KeyError):
        return [broken(target, "RFC 3161", "not a readable RFC 3161 timestamp")]
    intact = imprint["hashed_message"].native == hashlib.sha256(tags).digest()
    problems = [] if intact else ["the tag manifest was changed after it was timestamped"]
    trust = Trust.NOT_CHECKED
    if trust_roots is not None and intact:
        problem = check_token(token, tags, trust_roots, at or datetime.now(UTC))
        trust = Trust.UNTRUSTED if problem else Trust.TRUSTED
        problems += [problem] if problem else []
    from archiver.sign.certs import display_name

    when = _token_time(token)
    return [SignatureVerdict(target, "RFC 3161", intact=intact, trust=trust,
                             signer=display_name(tsa.subject), issuer=display_name(tsa.issuer),
                             signing_time=when, problems=tuple(problems),
                             proven_time=when if trust is Trust.TRUSTED else None,
                             checked_at=(at or datetime.now(UTC)) if trust_roots else None)]


def newest_timestamp_expiry(bag: Mapping[str, bytes]) -> datetime | None:
    """When the certificate of the newest timestamp in the bag expires (None: no
    timestamp). Renew before then: afterwards nothing can prove the bag's time."""
    newest: tuple[datetime, datetime] | None = None
    for token in _all_tokens(bag):
        try:
            when = token["content"]["encap_content_info"]["content"].parsed["gen_time"].native
            expiry = timestamp_expiry(token)
        except (ValueError, TypeError, KeyError):
            continue
        if newest is None or when > newest[0]:
            newest = (when, expiry)
    return newest[1] if newest else None


def _all_tokens(bag: Mapping[str, bytes]):
    from archiver.sign.cades import signature_timestamps

    for name, data in bag.items():
        if name.endswith(".tsr"):
            try:
                yield cms.ContentInfo.load(data)
            except ValueError:
                continue
        elif is_seal_name(name) and name.endswith(".p7s"):
            try:
                yield from signature_timestamps(parse_cms(data))
            except (ValueError, TypeError, KeyError):
                continue
        elif name.startswith("data/") and name.lower().endswith(".pdf"):
            try:
                reader = PdfFileReader(BytesIO(data), strict=False)
                for stamp in reader.embedded_timestamp_signatures:
                    yield cms.ContentInfo({"content_type": "signed_data",
                                           "content": stamp.signed_data})
            except Exception:  # noqa: BLE001 - unreadable PDFs are verify's business
                continue


def refuse_unless_verified(verdicts: list[SignatureVerdict], bundle_name: str) -> None:
    """Renew only what verifies now: a renewal would otherwise vouch for a broken bag."""
    failed = [v for v in verdicts if not v.ok]
    if failed:
        raise VerificationError(
            _("{bundle}: {kind} signature of {target} does not verify, so it is not renewed: "
              "{problems}").format(bundle=bundle_name, kind=failed[0].kind,
                                   target=failed[0].target,
                                   problems=joined("; ", failed[0].problems) or _("not valid")))


def renew_bundle(bundle_path: Path, password, service: TimestampService,
                 out_dir: Path | None = None, trust_roots: list | None = None) -> RenewResult:
    """Verify BUNDLE (integrity and every signature now), then write its renewed copy
    beside it (or in out_dir); the original is kept unchanged."""
    from archiver.sign.bag import verify_bag_signatures
    from archiver.sign.bundles import _open_bag, _require_password, _verified

    secret = _require_password(password, "timestamp-renew")
    bundle_path = Path(bundle_path)
    _verified(bundle_path, secret)
    archive, reader = _open_bag(bundle_path, secret)
    with archive:
        bag = {name: reader[name] for name in reader}
    roots = _roots_from(bag, trust_roots or [])
    refuse_unless_verified(verify_bag_signatures(bag, roots or None), bundle_path.name)
    target = renewed_bundle_path(bundle_path, out_dir or bundle_path.parent)
    return renew(bag, service, target, secret, trust_roots)
