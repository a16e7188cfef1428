"""An export read once: the validated dataset kept in the render cache under the digest of
the export's bytes, so that an unchanged re-run neither reads, validates nor hashes its rows
again (issue 18: it spent a third of its time doing so).

The key holds the SHA-256 of the container as the reader reads it (a zip, xlsx or SQLite
file's bytes; a folder's export.json and TABLE.csv files, names and bytes, through the
folder reader's own checks), the container kind, and what turns those bytes into the
dataset: archiver's own reading, validating and slicing code (its source files hashed), the
rendering software's digest, and the pandas, numpy and Python versions that pickle the
frames. Any changed byte of the export gives another key: a changed export is never
answered from the cache. The entry is encrypted and authenticated as every entry is
(render/cache.py): what is unpickled was written by this account with this cache's key.
A second entry beside it keeps the digests of the documents' slices (Dataset.slice_digests,
the cache keys' core), written once a run has computed them, so that a re-run finds every
document without hashing a row.
"""

from __future__ import annotations

import hashlib
import json
import pickle
import platform
import sys
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from archiver.load import load
from archiver.model import Dataset, SourceInfo
from archiver.render.cache import RenderCache
from archiver.render.cache_keys import PACKAGE_DIR, _tree_digest, software_digest
from archiver.schema.tables import TABLES
from archiver.sources import detect_container

KIND = "export"
SLICES = "export slice digests"
# Code that turns an export's bytes into a Dataset and its slices' digests.
READING_CODE = ("sources", "schema", "load.py", "model.py", "render/slicing.py")
# Entries stored (or read) in this process, by cache folder and key: how many slice
# digests they hold.
_KEPT: dict[tuple[str, str], int] = {}


@lru_cache(maxsize=1)
def reading_digest() -> str:
    """The reading code's and the libraries' digest (see READING_CODE)."""
    files = []
    for name in READING_CODE:
        path = PACKAGE_DIR / name
        files += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    versions = [pd.__version__, np.__version__, platform.python_implementation(),
                sys.version.split()[0], str(pickle.HIGHEST_PROTOCOL)]
    return hashlib.sha256(("|".join(versions) + "|" + _tree_digest(files, PACKAGE_DIR) + "|"
                           + software_digest()).encode()).hexdigest()


def container_digest(path: Path) -> tuple[str, str]:
    """(container kind, SHA-256 of what the reader reads from it); OSError or InputError
    as reading it would raise."""
    kind = detect_container(path)
    digest = hashlib.sha256(kind.encode() + b"\0")
    if kind == "folder":
        from archiver.sources.folder import _inside

        root = path.resolve()
        own = {"export.json", *(f"{table}.csv" for table in TABLES)}
        for file in sorted(path.iterdir()):
            if file.name in own:
                data = _inside(root, file)
                digest.update(file.name.encode() + b"\0" + hashlib.sha256(data).digest())
    else:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return kind, digest.hexdigest()


def _material(kind: str, digest: str) -> str:
    return "\x1f".join(["export", kind, digest, "reading", reading_digest()])


def _slices_material(material: str) -> str:
    return material + "\x1fslice digests"


def load_export(path: Path, cache: RenderCache | None,
                on_read: Callable[[], None] | None = None) -> Dataset:
    """The validated dataset of the export at `path`: from the cache when these exact bytes
    were read before with this software, else read and validated (archiver.load.load)
    and kept in the cache at once (while the process holds little else: the entry's
    pickling and sealing hold three copies of it for a moment). `on_read()` is called
    before the export is read (not when the cache answers): a term-end starts its
    workers then, since documents of a new export are to be laid out."""
    path = Path(path)

    def read() -> Dataset:
        if on_read is not None:
            on_read()
        return load(path)

    if cache is None:
        return read()
    try:
        kind, digest = container_digest(path)
    except Exception:  # noqa: BLE001 - reading it again says what is wrong, in its words
        return read()
    material = _material(kind, digest)
    folder = str(cache.folder)
    data = cache.get_bytes(material, KIND)
    if data is not None:
        try:
            dataset = pickle.loads(data)  # written by this account, authenticated
        except Exception:  # noqa: BLE001 - another pandas: read the export again
            dataset = None
        if isinstance(dataset, Dataset):
            dataset.source = SourceInfo(str(path), kind)  # the same bytes, maybe elsewhere
            dataset.origin = material
            dataset.slice_digests.update(_slice_digests(cache, material))
            _KEPT[(folder, material)] = len(dataset.slice_digests)
            return dataset
    dataset = read()
    source, dataset.source = dataset.source, None  # the path is this run's
    try:
        data = pickle.dumps(dataset, protocol=pickle.HIGHEST_PROTOCOL)
    finally:
        dataset.source = source
    cache.put_bytes(material, KIND, data)
    del data
    dataset.origin = material
    _KEPT[(folder, material)] = 0
    return dataset


def _slice_digests(cache: RenderCache, material: str) -> dict[tuple[str, str], str]:
    data = cache.get_bytes(_slices_material(material), SLICES)
    if data is None:
        return {}
    try:
        found = json.loads(data)
        return {(str(table), str(part)): str(value) for table, part, value in found}
    except (ValueError, TypeError):
        return {}


def keep_export(cache: RenderCache | None, dataset: Dataset) -> None:
    """Keep the slice digests computed for the dataset for the next run (beside the
    dataset's own entry), unless the cache holds as many already."""
    material = dataset.origin
    if cache is None or material is None:
        return
    if _KEPT.get((str(cache.folder), material)) == len(dataset.slice_digests):
        return
    rows = sorted([table, part, value] for (table, part), value in dataset.slice_digests.items())
    cache.put_bytes(_slices_material(material), SLICES, json.dumps(rows).encode())
    _KEPT[(str(cache.folder), material)] = len(dataset.slice_digests)
