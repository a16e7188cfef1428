"""Register text as it can be printed: every character either visible or kept in place.

Control characters (a bell, an escape, NUL) have no glyph: a PDF would show nothing or an
empty box, the text layer would hold bytes that break XML metadata, and a reader could
not tell that something was there. They are printed as U+FFFD, the Unicode replacement
character, which every document font has; the exact text stays in the source rows each
PDF carries as an attachment. Tabs and line breaks are kept.

A run of more than 80 characters without a space (a 5,000-character word, a long URL)
gets an invisible break opportunity (U+200B) every 40 characters, so it wraps inside
any column instead of running off the page; WeasyPrint's own `overflow-wrap: anywhere`
does the same but makes table layout take minutes on such a word. Extracted text and
hashes (64 characters) are unchanged.

Explicit bidirectional controls (U+202A-202E, U+2066-2069) are printed as the register
showed them, but every one a value leaves open is closed at its end (PDF, PDI), so an
unclosed right-to-left override cannot run on and reverse the printed text after it (an
isolate around the value would not do: WeasyPrint lays out each line on its own).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from markupsafe import Markup

REPLACEMENT = "\ufffd"
_UNPRINTABLE = {code: REPLACEMENT for code in [*range(0x20), *range(0x7F, 0xA0), 0xFFFE, 0xFFFF]
                if chr(code) not in "\t\n\r"}
_EMBEDDINGS, _POP = "\u202a\u202b\u202d\u202e", "\u202c"  # LRE RLE LRO RLO, PDF
_ISOLATES, _POP_ISOLATE = "\u2066\u2067\u2068", "\u2069"  # LRI RLI FSI, PDI
_BIDI_CONTROL = re.compile("[\u202a-\u202e\u2066-\u2069]")
_LONG_RUN = re.compile(r"[^\s\u200b]{81,}")
# any character _UNPRINTABLE replaces: looked for first (translate costs 0.5 µs a character,
# and a register's lesson lists and grids pass through here whole)
_ANY_UNPRINTABLE = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(_UNPRINTABLE))
                              + "]")
_PIECE = 40
_BREAK = "\u200b"


def _attached(char: str) -> bool:
    """A character that belongs to the one before it (a combining mark, a joiner)."""
    return bool(unicodedata.combining(char)) or char in "\u200c\u200d\ufe0e\ufe0f" or (
        unicodedata.category(char) == "Mn")


def _breakable(match: re.Match[str]) -> str:
    run, pieces, start = match.group(), [], 0
    while start < len(run):
        end = min(start + _PIECE, len(run))
        while end < len(run) and _attached(run[end]):
            end += 1  # never split a letter from its accent
        pieces.append(run[start:end])
        start = end
    return _BREAK.join(pieces)


_SHORT = 200  # the longest text remembered


def printable(text: str) -> str:
    """`text` with control characters made visible, long runs breakable and bidi controls
    kept to itself (remembered for short plain strings: the same names, subjects and dates
    pass through here on every line of a register)."""
    if type(text) is not str or len(text) > _SHORT:  # Markup hashes as its text
        return _printable(text)
    return _printable_short(text)


def _printable(text: str) -> str:
    if _ANY_UNPRINTABLE.search(text):
        text = text.translate(_UNPRINTABLE)
    # no whitespace-separated word over 80 characters: no long run (a zero-width space
    # only ends runs), and the regular expression need not look
    if len(text) > 80 and max(map(len, text.split()), default=0) > 80:
        text = _LONG_RUN.sub(_breakable, text)
    return text + _closers(text)


_printable_short = lru_cache(maxsize=16384)(_printable)  # the latest kept


def _closers(text: str) -> str:
    """PDF and PDI for every embedding, override and isolate `text` leaves open."""
    if not _BIDI_CONTROL.search(text):
        return ""
    embeddings = sum(text.count(c) for c in _EMBEDDINGS) - text.count(_POP)
    isolates = sum(text.count(c) for c in _ISOLATES) - text.count(_POP_ISOLATE)
    return _POP * max(0, embeddings) + _POP_ISOLATE * max(0, isolates)


class Printed(Markup):
    """Markup whose texts were made printable one by one, as the template would have made
    them (render/folded_table.py): finalize leaves it alone, so that no break is put into
    its tags."""


def finalize(value: object) -> object:
    """Jinja's `finalize`: every `{{ ... }}` of a document passes through here."""
    if isinstance(value, Printed):
        return value
    if isinstance(value, Markup):
        return Markup(printable(str(value)))  # adds no markup, so it stays safe
    if isinstance(value, str):
        return printable(value)
    return value
