"""Every command's help and a usage error of each, in Polish under LANG=C and a Polish
locale, in English under an English one; nothing looked up without a translation."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from archiver import i18n
from archiver.cli import main_group


def all_commands(group: click.Group, prefix: tuple[str, ...] = ()):
    yield prefix
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            yield from all_commands(command, (*prefix, name))
        else:
            yield (*prefix, name)


COMMANDS = list(all_commands(main_group))
IDS = [" ".join(p) or "archiver" for p in COMMANDS]
POLISH = [{"LANG": "C"}, {"LANG": "POSIX"}, {"LANG": "pl_PL.UTF-8"}, {}]


def _env(locale: dict[str, str]) -> dict[str, str | None]:
    env: dict[str, str | None] = {"ARCHIVER_LANG": None, "LC_ALL": None,
                                  "LC_MESSAGES": None, "LANG": None}
    return {**env, **locale}


@pytest.mark.parametrize("locale", POLISH, ids=["C", "POSIX", "pl_PL", "unset"])
@pytest.mark.parametrize("path", COMMANDS, ids=IDS)
def test_help_is_polish_under_a_polish_or_silent_locale(path, locale) -> None:
    i18n.missing.clear()
    result = CliRunner().invoke(main_group, [*path, "--help"], env=_env(locale))
    assert result.exit_code == 0, result.output
    assert not i18n.missing, f"no Polish for: {sorted(i18n.missing)}"
    out = result.output
    assert out.startswith("Użycie: archiver")
    assert "\nOpcje:\n" in out and "Pokaż tę pomoc i zakończ." in out
    assert "Przykład: archiver" in out
    for english in ("Usage:", "Options:", "Show this message", "Example:"):
        assert english not in out


@pytest.mark.parametrize("path", COMMANDS, ids=IDS)
def test_help_is_english_under_an_english_locale(path) -> None:
    result = CliRunner().invoke(main_group, [*path, "--help"],
                                env=_env({"LANG": "en_US.UTF-8"}))
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Usage: archiver")
    assert "\nOptions:\n" in result.output and "Example: archiver" in result.output
    assert "Użycie" not in result.output and "Opcje" not in result.output


@pytest.mark.parametrize("path", COMMANDS, ids=IDS)
def test_a_usage_error_is_polish_with_exit_code_2(path) -> None:
    i18n.missing.clear()
    result = CliRunner().invoke(main_group, [*path, "--no-such-option"], env=_env({"LANG": "C"}))
    assert result.exit_code == 2
    assert "Błąd: Nie ma opcji '--no-such-option'." in result.output
    assert f"Pomoc: 'archiver {' '.join(path)} --help'.".replace("  ", " ") in result.output
    assert not i18n.missing, f"no Polish for: {sorted(i18n.missing)}"


def test_a_validation_failure_is_polish_under_lang_c(tmp_path) -> None:
    from minimal_export import minimal_tables, write_minimal

    tables = minimal_tables()
    tables["lessons"].loc[0, "teacher_id"] = "nikt"
    tables["lessons"].loc[3, "topic"] = None
    source = write_minimal(tmp_path, "folder", tables)
    i18n.missing.clear()
    result = CliRunner().invoke(main_group, ["validate", str(source)], env=_env({"LANG": "C"}))
    assert result.exit_code == 1
    assert "(folder): NIEPOPRAWNY, 1 błąd, 1 ostrzeżenie" in result.output
    assert "lessons: błędy: 1, ostrzeżenia: 1" in result.output
    assert "  błąd [reference] ×1" in result.output
    assert not i18n.missing, sorted(i18n.missing)
    english = CliRunner().invoke(main_group, ["validate", str(source)],
                                 env=_env({"LANG": "en_US.UTF-8"}))
    assert "(folder): INVALID, 1 error, 1 warning" in english.output


def test_errors_of_each_class_are_polish_under_lang_c(tmp_path) -> None:
    """InputError, ValidationFailed, RefusedError, StorageError, UsageError,
    VerificationError, ConfigError, PartialFailure and a damaged audit log as the CLI
    prints them, looked up with nothing missing."""
    from minimal_export import minimal_tables, write_minimal

    (tmp_path / "good").mkdir()
    good = write_minimal(tmp_path / "good", "zip")
    tables = minimal_tables()
    tables["lessons"].loc[0, "teacher_id"] = "nikt"
    (tmp_path / "bad").mkdir()
    bad = write_minimal(tmp_path / "bad", "folder", tables)
    out = tmp_path / "out"
    out.mkdir()
    (tmp_path / "weak.txt").write_text("szkola2026\n")
    (tmp_path / "fake.zip").write_bytes(b"to nie jest zip")
    cases = [
        (["verify", str(good), "--password-file", str(tmp_path / "brak.txt")], 1,
         "plik z hasłem"),
        (["term-end", str(bad), "--out", str(out), "--slip-out", str(tmp_path / "h.txt")], 1,
         "eksport zawiera błędy (1); pierwszy:"),
        (["term-end", str(good), "--out", str(out), "--password-file",
          str(tmp_path / "weak.txt")], 4, "hasło jest za słabe"),
        (["term-end", str(good), "--out", str(tmp_path / "brak")], 5,
         "folder docelowy"),
        (["term-end", "--out", str(out)], 2, "podaj SOURCE (eksport) albo --demo"),
        (["verify", str(tmp_path / "fake.zip")], 3, "nie przechodzi weryfikacji"),
        (["term-end", str(good), "--config", str(tmp_path / "zla.toml"), "--out", str(out)], 2,
         "nieznana sekcja konfiguracji [szkola]"),
        (["term-end", str(good), str(bad), "--term", "1", "--out", str(out), "--slip-out",
          str(tmp_path / "kartki"), "-j", "1", "--quiet"], 6, "nie zarchiwizowano"),
    ]
    (tmp_path / "zla.toml").write_text("[szkola]\nnazwa = 'x'\n")
    (tmp_path / "kartki").mkdir()
    (tmp_path / "zepsuty").mkdir(mode=0o700)
    (tmp_path / "zepsuty" / "audit.jsonl").write_text('{"seq": 1, "to nie": "wpis"}\n')
    damaged = (["audit", "verify", "--state-dir", str(tmp_path / "zepsuty")], 3,
               "nie przechodzi weryfikacji: wiersz 1 (seq 1): zmieniono: brakujące pola")
    for args, code, polish in [*cases, damaged]:
        i18n.missing.clear()
        state = [] if "--state-dir" in args else ["--state-dir", str(tmp_path / "st")]
        result = CliRunner().invoke(main_group, [*args, *state], env=_env({"LANG": "C"}))
        assert result.exit_code == code, (args, result.output)
        assert polish in result.output, (args, result.output)
        assert "error:" not in result.output and "Error:" not in result.output, args
        assert not i18n.missing, (args, sorted(i18n.missing))


def test_a_verification_report_is_polish_and_its_json_stays_english(tmp_path) -> None:
    """The causes, the checked and not-checked items read in Polish; --json (for programs
    and the audit) keeps the English causes."""
    import json

    fake = tmp_path / "paczka.zip"
    fake.write_bytes(b"to nie jest zip")
    i18n.missing.clear()
    result = CliRunner().invoke(main_group, ["verify", str(fake)], env=_env({"LANG": "C"}))
    assert result.exit_code == 3
    assert "to nie plik ZIP: brak rekordu końca katalogu centralnego" in result.output
    assert "brak pliku sumy kontrolnej paczka.zip.sha256" in result.output
    assert "NIE sprawdzono" in result.output or "nie sprawdzono" in result.output.lower()
    assert "not a ZIP file" not in result.output and "checked:" not in result.output
    assert not i18n.missing, sorted(i18n.missing)
    data = CliRunner().invoke(main_group, ["verify", str(fake), "--json"],
                              env=_env({"LANG": "C"}))
    report, _end = json.JSONDecoder().raw_decode(data.output)  # the error line follows
    causes = [p["cause"] for p in report["problems"]]
    assert "not a ZIP file: no end of central directory record" in causes
