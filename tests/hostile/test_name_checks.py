"""Valid exports that the entry-name checks refused, and a PESEL in file names (issue 13,
finding 8): people's names are compared only with the variable parts of archiver's own
names, never with its fixed words (`rok`, `data`, `index`, `sem`, `info`); classes whose
names differ only in letter case are both archived; a student id, whatever it is (the
contract allows any opaque string, a PESEL too), appears in file names only as a short
keyed hash."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from minimal_export import minimal_tables, write_minimal

from archiver.bundle.names import NameGuard
from archiver.cli import main_group
from archiver.errors import RefusedError

PASSWORD = "tarcza-Wrzos-kompas-Lipa-93-zegar-Pstrag"
PESEL = "12251412341"  # st1's own PESEL in the minimal export, used as her id
ENV = {"SOURCE_DATE_EPOCH": "1782570600"}


def _run(*args: str):
    return CliRunner().invoke(main_group, list(args), env=ENV)


def _entry_names(bundle: Path) -> list[str]:
    with zipfile.ZipFile(bundle) as archive:
        return archive.namelist()


def test_our_fixed_words_are_no_persons_name_but_a_persons_name_still_is() -> None:
    guard = NameGuard(["Rok", "Data", "Index", "Sem", "Info", "Adamska"],
                      fixed_words=["rok", "data", "index", "sem", "info"])
    guard.check("data/dokumenty/7a_dziennik_rok.pdf", 1)
    guard.check("data/index.html", 2)
    guard.check_bundle_name("sp-test_2025-2026_sem1_20260627T153000Z.zip")
    with pytest.raises(RefusedError, match="person's name"):
        guard.check("data/dokumenty/Adamska.pdf", 3)


def _with_pesel_id(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    return {name: frame.replace("st1", PESEL) for name, frame in tables.items()}


def test_a_pesel_as_student_id_never_reaches_a_file_name(tmp_path: Path) -> None:
    write_minimal(tmp_path, "zip", tables=_with_pesel_id(minimal_tables()))
    (tmp_path / "pw.txt").write_text(PASSWORD + "\n")
    out = tmp_path / "out"
    out.mkdir()
    result = _run("disclose", str(tmp_path / "export.zip"), "--student", PESEL,
                  "--recipient", "Sąd Rejonowy w Testowie", "--legal-basis", "art. 1",
                  "--case-ref", "III K 1/26", "--approved-by", "d1", "--out", str(out),
                  "--password-file", str(tmp_path / "pw.txt"),
                  "--state-dir", str(tmp_path / "state"), "-j", "1")
    assert result.exit_code == 0, result.output
    bundles = list(out.glob("*.zip"))
    assert len(bundles) == 1 and PESEL not in bundles[0].name
    assert all(PESEL not in n for n in _entry_names(bundles[0]))
    assert all(PESEL not in p.name for p in out.iterdir())

    printed = tmp_path / "wydruki"
    result = _run("render", str(tmp_path / "export.zip"), "--out", str(printed),
                  "--student", PESEL, "--state-dir", str(tmp_path / "state"), "-j", "1",
                  "--document", "attendance")
    assert result.exit_code == 0, result.output
    made = [p.name for p in printed.iterdir()]
    assert made and all(PESEL not in n and "uczen-" in n for n in made), made
    hashed = {n.split("uczen-")[1].split("_")[0] for n in made}
    assert len(hashed) == 1 and len(hashed.pop()) <= 12


def _awkward_tables() -> dict[str, pd.DataFrame]:
    """A guardian Data Rok, a secretary Info Index, classes 7a and 7A: all valid."""
    tables = minimal_tables()
    guardians = tables["guardians"]
    guardians.loc[guardians["guardian_id"] == "g2", ["first_name", "last_name"]] = ["Data", "Rok"]
    staff = tables["staff"]
    staff.loc[staff["staff_id"] == "s1", ["first_name", "last_name"]] = ["Info", "Index"]
    classes = tables["classes"]
    classes.loc[classes["class_id"] == "c2", "name"] = "7A"  # beside 7a
    return tables


def test_awkward_names_and_files_beside_the_tables_are_archived(tmp_path: Path) -> None:
    """Finding 8: a guardian surnamed Rok (our word for a year) stopped term-end; classes
    7a and 7A collided as entry names. Finding 9: `opinia_PPP_Zalewski_Tomasz_2012.pdf`
    beside the tables of a folder export was stored under its own name, readable without
    the password, and one whose name held a PESEL failed the run. Only the export's own
    files go into the bundle; the rest is counted, never named."""
    export = write_minimal(tmp_path, "folder", tables=_awkward_tables())
    (export / "opinia_PPP_Zalewski_Tomasz_2012.pdf").write_bytes(b"%PDF-1.4 opinia")
    (export / "skany").mkdir()
    (export / "skany" / "44051401359.pdf").write_bytes(b"%PDF-1.4 skan")
    (export / "notatki.txt").write_text("notatki sekretariatu\n")
    (tmp_path / "pw.txt").write_text(PASSWORD + "\n")
    (tmp_path / "out").mkdir()
    result = _run("term-end", str(export), "--term", "year", "--out", str(tmp_path / "out"),
                  "--state-dir", str(tmp_path / "state"), "--password-file",
                  str(tmp_path / "pw.txt"), "-j", "1", "--no-cache")
    assert result.exit_code == 0, result.output
    bundle = next((tmp_path / "out").glob("*.zip"))
    names = _entry_names(bundle)
    for secret in ("Zalewski", "Tomasz", "44051401359", "notatki", "skany", "opinia"):
        assert all(secret not in n for n in names), (secret, names)
        assert secret not in result.output
    documents = [n for n in names if "/dokumenty/" in n]
    # Both classes, each told apart by its id, as two classes of one name always were.
    assert any(Path(n).name.startswith("7a-0101_") for n in documents), documents
    assert any(Path(n).name.startswith("7A-c2_") for n in documents), documents
    assert len({n.casefold() for n in names}) == len(names)
    stored = {Path(n).name for n in names if "/zrodlo/" in n}
    assert {"export.json", "students.csv", "guardians.csv"} <= stored
    assert "3 files" in result.output and "left out" in result.output, result.output
    from hostile_support import pdf_text

    protocol = next((tmp_path / "out").glob("*-protokol.pdf"))
    text = " ".join(pdf_text(protocol.read_bytes()).split())
    assert "Pominięte pliki 3 pliki" in text, text
