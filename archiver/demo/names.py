"""Polish names: surnames in both genders, alphabetical order, e-mail slugs and PESEL."""

from __future__ import annotations

import unicodedata
from datetime import date

from faker import Faker

_ALPHABET = "aąbcćdeęfghijklłmnńoópqrsśtuvwxyzźż"
_RANK = {ch: i for i, ch in enumerate(_ALPHABET)}


def polish_sort_key(text: str) -> tuple[int, ...]:
    """Key that sorts names in Polish alphabetical order (ą after a, ł after l, ż last)."""
    return tuple(_RANK.get(ch, 100 + ord(ch)) for ch in text.lower())


def family_name(fake: Faker) -> str:
    """A surname in its masculine form (Kowalski), or a form without gender (Nowak)."""
    return fake.last_name_male()


def surname_for(family: str, female: bool) -> str:
    """The surname a family member carries: Kowalski -> Kowalska for a woman."""
    if female and family.endswith(("ski", "cki", "dzki")):
        return family[:-1] + "a"
    return family


def ascii_slug(text: str) -> str:
    """Lower-case ASCII for e-mail addresses: Łucja Żółć -> lucja.zolc."""
    text = text.replace("ł", "l").replace("Ł", "L")
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum() or ch in ".-")


_PESEL_WEIGHTS = (1, 3, 7, 9, 1, 3, 7, 9, 1, 3)


def pesel_check_digit(first_ten: str) -> int:
    """The PESEL control digit of the first ten digits."""
    total = sum(int(d) * w for d, w in zip(first_ten, _PESEL_WEIGHTS, strict=True))
    return (10 - total % 10) % 10


def make_pesel(birth: date, female: bool, serial: int) -> str:
    """A PESEL for a birth date and sex; serial (0-999) makes it unique."""
    month = birth.month + {18: 80, 19: 0, 20: 20, 21: 40, 22: 60}[birth.year // 100]
    sex_digit = (serial * 7 + birth.day) % 5 * 2 + (0 if female else 1)
    first_ten = f"{birth.year % 100:02d}{month:02d}{birth.day:02d}{serial % 1000:03d}{sex_digit}"
    return first_ten + str(pesel_check_digit(first_ten))
