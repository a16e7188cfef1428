"""Whole-or-nothing writes (archiver.files.write_whole): every file archiver writes in one
piece appears complete under its name or not at all, owner-only, never over an existing
file unless asked, and refusals and failures name the file at hand."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from archiver.errors import RefusedError, StorageError
from archiver.files import write_whole


def test_a_new_file_appears_whole_and_owner_only(tmp_path: Path) -> None:
    path = write_whole(tmp_path / "protokol.pdf", b"%PDF-1.7 ...", what="the handover protocol")
    assert path.read_bytes() == b"%PDF-1.7 ..."
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert os.listdir(tmp_path) == ["protokol.pdf"]


def test_an_existing_file_is_refused_naming_what_it_is(tmp_path: Path) -> None:
    slip = tmp_path / "haslo.txt"
    slip.write_text("earlier slip")
    with pytest.raises(RefusedError, match="a password slip is never overwritten") as caught:
        write_whole(slip, b"new", what="a password slip")
    assert str(slip) in caught.value.message and "password slip" in (caught.value.hint or "")
    assert slip.read_text() == "earlier slip"
    assert os.listdir(tmp_path) == ["haslo.txt"]


def test_replace_swaps_the_old_file_whole(tmp_path: Path) -> None:
    printout = tmp_path / "7a_dziennik.pdf"
    printout.write_bytes(b"old")
    write_whole(printout, b"new", what="a printout", replace=True)
    assert printout.read_bytes() == b"new"
    assert os.listdir(tmp_path) == ["7a_dziennik.pdf"]


def test_a_full_disk_leaves_nothing_and_names_the_file(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    def full(_fd: int, _data: bytes) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", full)
    with pytest.raises(StorageError, match="the disk is full") as caught:
        write_whole(tmp_path / "rejestr.pdf", b"x" * 100, what="the register of disclosures")
    assert "register of disclosures rejestr.pdf" in caught.value.message
    assert os.listdir(tmp_path) == []
