"""Re-running term-end with unchanged data renders nothing again and still writes a
complete, verified bundle with the same payload; --no-cache renders everything anew, with
the same bytes; a change in one class re-renders only that class's documents."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import pytest
import pyzipper
from click.testing import CliRunner

from archiver.bundle import verify_bundle
from archiver.cli import main_group
from archiver.demo import write_demo

PASSWORD = "tarcza-Wrzos-kompas-Lipa-93-zegar-Pstrag"
EPOCH = {"SOURCE_DATE_EPOCH": "1782570600"}


def _term_end(source: Path, root: Path, run: str, *extra: str) -> tuple[str, Path]:
    password = root / "pw.txt"
    password.write_text(PASSWORD + "\n")
    result = CliRunner().invoke(main_group, [
        "term-end", str(source), "--term", "year", "--create-out", "--out", str(root / run),
        "--password-file", str(password), "--state-dir", str(root / "state"),
        "--operator", "Sekretariat", "-j", "2", *extra], env=EPOCH, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output, next((root / run).glob("*.zip"))


def _counts(output: str) -> tuple[int, int]:
    found = re.search(r"\((\d+) rendered, (\d+) from the cache\)", output)
    assert found, output
    return int(found.group(1)), int(found.group(2))


def _payload(bundle: Path) -> dict[str, bytes]:
    """The payload manifest and the documents, by their path inside the bag."""
    with pyzipper.AESZipFile(bundle) as zf:
        zf.setpassword(PASSWORD.encode())
        return {name.split("/", 1)[1]: zf.read(name) for name in zf.namelist()
                if name.endswith("/manifest-sha256.txt") or "/data/dokumenty/" in name}


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("cache-term-end")
    export = write_demo(root / "eksport", "small", 2026, "folder")
    first = _term_end(export, root, "first")
    again = _term_end(export, root, "again")
    fresh = _term_end(export, root, "fresh", "--no-cache")
    return root, export, first, again, fresh


def test_unchanged_rerun_renders_nothing_and_its_bundle_verifies(runs) -> None:
    _root, _export, first, again, _fresh = runs
    rendered, cached = _counts(first[0])
    # 2 classes x (register, attendance), 2 transcripts, the school's attendance summary
    assert rendered == 8 and cached == 0
    assert _counts(again[0]) == (0, 8)
    report = verify_bundle(again[1], PASSWORD)
    assert report.complete, report
    payload = _payload(again[1])
    assert payload == _payload(first[1])
    assert len([n for n in payload if "/dokumenty/" in n]) == 8


def test_no_cache_renders_everything_with_the_same_bytes(runs) -> None:
    _root, _export, first, _again, fresh = runs
    assert _counts(fresh[0]) == (8, 0)
    assert _payload(fresh[1]) == _payload(first[1])


def test_a_change_in_one_class_renders_only_that_class_again(runs, tmp_path: Path) -> None:
    root, export, _first, _again, _fresh = runs
    changed = tmp_path / "eksport"
    shutil.copytree(export, changed)
    lessons = changed / "lessons.csv"
    with lessons.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    first_class = next(r for r in rows if r["status"] == "held")["class_id"]
    target = next(r for r in rows if r["class_id"] == first_class and r["status"] == "held")
    target["topic"] = "Temat poprawiony po eksporcie"
    with lessons.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    output, bundle = _term_end(changed, root, "changed")
    # the class's register and attendance summary read its lessons, and so does the school's
    # attendance summary; transcripts and the other class's documents do not
    assert _counts(output) == (3, 5)
    assert verify_bundle(bundle, PASSWORD).complete
