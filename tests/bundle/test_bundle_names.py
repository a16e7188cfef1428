"""Entry names: no personal names, nothing unsafe to extract; errors quote no name."""

from __future__ import annotations

from pathlib import Path

import pytest

from archiver.bundle import BundleWriter
from archiver.bundle.names import NameGuard
from archiver.errors import RefusedError
from archiver.passwords import Password

PEOPLE = ["Łukasz Wiśniewski", "Anna Kowalska-Nowak", "Zoë Ola"]


@pytest.mark.parametrize("name", [
    "dokumenty/wisniewski.pdf",          # diacritics dropped
    "dokumenty/LUKASZ/dziennik.pdf",      # letter case, and ł = l
    "dokumenty/uczen_Kowalska_1a.pdf",    # between separators
    "dokumenty/nowak-2026.pdf",           # one part of a double surname
    "dokumenty/AnnaKowalska.pdf",         # camelCase
    "dokumenty/kowalska2.pdf",            # letters then digits
    "dokumenty/ZOE.pdf",
])
def test_a_personal_name_in_an_entry_is_refused_without_quoting_it(
        tmp_path: Path, password: Password, name: str) -> None:
    with pytest.raises(RefusedError) as caught:
        with BundleWriter(tmp_path / "b.zip", password, {},
                          forbidden_name_tokens=PEOPLE) as bundle:
            bundle.add_bytes("dokumenty/klasa-1a.pdf", b"fine")
            bundle.add_bytes(name, b"x")
    message = str(caught.value)
    assert message.startswith("entry 2 contains a person's name")
    for person in PEOPLE:
        for part in person.replace("-", " ").split():
            assert part.lower() not in message.lower().replace("person", "")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["dokumenty/szkola-podstawowa.pdf",  # 'ola' inside a word
                                  "dokumenty/annapolis.pdf", "dokumenty/klasa-1a.pdf"])
def test_a_name_merely_containing_letters_of_a_person_is_accepted(name: str) -> None:
    assert NameGuard(PEOPLE).check(name, 1) == name


def test_a_person_in_the_bundle_name_is_refused(tmp_path: Path, password: Password) -> None:
    with pytest.raises(RefusedError, match="bundle's file name"):
        with BundleWriter(tmp_path / "wisniewski-2026.zip", password, {},
                          forbidden_name_tokens=PEOPLE):
            pass


def test_a_pesel_in_a_name_is_refused() -> None:
    with pytest.raises(RefusedError, match="PESEL"):
        NameGuard().check("uczen-44051401359.pdf", 3)
    assert NameGuard().check("numer-44051401358.pdf", 3)  # wrong check digit: not a PESEL


@pytest.mark.parametrize("name,reason", [
    ("../ucieczka.pdf", "'..'"),
    ("a/../../b.pdf", "'..'"),
    ("/etc/passwd", "absolute"),
    ("C:/Windows/x.pdf", "absolute"),
    ("dokumenty\\x.pdf", "backslash"),
    ("x\x00.pdf", "control"),
    ("x\n.pdf", "control"),
    ("x\u202e.pdf", "control"),  # right-to-left override
    ("CON", "reserved device"),
    ("dokumenty/nul.txt", "reserved device"),
    ("dokumenty/com1.pdf", "reserved device"),
    ("dokumenty/lpt9", "reserved device"),
    ("dokumenty/x.pdf.", "end with a dot"),
    ("dokumenty/ x.pdf", "begin with a space"),
    ("a//b.pdf", "empty"),
    ("./a.pdf", "empty or '.'"),
    ("50%.pdf", "'%'"),
    ("what?.pdf", "characters"),
    ("a" * 300 + ".pdf", "longer than"),
])
def test_unsafe_entry_names_are_refused(name: str, reason: str) -> None:
    with pytest.raises(RefusedError, match="entry 7: unsafe file name") as caught:
        NameGuard().check(name, 7)
    assert reason in str(caught.value)


def test_names_differing_only_in_letter_case_are_refused() -> None:
    guard = NameGuard()
    guard.check("data/Dziennik.pdf", 1)
    with pytest.raises(RefusedError, match="entry 2: a file of the same name"):
        guard.check("data/dziennik.PDF", 2)


def test_names_are_stored_in_nfc() -> None:
    decomposed = "data/zo\u0301\u0142w.pdf"  # o + combining acute
    assert NameGuard().check(decomposed, 1) == "data/zółw.pdf"


def test_a_refused_name_discards_the_bundle(tmp_path: Path, password: Password) -> None:
    with pytest.raises(RefusedError):
        with BundleWriter(tmp_path / "b.zip", password, {}) as bundle:
            bundle.add_bytes("ok.pdf", b"x")
            bundle.add_bytes("../x.pdf", b"x")
    assert list(tmp_path.iterdir()) == []
