"""Read a .zip of an export folder, in memory, refusing unsafe or oversized archives."""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Collection
from pathlib import Path, PurePosixPath

from archiver.errors import InputError
from archiver.i18n import _
from archiver.sources.csvtext import read_csv_table, read_export_json
from archiver.sources.raw import RawExport

# Caps against a zip bomb: the whole export unpacked, and how much one entry may expand.
MAX_TOTAL_BYTES = 4 * 1024**3
MAX_RATIO = 200
RATIO_FLOOR = 1024**2  # entries smaller than this unpacked are never a threat


def _check_entries(archive: zipfile.ZipFile, where: str) -> list[zipfile.ZipInfo]:
    files: list[zipfile.ZipInfo] = []
    names: set[str] = set()
    for info in archive.infolist():
        name = info.filename.replace("\\", "/")
        parts = PurePosixPath(name).parts
        if name.startswith("/") or ".." in parts or (parts and parts[0].endswith(":")):
            raise InputError(_("{where}: refused, entry {filename!r} points outside "
                               "the archive").format(
                                 where=where, filename=info.filename))
        if info.is_dir():
            continue
        if name in names:
            raise InputError(_("{where}: refused, entry {filename!r} appears twice").format(
                                 where=where, filename=info.filename))
        names.add(name)
        if info.flag_bits & 0x1:
            raise InputError(_("{where}: entry {filename!r} is encrypted; give the "
                               "export unencrypted").format(
                                 where=where, filename=info.filename))
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise InputError(_("{where}: refused, entry {filename!r} expands more than "
                               "{MAX_RATIO} times (a zip bomb?)").format(
                                 where=where, filename=info.filename,
                                 MAX_RATIO=MAX_RATIO))
        files.append(info)
    total = sum(i.file_size for i in files)
    if total > MAX_TOTAL_BYTES:
        raise InputError(_("{where}: refused, unpacks to {value:.1f} GiB, more than "
                           "the {value2} GiB allowed").format(
                             where=where, value=total / 1024**3,
                             value2=MAX_TOTAL_BYTES // 1024**3))
    return files


def _root(files: list[zipfile.ZipInfo], where: str) -> str:
    """The prefix under which export.json sits: "" or "top/"."""
    names = [i.filename.replace("\\", "/") for i in files]
    if "export.json" in names:
        return ""
    tops = {n.split("/", 1)[0] for n in names if "/" in n and not n.startswith("__MACOSX/")}
    if len(tops) == 1 and f"{next(iter(tops))}/export.json" in names:
        return f"{next(iter(tops))}/"
    raise InputError(_("{where}: no export.json at the archive root or under one top "
                       "folder").format(where=where))


def read_zip(path: Path, wanted: Collection[str] | None = None) -> RawExport:
    """Read export.json and every wanted TABLE.csv of a zipped export folder."""
    where = path.name
    try:
        with zipfile.ZipFile(path) as archive:
            files = _check_entries(archive, where)
            prefix = _root(files, where)
            by_name = {i.filename.replace("\\", "/"): i for i in files}
            meta = read_export_json(_read(archive, by_name[f"{prefix}export.json"], where),
                                    f"{where}: export.json")
            raw = RawExport(str(path), "zip", meta)
            for name in sorted(by_name):
                if not name.startswith(prefix) or not name.endswith(".csv"):
                    continue
                table = name[len(prefix):-4]
                if "/" in table or (wanted is not None and table not in wanted):
                    continue
                data = _read(archive, by_name[name], where)
                raw.tables[table] = read_csv_table(table, data, f"{table}.csv")
            return raw
    except (zipfile.BadZipFile, NotImplementedError, EOFError):  # or of a zip version
        #                                                  zipfile cannot open
        raise InputError(_("{where}: not a zip archive, or a damaged one").format(
                             where=where)) from None
    except OSError as exc:
        raise InputError(_("{where}: cannot be read ({value})").format(
                             where=where, value=exc.strerror or exc)) from None


def _read(archive: zipfile.ZipFile, info: zipfile.ZipInfo, where: str) -> bytes:
    try:
        return archive.read(info)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError,
            ValueError) as exc:
        raise InputError(_("{where}: entry {filename!r} is damaged ({exc})").format(
                             where=where, filename=info.filename, exc=exc)) from None
