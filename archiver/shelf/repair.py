"""shelf repair: a damaged, missing or lacking copy replaced by a verified one.

The good copy is checked first (it must be the bundle, with its reference SHA-256 and a
sound structure; with the password, decrypted too). The new copy is written under a
partial name on the target medium, synced, read back from the medium and checked the
same way; only then does it take its final name, replacing the damaged copy in one
rename. Until that moment the damaged copy is untouched.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from archiver.audit import AuditLog, record
from archiver.bundle.copy import copy_hashed
from archiver.bundle.hashing import sha256_file, sidecar_path, sidecar_text
from archiver.bundle.verify import verify_file
from archiver.config import Config
from archiver.errors import RefusedError, StorageError, UsageError, VerificationError
from archiver.files import (
    fsync_dir,
    partial_path,
    publish,
    remove_quietly,
    storage_error,
    write_new_file,
)
from archiver.i18n import _
from archiver.passwords import Password
from archiver.shelf.check import check_copy
from archiver.shelf.find import find_in_folder
from archiver.shelf.index import (
    OK,
    BundleRecord,
    CopyRecord,
    ShelfIndex,
    index_path,
    locked_index,
)
from archiver.shelf.scan import _now


@dataclass
class RepairResult:
    bundle_id: str
    new_copy: Path
    replaced: CopyRecord | None  # the damaged or missing copy it took the place of
    good_copies: int


def _checked_source(bundle: BundleRecord, source: Path, password: Password | None) -> str:
    """The good copy's SHA-256, after checking it is this bundle and sound now."""
    if not source.is_file():
        raise UsageError(_("--from {path}: no such file").format(path=source))
    found = [f for f in find_in_folder(source.parent, [source.name]) if f.path == source]
    if not found or found[0].bundle_id != bundle.bundle_id:
        raise RefusedError(_("--from {path} is not a copy of {bundle}").format(
            path=source, bundle=bundle.bundle_id))
    check = check_copy(found[0], password)
    problems = [p for p in check.problems if "no sidecar" not in p]
    if problems or check.sha256 != bundle.sha256:
        raise VerificationError(
            _("--from {path} does not verify now; it cannot serve as the good copy"
              ).format(path=source),
            problems=problems or [_("SHA-256 {found}, expected {expected}").format(
                found=check.sha256, expected=bundle.sha256)])
    assert check.sha256 is not None
    return check.sha256


def _target(bundle: BundleRecord, medium: Path) -> tuple[Path, CopyRecord | None]:
    """Where the new copy goes: beside the bad copy on that medium, under the bundle's
    own name; and the bad copy it replaces, if the index knows one there."""
    for copy in bundle.sorted_copies():
        path = Path(copy.path)
        if path.is_relative_to(medium) and not copy.good:
            return path.with_name(f"{bundle.bundle_id}.zip"), copy
    for copy in bundle.sorted_copies():
        if Path(copy.path).is_relative_to(medium) and Path(copy.path).is_file():
            raise RefusedError(_("{medium} already holds a good copy of {bundle} ({path})"
                                 ).format(medium=medium, bundle=bundle.bundle_id,
                                          path=copy.path),
                               hint=_("choose another medium with --to"))
    return medium / f"{bundle.bundle_id}.zip", None


def _copy_to_partial(source: Path, partial: Path, expected: str) -> None:
    if copy_hashed(source, partial) != expected:
        raise VerificationError(_("{path} changed while it was being copied; nothing was "
                                  "replaced").format(path=source))


def _verify_partial(partial: Path, bundle_id: str, expected: str,
                    password: Password | None) -> None:
    found, _size = sha256_file(partial, drop_cache=True)  # from the medium, not memory
    report = verify_file(partial, password, bundle_name=f"{bundle_id}.zip", sidecar=None)
    if found != expected or not report.ok:
        raise VerificationError(
            _("the new copy in {folder} does not verify; the damaged copy was left as it "
              "was").format(folder=partial.parent), problems=[str(p) for p in report.problems])


def write_copy(source: Path, final: Path, bundle_id: str, expected: str,
               password: Password | None) -> None:
    """Copy, sync, read back and verify under a partial name, then publish the copy and
    its sidecar (replacing a bad one at `final`)."""
    partial, sidecar_partial = partial_path(final), partial_path(sidecar_path(final))
    try:
        _copy_to_partial(source, partial, expected)
        _verify_partial(partial, bundle_id, expected, password)
        write_new_file(sidecar_partial, sidecar_text(expected, final.name))
        publish(sidecar_partial, sidecar_path(final), replace=sidecar_path(final).exists())
        publish(partial, final, replace=final.exists())  # the damaged copy is there until now
        fsync_dir(final.parent)
    except OSError as exc:
        raise storage_error(exc, _("write the new copy of {bundle_id}").format(
                                     bundle_id=bundle_id), final.parent) from None
    finally:
        remove_quietly(partial, sidecar_partial)


def _withdraw_renamed(bad: CopyRecord | None, final: Path) -> None:
    """A bad copy under another file name is removed once its replacement stands."""
    if bad is None or Path(bad.path) == final:
        return
    for path in (Path(bad.path), sidecar_path(Path(bad.path))):
        try:
            path.unlink(missing_ok=True)
        except OSError as exc:
            raise storage_error(exc, _("remove the damaged copy"), path.parent) from None


def _medium_of(index: ShelfIndex, path: Path, default: Path) -> str:
    """The scanned medium `path` lies under (the deepest one known), else `default`."""
    known = {c.medium for b in index.bundles.values() for c in b.copies.values()}
    under = [m for m in known if path.is_relative_to(m)]
    return max(under, key=len) if under else str(default)


def repair_copy(config: Config, bundle_id: str, source: Path, medium: Path, *,
                operator: str, password: Password | None = None,
                state_dir: Path | None = None) -> RepairResult:
    """Replace the bad copy of `bundle_id` on `medium` (or add one) from `source`."""
    medium = Path(medium).expanduser().resolve()
    source = Path(source).expanduser().resolve()
    if not medium.is_dir():
        raise StorageError(_("--to {path} does not exist or is not a folder").format(
            path=medium), hint=_("connect or mount the medium and run again"))
    log = AuditLog.for_config(config, state_dir)
    scope = {"bundle": bundle_id, "media": [str(medium)]}
    secrets = [password.reveal()] if password else []
    with record(log, "shelf-repair", operator=operator, scope=scope, secrets=secrets) as rec:
        with locked_index(config.state_dir(state_dir)) as index:
            bundle = index.require(bundle_id)
            expected = _checked_source(bundle, source, password)
            rec.add_digest(str(source), expected, bundle.size, kind="source")
            final, bad = _target(bundle, medium)
            if bad is not None and bad.sha256:
                rec.add_digest(bad.path, bad.sha256, bad.size, kind=f"replaced-{bad.outcome}")
            write_copy(source, final, bundle_id, expected, password)
            _withdraw_renamed(bad, final)
            if bad is not None:
                bundle.copies.pop(bad.path, None)
            now = _now()
            bundle.copies[str(final)] = CopyRecord(
                path=str(final), medium=_medium_of(index, final, medium), outcome=OK,
                checked_at=now, sha256=expected, size=final.stat().st_size,
                deep=password is not None, last_good_at=now)
            rec.add_output(final, name=str(final), kind="copy")
            result = RepairResult(bundle_id, final, bad, len(bundle.good_copies()))
        rec.add_output(index_path(config.state_dir(state_dir)), kind="shelf-index")
    return result
