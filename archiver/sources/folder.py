"""Read an export folder: one TABLE.csv per table plus export.json."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from archiver.errors import InputError
from archiver.sources.csvtext import read_csv_table, read_export_json
from archiver.sources.raw import RawExport


def _inside(root: Path, path: Path) -> bytes:
    """The file's bytes, refusing a link that leads outside the folder."""
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):
        raise InputError(f"{path.name}: a broken symbolic link or unreadable file") from None
    if not target.is_relative_to(root):
        raise InputError(f"{path.name}: a symbolic link pointing outside the export folder")
    if not target.is_file():
        raise InputError(f"{path.name}: not a regular file")
    try:
        return target.read_bytes()
    except OSError as exc:
        raise InputError(f"{path.name}: cannot be read ({exc.strerror})") from None


def read_folder(path: Path, wanted: Collection[str] | None = None) -> RawExport:
    """Read export.json and every wanted TABLE.csv found in the folder."""
    root = path.resolve()
    meta_file = path / "export.json"
    if not meta_file.exists() and not meta_file.is_symlink():
        raise InputError(f"{path}: no export.json in the folder; is this a register export?")
    meta = read_export_json(_inside(root, meta_file))
    raw = RawExport(str(path), "folder", meta)
    for file in sorted(path.iterdir()):
        name = file.name[:-4] if file.name.endswith(".csv") else None
        if name and (wanted is None or name in wanted):
            raw.tables[name] = read_csv_table(name, _inside(root, file), file.name)
    return raw
