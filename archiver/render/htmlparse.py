"""WeasyPrint's HTML parser without rebuilding a pattern at every run of text (issue 18).

tinyhtml5 (WeasyPrint's HTML5 parser) reads a run of characters with
`HTMLUnicodeInputStream.chars_until`, which keeps a compiled pattern per set of stop
characters in `characters_until_regex`. But it stores the pattern under the wrong key (a
chained assignment rebinds `characters` to the new pattern before the dictionary's key is
made of it), so every call misses, builds the pattern's text again character by character
and looks it up in `re`'s own cache: about half of the parse of a message transcript, and a
tenth of its worker's time. Here the dictionary makes a missing pattern itself, the same
pattern from the same characters, and keeps it under the key it is looked up by: the same
parse, the same tree.
"""

from __future__ import annotations

import re
from collections.abc import Iterable


class _Patterns(dict):
    """chars_until's patterns, made on first use and kept under their lookup key."""

    def __missing__(self, key: tuple[Iterable[str], bool]) -> re.Pattern[str]:
        characters, opposite = key  # the pattern as chars_until writes it
        pattern = "".join([f"\\x{ord(character):02x}" for character in characters])
        if not opposite:
            pattern = f"^{pattern}"
        found = self[key] = re.compile(f"[{pattern}]+")
        return found


def install() -> None:
    """Keep chars_until's patterns (idempotent)."""
    from tinyhtml5 import inputstream

    if isinstance(inputstream.characters_until_regex, _Patterns):
        return
    inputstream.characters_until_regex = _Patterns()
