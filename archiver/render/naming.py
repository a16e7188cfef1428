"""File names of documents: class name, kind, period, a student only by id. Never a name.

Class names and ids come from the export, so they are reduced to safe ASCII: no path
separators, no "..", no NUL, no Windows device names; nothing can leave the folder.
"""

from __future__ import annotations

import re
import unicodedata

_UNSAFE = re.compile(r"[^A-Za-z0-9]+")
_DEVICES = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)),
            *(f"lpt{i}" for i in range(10))}
_POLISH = str.maketrans("łŁ", "lL")  # the one Polish letter NFKD does not decompose


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


def file_name(word: str, class_part: str | None, student_id: str | None, period: str) -> str:
    """`7a_dziennik_2025-2026.pdf`, `7a_uczen-S1_frekwencja_sem1_2025-2026.pdf`,
    `uczen-S1_wiadomosci_2025-2026.pdf`, `szkola_wiadomosci_2025-2026.pdf` (`word`: the
    kind's file word)."""
    parts = [class_part] if class_part else []
    if student_id is not None:
        parts.append("uczen-" + safe_part(student_id, "id"))
    parts += [word, period]
    return "_".join(parts) + ".pdf"
