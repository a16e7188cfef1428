"""An export read once is kept in the render cache under the digest of its bytes: the same
bytes are answered from it (no reading, no validation, no hashing of rows); any changed byte
is read again; the entry is as unreadable and as bound to its key as every cache entry."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from perf_helpers import CTX

from archiver.config import Config
from archiver.demo import write_demo
from archiver.load import load
from archiver.render import export_cache
from archiver.render.cache import CACHE_FOLDER, KEY_FILE, RenderCache
from archiver.render.cache_keys import document_key
from archiver.render.export_cache import keep_export, load_export
from archiver.render.plan import plan_documents
from archiver.render.slicing import Slicer


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_demo(tmp_path_factory.mktemp("export-cache") / "eksport", "small", 2026,
                      "folder")


def _reading_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(_path):
        raise AssertionError("the export was read again")

    monkeypatch.setattr(export_cache, "load", refused)


def _keys(ds) -> list[str]:
    slicer = Slicer(ds)
    return [document_key(spec, slicer.digest_for(spec), Config(), CTX, ds.meta.timezone)
            for spec in plan_documents(ds)]


def _same_tables(a, b) -> None:
    assert a.meta == b.meta and sorted(a.tables) == sorted(b.tables)
    for name in a.tables:
        pd.testing.assert_frame_equal(a.tables[name], b.tables[name])


def test_the_same_bytes_are_answered_from_the_cache_with_the_same_keys(
        folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = RenderCache.open(tmp_path / "state")
    first = load_export(folder, cache)
    keys = _keys(first)  # fills the slices' digests, kept with the dataset
    keep_export(cache, first)
    _reading_refused(monkeypatch)
    moved = tmp_path / "elsewhere"
    shutil.copytree(folder, moved)  # the same bytes in another folder
    again = load_export(moved, RenderCache.open(tmp_path / "state"))
    _same_tables(again, load(folder))
    assert again.source.path == str(moved) and again.source.container == "folder"
    assert again.slice_digests == first.slice_digests
    assert _keys(again) == keys
    # nothing readable on disk: the entry is encrypted like a document's
    entries = [p for p in (tmp_path / "state" / CACHE_FOLDER).iterdir() if p.name != KEY_FILE]
    assert entries
    surname = str(first.students["last_name"].iloc[0]).encode()
    for entry in entries:
        raw = entry.read_bytes()
        assert surname not in raw and b"student_id" not in raw


def test_a_changed_byte_is_read_again(folder: Path, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    cache = RenderCache.open(tmp_path / "state")
    keep_export(cache, load_export(folder, cache))
    changed = tmp_path / "changed"
    shutil.copytree(folder, changed)
    lessons = changed / "lessons.csv"
    text = lessons.read_text(encoding="utf-8")
    lessons.write_text(text.replace("\n", "\r\n", 1), encoding="utf-8")  # one byte more
    reads = []
    monkeypatch.setattr(export_cache, "load", lambda path: reads.append(path) or load(path))
    load_export(changed, cache)
    assert reads == [changed]
    # a file that is not part of the export changes nothing: it is never read
    unrelated = tmp_path / "unrelated"
    shutil.copytree(folder, unrelated)
    (unrelated / "notatki.txt").write_text("cokolwiek", encoding="utf-8")
    load_export(unrelated, cache)
    assert reads == [changed]


def test_a_damaged_entry_is_dropped_and_the_export_read_again(
        folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = RenderCache.open(tmp_path / "state")
    keep_export(cache, load_export(folder, cache))
    for entry in (tmp_path / "state" / CACHE_FOLDER).glob("*.enc"):
        data = bytearray(entry.read_bytes())
        data[len(data) // 2] ^= 1
        entry.write_bytes(bytes(data))
    reads = []
    monkeypatch.setattr(export_cache, "load", lambda path: reads.append(path) or load(path))
    dataset = load_export(folder, cache)
    assert reads == [folder] and cache.stats.dropped == 1
    assert len(dataset.students) > 0
