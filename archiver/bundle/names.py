"""Entry names: safe on every system that may extract them, and free of personal names.

A bundle is opened years later on whatever computer the archive has, so a name must
extract the same on Windows, macOS and Linux, and never outside the target folder.
Errors name an entry by its position, never by its text, which might be personal data.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from archiver.errors import RefusedError
from archiver.i18n import _

MAX_NAME_CHARS = 200  # full path inside the ZIP; Windows' MAX_PATH is 260 with the folder
MAX_COMPONENT_BYTES = 255
_WINDOWS_FORBIDDEN = set('<>:"|?*')
_DEVICE_NAMES = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"} | {
    f"{base}{n}" for base in ("COM", "LPT") for n in [*"0123456789", "¹", "²", "³"]
}
# Letters NFKD does not take apart; Polish ł above all.
_FOLD = str.maketrans(
    {"ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ø": "o", "Ø": "O", "ß": "ss",
     "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ı": "i", "þ": "th", "Þ": "TH"}
)
_CAMEL = re.compile(r"(?<=[a-ząćęłńóśźż])(?=[A-ZĄĆĘŁŃÓŚŹŻ])")
_LETTER_DIGIT = re.compile(r"(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_])")
_PESEL_WEIGHTS = (1, 3, 7, 9, 1, 3, 7, 9, 1, 3)
# The bag's own names: bagit.txt, bag-info.txt, (tag)manifest-ALG.txt, data/, seals.
BAG_WORDS = ("bagit.txt", "bag-info.txt", "manifest-sha256.txt", "manifest-sha512.txt",
             "tagmanifest-sha256.txt", "tagmanifest-sha512.txt", "data", "p7s", "tsr",
             "renewals")


def fold(text: str) -> str:
    """Lower case without diacritics: 'Łukasz Żółć' -> 'lukasz zolc'."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def tokens(text: str) -> set[str]:
    """Whole words of `text`, folded; camelCase and letter/digit boundaries split too."""
    found: set[str] = set()
    for variant in (text, _CAMEL.sub(" ", text)):
        spaced = _LETTER_DIGIT.sub(" ", fold(variant))
        found.update(re.findall(r"[^\W_]+", spaced))
        found.update(re.findall(r"[^\W_]+", fold(variant)))
    return found


def _is_pesel(token: str) -> bool:
    if len(token) != 11 or not token.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(token, _PESEL_WEIGHTS, strict=False))
    return (10 - total % 10) % 10 == int(token[10])


def unsafe_reason(name: str) -> str | None:
    """Why `name` is not a safe relative ZIP path ('a/b.pdf'), or None when it is."""
    if not name:
        return "the name is empty"
    if "\\" in name:
        return "a backslash is not allowed (use '/')"
    if any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in name):
        return "control or invisible characters are not allowed"
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        return "an absolute path is not allowed"
    if len(name) > MAX_NAME_CHARS:
        return f"the name is longer than {MAX_NAME_CHARS} characters"
    for part in name.split("/"):
        reason = _component_reason(part)
        if reason:
            return reason
    return None


def _component_reason(part: str) -> str | None:
    if part in ("", "."):
        return "empty or '.' path components are not allowed"
    if part == "..":
        return "a '..' path component is not allowed"
    if "%" in part:
        # BagIt manifests percent-encode '%'; not every reader decodes it back.
        return "'%' is not allowed"
    if _WINDOWS_FORBIDDEN & set(part):
        return 'the characters < > : " | ? * are not allowed'
    if part[-1] in ". " or part[0] == " ":
        return "a name part may not begin with a space or end with a dot or a space"
    if part.split(".")[0].rstrip(" ").upper() in _DEVICE_NAMES:
        return "reserved device names (CON, NUL, COM1, LPT1...) are not allowed"
    if len(part.encode("utf-8")) > MAX_COMPONENT_BYTES:
        return f"a name part is longer than {MAX_COMPONENT_BYTES} bytes"
    return None


class NameGuard:
    """Checks entry names for safety and against the personal names of one school."""

    def __init__(self, forbidden_name_tokens: Iterable[str] = (),
                 fixed_words: Iterable[str] = ()) -> None:
        # Single letters (initials) would refuse '1a'; everything longer counts. Words of
        # archiver's own names (`fixed_words`: 'rok', 'data', 'index', 'sem', 'info' ...)
        # are no part a person's name can reach: a guardian surnamed Rok matches only what
        # came from the export (class names, ids, the export's file names).
        fixed = {t for word in (*BAG_WORDS, *fixed_words) for t in tokens(word)}
        self._forbidden = {t for name in forbidden_name_tokens for t in tokens(name)
                           if len(t) > 1} - fixed
        self._seen: set[str] = set()

    def check(self, name: str, position: int, prefix: str = "") -> str:
        """Return `name` in NFC, or raise RefusedError naming the entry by position;
        `prefix` (the bag's top folder) counts toward the length limit."""
        where = f"entry {position}"
        name = unicodedata.normalize("NFC", name)
        reason = unsafe_reason(name) or unsafe_reason(prefix + name)
        if reason:
            raise RefusedError(_("{where}: unsafe file name: {reason}").format(
                                   where=where, reason=reason))
        found = tokens(name)
        if found & self._forbidden:
            raise RefusedError(
                _("{where} contains a person's name in its file name").format(
                    where=where),
                hint=_("file names inside a bundle must not hold personal data; name "
                       "documents by class, kind and period"),
            )
        if any(_is_pesel(t) for t in found):
            raise RefusedError(_("{where} contains what looks like a PESEL number in "
                                 "its name").format(where=where))
        key = name.casefold()
        if key in self._seen:
            raise RefusedError(
                _("{where}: a file of the same name (ignoring letter case) is already "
                  "in the bundle").format(where=where)
            )
        self._seen.add(key)
        return name

    def check_bundle_name(self, name: str) -> None:
        """Refuse a bundle file name that is unsafe or holds a personal name."""
        reason = unsafe_reason(name)
        if reason or "/" in name:
            raise RefusedError(_("unsafe bundle file name: {reason}").format(
                                   reason=reason or _("no folders allowed")))
        if tokens(name) & self._forbidden or any(_is_pesel(t) for t in tokens(name)):
            raise RefusedError(_("the bundle's file name contains a person's name or "
                                 "number"))


def display_name(name: str, limit: int = 160) -> str:
    """`name` made harmless for a terminal: control characters escaped, length capped."""
    shown = "".join(
        c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in name
    )
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"
