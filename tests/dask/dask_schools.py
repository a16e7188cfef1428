"""Demo exports of two different schools (and a broken third) for the cluster tests."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from archiver.demo import generate
from archiver.sources.write import write_export

PASSWORD = "tarcza-Wrzos-kompas-Lipa-93-zegar-Pstrag"
# 27.06.2026 14:30 UTC: every run of a test prints the same time (reproducible PDFs).
EPOCH = "1782570600"
TERM = "1"


def write_school(folder: Path, school_id: str, seed: int) -> Path:
    """The small demo generated with `seed`, under another school id, as a zip export."""
    tables, export = generate("small", seed)
    export["school"]["id"] = school_id
    return write_export(tables, export, folder / f"{school_id}.zip", "zip")


def write_invalid_school(folder: Path, seed: int) -> tuple[Path, str]:
    """An export whose first pupil's birth date holds the pupil's last name (a validation
    error quoting personal data); returns the path and that name."""
    tables, export = generate("small", seed)
    export["school"]["id"] = "sp9-zepsuta-demo"
    students = tables["students"].copy()
    students["birth_date"] = students["birth_date"].astype(object)
    last_name = str(students.loc[students.index[0], "last_name"])
    students.loc[students.index[0], "birth_date"] = last_name
    tables["students"] = pd.DataFrame(students)
    return write_export(tables, export, folder / "sp9-zepsuta-demo.zip", "zip"), last_name
