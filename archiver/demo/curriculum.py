"""What is taught: subjects, weekly hours by grade, group splits, teacher specialisations.

Loosely follows the Polish framework timetable (ramowy plan nauczania) of a primary school.
"""

from __future__ import annotations

# subject_id -> (name, short_name)
SUBJECTS: dict[str, tuple[str, str]] = {
    "EW": ("Edukacja wczesnoszkolna", "ed. wczesn."),
    "POL": ("Język polski", "j. pol."),
    "MAT": ("Matematyka", "mat."),
    "ANG": ("Język angielski", "j. ang."),
    "NIEM": ("Język niemiecki", "j. niem."),
    "HIS": ("Historia", "hist."),
    "WOS": ("Wiedza o społeczeństwie", "wos"),
    "PRZ": ("Przyroda", "przyr."),
    "BIO": ("Biologia", "biol."),
    "GEO": ("Geografia", "geogr."),
    "FIZ": ("Fizyka", "fiz."),
    "CHEM": ("Chemia", "chem."),
    "INF": ("Informatyka", "inf."),
    "TECH": ("Technika", "techn."),
    "MUZ": ("Muzyka", "muz."),
    "PLA": ("Plastyka", "plast."),
    "WF": ("Wychowanie fizyczne", "wf"),
    "EDB": ("Edukacja dla bezpieczeństwa", "edb"),
    "REL": ("Religia", "rel."),
    "ETY": ("Etyka", "et."),
    "GW": ("Godzina wychowawcza", "godz. wych."),
}

_EARLY = {"EW": 16, "WF": 3, "ANG": 2, "REL": 2}
_GRADE_4_6 = {"POL": 5, "MAT": 4, "ANG": 3, "HIS": 2, "BIO": 1, "GEO": 1, "MUZ": 1,
              "PLA": 1, "TECH": 1, "INF": 1, "WF": 4, "REL": 2, "GW": 1}
WEEKLY_HOURS: dict[int, dict[str, int]] = {
    1: _EARLY, 2: _EARLY, 3: _EARLY,
    4: {"POL": 5, "MAT": 4, "ANG": 3, "HIS": 1, "PRZ": 2, "MUZ": 1, "PLA": 1, "TECH": 1,
        "INF": 1, "WF": 4, "REL": 2, "GW": 1},
    5: _GRADE_4_6,
    6: _GRADE_4_6,
    7: {"POL": 4, "MAT": 4, "ANG": 3, "NIEM": 2, "HIS": 2, "BIO": 2, "GEO": 2, "FIZ": 2,
        "CHEM": 2, "MUZ": 1, "PLA": 1, "INF": 1, "WF": 4, "REL": 2, "GW": 1},
    8: {"POL": 5, "MAT": 4, "ANG": 3, "NIEM": 2, "HIS": 2, "WOS": 2, "BIO": 1, "GEO": 1,
        "FIZ": 2, "CHEM": 2, "INF": 1, "EDB": 1, "WF": 3, "REL": 2, "GW": 1},
}

# From grade 4 on, these subjects are taught in two groups at the same time.
GROUP_SPLITS: dict[str, tuple[str, str]] = {
    "ANG": ("gr. 1", "gr. 2"),
    "INF": ("gr. 1", "gr. 2"),
    "WF": ("dz.", "chł."),
}
SPLIT_FROM_GRADE = 4
# In a class where some students chose ethics, religion and ethics run side by side.
RELIGION_GROUP, ETHICS_GROUP = "rel.", "et."

# Teacher specialisation -> the subjects such a teacher teaches.
SPECIALISATIONS: dict[str, tuple[str, ...]] = {
    "wczesnoszkolna": ("EW",),
    "polonista": ("POL",),
    "matematyk": ("MAT",),
    "anglista": ("ANG",),
    "germanista": ("NIEM",),
    "historyk": ("HIS", "WOS", "ETY"),
    "przyrodnik": ("PRZ", "BIO"),
    "chemik": ("CHEM", "GEO"),
    "fizyk": ("FIZ", "TECH"),
    "informatyk": ("INF",),
    "artysta": ("MUZ", "PLA"),
    "wuefista": ("WF", "EDB"),
    "katecheta": ("REL",),
}
SPECIALISATION_OF: dict[str, str] = {
    subject: spec for spec, subjects in SPECIALISATIONS.items() for subject in subjects
}
# A teacher's weekly load (pensum is 18; overtime is common).
MAX_WEEKLY_HOURS = 21

# Subjects with no grades (Godzina wychowawcza) and those graded descriptively in grades 1-3.
UNGRADED = frozenset({"GW"})
DESCRIPTIVE_EARLY = frozenset({"EW", "WF", "ANG"})

# Grading categories of partial grades: (category, weight, share of partial grades).
GRADE_CATEGORIES: tuple[tuple[str, float, float], ...] = (
    ("sprawdzian", 3.0, 0.2),
    ("kartkówka", 2.0, 0.25),
    ("odpowiedź ustna", 2.0, 0.2),
    ("praca domowa", 1.0, 0.2),
    ("aktywność", 1.0, 0.15),
)


def is_split(subject_id: str, grade: int) -> bool:
    """Whether the subject is taught in two parallel groups in this grade."""
    return subject_id in GROUP_SPLITS and grade >= SPLIT_FROM_GRADE
