"""Generate the built-in synthetic demo school: one school year in export format v1.

Everything comes from one seed (Faker and NumPy/`random` instances, never the global
random state), so the same size and seed always give the same tables.
"""

from __future__ import annotations

import pandas as pd

from archiver.demo.attendance import build_attendance
from archiver.demo.calendar import teaching_days
from archiver.demo.changes import build_changes
from archiver.demo.classification import build_behaviour, build_grades
from archiver.demo.curriculum import SUBJECTS
from archiver.demo.daysoff import build_days_off
from archiver.demo.frames import finalise
from archiver.demo.groups import build_membership
from archiver.demo.guardians import build_guardians
from archiver.demo.lessons import TIMEZONE, build_lessons
from archiver.demo.messages import build_messages
from archiver.demo.notes import build_notes
from archiver.demo.people import build_students
from archiver.demo.profile import SizeProfile, get_profile
from archiver.demo.school import build_school
from archiver.demo.state import Draft
from archiver.demo.timetable import build_timetable
from archiver.schema.tables import EXPORT_FORMAT_NAME, EXPORT_FORMAT_VERSION

EXPORTED_AT = "2026-06-27T15:30:00+02:00"
SCHOOL = {
    "id": "sp3-lipowo-demo",
    "name": "Szkoła Podstawowa nr 3 im. Jana Brzechwy w Lipowie (szkoła demonstracyjna)",
    "short_name": "SP3",
    "address": "ul. Szkolna 1, 00-950 Lipowo",
    "regon": "000000000",
}


def export_meta(profile: SizeProfile) -> dict:
    """The export.json of the demo: fictional school, school year 2025/2026."""
    return {
        "format": EXPORT_FORMAT_NAME,
        "version": EXPORT_FORMAT_VERSION,
        "source_system": "archiver-demo",
        "exported_at": EXPORTED_AT,
        "school": dict(SCHOOL),
        "school_year": "2025/2026",
        "terms": [{"term": n, "start": s.isoformat(), "end": e.isoformat()}
                  for n, (s, e) in enumerate(profile.terms, start=1)],
        "timezone": TIMEZONE,
    }


def _subjects(draft: Draft) -> pd.DataFrame:
    used = set(draft.helpers["teaching"]["subject_id"])
    return pd.DataFrame([(sid, name, short) for sid, (name, short) in SUBJECTS.items()
                         if sid in used], columns=["subject_id", "name", "short_name"])


def generate(size: str = "small", seed: int = 2026) -> tuple[dict[str, pd.DataFrame], dict]:
    """Every table of the export format (schema columns, plain Python values; date-times
    tz-aware in Europe/Warsaw) and the export.json dict, for a demo size and seed."""
    profile = get_profile(size)
    exported = pd.Timestamp(EXPORTED_AT)
    draft = Draft.start(profile, seed, teaching_days(profile.terms))
    build_school(draft)
    build_timetable(draft)
    draft.tables["subjects"] = _subjects(draft)
    build_students(draft)
    build_guardians(draft)
    build_membership(draft)
    build_days_off(draft)
    build_lessons(draft, exported)
    build_attendance(draft, exported)
    build_grades(draft)
    build_behaviour(draft, build_notes(draft))
    build_messages(draft, exported)
    build_changes(draft, exported)
    return finalise(draft.tables), export_meta(profile)
