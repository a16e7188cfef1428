"""bag-info.txt follows RFC 8493: labels, folded long values, computed fields."""

from __future__ import annotations

from pathlib import Path

import bagit
import pytest

from archiver.bundle.bagtext import fold_line, format_bag_info, parse_tag_file
from archiver.bundle.writer import BundleWriter
from archiver.errors import UsageError
from archiver.passwords import Password

LONG = ("Szkoła Podstawowa nr 25 im. Księdza Jana Twardowskiego w Bielsku-Białej, "
        "ul. Przykładowa 1, 43-300 Bielsko-Biała, sekretariat, pokój 12, parter")


def test_long_values_fold_to_79_columns_and_read_back_whole(tmp_path: Path) -> None:
    text = format_bag_info([("Source-Organization", LONG), ("Bag-Count", "1 of 1")])
    assert all(len(line) <= 79 for line in text.decode().splitlines())
    assert len(text.decode().splitlines()) == 4  # the value takes three lines
    assert parse_tag_file(text)[0] == [("Source-Organization", LONG), ("Bag-Count", "1 of 1")]
    (tmp_path / "bag-info.txt").write_bytes(text)
    read = dict(bagit._load_tag_file(str(tmp_path / "bag-info.txt")))  # bagit-python's reader
    assert " ".join(read["Source-Organization"].split()) == LONG


def test_a_word_longer_than_a_line_is_kept_whole() -> None:
    word = "x" * 120
    assert fold_line("External-Identifier", word) == f"External-Identifier: {word}\n"


@pytest.mark.parametrize("label", ["", "Has:Colon", " Leading", "Trailing ", "New\nLine"])
def test_labels_rfc_8493_forbids_are_refused(label: str) -> None:
    with pytest.raises(UsageError, match="not allowed by RFC 8493"):
        format_bag_info([(label, "x")])


@pytest.mark.parametrize("value", ["two\nlines", "carriage\rreturn", "bell\x07"])
def test_values_with_line_breaks_or_controls_are_refused(value: str) -> None:
    with pytest.raises(UsageError, match="line break or control"):
        format_bag_info([("Label", value)])


@pytest.mark.parametrize("label", ["Payload-Oxum", "Bag-Size"])
def test_computed_fields_cannot_be_given(tmp_path: Path, password: Password,
                                         label: str) -> None:
    with pytest.raises(UsageError, match="computed by the bundle writer"):
        BundleWriter(tmp_path / "b.zip", password, {label: "1.1"})


def test_a_caller_may_set_bagging_date_and_agent(tmp_path: Path, password: Password) -> None:
    info = {"Bagging-Date": "2026-06-30", "Bag-Software-Agent": "term-end 1.0"}
    with BundleWriter(tmp_path / "b.zip", password, info) as bundle:
        bundle.add_bytes("a.txt", b"abc")
    import pyzipper

    with pyzipper.AESZipFile(bundle.result.path) as archive:
        archive.setpassword(password.encode())
        text = archive.read("b/bag-info.txt").decode()
    assert text.count("Bagging-Date:") == 1 and "Bagging-Date: 2026-06-30" in text
    assert text.count("Bag-Software-Agent:") == 1
    assert "Payload-Oxum: 3.1\n" in text and "Bag-Size: 3 B\n" in text
