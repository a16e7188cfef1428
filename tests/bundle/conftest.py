"""Fixtures of the bundle tests: a password, small bundles, 7-Zip."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from bundle_fixtures import write_bundle

from archiver.bundle import BundleResult
from archiver.passwords import Password, generate_password


@pytest.fixture(scope="session")
def password() -> Password:
    return generate_password()


@pytest.fixture
def source_file(tmp_path: Path) -> Path:
    path = tmp_path / "export-as-received.zip"
    path.write_bytes(b"PK\x03\x04 pretend export " + os.urandom(3000))
    return path


@pytest.fixture
def bundle(tmp_path: Path, password: Password, source_file: Path) -> BundleResult:
    out = tmp_path / "out"
    out.mkdir()
    return write_bundle(out / "SP25-2025-2026-okres-1.zip", password, source_file)


@pytest.fixture(scope="session")
def seven_zip() -> str:
    found = shutil.which("7zz") or shutil.which("7z") or shutil.which("7za")
    if not found:
        pytest.fail("7-Zip (7zz or 7z) is not installed: run scripts/system-deps.sh test")
    return found
