"""Parents and legal guardians; siblings share theirs (same guardian_id, one row each)."""

from __future__ import annotations

import pandas as pd

from archiver.demo.names import ascii_slug, family_name, surname_for
from archiver.demo.state import Draft

MAIL_DOMAIN = "poczta.example"


def _guardian(draft: Draft, gid: str, relation: str, family: str, address: str) -> dict:
    fake, rng = draft.fake, draft.rng
    female = relation != "ojciec" and (relation == "matka" or rng.random() < 0.7)
    first = fake.first_name_female() if female else fake.first_name_male()
    # Some mothers kept their own name or carry a double-barrelled one.
    own = family if relation != "opiekun prawny" and rng.random() < 0.85 else family_name(fake)
    last = surname_for(own, female)
    if relation == "matka" and own == family and rng.random() < 0.06:
        last = f"{surname_for(family_name(fake), True)}-{last}"
    separate = relation == "ojciec" and rng.random() < 0.07  # parents living apart
    return {
        "guardian_id": gid, "first_name": first, "last_name": last, "relation": relation,
        "address": f"{fake.street_address()}, {fake.postcode()} {fake.city()}" if separate
        else address,
        "email": None if rng.random() < 0.08
        else f"{ascii_slug(first)}.{ascii_slug(last)}{int(rng.integers(1, 99))}@{MAIL_DOMAIN}",
        "phone": fake.phone_number(),
    }


def _relations(draft: Draft) -> list[str]:
    roll = draft.rng.random()
    if roll < 0.03:
        return ["opiekun prawny"]
    if roll < 0.18:
        return ["matka"]
    if roll < 0.22:
        return ["ojciec"]
    return ["matka", "ojciec"]


def build_guardians(draft: Draft) -> None:
    """Table guardians: one row per guardian and child, siblings sharing guardian_id."""
    people = draft.helpers["people"]
    rows, number = [], 0
    for root, children in people.groupby("family_of", sort=True):
        family, address = people.at[root, "family"], people.at[root, "address"]
        for relation in _relations(draft):
            number += 1
            guardian = _guardian(draft, f"R{number:05d}", relation, family, address)
            for student_id in children["student_id"]:
                rows.append({**guardian, "student_id": student_id})
    columns = ["guardian_id", "student_id", "first_name", "last_name", "relation", "address",
               "email", "phone"]
    draft.tables["guardians"] = pd.DataFrame(rows)[columns]
