"""Shared data of the bundle tests: a small payload and a bundle writer for it."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

from archiver.bundle import BundleResult, BundleWriter
from archiver.passwords import Password

CREATED = datetime(2026, 6, 27, 15, 30, 4, tzinfo=UTC)
BAG_INFO = {
    "Source-Organization": "Szkoła Podstawowa nr 25 im. Księdza Jana Twardowskiego w "
    "Bielsku-Białej, ul. Przykładowa 1, 43-300 Bielsko-Biała",
    "External-Identifier": "SP25/2025-2026/okres-1",
    "Internal-Sender-Description": ["Dzienniki lekcyjne", "Zestawienia frekwencji"],
}
# A payload with every path through the writer: incompressible (like a PDF) and
# compressible content, an empty file, a file spanning several 1 MiB chunks.
PAYLOAD = {
    "dokumenty/klasa-1a/dziennik-lekcyjny.pdf": b"%PDF-1.7\n" + os.urandom(40_000),
    "dokumenty/klasa-1a/frekwencja.csv": b"data,obecnych\n2025-09-01,24\n" * 500,
    "dokumenty/pusty.txt": b"",
    "dokumenty/duzy.bin": os.urandom(2_500_000),
}
SOURCE_NAME = "zrodlo/eksport-2025-2026.zip"


def write_bundle(target: Path, password: Password, source: Path | None = None,
                 **kwargs: object) -> BundleResult:
    """A small bundle at `target` with PAYLOAD, the source export and one tag file."""
    kwargs.setdefault("created", CREATED)
    with BundleWriter(target, password, BAG_INFO, **kwargs) as bundle:  # type: ignore[arg-type]
        for name, data in PAYLOAD.items():
            bundle.add_bytes(name, data)
        if source is not None:
            bundle.add_file(SOURCE_NAME, source)
        bundle.add_tag_file("protokol-przekazania.txt", "Protokół przekazania".encode())
    assert bundle.result is not None
    return bundle.result
