"""Finding bundles on a medium by what they are, not by what they are called.

A file is a bundle when its ZIP directory holds one top folder with a bag's bagit.txt
and bag-info.txt (the bag's top folder is the bundle's id), or when a sidecar
(`*.sha256`, one sha256sum line) names it: a copy damaged beyond its ZIP directory is
still found. A sidecar whose bundle is absent is reported too (a copy gone missing).
Reads 4 bytes of every file, the ZIP directory of each ZIP, and the sidecars.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from archiver.bundle.hashing import SIDECAR_SUFFIX, parse_sidecar
from archiver.bundle.report import Problem
from archiver.bundle.zipscan import scan_zip
from archiver.errors import UsageError
from archiver.files import PARTIAL_PATTERN, storage_error
from archiver.i18n import _

ZIP_MAGIC = b"PK\x03\x04"
MAX_SIDECAR = 4096


@dataclass
class Sidecar:
    path: Path
    sha256: str
    names: str  # the bundle file name the sidecar line names


@dataclass
class Found:
    """A file found to be a bundle (path set) or only a sidecar naming one (path None)."""

    bundle_id: str
    folder: Path
    path: Path | None = None
    sidecar: Sidecar | None = None
    structure: list[Problem] = field(default_factory=list)  # when no bag was readable

    @property
    def where(self) -> Path:
        return self.path or self.folder / f"{self.bundle_id}.zip"


def bag_id(path: Path) -> tuple[str | None, list[Problem]]:
    """The bag's top folder when `path` is a ZIP holding one bag, else None; and the
    problems of a ZIP whose directory cannot be read."""
    try:
        with open(path, "rb") as handle:
            if handle.read(4) != ZIP_MAGIC:
                return None, []
            scan = scan_zip(handle, os.fstat(handle.fileno()).st_size)
    except OSError:
        return None, []
    if scan.fatal:
        return None, scan.problems
    tops = {entry.name.split("/", 1)[0] for entry in scan.entries}
    if len(tops) != 1:
        return None, []
    top = tops.pop()
    names = {entry.name for entry in scan.entries}
    if {f"{top}/bagit.txt", f"{top}/bag-info.txt"} <= names:
        return top, []
    return None, []


def _sidecar(path: Path) -> Sidecar | None:
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_SIDECAR + 1)
    except OSError:
        return None
    parsed = parse_sidecar(data) if len(data) <= MAX_SIDECAR else None
    if parsed is None or not parsed[1].lower().endswith(".zip") or "/" in parsed[1]:
        return None
    return Sidecar(path, parsed[0], parsed[1])


def find_in_folder(folder: Path, files: list[str]) -> list[Found]:
    """The bundles and lone sidecars among `files` (names) of one folder."""
    sidecars = {}
    for name in files:
        if name.lower().endswith(SIDECAR_SUFFIX) and (car := _sidecar(folder / name)):
            sidecars[name] = car
    by_named = {car.names: car for car in sidecars.values()}
    found: list[Found] = []
    claimed: set[str] = set()
    for name in sorted(files):
        if name in sidecars or PARTIAL_PATTERN.match(name):
            continue
        path = folder / name
        top, problems = bag_id(path)
        own = sidecars.get(name + SIDECAR_SUFFIX)
        if top is not None:
            car = own if own is not None else by_named.get(f"{top}.zip")
        elif own is not None or name in by_named:  # a sidecar names it: a damaged bundle
            car = own or by_named[name]
            top = car.names.removesuffix(".zip").removesuffix(".ZIP")
        else:
            continue
        if car is not None:
            claimed.add(car.path.name)
        found.append(Found(top, folder, path, car, problems))
    present = set(files)
    for name, car in sorted(sidecars.items()):
        if name not in claimed and car.names not in present:
            found.append(Found(car.names[:-4], folder, None, car))
    return found


def find_bundles(medium: Path, unreadable: list[str] | None = None) -> Iterator[Found]:
    """Every bundle and lone sidecar under `medium` (symbolic links are not followed);
    folders that cannot be read are added to `unreadable`."""
    medium = Path(medium)
    if not medium.is_dir():
        raise UsageError(_("{medium} is not a folder").format(medium=medium),
                         hint=_("give the folders or mount points of the media to scan"))
    errors: list[OSError] = []
    for folder, dirs, files in os.walk(medium, onerror=errors.append):
        dirs.sort()
        regular = [n for n in files if os.path.isfile(os.path.join(folder, n))
                   and not os.path.islink(os.path.join(folder, n))]
        yield from find_in_folder(Path(folder), regular)
    if errors and errors[0].filename == str(medium):
        raise storage_error(errors[0], _("read the folder"), medium)
    if unreadable is not None:
        unreadable += [str(error.filename) for error in errors]
