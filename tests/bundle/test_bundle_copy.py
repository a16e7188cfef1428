"""--copy-to copies: verified on the destination before they get their final name."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from bundle_faults import DiskFault

from archiver.bundle import BundleResult, copy_verified, verify_bundle
from archiver.errors import RefusedError, StorageError
from archiver.passwords import Password


@pytest.fixture
def usb(tmp_path: Path) -> Path:
    folder = tmp_path / "pendrive"
    folder.mkdir()
    return folder


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_a_copy_and_its_sidecar_verify_on_the_destination(bundle: BundleResult, usb: Path,
                                                          password: Password) -> None:
    copy = copy_verified(bundle.path, usb)
    assert copy == usb / bundle.path.name
    assert listing(usb) == [bundle.path.name, bundle.sidecar_path.name]
    assert subprocess.run(["sha256sum", "-c", bundle.sidecar_path.name], cwd=usb,
                          capture_output=True).returncode == 0
    assert verify_bundle(copy, password).complete


def test_copying_again_to_the_same_place_is_accepted(bundle: BundleResult, usb: Path) -> None:
    copy_verified(bundle.path, usb)
    assert copy_verified(bundle.path, usb) == usb / bundle.path.name
    assert len(listing(usb)) == 2


def test_a_different_file_under_the_name_is_not_overwritten(bundle: BundleResult,
                                                            usb: Path) -> None:
    (usb / bundle.path.name).write_bytes(b"someone else's file")
    with pytest.raises(RefusedError, match="never overwritten"):
        copy_verified(bundle.path, usb)
    assert (usb / bundle.path.name).read_bytes() == b"someone else's file"


def test_a_missing_destination_is_named(bundle: BundleResult, tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="pendrive-unplugged"):
        copy_verified(bundle.path, tmp_path / "pendrive-unplugged")


def test_a_destination_vanishing_mid_copy_is_named_and_leaves_nothing(
        bundle: BundleResult, usb: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    DiskFault(monkeypatch, usb, action=lambda: shutil.rmtree(usb))
    with pytest.raises(StorageError, match="does not exist") as caught:
        copy_verified(bundle.path, usb)
    assert str(usb) in str(caught.value)
    assert not usb.exists()


def test_a_full_destination_is_named_and_the_partial_removed(
        bundle: BundleResult, usb: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    DiskFault(monkeypatch, usb, budget=bundle.size // 2)
    with pytest.raises(StorageError, match="disk is full") as caught:
        copy_verified(bundle.path, usb)
    assert str(usb) in str(caught.value)
    assert listing(usb) == []


def test_a_medium_that_reads_back_differently_is_refused(
        bundle: BundleResult, usb: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    DiskFault(monkeypatch, usb, corrupt=True)
    with pytest.raises(StorageError, match="reads back differently"):
        copy_verified(bundle.path, usb)
    assert listing(usb) == []
