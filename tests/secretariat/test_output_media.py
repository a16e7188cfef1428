"""--out is a medium: a missing one is refused before any work (an unmounted pendrive
would otherwise get the bundle on the local disk), and a refused run leaves no folder."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from archiver.cli import main_group
from archiver.errors import ExitCode


def run(*args: str, lang: str = "en"):
    return CliRunner().invoke(main_group, list(args), env={"ARCHIVER_LANG": lang})


def test_a_missing_out_folder_is_refused_and_nothing_is_created(tmp_path: Path,
                                                                demo_export) -> None:
    media = tmp_path / "media"
    media.mkdir()
    result = run("term-end", str(demo_export), "--out", str(media / "PENDRIVE"),
                 "--slip-out", str(tmp_path / "haslo.txt"), "--state-dir", str(tmp_path / "st"))
    assert result.exit_code == ExitCode.STORAGE
    assert f"the output folder {media / 'PENDRIVE'} does not exist" in result.output
    assert "--create-out" in result.output
    assert list(media.iterdir()) == [] and not (tmp_path / "haslo.txt").exists()
    polish = run("term-end", str(demo_export), "--out", str(media / "PENDRIVE"),
                 "--slip-out", str(tmp_path / "haslo.txt"), lang="pl")
    assert f"folder docelowy {media / 'PENDRIVE'} nie istnieje" in polish.output


def test_disclose_refuses_a_missing_out_folder_too(tmp_path: Path, demo_export) -> None:
    result = run("disclose", str(demo_export), "--student", "x", "--recipient", "Sąd",
                 "--legal-basis", "art. 1", "--case-ref", "I 1/26", "--approved-by", "y",
                 "--out", str(tmp_path / "brak"))
    assert result.exit_code == ExitCode.STORAGE
    assert not (tmp_path / "brak").exists()


def test_a_refused_run_with_create_out_leaves_no_new_folder(tmp_path: Path,
                                                             demo_export) -> None:
    out = tmp_path / "nowy" / "archiwum"
    result = run("term-end", str(demo_export), "--create-out", "--out", str(out),
                 "--slip-out", str(out / "haslo.txt"), "--state-dir", str(tmp_path / "st"))
    assert result.exit_code == ExitCode.REFUSED, result.output  # slip beside the bundle
    assert not (tmp_path / "nowy").exists()
