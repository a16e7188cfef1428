"""`archiver verify` on tampered bundles, as a user runs it: exit 3 and the faulty entry
named, for a central directory that lies about sizes or offsets, a duplicated entry name,
an entry stored unencrypted among encrypted ones, names with ../ or absolute paths (and
nothing extracted anywhere).

tests/bundle/test_bundle_hostile_zip.py checks the same bundles through verify_bundle();
these check what the command prints and returns.
"""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from bundle_fixtures import write_bundle
from bundle_zip_tools import (
    RawEntry,
    assemble,
    central_offset,
    data_span,
    foreign_entry,
    patch,
    raw_entries,
    refresh_sidecar,
)
from click.testing import CliRunner
from hostile_support import snapshot

from archiver.cli import main_group
from archiver.errors import ExitCode
from archiver.passwords import generate_password

TOP = "SP25-2025-2026-okres-1"
PDF = f"{TOP}/data/dokumenty/klasa-1a/dziennik-lekcyjny.pdf"
CSV = f"{TOP}/data/dokumenty/klasa-1a/frekwencja.csv"
PASSWORD = generate_password()


@pytest.fixture
def bundle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "out").mkdir()
    (tmp_path / "pw.txt").write_text(PASSWORD.reveal() + "\n")
    monkeypatch.setenv("ARCHIVER_STATE_DIR", str(tmp_path / "state"))  # verify is audited
    return write_bundle(tmp_path / "out" / f"{TOP}.zip", PASSWORD).path


def rebuild(path: Path, replace: dict[str, RawEntry | None], append=()) -> None:
    entries = [replace.get(e.name, e) for e in raw_entries(path)]
    assemble([e for e in entries if e is not None] + list(append), path)
    refresh_sidecar(path)  # a careful tamperer rewrites the checksum file too


def verify(bundle: Path, tmp_path: Path) -> tuple[int, str]:
    result = CliRunner().invoke(main_group, ["verify", str(bundle), "--password-file",
                                             str(tmp_path / "pw.txt")])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def lie_about_compressed_size(path: Path, _tmp: Path) -> str:
    where = central_offset(path, CSV) + 20
    patch(path, where, "<L", struct.unpack_from("<L", path.read_bytes(), where)[0] + 100)
    refresh_sidecar(path)
    return CSV


def lie_about_size(path: Path, _tmp: Path) -> str:
    where = central_offset(path, CSV) + 24
    patch(path, where, "<L", struct.unpack_from("<L", path.read_bytes(), where)[0] + 100)
    refresh_sidecar(path)
    return CSV


def lie_about_offset(path: Path, _tmp: Path) -> str:
    patch(path, central_offset(path, CSV) + 42, "<L", data_span(path, PDF)[0])
    refresh_sidecar(path)
    return CSV


def duplicate_a_name(path: Path, _tmp: Path) -> str:
    copy = next(e for e in raw_entries(path) if e.name == PDF)
    rebuild(path, {}, [copy])
    return PDF


def store_one_unencrypted(path: Path, tmp: Path) -> str:
    rebuild(path, {PDF: foreign_entry(tmp, PDF, b"%PDF-1.7 readable by anyone", None)})
    return PDF


@pytest.mark.parametrize("tamper", [lie_about_compressed_size, lie_about_size,
                                    lie_about_offset, duplicate_a_name, store_one_unencrypted])
def test_verify_exits_3_naming_the_tampered_entry(bundle: Path, tmp_path: Path,
                                                   tamper) -> None:
    entry = tamper(bundle, tmp_path)
    code, output = verify(bundle, tmp_path)
    assert code == ExitCode.VERIFY_FAILED, output
    assert f"entry {entry}" in output
    error = [line for line in output.splitlines() if line.startswith("archiver: error:")]
    assert error and bundle.name in error[0] and "does not verify" in error[0]


@pytest.mark.parametrize("evil", ["../../evil.pdf", "/tmp/hostile-evil.pdf",
                                  f"{TOP}/data/../../../evil.pdf", "C:/evil.pdf"])
def test_verify_refuses_escaping_names_without_extracting(bundle: Path, tmp_path: Path,
                                                          monkeypatch, evil: str) -> None:
    entry = next(e for e in raw_entries(bundle) if e.name == PDF)
    rebuild(bundle, {PDF: entry.renamed(evil)})
    work = tmp_path / "a" / "b" / "cwd"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    monkeypatch.setenv("TMPDIR", str(work))
    before = snapshot(tmp_path)
    code, output = verify(bundle, tmp_path)
    assert code == ExitCode.VERIFY_FAILED
    assert f"entry {evil}" in output and "unsafe entry name" in output
    added = sorted(set(snapshot(tmp_path)) - set(before))
    assert [p for p in added if not p.startswith("state")] == []  # only its audit entry
    assert not Path("/tmp/hostile-evil.pdf").exists()
