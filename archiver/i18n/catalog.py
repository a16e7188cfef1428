"""Keeping the catalogs: extract every message, merge it into the .po files, compile.

A developer's tool (`make messages`, and the tests that check the catalogs), not used by
a run. Messages come from two places: calls of `_()`, `N_()` and `ngettext()` anywhere in
archiver/ (Babel's Python extractor), and the help texts of every command and option of
the CLI (walked from the click tree: docstrings and help= need no marking). Click's own
texts are extracted from the installed Click into `click.po`.

The .po files are written sorted by msgid, without source locations and with fixed dates,
so that two branches adding messages touch different lines.
"""

from __future__ import annotations

import inspect
import io
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from archiver.i18n import CLICK_DOMAIN, DOMAIN, LOCALE_DIR

PACKAGE_DIR = Path(__file__).resolve().parents[1]
TRANSLATED = ("pl",)
FIXED_DATE = datetime(2026, 1, 1, tzinfo=UTC)
PO_WIDTH = 96
# Click texts looked up through a variable, which the extractor cannot see
CLICK_INDIRECT = ("required",)


def po_path(language: str, domain: str = DOMAIN) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{domain}.po"


def mo_path(language: str, domain: str = DOMAIN) -> Path:
    return po_path(language, domain).with_suffix(".mo")


def _new_catalog(language: str | None = None) -> Catalog:
    return Catalog(locale=language, domain=DOMAIN, project="archiver",
                   creation_date=FIXED_DATE, revision_date=FIXED_DATE,
                   msgid_bugs_address="", copyright_holder="archiver",
                   fuzzy=False)


# i18n.Message("msgid", **values) marks a msgid like N_()
KEYWORDS = {**DEFAULT_KEYWORDS, "Message": None}


def _from_source(directory: Path) -> Iterator[tuple[str | tuple[str, ...], list[str]]]:
    for _file, _line, message, comments, _context in extract_from_dir(str(directory),
                                                                      keywords=KEYWORDS):
        if message and (message != "" if isinstance(message, str) else message[0]):
            yield message, list(comments)


def cli_help_texts() -> Iterator[str]:
    """Every help text the CLI shows: each command's help and epilog, each option's help."""
    import click

    from archiver.cli import main_group

    def walk(command: click.Command) -> Iterator[str]:
        for text in (command.help, command.short_help, command.epilog):
            if text:
                yield inspect.cleandoc(text)
        for param in command.params:
            if getattr(param, "help", None):
                yield inspect.cleandoc(param.help)  # type: ignore[attr-defined]
        if isinstance(command, click.Group):
            for sub in command.commands.values():
                yield from walk(sub)

    yield from walk(main_group)


def template(domain: str = DOMAIN) -> Catalog:
    """Every msgid of a domain, as Babel's template (.pot) would hold them."""
    catalog = _new_catalog()
    if domain == CLICK_DOMAIN:
        import click

        for message, comments in _from_source(Path(click.__file__).parent):
            catalog.add(message, auto_comments=comments)
        for message in CLICK_INDIRECT:
            catalog.add(message)
        return catalog
    for message, comments in _from_source(PACKAGE_DIR):
        catalog.add(message, auto_comments=comments)
    for text in cli_help_texts():
        if text not in catalog:
            catalog.add(text)
    return catalog


def read(language: str, domain: str = DOMAIN) -> Catalog:
    path = po_path(language, domain)
    if not path.exists():
        return _new_catalog(language)
    with path.open("rb") as file:
        return read_po(file, locale=language, domain=domain)


def write(catalog: Catalog, language: str, domain: str = DOMAIN) -> None:
    catalog.creation_date = FIXED_DATE
    catalog.revision_date = FIXED_DATE
    catalog.fuzzy = False
    path = po_path(language, domain)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as file:
        write_po(file, catalog, width=PO_WIDTH, no_location=True, omit_header=False,
                 sort_output=True, ignore_obsolete=True, include_previous=False)


def compiled(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def untranslated(catalog: Catalog) -> list[str]:
    """msgids of a catalog without a (complete, non-fuzzy) translation."""
    gaps = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            gaps.append(message.id if isinstance(message.id, str) else message.id[0])
    return gaps


def update(language: str, domain: str = DOMAIN) -> list[str]:
    """Merge the template into the language's .po (keeping translations, dropping what
    the code no longer says), write the .po and its .mo; return what lacks a translation."""
    catalog = read(language, domain)
    catalog.update(template(domain), no_fuzzy_matching=True, update_header_comment=False)
    write(catalog, language, domain)
    catalog = read(language, domain)
    mo_path(language, domain).write_bytes(compiled(catalog))
    return untranslated(catalog)


def main(argv: list[str] | None = None) -> int:
    """`python -m archiver.i18n.catalog`: update and compile every catalog."""
    status = 0
    for language in TRANSLATED:
        for domain in (DOMAIN, CLICK_DOMAIN):
            gaps = update(language, domain)
            print(f"{po_path(language, domain).relative_to(PACKAGE_DIR.parent)}: "
                  f"{len(gaps)} without a translation")
            for gap in gaps:
                print(f"  msgid {gap!r}")
            status = status or (1 if gaps else 0)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
