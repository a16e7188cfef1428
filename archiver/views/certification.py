"""The certification block that ends every document (poświadczenie zgodności).

A printout from an electronic register becomes the school's official document when the
director certifies it: "Za zgodność z dziennikiem elektronicznym", place and date, the
director's name and function, signature and seal, and the number of pages. The number of
pages is known only after layout: the template leaves its line empty under the anchor
`PAGE_COUNT_ANCHOR`, and archiver.render.pagecount writes the phrase there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from archiver.config import Config
from archiver.model import Dataset
from archiver.views.polish import date_formal, full_name, plural

PAGE_COUNT_ANCHOR = "dokument-strony"
_TOWN = re.compile(r"\b\d{2}-\d{3}\s+(.+?)\s*$")


def page_count_phrase(pages: int) -> str:
    """Dokument zawiera 1 stronę / 3 strony / 25 stron (accusative)."""
    return f"Dokument zawiera {pages} {plural(pages, 'stronę', 'strony', 'stron')}."


@dataclass(frozen=True)
class Certification:
    place_date: str  # "Lipowo, 4 grudnia 2026 r."
    director: str  # the director's name; "" when neither the export nor config names one
    function: str  # "dyrektor szkoły"
    anchor: str = PAGE_COUNT_ANCHOR


def school_place(ds: Dataset, config: Config) -> str:
    """The town the school signs in: `[school] place`, else the town after the postal code
    of the export's school address ("ul. Szkolna 1, 00-950 Lipowo" -> "Lipowo")."""
    if config.school.place:
        return config.school.place
    found = _TOWN.search(ds.meta.school.address or "")
    return found.group(1) if found else ""


def director_name(ds: Dataset, config: Config) -> str:
    """`[school] director`, else the staff member with the director role in the export."""
    if config.school.director:
        return config.school.director
    staff = ds.staff
    for roles, first, last in zip(staff["roles"].tolist(), staff["first_name"].tolist(),
                                  staff["last_name"].tolist(), strict=True):
        if "director" in {r.strip() for r in str(roles).split(";")}:
            return full_name(first, last)
    return ""


def place_date(ds: Dataset, config: Config, printed_at: datetime) -> str:
    """"Lipowo, 4 grudnia 2026 r.": the day in the school's time zone."""
    day = date_formal(printed_at.astimezone(ZoneInfo(ds.meta.timezone)))
    place = school_place(ds, config)
    return f"{place}, {day}" if place else day


def certification(ds: Dataset, config: Config, printed_at: datetime) -> Certification:
    return Certification(place_date(ds, config, printed_at), director_name(ds, config),
                         "dyrektor szkoły")
