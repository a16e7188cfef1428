"""Read an export folder: one TABLE.csv per table plus export.json."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from archiver.errors import InputError
from archiver.i18n import _
from archiver.sources.csvtext import read_csv_table, read_export_json
from archiver.sources.raw import RawExport


def _inside(root: Path, path: Path) -> bytes:
    """The file's bytes, refusing a link that leads outside the folder."""
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):
        raise InputError(_("{name}: a broken symbolic link or unreadable file").format(
                             name=path.name)) from None
    if not target.is_relative_to(root):
        raise InputError(_("{name}: a symbolic link pointing outside the export folder").format(
                             name=path.name))
    if not target.is_file():
        raise InputError(_("{name}: not a regular file").format(name=path.name))
    try:
        return target.read_bytes()
    except OSError as exc:
        raise InputError(_("{name}: cannot be read ({strerror})").format(
                             name=path.name, strerror=exc.strerror)) from None


def read_folder(path: Path, wanted: Collection[str] | None = None) -> RawExport:
    """Read export.json and every wanted TABLE.csv found in the folder."""
    root = path.resolve()
    meta_file = path / "export.json"
    if not meta_file.exists() and not meta_file.is_symlink():
        raise InputError(_("{path}: no export.json in the folder; is this a register "
                           "export?").format(path=path))
    meta = read_export_json(_inside(root, meta_file))
    raw = RawExport(str(path), "folder", meta)
    for file in sorted(path.iterdir()):
        name = file.name[:-4] if file.name.endswith(".csv") else None
        if name and (wanted is None or name in wanted):
            raw.tables[name] = read_csv_table(name, _inside(root, file), file.name)
    return raw
