"""Progress a person can follow: with stderr redirected, one plain line per step and per
document; on a terminal a live bar with the step and an estimate; --quiet silences it."""

from __future__ import annotations

import io
import os
import re
import sys
from pathlib import Path

import pexpect
from click.testing import CliRunner
from minimal_export import write_minimal

from archiver.cli import main_group


def test_redirected_stderr_gets_a_line_per_step_and_per_document(tmp_path, demo_export) -> None:
    out, copy, slips = tmp_path / "out", tmp_path / "kopia", tmp_path / "hasla"
    for folder in (out, copy, slips):
        folder.mkdir()
    result = CliRunner().invoke(main_group, [
        "term-end", str(demo_export), "--term", "1", "--out", str(out), "--copy-to", str(copy),
        "--slip-out", str(slips / "haslo.txt"), "--state-dir", str(tmp_path / "st"), "-j", "1"])
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    steps = [re.sub(r"  \[[0-9:]+\]$", "", line) for line in lines]
    assert steps[0] == "archiver: reading and checking the export"
    assert steps[1] == "archiver: documents: rendering and encrypting"
    documents = [line for line in lines if line.startswith("archiver: document ")]
    total = int(re.search(r"Documents: (\d+)", result.stdout).group(1))
    assert len(documents) == total
    assert documents[0].startswith(f"archiver: document 1/{total}: class 7a: class register")
    assert re.search(r"\[\d+:\d\d, left about \d+:\d\d\]$", documents[0])
    assert documents[-1].startswith(f"archiver: document {total}/{total}: whole school: ")
    assert any(": whole school: messages" in line for line in documents)
    assert "archiver: closing the bundle: protocol, checksums, verification" in steps
    assert f"archiver: copying to the medium {copy} and verifying the copy" in steps
    assert steps[-1] == "archiver: done"


def test_quiet_prints_no_progress_but_the_summary(tmp_path) -> None:
    source = write_minimal(tmp_path, "zip")
    result = CliRunner().invoke(main_group, ["render", str(source), "--out", str(tmp_path / "o"),
                                             "--quiet", "--class", "7a", "--document",
                                             "attendance", "--state-dir", str(tmp_path / "st")])
    assert result.exit_code == 0, result.output
    assert "archiver: document" not in result.stderr and "reading" not in result.stderr
    assert "Documents: 1, pages:" in result.stdout


def test_on_a_terminal_the_bar_shows_the_step_and_an_estimate(tmp_path, demo_export) -> None:
    out, slips = tmp_path / "out", tmp_path / "hasla"
    out.mkdir()
    slips.mkdir()
    env = {**os.environ, "ARCHIVER_LANG": "pl"}
    env.pop("ARCHIVER_PASSWORD", None)
    child = pexpect.spawn(sys.executable, [
        "-m", "archiver", "term-end", str(demo_export), "--term", "1", "--out", str(out),
        "--slip-out", str(slips / "haslo.txt"), "--state-dir", str(tmp_path / "st"), "-j", "1"],
        env=env, encoding="utf-8", timeout=300, dimensions=(30, 160))
    child.logfile_read = shown = io.StringIO()
    child.expect("wczytywanie i sprawdzanie eksportu")
    child.expect(r"dokumenty: klasa 7a: dziennik lekcyjny.*\d+/\d+.*czas.*pozostało ok\.")
    child.expect("zamykanie paczki")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    assert "Kartka z hasłem:" in child.before
    password = (slips / "haslo.txt").read_text().split("Hasło:")[1].split()[0]
    assert password not in shown.getvalue()


def test_beside_every_bundle_a_note_says_how_to_open_it(tmp_path, demo_export) -> None:
    from archiver.load import load_dataset

    out, copy = tmp_path / "out", tmp_path / "kopia"
    out.mkdir()
    copy.mkdir()
    (tmp_path / "pw.txt").write_text("tarcza-Wrzos-kompas-Lipa-93-zegar-Pstrag\n")
    result = CliRunner().invoke(main_group, [
        "term-end", str(demo_export), "--term", "1", "--out", str(out), "--copy-to", str(copy),
        "--password-file", str(tmp_path / "pw.txt"), "--state-dir", str(tmp_path / "st"),
        "-j", "1", "--quiet"])
    assert result.exit_code == 0, result.output
    bundle = next(out.glob("*.zip"))
    names = load_dataset(demo_export)[0].personal_name_tokens()
    for folder in (out, copy):
        note = (folder / "JAK-OTWORZYC.txt").read_text(encoding="utf-8")
        assert bundle.name in note and "7-Zip" in note and "sha256sum -c" in note
        assert "archiver verify" in note and "AES" in note
        words = set(re.findall(r"\w+", note))
        assert not words & names, words & names
    audit = CliRunner().invoke(main_group, ["audit", "show", "--json", "--state-dir",
                                            str(tmp_path / "st")])
    assert "JAK-OTWORZYC.txt" in audit.output
    # the printed protocol names each medium and the free space left on it
    import subprocess

    protocol = next(out.glob("*-protokol.pdf"))
    text = subprocess.run(["pdftotext", str(protocol), "-"], capture_output=True, text=True,
                          check=True).stdout
    flat = "".join(text.split())
    assert "Paczkazapisanaw" + "".join(str(out).split()) in flat, text
    assert "Kopia1" + "".join(str(copy).split()) in flat, text
    assert flat.count("wolnemiejscepozapisaniu") == 2, text


def test_the_protocols_media_rows_name_the_slips_folder() -> None:

    from archiver.views.handover import media_rows

    rows = dict(media_rows(Path("/media/PENDRIVE"), [Path("/media/KOPIA")], Path("/home/s"),
                           {Path("/media/PENDRIVE"): 12_345_000_000}))
    assert rows["Paczka zapisana w"] == "/media/PENDRIVE (wolne miejsce po zapisaniu: 12,3 GB)"
    assert rows["Kopia 1"] == "/media/KOPIA"
    assert rows["Kartka z hasłem w folderze"].startswith("/home/s")
