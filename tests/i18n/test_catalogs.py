"""The gettext catalogs: Polish by default, English on request, every marked message
translated, the compiled .mo files the same as their .po files."""

from __future__ import annotations

import gettext
import io

import pytest
from click.testing import CliRunner

from archiver import i18n
from archiver.cli import main_group
from archiver.i18n import CLICK_DOMAIN, DOMAIN
from archiver.i18n import catalog as catalogs


@pytest.mark.parametrize("environ,expected", [
    ({}, "pl"),
    ({"LANG": "C"}, "pl"),
    ({"LANG": "POSIX"}, "pl"),
    ({"LANG": "C.UTF-8"}, "pl"),
    ({"LANG": ""}, "pl"),
    ({"LANG": "pl_PL.UTF-8"}, "pl"),
    ({"LANG": "en_US.UTF-8"}, "en"),
    ({"LANG": "en_GB.UTF-8", "LC_MESSAGES": "pl_PL.UTF-8"}, "pl"),
    ({"LANG": "pl_PL.UTF-8", "LC_ALL": "en_US.UTF-8"}, "en"),
    ({"LANG": "de_DE.UTF-8"}, "en"),
    ({"LANG": "en_US.UTF-8", "ARCHIVER_LANG": "pl"}, "pl"),
    ({"LANG": "pl_PL.UTF-8", "ARCHIVER_LANG": "en"}, "en"),
])
def test_language_follows_archiver_lang_then_the_locale_polish_by_default(environ,
                                                                          expected) -> None:
    assert i18n.language_from_environment(environ) == expected


def _usage_error(*args: str, env: dict[str, str | None]) -> str:
    result = CliRunner().invoke(main_group, [*args, "verify"], env=env)
    assert result.exit_code == 2
    return result.output


@pytest.mark.parametrize("lang", ["C", "POSIX", "pl_PL.UTF-8"])
def test_clicks_own_texts_are_polish_under_a_polish_or_silent_locale(lang) -> None:
    out = _usage_error(env={"ARCHIVER_LANG": None, "LANG": lang, "LC_ALL": None,
                            "LC_MESSAGES": None})
    assert "Użycie: archiver verify [OPCJE] BUNDLE" in out
    assert "Błąd: Brak argumentu 'BUNDLE'." in out
    assert "Usage" not in out and "Error" not in out


def test_english_locale_and_lang_option_choose_english() -> None:
    out = _usage_error(env={"ARCHIVER_LANG": None, "LANG": "en_US.UTF-8", "LC_ALL": None})
    assert "Usage: archiver verify [OPTIONS] BUNDLE" in out
    assert "Error: Missing argument 'BUNDLE'." in out
    assert "Użycie" not in _usage_error("--lang", "en", env={"ARCHIVER_LANG": "pl"})
    assert "Użycie" in _usage_error("--lang", "pl", env={"ARCHIVER_LANG": "en"})


def test_lang_given_after_the_command_applies_to_its_help() -> None:
    result = CliRunner().invoke(main_group, ["verify", "--lang", "pl", "--help"])
    assert result.exit_code == 0
    assert "Pokaż tę pomoc i zakończ." in result.output
    result = CliRunner().invoke(main_group, ["verify", "--help"])  # the next run: English
    assert "Show this message and exit." in result.output


def test_plural_forms_follow_polish_rules(monkeypatch) -> None:
    monkeypatch.setenv("ARCHIVER_LANG", "pl")
    forms = {n: i18n.ngettext("(and {count} more problem)", "(and {count} more problems)",
                              n).format(count=n) for n in (1, 2, 4, 5, 12, 21, 22, 25, 112)}
    assert forms[1] == "(i jeszcze 1 problem)"
    assert forms[2] == "(i jeszcze 2 problemy)" and forms[22] == "(i jeszcze 22 problemy)"
    for n in (5, 12, 21, 25, 112):
        assert forms[n] == f"(i jeszcze {n} problemów)"
    monkeypatch.setenv("ARCHIVER_LANG", "en")
    assert i18n.ngettext("(and {count} more problem)", "(and {count} more problems)",
                         1) == "(and {count} more problem)"


@pytest.mark.parametrize("domain", [DOMAIN, CLICK_DOMAIN])
def test_every_message_of_the_code_has_a_polish_translation(domain) -> None:
    """A message wrapped in _(), N_() or ngettext(), a command's or option's help, or a
    Click text without a Polish msgstr fails here: `make messages`, translate in the .po."""
    translated = catalogs.read("pl", domain)
    wanted_ids = {m.id for m in catalogs.template(domain) if m.id}
    absent = sorted(str(i) for i in wanted_ids if i not in translated)
    assert not absent, f"not in {catalogs.po_path('pl', domain)}; run `make messages`"
    gaps = set(catalogs.untranslated(translated))
    gaps = sorted(str(i) for i in wanted_ids
                  if (i if isinstance(i, str) else i[0]) in gaps)
    assert not gaps, f"no Polish msgstr in {catalogs.po_path('pl', domain)}"


@pytest.mark.parametrize("domain", [DOMAIN, CLICK_DOMAIN])
def test_compiled_catalog_is_the_po_file_compiled(domain) -> None:
    """The .mo shipped in the package says what its .po says (`make messages` compiles)."""
    fresh = gettext.GNUTranslations(io.BytesIO(catalogs.compiled(catalogs.read("pl", domain))))
    with catalogs.mo_path("pl", domain).open("rb") as file:
        shipped = gettext.GNUTranslations(file)
    strip = lambda t: {k: v for k, v in t._catalog.items() if k != ""}  # noqa: E731
    assert strip(shipped) == strip(fresh), "run `make messages` and commit the .mo"


def test_polish_catalog_declares_polish_plural_forms() -> None:
    header = catalogs.read("pl").plural_forms
    assert header.startswith("nplurals=3;")


def _fields(text: str) -> set[str]:
    import string

    try:
        return {name for _lit, name, _spec, _conv in string.Formatter().parse(text)
                if name is not None}
    except ValueError:
        return {"<not a format string>"}


def test_every_translation_keeps_the_placeholders_of_its_msgid() -> None:
    """A Polish msgstr that drops, renames or adds a {field} would fail (KeyError) or say
    less where the message is formatted (its format spec may differ: 1 234 or a date)."""
    wrong = []
    for message in catalogs.read("pl"):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set().union(*(_fields(i) for i in ids))
        for text in strings:
            if "{" not in "".join(ids) and "%" in "".join(ids):
                continue  # a %-style message (Click's own, or a version line)
            if text and _fields(text) != wanted:
                wrong.append((ids[0], text))
    assert wrong == []
