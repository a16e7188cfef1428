"""copy_verified: a second copy of a bundle and its sidecar on another medium, read back
from that medium and compared before it gets its final name."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from archiver.bundle.hashing import CHUNK, parse_sidecar, sha256_file, sidecar_path
from archiver.errors import InputError, RefusedError, StorageError, VerificationError
from archiver.files import (
    OutputFile,
    partial_path,
    publish_pair,
    remove_quietly,
    storage_error,
    write_new_file,
)
from archiver.i18n import _


def copy_verified(bundle: Path, dest_dir: Path) -> Path:
    """Copy `bundle` and its sidecar into `dest_dir`; return the copy's path.

    The copy is written under a partial name, synced, read back (bypassing the page
    cache where possible) and compared with the sidecar's SHA-256 before it is renamed.
    A copy already there with the same checksum is accepted as is; any other file under
    that name is never overwritten.
    """
    bundle, dest_dir = Path(bundle), Path(dest_dir)
    expected = _expected_sha256(bundle)
    final = dest_dir / bundle.name
    final_sidecar = sidecar_path(final)
    if not dest_dir.is_dir():
        raise StorageError(_("the copy destination {dest_dir} does not exist or is not "
                             "a folder").format(dest_dir=dest_dir),
                           hint=_("connect or mount the medium and run again"))
    if _already_there(final, final_sidecar, expected):
        return final
    partial, sidecar_partial = partial_path(final), partial_path(final_sidecar)
    try:
        _copy_and_hash(bundle, partial, expected)
        found, _size = sha256_file(partial, drop_cache=True)
        if found != expected:
            raise StorageError(
                _("the copy in {dest_dir} reads back differently from the bundle").format(
                    dest_dir=dest_dir),
                hint=_("the medium may be failing; use another one"))
        write_new_file(sidecar_partial, sidecar_path(bundle).read_bytes())
        publish_pair([(partial, final), (sidecar_partial, final_sidecar)], dest_dir)
    except OSError as exc:
        raise storage_error(exc, _("copy the bundle {name}").format(name=bundle.name),
                            dest_dir) from None
    finally:
        remove_quietly(partial, sidecar_partial)
    return final


def _expected_sha256(bundle: Path) -> str:
    try:
        parsed = parse_sidecar(sidecar_path(bundle).read_bytes())
    except FileNotFoundError:
        raise InputError(_("{bundle} has no sidecar {name}").format(
                             bundle=bundle, name=sidecar_path(bundle).name)) from None
    if parsed is None or parsed[1] != bundle.name:
        raise VerificationError(_("the sidecar of {name} is malformed or names another "
                                  "file").format(name=bundle.name))
    return parsed[0]


def _already_there(final: Path, final_sidecar: Path, expected: str) -> bool:
    if not os.path.lexists(final) and not os.path.lexists(final_sidecar):
        return False
    try:
        same = sha256_file(final)[0] == expected and parse_sidecar(
            final_sidecar.read_bytes()) == (expected, final.name)
    except OSError:
        same = False
    if not same:
        raise RefusedError(_("{final} already exists and differs; it is never "
                             "overwritten").format(final=final),
                           hint=_("move it away or choose another --copy-to folder"))
    return True


def copy_hashed(source: Path, partial: Path) -> str:
    """Copy source into a new, synced file at partial; the SHA-256 of what was read."""
    digest = hashlib.sha256()
    out = OutputFile(partial)
    try:
        with open(source, "rb", buffering=0) as handle:
            while chunk := handle.read(CHUNK):
                digest.update(chunk)
                out.write(chunk)
        out.sync()
    finally:
        out.close()
    return digest.hexdigest()


def _copy_and_hash(source: Path, partial: Path, expected: str) -> None:
    found = copy_hashed(source, partial)
    if found != expected:
        raise VerificationError(_("{name} does not match its own sidecar; it was not "
                                  "copied").format(name=source.name),
                                problems=[_("expected {expected}, found {found}").format(
                                    expected=expected, found=found)])
