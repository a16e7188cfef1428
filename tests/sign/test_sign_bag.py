"""Signatures inside a bag: naming the tag files and checking every signature present."""

from __future__ import annotations

import pytest
from sign_pki import DIRECTOR, NOW
from sign_xades_maker import make_detached_xades

from archiver.errors import RefusedError
from archiver.sign import sign_detached
from archiver.sign.bag import check_attachable, signature_tag_name, verify_bag_signatures

MANIFEST = b"0f" * 32 + b"  data/dziennik-1a.pdf\n"


@pytest.fixture(scope="module")
def bag(signer, pki, signed_pdf: bytes, pdfa: bytes) -> dict[str, bytes]:
    return {
        "bagit.txt": b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n",
        "manifest-sha256.txt": MANIFEST,
        "manifest-sha256.txt.p7s": sign_detached(MANIFEST, signer, NOW),
        "manifest-sha256.txt-2.xades": make_detached_xades(
            MANIFEST, "manifest-sha256.txt", pki.director, NOW
        ),
        "data/dziennik-1a.pdf": signed_pdf,
        "data/frekwencja-1a.pdf": pdfa,
        "data/index.html": b"<html></html>",
    }


def test_every_signature_in_the_bag_is_checked_and_names_the_signer(bag, trust) -> None:
    verdicts = verify_bag_signatures(bag, trust)
    assert [(v.kind, v.target) for v in verdicts] == [
        ("XAdES", "manifest-sha256.txt (manifest-sha256.txt-2.xades)"),
        ("CAdES", "manifest-sha256.txt (manifest-sha256.txt.p7s)"),
        ("PAdES", "data/dziennik-1a.pdf (Podpis1)"),
    ]
    assert all(v.ok and v.signer == DIRECTOR for v in verdicts)


def test_a_changed_manifest_fails_every_manifest_signature(bag, trust) -> None:
    changed = dict(bag, **{"manifest-sha256.txt": MANIFEST.replace(b"0f", b"0e", 1)})
    verdicts = verify_bag_signatures(changed, trust)
    assert [v.ok for v in verdicts] == [False, False, True]


def test_a_changed_byte_in_a_signed_pdf_fails(bag, trust) -> None:
    pdf = bytearray(bag["data/dziennik-1a.pdf"])
    pdf[len(pdf) // 3] ^= 0x01
    verdicts = verify_bag_signatures(dict(bag, **{"data/dziennik-1a.pdf": bytes(pdf)}), trust)
    assert not verdicts[-1].ok


def test_a_signature_without_its_manifest_fails(bag, trust) -> None:
    without = {k: v for k, v in bag.items() if k != "manifest-sha256.txt"}
    verdicts = verify_bag_signatures(without, trust)
    assert not verdicts[0].ok and "missing" in verdicts[0].describe()


def test_a_signature_file_of_something_else_fails_instead_of_passing_unseen(bag) -> None:
    stray = dict(bag, **{"bag-info.txt.p7s": bag["manifest-sha256.txt.p7s"]})
    verdicts = verify_bag_signatures(stray)
    (failed,) = [v for v in verdicts if not v.ok]
    assert failed.target == "bag-info.txt.p7s"


def test_a_bag_without_signatures_gives_no_verdicts(bag) -> None:
    plain = {k: v for k, v in bag.items() if k in ("manifest-sha256.txt", "data/index.html")}
    assert verify_bag_signatures(plain) == []


def test_signature_names_never_replace_an_earlier_signature(bag) -> None:
    p7s, xml = bag["manifest-sha256.txt.p7s"], bag["manifest-sha256.txt-2.xades"]
    assert signature_tag_name(["manifest-sha256.txt"], p7s) == "manifest-sha256.txt.p7s"
    assert signature_tag_name(["manifest-sha256.txt"], xml) == "manifest-sha256.txt.xades"
    assert signature_tag_name(bag, p7s) == "manifest-sha256.txt-3.p7s"
    assert signature_tag_name(["manifest-sha256.txt-2.p7s"], xml) == "manifest-sha256.txt.xades"


def test_attaching_a_signature_of_another_manifest_is_refused(bag, signer) -> None:
    other = sign_detached(b"inny manifest\n", signer, NOW)
    with pytest.raises(RefusedError, match="does not match"):
        check_attachable(MANIFEST, other)


def test_attaching_with_an_unrelated_trust_root_is_refused(bag, unrelated_trust) -> None:
    with pytest.raises(RefusedError, match="no chain"):
        check_attachable(MANIFEST, bag["manifest-sha256.txt.p7s"], unrelated_trust)


def test_a_matching_signature_is_attachable(bag, trust) -> None:
    assert check_attachable(MANIFEST, bag["manifest-sha256.txt-2.xades"], trust).signer == DIRECTOR
