"""shelf report names every case on the shelf; shelf repair restores good copies."""

from __future__ import annotations

import csv
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from test_scan import deep_scan, run, scan

from archiver.audit import AuditLog
from archiver.bundle.names import tokens
from archiver.shelf.index import load_index

AFTER_RETENTION = int(datetime(2027, 3, 1, tzinfo=UTC).timestamp())  # after 31.12.2026


def pdf_text(path: Path) -> str:
    done = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True)
    return " ".join(done.stdout.split())


@pytest.fixture
def scanned(shelf):
    """The shelf deep-scanned, then one copy lost and scanned again (quick)."""
    deep_scan(shelf)
    (shelf.media[2] / shelf.made.ended.name).unlink()
    scan(shelf)
    return shelf


def report(shelf, out: Path, monkeypatch) -> tuple[int, str]:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(AFTER_RETENTION))
    result = run("shelf", "report", "--out", out, "--state-dir", shelf.state)
    return result.exit_code, result.output


def test_report_names_each_case(scanned, tmp_path, monkeypatch) -> None:
    shelf, ids = scanned, scanned.made.ids()
    code, _ = report(shelf, tmp_path / "raport.pdf", monkeypatch)
    assert code == 0
    text = pdf_text(tmp_path / "raport.pdf")
    assert "Raport stanu archiwum paczek" in text and "strona 1 z" in text
    for bundle_id in ids.values():
        assert bundle_id in text.replace(" ", "")
    assert "mniej niż dwie dobre kopie (dobrych: 1)" in text  # term 2: a single copy
    assert "kopia zmieniona:" in text
    assert "bajt300000(daneplikudata/dokumenty/" in text.replace(" ", "")
    assert "brak kopii:" in text  # the year bundle's lost copy
    # long paths wrap anywhere: look for them without the spaces of the line breaks
    assert "kopia pod inną nazwą:" in text and "kopia-zapasowa.zip" in text.replace(" ", "")
    assert text.count("okres przechowywania upłynął 31.12.2026") == 2  # B5 and A year
    assert "brak znacznika czasu" in text

    code, _ = report(shelf, tmp_path / "raport.csv", monkeypatch)
    rows = {r["bundle_id"]: r for r in csv.DictReader(
        (tmp_path / "raport.csv").read_text("utf-8-sig").splitlines(), delimiter=";")}
    assert rows[ids["term2"]]["good_copies"] == "1"
    assert rows[ids["term1"]]["good_copies"] == "2" and rows[ids["term1"]]["copies"] == "3"
    assert "kopia zmieniona" in rows[ids["term1"]]["flags"]
    assert "okres przechowywania" not in rows[ids["term1"]]["flags"]
    assert "upłynął 31.12.2026" in rows[ids["ended"]]["flags"]
    assert "brak kopii" in rows[ids["ended"]]["flags"]
    assert (rows[ids["category_a"]]["category"], rows[ids["ended"]]["category"]) == ("A", "B5")


def test_report_and_index_hold_no_personal_name(scanned, tmp_path, monkeypatch) -> None:
    report(scanned, tmp_path / "raport.pdf", monkeypatch)
    report(scanned, tmp_path / "raport.csv", monkeypatch)
    school = load_index(scanned.state).bundles[scanned.made.ids()["term1"]].school
    # the school's patron is in its name; a pupil's or guardian's name is not
    names = {t for n in scanned.made.names for t in tokens(n) if len(t) > 2} - tokens(school)
    for text in (pdf_text(tmp_path / "raport.pdf"), (tmp_path / "raport.csv").read_text(),
                 (scanned.state / "shelf-index.json").read_text()):
        assert not tokens(text) & names


def test_report_refuses_to_overwrite(scanned, tmp_path, monkeypatch) -> None:
    (tmp_path / "raport.csv").write_text("kept")
    code, output = report(scanned, tmp_path / "raport.csv", monkeypatch)
    assert code == 4 and "never overwritten" in output
    assert (tmp_path / "raport.csv").read_text() == "kept"


def repair(shelf, role: str, source: Path, medium: Path, *extra) -> object:
    return run("shelf", "repair", shelf.made.ids()[role], "--from", source, "--to", medium,
               "--state-dir", shelf.state, *extra)


def test_repair_restores_two_good_copies(scanned) -> None:
    shelf, ids = scanned, scanned.made.ids()
    m1, m2, _m3 = shelf.media
    term1, term2 = shelf.made.term1.name, shelf.made.term2.name
    result = repair(shelf, "term1", m1 / term1, m2, "--password-file", shelf.made.password_file)
    assert result.exit_code == 0, result.output
    assert (m2 / term1).read_bytes() == shelf.made.term1.read_bytes()
    result = repair(shelf, "term2", m1 / term2, m2)
    assert result.exit_code == 0, result.output
    assert f"{ids['term2']}: 2 good copies" in result.output
    assert (m2 / (term2 + ".sha256")).read_bytes() == (m1 / (term2 + ".sha256")).read_bytes()
    assert not [p for p in m2.iterdir() if ".partial-" in p.name]
    scan(shelf)
    index = load_index(shelf.state)
    assert len(index.bundles[ids["term1"]].good_copies()) == 3
    assert len(index.bundles[ids["term2"]].good_copies()) == 2
    commands = [e.command for e in AuditLog(shelf.state).entries()]
    assert commands.count("shelf-repair") == 2
    assert run("audit", "verify", "--state-dir", shelf.state).exit_code == 0


def test_repair_leaves_the_damaged_copy_until_the_new_one_verifies(scanned, monkeypatch
                                                                   ) -> None:
    shelf = scanned
    m1, m2, _ = shelf.media
    name = shelf.made.term1.name
    damaged = (m2 / name).read_bytes()

    def fails(*_args, **_kwargs):
        from archiver.errors import VerificationError
        assert (m2 / name).read_bytes() == damaged  # still there while the new one is checked
        raise VerificationError("the new copy does not verify (injected)")

    monkeypatch.setattr("archiver.shelf.repair._verify_partial", fails)
    result = repair(shelf, "term1", m1 / name, m2)
    assert result.exit_code == 3
    assert (m2 / name).read_bytes() == damaged
    assert not [p for p in m2.iterdir() if ".partial-" in p.name]
    entries = [e for e in AuditLog(shelf.state).entries() if e.command == "shelf-repair"]
    assert entries[-1].result == "failed"


def test_repair_refuses_a_damaged_source(scanned) -> None:
    shelf = scanned
    m1, m2, m3 = shelf.media
    result = repair(shelf, "term1", m2 / shelf.made.term1.name, m3)
    assert result.exit_code == 3 and "does not verify now" in result.output
    assert not (m3 / shelf.made.term1.name).exists()
