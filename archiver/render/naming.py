"""File names of documents: class name, kind, period, a student only by a keyed hash of the
id. Never a name, never an id as given (it may be a PESEL).

Class names and ids come from the export, so they are reduced to safe ASCII: no path
separators, no "..", no NUL, no Windows device names; nothing can leave the folder.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata

_UNSAFE = re.compile(r"[^A-Za-z0-9]+")
_DEVICES = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)),
            *(f"lpt{i}" for i in range(10))}
_POLISH = str.maketrans("łŁ", "lL")  # the one Polish letter NFKD does not decompose
# The words file names are made of besides the export's values (see file_name, period_part).
FIXED_WORDS = ("uczen", "szkola", "sem", "rok", "oddzial", "id", "pdf")
STUDENT_HASH_CHARS = 10


def student_part(student_id: str, key: bytes) -> str:
    """`uczen-3f9c0a17b2`: a student in a file name, by a short keyed hash of the id only.
    An id may be a PESEL (the contract allows any opaque string); the key (from the
    export's students, see render.documents.student_name_key) keeps the hash from being
    reversed by trying every PESEL of a birth date."""
    digest = hmac.new(key, str(student_id).encode("utf-8"), hashlib.sha256).hexdigest()
    return "uczen-" + digest[:STUDENT_HASH_CHARS]


def safe_part(text: str, fallback: str) -> str:
    """`text` as a file-name part: ASCII letters, digits and single hyphens, at most 40."""
    ascii_text = unicodedata.normalize("NFKD", text.translate(_POLISH))
    ascii_text = ascii_text.encode("ascii", "ignore").decode("ascii")
    part = _UNSAFE.sub("-", ascii_text).strip("-")[:40].strip("-")
    if not part:
        return fallback
    if part.lower() in _DEVICES:
        return f"{fallback}-{part}"
    return part


def period_part(date_from, date_to, term: int | None, whole_year: bool, school_year: str) -> str:
    year = safe_part(school_year.replace("/", "-"), "rok")
    if whole_year:
        return year
    if term is not None:
        return f"sem{term}_{year}"
    return f"{date_from:%Y-%m-%d}_{date_to:%Y-%m-%d}"


def file_name(word: str, class_part: str | None, student: str | None, period: str) -> str:
    """`7a_dziennik_2025-2026.pdf`, `7a_uczen-3f9c0a17b2_frekwencja_sem1_2025-2026.pdf`,
    `uczen-3f9c0a17b2_wiadomosci_2025-2026.pdf`, `szkola_wiadomosci_2025-2026.pdf` (`word`:
    the kind's file word; `student`: student_part() of the id)."""
    parts = [class_part] if class_part else []
    if student is not None:
        parts.append(student)
    parts += [word, period]
    return "_".join(parts) + ".pdf"
