"""term-end end to end: the bundle a secretariat hands to the school archive."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import zipfile
from pathlib import Path

import bagit
import pytest
from click.testing import CliRunner

from archiver.bundle.names import tokens
from archiver.cli import main_group
from archiver.load import load_dataset

PASSWORD = "tarcza-Wrzos-kompas-Lipa-93-zegar-Pstrag"


def run(args: list[str], env: dict[str, str] | None = None):
    return CliRunner().invoke(main_group, args, env=env, catch_exceptions=False)


@pytest.fixture(scope="module")
def archived(tmp_path_factory: pytest.TempPathFactory, demo_export: Path):
    root = tmp_path_factory.mktemp("term-end")
    pw = root / "pw.txt"
    pw.write_text(PASSWORD + "\n")
    (root / "copy").mkdir()
    result = run(["term-end", str(demo_export), "--term", "1",
                  "--create-out", "--out", str(root / "out"),
                  "--password-file", str(pw), "--copy-to", str(root / "copy"),
                  "--state-dir", str(root / "state"), "--operator", "Sekretariat", "-j", "1"],
                 env={"SOURCE_DATE_EPOCH": "1782570600"})
    assert result.exit_code == 0, result.output
    bundle = next((root / "out").glob("*.zip"))
    return root, bundle, result.output


def seven_zip() -> str:
    found = shutil.which("7zz") or shutil.which("7z")
    assert found, "7-Zip (7zz or 7z) is needed: apt-get install 7zip"
    return found


def test_bundle_extracts_with_7zip_and_is_a_valid_bag(archived, tmp_path: Path) -> None:
    _root, bundle, _ = archived
    out = subprocess.run([seven_zip(), "x", f"-p{PASSWORD}", f"-o{tmp_path}", str(bundle)],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    bag_dir = next(p for p in tmp_path.iterdir() if p.is_dir())
    bag = bagit.Bag(str(bag_dir))
    bag.validate()  # raises on any checksum, oxum or completeness problem
    info = bag.info
    assert info["School-Year"] == "2025/2026" and info["Term"] == "1"
    assert info["Archive-Category"] == "B5" and info["Retention-Until"] == "2031-12-31"
    assert info["Operator"] == "Sekretariat"
    payload = {p.relative_to(bag_dir / "data").as_posix() for p in (bag_dir / "data").rglob("*")
               if p.is_file()}
    assert "index.html" in payload and "protokol-przekazania.pdf" in payload
    assert "zrodlo/eksport.zip" in payload
    assert any(p.startswith("dokumenty/") and "dziennik" in p for p in payload)
    assert any(p.startswith("dokumenty/") and "frekwencja" in p for p in payload)
    assert any(p.startswith("dokumenty/") and "wiadomosci" in p for p in payload)


def test_source_export_is_in_the_bundle_exactly_as_received(archived, demo_export) -> None:
    _root, bundle, _ = archived
    import pyzipper

    with pyzipper.AESZipFile(bundle) as zf:
        zf.setpassword(PASSWORD.encode())
        name = next(n for n in zf.namelist() if n.endswith("data/zrodlo/eksport.zip"))
        assert zf.read(name) == demo_export.read_bytes()


def test_seven_zip_refuses_without_the_password(archived, tmp_path: Path) -> None:
    _root, bundle, _ = archived
    out = subprocess.run([seven_zip(), "x", "-pzle-haslo", f"-o{tmp_path}", str(bundle)],
                         capture_output=True, text=True)
    assert out.returncode != 0
    assert not any(p.suffix == ".pdf" and p.stat().st_size > 0 for p in tmp_path.rglob("*"))


def test_sidecar_is_accepted_by_sha256sum(archived) -> None:
    _root, bundle, _ = archived
    out = subprocess.run(["sha256sum", "-c", bundle.name + ".sha256"], cwd=bundle.parent,
                         capture_output=True, text=True)
    assert out.returncode == 0 and ": OK" in out.stdout


def test_no_entry_name_holds_a_persons_name(archived, demo_export) -> None:
    _root, bundle, _ = archived
    ds, _ = load_dataset(demo_export)
    forbidden = {t for name in ds.personal_name_tokens() for t in tokens(name) if len(t) > 1}
    with zipfile.ZipFile(bundle) as zf:
        for name in zf.namelist():
            assert not tokens(name) & forbidden, name


def test_protocol_beside_the_bundle_names_its_checksum_and_no_pupil(archived, demo_export):
    root, bundle, _ = archived
    protocol = bundle.with_name(bundle.name.removesuffix(".zip") + "-protokol.pdf")
    text = subprocess.run(["pdftotext", "-layout", str(protocol), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert hashlib.sha256(bundle.read_bytes()).hexdigest() in text.replace(" ", "")
    assert bundle.name in text.replace("\n", "")
    assert "podpis osoby przekazującej" in text and "podpis osoby przyjmującej" in text
    ds, _ = load_dataset(demo_export)
    for last in ds.students["last_name"].unique():
        assert str(last) not in text


def test_copy_is_verified_and_identical(archived) -> None:
    root, bundle, output = archived
    copy = root / "copy" / bundle.name
    assert copy.read_bytes() == bundle.read_bytes()
    assert (root / "copy" / (bundle.name + ".sha256")).exists()
    assert "verified" in output


def test_run_is_recorded_in_the_audit_log(archived) -> None:
    root, bundle, _ = archived
    result = run(["audit", "show", "--json", "--state-dir", str(root / "state")])
    assert result.exit_code == 0
    assert '"term-end"' in result.output and bundle.name in result.output
    assert PASSWORD not in result.output
    assert run(["audit", "verify", "--state-dir", str(root / "state")]).exit_code == 0


def test_weak_password_is_refused_and_nothing_written(tmp_path: Path, demo_export) -> None:
    pw = tmp_path / "pw.txt"
    pw.write_text("szkola2026\n")
    result = CliRunner().invoke(main_group, ["term-end", str(demo_export), "--create-out", "--out",
                                             str(tmp_path / "out"), "--password-file", str(pw),
                                             "--state-dir", str(tmp_path / "st")])
    assert result.exit_code == 4
    assert "PBKDF2" in result.output or "brute" in result.output
    assert "szkola2026" not in result.output
    assert not list((tmp_path / "out").glob("*")) if (tmp_path / "out").exists() else True


def test_slip_beside_the_bundle_is_refused(tmp_path: Path, demo_export) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(main_group, ["term-end", str(demo_export), "--create-out",
                                             "--out", str(out),
                                             "--slip-out", str(out / "haslo.txt"),
                                             "--state-dir", str(tmp_path / "st")])
    assert result.exit_code == 4
    assert "slip" in result.output
    assert not any(out.glob("*.zip"))


def test_without_password_or_slip_it_says_how_to_give_one(tmp_path: Path, demo_export) -> None:
    result = CliRunner().invoke(main_group, ["term-end", str(demo_export), "--create-out", "--out",
                                             str(tmp_path / "o"), "--state-dir",
                                             str(tmp_path / "st")], env={"ARCHIVER_PASSWORD": None})
    assert result.exit_code == 2
    assert "--slip-out" in result.output and "--password-file" in result.output


def _overview_row(pdf: Path, label: str, start: str) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    text = text[text.index(start):]
    line = next(ln for ln in text.splitlines() if ln.startswith(label + " "))
    return [t for t in line.split() if "," in t or t == "—"]


def test_school_attendance_summary_is_in_the_bundle_and_agrees_with_the_classes(
        archived, tmp_path: Path) -> None:
    _root, bundle, _ = archived
    out = subprocess.run([seven_zip(), "x", f"-p{PASSWORD}", f"-o{tmp_path}", str(bundle)],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    documents = next(p for p in tmp_path.iterdir() if p.is_dir()) / "data" / "dokumenty"
    school = documents / "szkola_frekwencja-szkoly_sem1_2025-2026.pdf"
    assert school.is_file()
    for class_file, name in (("7a", "7a"), ("7-b", "7 b")):
        own = _overview_row(documents / f"{class_file}_frekwencja_sem1_2025-2026.pdf",
                            "Razem oddział", "Frekwencja w miesiącach i semestrach")
        assert own  # months and the term
        assert _overview_row(school, name, "Frekwencja oddziałów") == own, name
