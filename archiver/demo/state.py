"""The demo's work in progress, passed from one generation step to the next."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd
from faker import Faker

from archiver.demo.profile import SizeProfile


@dataclass
class Draft:
    """Seeded random sources, the finished tables and the helper frames between steps.

    Helper frames (never written out):
    - teachers: staff_id, female, specialisation
    - people: student_id, female, ability, absence_rate (one row per student)
    - stays: class_id, student_id, start, end (the enrolment of each students row)
    - membership: class_id, group, student_id, start, end ("" = the whole class)
    - timetable: class_id, weekday, period, subject_id, teacher_id, group
    - teaching: class_id, subject_id, group, teacher_id (who teaches what)
    """

    profile: SizeProfile
    seed: int
    rng: np.random.Generator
    rnd: random.Random
    fake: Faker
    teaching_days: list[date]
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    helpers: dict[str, pd.DataFrame] = field(default_factory=dict)

    @classmethod
    def start(cls, profile: SizeProfile, seed: int, teaching_days: list[date]) -> Draft:
        """Fresh random sources for one seed; no global random state is touched."""
        fake = Faker("pl_PL")
        fake.seed_instance(seed)
        return cls(profile, seed, np.random.default_rng(seed), random.Random(seed), fake,
                   teaching_days)
