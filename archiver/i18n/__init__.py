"""The language of every message a user sees: gettext catalogs, Polish by default.

Messages are written in English in the code (the msgids) and translated through the
catalogs in `locale/<lang>/LC_MESSAGES/` (`archiver.po` for ours, `click.po` for Click's
own texts: Usage:, Options:, Error: ...), compiled to `.mo` with Babel (`make messages`).

The language is, in order: `--lang` (set_language), $ARCHIVER_LANG, then the locale
($LC_ALL, $LC_MESSAGES, $LANG: the first one set). A locale that says nothing (C, POSIX,
unset) means Polish: the people who run archiver are a Polish school's secretariat.
Any other language gets English. Imports nothing of the package.
"""

from __future__ import annotations

import gettext as _stdlib
import inspect
import os
from pathlib import Path

DOMAIN = "archiver"
CLICK_DOMAIN = "click"
LOCALE_DIR = Path(__file__).resolve().with_name("locale")
LANGUAGES = ("pl", "en")
DEFAULT_LANGUAGE = "pl"
ENV_VAR = "ARCHIVER_LANG"
LOCALE_VARS = ("LC_ALL", "LC_MESSAGES", "LANG")

_chosen: str | None = None
_catalogs: dict[str, _stdlib.NullTranslations] = {}

#: msgids looked up in a language whose catalog lacks them (tests assert it stays empty).
missing: set[str] = set()


def language_of_locale(value: str) -> str:
    """'pl_PL.UTF-8' -> 'pl'; 'C', 'POSIX', '' -> Polish; any other language -> 'en'."""
    code = value.split(".", 1)[0].split("@", 1)[0].strip()
    if code in ("", "C", "POSIX"):
        return DEFAULT_LANGUAGE
    lang = code.replace("-", "_").split("_", 1)[0].lower()
    return lang if lang in LANGUAGES else "en"


def language_from_environment(environ: os._Environ[str] | dict[str, str] | None = None) -> str:
    """The language $ARCHIVER_LANG or the locale variables ask for (see the module doc)."""
    env = os.environ if environ is None else environ
    if env.get(ENV_VAR, "").strip():
        return language_of_locale(env[ENV_VAR])
    for name in LOCALE_VARS:
        if env.get(name, "").strip():
            return language_of_locale(env[name])
    return DEFAULT_LANGUAGE


def set_language(language: str | None) -> None:
    """Choose the language explicitly (`--lang`); None goes back to the environment's."""
    global _chosen
    _chosen = None if language is None else language_of_locale(language)


def current_language() -> str:
    return _chosen or language_from_environment()


def translations_of(language: str) -> _stdlib.NullTranslations:
    """The compiled catalogs of a language (ours, falling back to Click's); English is
    the msgids themselves."""
    if language not in _catalogs:
        if language == "en":
            _catalogs[language] = _stdlib.NullTranslations()
        else:
            ours = _load(DOMAIN, language)
            ours.add_fallback(_load(CLICK_DOMAIN, language))
            _catalogs[language] = ours
    return _catalogs[language]


def _load(domain: str, language: str) -> _stdlib.NullTranslations:
    path = LOCALE_DIR / language / "LC_MESSAGES" / f"{domain}.mo"
    try:
        with path.open("rb") as file:
            return _stdlib.GNUTranslations(file)
    except OSError:  # a broken installation: English rather than a crash
        return _stdlib.NullTranslations()


def _has(translations: _stdlib.NullTranslations, key: object) -> bool:
    while translations is not None:
        if key in getattr(translations, "_catalog", {}):
            return True
        translations = translations._fallback  # type: ignore[assignment]
    return False


def gettext(message: str) -> str:
    """`message` (an English msgid) in the current language."""
    language = current_language()
    translations = translations_of(language)
    if language != "en" and message and not _has(translations, message):
        missing.add(message)
    return translations.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form for `n` by the language's plural rules (Polish has three: 1 plik,
    2 pliki, 5 plików), from the catalog's Plural-Forms."""
    language = current_language()
    translations = translations_of(language)
    if language != "en" and not _has(translations, (singular, 0)):
        missing.add(singular)
    return translations.ngettext(singular, plural, n)


def N_(message: str) -> str:  # noqa: N802 (gettext's name for "mark, translate later")
    """Mark a string for the catalog without translating it now (constants, help texts
    defined at import time); translate it with `_()` where it is shown."""
    return message


class Message(str):
    """Text kept in English (what `==`, JSON and the audit log see) that is translated
    when it is shown: `Message("checksum mismatch ({algorithm})", algorithm="sha256")`.

    For library texts that are also data (a verification report's problems, a
    validation report): mark them with Message where they are made; `shown(m)`,
    f"{m}" and "...".format(m) translate, str(m) and "; ".join() do not (use joined()).
    Values may be Messages themselves (translated too). A msgid of None joins
    the values with `separator` (no frame to translate).
    """

    msgid: str | None
    params: dict[str, object]
    separator: str

    def __new__(cls, msgid: str | None, /, **params: object) -> Message:
        separator = str(params.pop("_separator", ""))
        english = (separator.join(str(v) for v in params.values()) if msgid is None
                   else msgid.format(**params) if params else msgid)
        obj = super().__new__(cls, english)
        obj.msgid, obj.params, obj.separator = msgid, params, separator
        return obj

    @classmethod
    def join(cls, separator: str, parts: list[object]) -> Message:
        """The parts joined by `separator`, each translated when shown."""
        return cls(None, _separator=separator, **{f"p{i}": p for i, p in enumerate(parts)})

    def translated(self) -> str:
        values = {k: shown(v) for k, v in self.params.items()}
        if self.msgid is None:
            return self.separator.join(values.values())
        return gettext(self.msgid).format(**values) if values else gettext(self.msgid)

    def __format__(self, spec: str) -> str:  # f"{m}" and .format() are what a user reads
        return format(self.translated(), spec)

    def __reduce__(self):  # pickled for pool workers: rebuilt from msgid and values
        return (_rebuild, (self.msgid, self.separator, self.params))


def _rebuild(msgid: str | None, separator: str, params: dict[str, object]) -> Message:
    return Message(msgid, _separator=separator, **params) if separator else Message(msgid,
                                                                                    **params)


def joined(separator: str, texts: object) -> str:
    """The texts (Messages or not) as the user reads them, joined."""
    return separator.join(shown(t) for t in texts)  # type: ignore[attr-defined]


def shown(text: object) -> str:
    """Text as the user sees it: a Message translated, anything else as it is."""
    return text.translated() if isinstance(text, Message) else str(text)


def help_text(text: str | None) -> str | None:
    """A command's or option's help in the current language (msgid: the cleaned text)."""
    if not text:
        return text
    return gettext(inspect.cleandoc(text))


def number(value: int) -> str:
    """A whole number grouped as the language writes it: 1 234 567 or 1,234,567."""
    text = f"{value:,}"
    return text.replace(",", "\u00a0") if current_language() == "pl" else text


_ = gettext

# Click looks its texts up with the stdlib's gettext.gettext/ngettext bound in each of
# its modules; these replace them so Click speaks the language chosen here.
_CLICK_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "termui",
                  "types", "utils", "shell_completion", "_termui_impl")


def _click_gettext(message: str) -> str:
    return gettext(message)


def install_into_click() -> None:
    """Make Click's own messages (Usage:, Error: ..., Missing option ...) translatable."""
    import importlib

    for name in _CLICK_MODULES:
        try:
            module = importlib.import_module(f"click.{name}")
        except ImportError:  # a Click without that module
            continue
        if getattr(module, "_", None) is _stdlib.gettext:
            module._ = _click_gettext  # type: ignore[attr-defined]
        if getattr(module, "ngettext", None) is _stdlib.ngettext:
            module.ngettext = ngettext  # type: ignore[attr-defined]
