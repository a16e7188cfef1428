"""`archiver render`: files, names, refusals and messages as the user meets them."""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner
from render_helpers import FIXTURE

from archiver.cli import main_group
from archiver.load import load_dataset
from archiver.render import student_file_part

PERIOD = ["--from", "2025-09-22", "--to", "2025-10-03", "--jobs", "1"]


@pytest.fixture(autouse=True)
def state_dir(tmp_path, monkeypatch):
    state = tmp_path / "state"
    monkeypatch.setenv("ARCHIVER_STATE_DIR", str(state))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1782561600")
    return state


def run(_capsys, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main_group, ["render", *args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def test_renders_named_files_warns_and_sums_up(tmp_path, capsys, state_dir):
    out = tmp_path / "wydruki"
    code, stdout, stderr = run(capsys, str(FIXTURE), "--out", str(out), "--class", "7a",
                               "--document", "register", "--document", "attendance", *PERIOD)
    assert code == 0, stderr
    assert sorted(p.name for p in out.iterdir()) == [
        "7a_dziennik_2025-09-22_2025-10-03.pdf", "7a_frekwencja_2025-09-22_2025-10-03.pdf"]
    assert all(p.stat().st_mode & 0o077 == 0 for p in out.iterdir())  # owner-only
    assert "personal data" in stderr
    assert "Documents: 2, pages:" in stdout
    entry = json.loads((state_dir / "audit.jsonl").read_text().splitlines()[-1])
    assert entry["command"] == "render" and entry["result"] == "ok"
    assert [o["name"] for o in entry["outputs"]] == sorted(p.name for p in out.iterdir())


def test_student_files_are_named_by_id_and_hold_no_name(tmp_path, capsys):
    out = tmp_path / "uczen"
    code, stdout, stderr = run(capsys, str(FIXTURE), "--out", str(out), "--student", "S4",
                               *PERIOD)
    assert code == 0, stderr
    names = sorted(p.name for p in out.iterdir())
    s4 = student_file_part(load_dataset(FIXTURE)[0], "S4")  # the id only as a keyed hash
    assert names == [f"7a_{s4}_dziennik_2025-09-22_2025-10-03.pdf",
                     f"7a_{s4}_frekwencja_2025-09-22_2025-10-03.pdf",
                     f"7b_{s4}_dziennik_2025-09-22_2025-10-03.pdf",
                     f"7b_{s4}_frekwencja_2025-09-22_2025-10-03.pdf",
                     f"{s4}_wiadomosci_2025-09-22_2025-10-03.pdf"]
    assert "Zieli" not in stdout + stderr


def test_existing_files_are_never_replaced_without_force(tmp_path, capsys):
    out = tmp_path / "wydruki"
    args = [str(FIXTURE), "--out", str(out), "--class", "7b", "--document", "messages", *PERIOD]
    assert run(capsys, *args)[0] == 0
    target = out / "7b_wiadomosci_2025-09-22_2025-10-03.pdf"
    target.write_bytes(b"old")
    code, _, stderr = run(capsys, *args)
    assert code == 4 and "--force" in stderr and "Traceback" not in stderr
    assert target.read_bytes() == b"old"
    assert run(capsys, *args, "--force")[0] == 0
    assert target.read_bytes().startswith(b"%PDF-1.7")
    assert [p.name for p in out.iterdir()] == [target.name]  # no partial file left


def test_unknown_class_lists_class_names_only(tmp_path, capsys):
    code, _, stderr = run(capsys, str(FIXTURE), "--out", str(tmp_path / "o"), "--class", "9z")
    assert code == 2
    assert "class '9z' does not exist" in stderr and "7a, 7b" in stderr
    assert "Kowalska" not in stderr
    assert not (tmp_path / "o").exists()


def test_unknown_student_is_a_clear_error(tmp_path, capsys):
    code, _, stderr = run(capsys, str(FIXTURE), "--out", str(tmp_path / "o"), "--student", "S99")
    assert code == 2 and "student id 'S99' does not exist" in stderr


def test_hostile_class_name_cannot_escape_the_output_folder(tmp_path, capsys):
    source = tmp_path / "export"
    shutil.copytree(FIXTURE, source)
    classes = (source / "classes.csv").read_text(encoding="utf-8")
    (source / "classes.csv").write_text(classes.replace("C7A,7a,", 'C7A,"../../CON",'),
                                        encoding="utf-8")
    out = tmp_path / "deep" / "out"
    code, _, stderr = run(capsys, str(source), "--out", str(out), "--class", "../../CON",
                          "--document", "attendance", *PERIOD)
    assert code == 0, stderr
    assert [p.name for p in out.iterdir()] == ["oddzial-CON_frekwencja_2025-09-22_2025-10-03.pdf"]
    assert sorted(p.name for p in (tmp_path / "deep").iterdir()) == ["out"]
