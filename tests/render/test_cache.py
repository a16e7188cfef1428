"""The render cache: nothing readable on disk, entries bound to their key, a bounded size,
and keys that change with what is printed."""

from __future__ import annotations

import os
import re
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest
from perf_helpers import CTX, register_spec

from archiver.config import Config, GradeSettings
from archiver.errors import StorageError
from archiver.render import RunContext
from archiver.render.cache import CACHE_FOLDER, KEY_FILE, CachedDocument, RenderCache
from archiver.render.cache_keys import document_key, time_key
from archiver.render.slicing import Slicer

SECRET = "Kowalska Anna, PESEL 09270812345"


def _document(text: str = SECRET, size: int = 0) -> CachedDocument:
    pdf = b"%PDF-1.7\n" + text.encode() + os.urandom(size) + b"\n%%EOF\n"
    return CachedDocument("7a_dziennik_2025-2026.pdf", pdf, 3, "register")


def test_entries_round_trip_and_nothing_is_readable_on_disk(tmp_path: Path) -> None:
    cache = RenderCache.open(tmp_path)
    document = _document()
    cache.put("key material", document)
    assert cache.get("key material") == document
    folder = tmp_path / CACHE_FOLDER
    files = [p for p in folder.iterdir() if p.name != KEY_FILE]
    assert len(files) == 1
    raw = files[0].read_bytes()
    for needle in (b"%PDF", b"Kowalska", b"PESEL", b"dziennik", b"register"):
        assert needle not in raw
    assert re.fullmatch(r"[0-9a-f]{64}\.enc", files[0].name)  # an HMAC: says nothing
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((folder / KEY_FILE).stat().st_mode) == 0o600
    assert stat.S_IMODE(files[0].stat().st_mode) == 0o600


def test_a_changed_or_moved_entry_is_a_miss_and_is_removed(tmp_path: Path) -> None:
    cache = RenderCache.open(tmp_path)
    cache.put("a", _document("first"))
    cache.put("b", _document("second"))
    path_a, path_b = cache.entry_path("a"), cache.entry_path("b")
    path_a.write_bytes(path_a.read_bytes()[:-1] + b"\0")  # a flipped byte
    assert cache.get("a") is None and not path_a.exists()
    path_b.rename(path_a)  # another document's entry under a's name
    assert cache.get("a") is None and not path_a.exists()
    assert cache.stats.dropped == 2 and cache.stats.hits == 0


def test_another_key_reads_nothing_and_clear_forgets_the_key(tmp_path: Path) -> None:
    cache = RenderCache.open(tmp_path)
    cache.put("a", _document())
    entry = cache.entry_path("a")
    saved = entry.read_bytes()
    cache.clear()
    assert not entry.exists() and not (tmp_path / CACHE_FOLDER / KEY_FILE).exists()
    fresh = RenderCache.open(tmp_path)  # a new key
    fresh.entry_path("a").write_bytes(saved)
    assert fresh.get("a") is None


def test_key_readable_by_others_is_made_owner_only(tmp_path: Path) -> None:
    RenderCache.open(tmp_path)
    key = tmp_path / CACHE_FOLDER / KEY_FILE
    key.chmod(0o644)
    RenderCache.open(tmp_path)
    assert stat.S_IMODE(key.stat().st_mode) == 0o600


def test_damaged_key_is_a_storage_error_naming_it(tmp_path: Path) -> None:
    RenderCache.open(tmp_path)
    (tmp_path / CACHE_FOLDER / KEY_FILE).write_bytes(b"short")
    with pytest.raises(StorageError, match="render cache key"):
        RenderCache.open(tmp_path)


def test_size_limit_drops_the_least_recently_used(tmp_path: Path) -> None:
    cache = RenderCache.open(tmp_path, max_bytes=250_000)
    for index, name in enumerate(("old", "used", "new")):
        cache.put(name, _document(name, 100_000))
        os.utime(cache.entry_path(name), (1_000_000 + index, 1_000_000 + index))
    os.utime(cache.entry_path("used"), (2_000_000, 2_000_000))  # read since
    cache.put("newest", _document("newest", 100_000))
    assert cache.get("old") is None
    assert cache.get("used") is not None and cache.get("newest") is not None
    assert cache.size() <= 250_000 and cache.stats.evicted >= 1


def test_printed_time_key_is_exact_when_pinned_else_the_day() -> None:
    morning = RunContext("sekretariat", datetime(2026, 6, 27, 6, 5, tzinfo=UTC))
    evening = RunContext("sekretariat", datetime(2026, 6, 27, 20, 55, tzinfo=UTC))
    late = RunContext("sekretariat", datetime(2026, 6, 27, 22, 30, tzinfo=UTC))
    zone = "Europe/Warsaw"
    assert time_key(morning, zone, {}) == time_key(evening, zone, {})  # same day in Warsaw
    assert time_key(evening, zone, {}) != time_key(late, zone, {})  # 00:30 the next day
    pinned = {"SOURCE_DATE_EPOCH": "1782570600"}
    assert time_key(morning, zone, pinned) != time_key(evening, zone, pinned)


def test_document_key_changes_with_what_is_printed(small) -> None:
    spec = register_spec(small)
    digest = Slicer(small).digest_for(spec)
    env = {"SOURCE_DATE_EPOCH": "1"}

    def key(**changes) -> str:
        args = {"spec": spec, "slice_digest": digest, "config": Config(), "run_ctx": CTX,
                "timezone": "Europe/Warsaw", "environ": env, **changes}
        return document_key(**args)

    base = key()
    assert base == key()
    assert key(slice_digest="0" * 64) != base
    assert key(config=Config(grades=GradeSettings(plus=0.75))) != base
    assert key(run_ctx=RunContext("dyrektor", CTX.printed_at)) != base
    assert key(run_ctx=RunContext("sekretariat", CTX.printed_at, "9.9")) != base
    assert key(spec=register_spec(small).__class__(**{**spec.__dict__, "term": 1})) != base


def test_an_entry_looked_up_is_kept_over_older_ones(tmp_path: Path) -> None:
    cache = RenderCache.open(tmp_path, max_bytes=250_000)
    for index, name in enumerate(("planned", "other")):
        cache.put(name, _document(name, 100_000))
        os.utime(cache.entry_path(name), (1_000_000 + index, 1_000_000 + index))
    assert cache.contains("planned") and not cache.contains("absent")
    cache.put("new", _document("new", 100_000))  # over the limit: the oldest goes
    assert cache.get("planned") is not None and cache.get("other") is None
