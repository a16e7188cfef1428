"""Signatures and bundles: what to sign, attaching a signature made elsewhere, checking all.

The external path for a qualified signature: `sign_request` gives the exact bytes of the
bag's `tagmanifest-sha256.txt` (which lists bag-info.txt and both manifests, so the
signature covers the metadata and every document); the director signs them in their own
application (detached XAdES or CAdES); `sign_attach` checks that signature against the
tag manifest first, then re-packs the bag with the signature beside the tag manifest into
a NEW bundle (the old one is never touched; every other file, bag-info.txt included, is
kept byte for byte) and checks the new bundle. Bundles are read in memory, never extracted.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyzipper

from archiver.bundle import BundleResult, BundleWriter, VerifyReport, verify_bundle
from archiver.bundle.bag import bag_top
from archiver.bundle.bagtext import (
    COMPUTED_LABELS,
    is_reserved_tag_name,
    parse_tag_file,
)
from archiver.bundle.writer import is_seal_name
from archiver.errors import InputError, RefusedError, UsageError, VerificationError
from archiver.files import storage_error
from archiver.i18n import Message, _, joined, ngettext, shown
from archiver.passwords import Password, as_password
from archiver.sign.bag import (
    TAG_MANIFEST,
    check_attachable,
    derived_bundle_path,
    is_signature_name,
    signature_tag_name,
    verify_bag_signatures,
)
from archiver.sign.cades import sign_detached
from archiver.sign.keys import Signer
from archiver.sign.renewal import newest_timestamp_expiry
from archiver.sign.verdict import SignatureVerdict, format_verdicts

RENEW_AHEAD = timedelta(days=365)  # verify warns this long before the last TSA expires
MAX_SIGNATURE_SIZE = 16 << 20  # a detached signature is kilobytes; refuse to load junk
SIGNED_SUFFIX = "-podpisany"


@dataclass(frozen=True)
class AttachResult:
    """A new bundle holding the attached signature, and what the check of it found."""

    bundle: BundleResult
    signature_name: str  # the seal beside the tag manifest, e.g. tagmanifest-sha256.txt.xades
    verdict: SignatureVerdict  # of the attached signature, in the new bundle
    verdicts: tuple[SignatureVerdict, ...]  # every signature in the new bundle

    @property
    def path(self) -> Path:
        """The new bundle's path."""
        return self.bundle.path


def _require_password(password: Password | str | None, action: str) -> Password:
    if password is None:
        raise UsageError(
            _("{action} needs the bundle's password").format(action=action),
            hint=_("give it with --password-file FILE or ARCHIVER_PASSWORD"),
        )
    return as_password(password)


def _verified(bundle_path: Path, password: Password) -> None:
    report = verify_bundle(bundle_path, password)
    if not report.ok:
        raise VerificationError(
            _("{name} does not verify, so it is not signed: {problems}").format(
                name=Path(bundle_path).name, problems=report.problems[0]),
            problems=[str(p) for p in report.problems],
        )


class BagReader(Mapping[str, bytes]):
    """The files of a bundle's bag by bag-relative name, each decrypted when read; with
    `suffixes`, only the files whose names end so (in any case)."""

    def __init__(self, archive: pyzipper.AESZipFile, top: str,
                 suffixes: tuple[str, ...] = ()) -> None:
        prefix = f"{top}/"
        self._archive = archive
        self._infos = {i.filename[len(prefix):]: i for i in archive.infolist()
                       if i.filename.startswith(prefix) and not i.is_dir()
                       and (not suffixes or i.filename.lower().endswith(suffixes))}

    def __getitem__(self, name: str) -> bytes:
        return self._archive.read(self._infos[name])

    def __iter__(self) -> Iterator[str]:
        return iter(self._infos)

    def __len__(self) -> int:
        return len(self._infos)

    def info(self, name: str) -> pyzipper.ZipInfo:
        return self._infos[name]


def _open_bag(bundle_path: Path, password: Password) -> tuple[pyzipper.AESZipFile, BagReader]:
    try:
        archive = pyzipper.AESZipFile(bundle_path)
    except (OSError, pyzipper.BadZipFile) as exc:
        raise InputError(_("cannot open the bundle {bundle_path}: {exc}").format(
                             bundle_path=bundle_path, exc=exc)) from None
    archive.setpassword(password.encode())
    return archive, BagReader(archive, bag_top(Path(bundle_path).name))


def sign_request(bundle_path: Path, password: Password | str | None) -> bytes:
    """Exactly the bag's tagmanifest-sha256.txt: what the director signs (after a full
    verify)."""
    secret = _require_password(password, "sign-request")
    _verified(bundle_path, secret)
    archive, bag = _open_bag(bundle_path, secret)
    with archive:
        return bag[TAG_MANIFEST]


def write_sign_request(
    bundle_path: Path, password: Password | str | None, out_path: Path
) -> bytes:
    """Write the manifest to sign to `out_path` (a new file, never overwritten); return it."""
    manifest = sign_request(bundle_path, password)
    out_path = Path(out_path)
    try:
        handle = open(out_path, "xb")
    except FileExistsError:
        raise RefusedError(_("{out_path} already exists; choose another --out file").format(
                               out_path=out_path)) from None
    except OSError as exc:
        raise storage_error(exc, _("create {name}").format(name=out_path.name),
                            out_path.parent) from None
    try:
        with handle:
            handle.write(manifest)
    except OSError as exc:
        out_path.unlink(missing_ok=True)  # ours: created above; leave nothing half-written
        raise storage_error(exc, _("write {name}").format(name=out_path.name),
                            out_path.parent) from None
    return manifest


def verify_bundle_signatures(
    bundle_path: Path, password: Password | str, trust_roots: list | None = None,
    at: datetime | None = None,
) -> list[SignatureVerdict]:
    """Verdicts for every signature in the bundle (the seals and signed PDFs), their trust
    judged at `at` (default now)."""
    archive, bag = _open_bag(bundle_path, as_password(password))
    with archive:
        return verify_bag_signatures(bag, trust_roots, at)


def signed_bundle_path(bundle_path: Path, out_dir: Path) -> Path:
    """`NAME-podpisany.zip` in out_dir, or `-podpisany-2`, ...: never an existing name."""
    return derived_bundle_path(bundle_path, out_dir, SIGNED_SUFFIX)


def _read_signature(signature_path: Path) -> bytes:
    try:
        size = signature_path.stat().st_size
        if size > MAX_SIGNATURE_SIZE:
            raise InputError(_("{signature_path} is {size:,} bytes: too large for a "
                               "signature").format(
                                 signature_path=signature_path, size=size))
        return signature_path.read_bytes()
    except OSError as exc:
        raise InputError(_("cannot read the signature {signature_path}: {strerror}").format(
                             signature_path=signature_path, strerror=exc.strerror)) from None


def _refuse_duplicate(bag: Mapping[str, bytes], signature: bytes) -> None:
    for name in bag:
        if is_signature_name(name) and bag[name] == signature:
            raise RefusedError(_("this signature is already in the bundle as {name}").format(
                                   name=name))


def _carried_bag_info(bag: Mapping[str, bytes]) -> list[tuple[str, str]]:
    # every field as it was (Bagging-Date, Bag-Software-Agent too: the seal covers
    # bag-info.txt); the writer recomputes Payload-Oxum and Bag-Size, to the same values
    fields, _problems = parse_tag_file(bag["bag-info.txt"])
    return [(label, value) for label, value in fields if label not in COMPUTED_LABELS]


def _repack(
    bag: BagReader, archive: pyzipper.AESZipFile, target: Path, password: Password,
    new_seals: Mapping[str, bytes],
) -> BundleResult:
    """Every file of `bag` into a new bundle at `target`, plus `new_seals` beside the tag
    manifest; it must come out byte-identical, or the signatures over it would be void."""
    with BundleWriter(target, password, _multi(_carried_bag_info(bag))) as writer:
        for name in bag:
            if name.startswith("data/"):
                with archive.open(bag.info(name)) as stream:
                    writer.add_stream(name[len("data/"):], stream, size=bag.info(name).file_size)
        for name in bag:
            if not name.startswith("data/") and not is_reserved_tag_name(name) \
                    and not is_seal_name(name):
                writer.add_tag_file(name, bag[name])
        seals = {**{n: bag[n] for n in bag if is_seal_name(n)}, **new_seals}

        def same_tag_manifest(tag_manifest: bytes) -> list[tuple[str, bytes]]:
            if tag_manifest != bag[TAG_MANIFEST]:
                raise VerificationError(_("the re-packed {TAG_MANIFEST} differs from "
                                          "the original; nothing was written").format(
                                            TAG_MANIFEST=TAG_MANIFEST))
            return list(seals.items())

        writer.seal_with(same_tag_manifest)
    assert writer.result is not None
    return writer.result


def _multi(fields: list[tuple[str, str]]) -> dict[str, str | list[str]]:
    grouped: dict[str, list[str]] = {}
    for label, value in fields:
        grouped.setdefault(label, []).append(value)
    return {k: v[0] if len(v) == 1 else v for k, v in grouped.items()}


def sign_attach(
    bundle_path: Path,
    signature_path: Path,
    password: Password | str | None,
    out_dir: Path | None = None,
    *,
    trust_roots: list | None = None,
) -> AttachResult:
    """Check a detached signature against the bundle's manifest, then write a NEW bundle
    holding it (the old one is kept) and check that; RefusedError for a wrong signature."""
    secret = _require_password(password, "sign-attach")
    bundle_path = Path(bundle_path)
    signature = _read_signature(Path(signature_path))
    _verified(bundle_path, secret)
    archive, bag = _open_bag(bundle_path, secret)
    with archive:
        _refuse_duplicate(bag, signature)
        check_attachable(bag[TAG_MANIFEST], signature, trust_roots)
        name = signature_tag_name(bag, signature)
        target = signed_bundle_path(bundle_path, out_dir or bundle_path.parent)
        result = _repack(bag, archive, target, secret, {name: signature})
    verdicts = tuple(verify_bundle_signatures(result.path, secret, trust_roots))
    mine = [v for v in verdicts if v.target.endswith(f"({name})")]
    if len(mine) != 1 or not mine[0].ok:
        raise VerificationError(_("the new bundle {name} was written but its signature "
                                  "{signature} does not verify").format(
                                    name=result.path.name, signature=name))
    return AttachResult(result, name, mine[0], verdicts)


def seal_bag(writer: BundleWriter, signer: Signer, signing_time: datetime) -> str:
    """For --sign-with: when `writer` closes, sign its tagmanifest-sha256.txt (so bag-info
    and both manifests) as a CAdES `.p7s` beside it; returns the seal's name."""
    name = signature_tag_name([r.name for r in writer.entries], b"")

    def seal(tag_manifest: bytes) -> list[tuple[str, bytes]]:
        return [(name, sign_detached(tag_manifest, signer, signing_time))]

    writer.seal_with(seal)
    return name


@dataclass(frozen=True)
class SignatureCheck:
    """The signature part of `archiver verify`: verdicts, or why none could be made."""

    verdicts: tuple[SignatureVerdict, ...] = ()
    not_checked: str | None = None  # the reason signatures were not checked
    timestamp_expires: datetime | None = None  # the newest timestamp's certificate's end
    at: datetime | None = None  # the time the signatures were judged at (None: now)

    def renewal_warning(self) -> str | None:
        """A warning when the newest timestamp's certificate ends within a year."""
        if self.timestamp_expires is None:
            return None
        moment = self.at or datetime.now(UTC)
        if self.timestamp_expires - moment > RENEW_AHEAD:
            return None
        day = f"{self.timestamp_expires:%Y-%m-%d}"
        if self.timestamp_expires <= moment:
            return _("WARNING: the certificate of the newest timestamp expired on {day}; "
                     "nothing can prove this bundle's signatures any more unless an "
                     "archive timestamp renewed them before").format(day=day)
        return _("WARNING: the certificate of the newest timestamp expires on {day}: renew "
                 "the timestamps before then with: archiver timestamp-renew BUNDLE"
                 ).format(day=day)

    @property
    def ok(self) -> bool:
        """No signature failed (True also when none was present or checked)."""
        return all(v.ok for v in self.verdicts)

    def lines(self) -> list[str]:
        """Lines for the verify report, after the bundle's own verdict."""
        if self.not_checked:
            return [_("signatures: NOT checked ({reason})").format(
                reason=shown(self.not_checked))]
        warning = self.renewal_warning()
        return format_verdicts(list(self.verdicts)) + ([warning] if warning else [])

    def to_dict(self) -> dict[str, object]:
        """For `archiver verify --json`."""
        expires = self.timestamp_expires.isoformat() if self.timestamp_expires else None
        return {"checked": self.not_checked is None, "not_checked": self.not_checked,
                "ok": self.ok, "verdicts": [v.to_dict() for v in self.verdicts],
                "newest_timestamp_certificate_expires": expires,
                "renewal_warning": self.renewal_warning()}

    def raise_if_failed(self, bundle_name: str) -> None:
        """VerificationError (exit 3) naming the first failed signature, not its signer."""
        failed = [v for v in self.verdicts if not v.ok]
        if failed:
            first = failed[0]
            raise VerificationError(
                ngettext("{bundle}: {count} signature does not verify: {kind} signature of "
                         "{target}: {problems}",
                         "{bundle}: {count} signatures do not verify, first: {kind} signature "
                         "of {target}: {problems}", len(failed)).format(
                    bundle=bundle_name, count=len(failed), kind=first.kind,
                    target=first.target, problems=joined("; ", first.problems) or _("not valid")),
                problems=[_("{kind} signature of {target}: {problems}").format(
                    kind=v.kind, target=v.target, problems=joined("; ", v.problems))
                          for v in failed],
            )


def check_bundle_signatures(
    bundle_path: Path, password: Password | str | None, report: VerifyReport,
    trust_roots: list | None = None, at: datetime | None = None,
) -> SignatureCheck:
    """Check every signature in a bundle that `verify_bundle` found intact, at `at`."""
    if password is None:
        return SignatureCheck(not_checked=Message("no password given"))
    if not report.ok:
        return SignatureCheck(not_checked=Message("the bundle itself does not verify"))
    archive, bag = _open_bag(bundle_path, as_password(password))
    with archive:
        files = {name: bag[name] for name in bag}
    return SignatureCheck(tuple(verify_bag_signatures(files, trust_roots, at)),
                          timestamp_expires=newest_timestamp_expiry(files), at=at)


def bundle_timestamp_expiry(bundle_path: Path, password: Password | str) -> datetime | None:
    """When the certificate of the newest timestamp in a bundle expires, None if it has
    no timestamp: the date by which `archiver timestamp-renew` must have run."""
    archive, bag = _open_bag(bundle_path, as_password(password))
    with archive:
        return newest_timestamp_expiry({name: bag[name] for name in bag})
