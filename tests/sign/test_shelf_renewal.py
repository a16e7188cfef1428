"""The shelf report's renewal date: the newest timestamp in a bundle (issue 17's
newest_timestamp_expiry: seal, archive timestamps, PDFs), read by a deep scan, flagged
within a year of its authority's certificate end; a renewed bundle's comes from its new
timestamp."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from local_pki import P12_PASSWORD

from archiver.cli import main_group
from archiver.demo import write_demo
from archiver.shelf.index import load_index

PASSWORD = "jezyna-Kwiat-58-wydma-Bug-sosna-Pszczola"


def run(*args) -> object:
    return CliRunner().invoke(main_group, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def sealed_shelf(local_pki, tmp_path_factory) -> tuple[Path, Path, Path]:
    """A term-end bundle sealed with a timestamp, on one medium, deep-scanned."""
    folder = tmp_path_factory.mktemp("shelf-lta")
    medium, state = folder / "nosnik", folder / "stan"
    medium.mkdir()
    export = write_demo(folder / "eksport.zip", "small", 2026, "zip")
    (folder / "pw.txt").write_text(PASSWORD + "\n")
    (folder / "p12pw.txt").write_bytes(P12_PASSWORD + b"\n")
    result = run("term-end", export, "--term", "1", "--out", medium, "--password-file",
                 folder / "pw.txt", "--state-dir", state, "-j", "1", "--sign-with",
                 local_pki.p12_path, "--sign-password-file", folder / "p12pw.txt",
                 "--timestamp-url", local_pki.tsa_url)
    assert result.exit_code == 0, result.output
    scan = run("shelf", "scan", medium, "--deep", "--password-file", folder / "pw.txt",
               "--state-dir", state)
    assert scan.exit_code == 0, scan.output
    return folder, medium, state


def test_deep_scan_reads_the_seal_timestamps_authority_end(sealed_shelf, local_pki) -> None:
    _folder, _medium, state = sealed_shelf
    (bundle,) = load_index(state).bundles.values()
    assert bundle.timestamp_expires == local_pki.tsa_expires.date().isoformat()


def test_renewal_is_due_within_a_year_of_it(sealed_shelf, local_pki, monkeypatch) -> None:
    folder, _medium, state = sealed_shelf
    ends = local_pki.tsa_expires.date().strftime("%d.%m.%Y")
    early = local_pki.tsa_expires - timedelta(days=800)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(early.timestamp())))
    result = run("shelf", "report", "--state-dir", state)
    assert f"renewal: {ends}" in result.output and "do odnowienia" not in result.output
    late = local_pki.tsa_expires - timedelta(days=100)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(late.timestamp())))
    result = run("shelf", "report", "--state-dir", state)
    assert f"znacznik czasu do odnowienia (certyfikat do {ends})" in result.output


def test_a_renewed_bundle_is_due_when_the_new_timestamp_ends(sealed_shelf, local_pki) -> None:
    folder, medium, state = sealed_shelf
    (bundle,) = medium.glob("*.zip")
    renewed = folder / "odnowione"
    renewed.mkdir()
    result = run("timestamp-renew", bundle, "--password-file", folder / "pw.txt",
                 "--timestamp-url", local_pki.tsa2_url, "--out", renewed,
                 "--state-dir", state)
    assert result.exit_code == 0, result.output
    scan = run("shelf", "scan", renewed, "--deep", "--password-file", folder / "pw.txt",
               "--state-dir", state)
    assert scan.exit_code == 0, scan.output
    new = [b for b in load_index(state).bundles.values()
           if any(c.path.startswith(str(renewed.resolve())) for c in b.copies.values())]
    assert [b.timestamp_expires for b in new] == [local_pki.tsa2_expires.date().isoformat()]
