"""Signatures inside a bag: naming the tag files and checking every signature present."""

from __future__ import annotations

import hashlib

import pytest
from sign_pki import DIRECTOR, NOW
from sign_xades_maker import make_detached_xades

from archiver.errors import RefusedError
from archiver.sign import sign_detached
from archiver.sign.bag import check_attachable, signature_tag_name, verify_bag_signatures

MANIFEST = b"0f" * 32 + b"  data/dziennik-1a.pdf\n"
BAGIT = b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
BAG_INFO = b"Archive-Category: B5\nData-Exported-At: 2026-06-26T18:00:00+02:00\n"


def tag_manifest(files: dict[str, bytes]) -> bytes:
    names = ("bagit.txt", "bag-info.txt", "manifest-sha256.txt")
    return b"".join(f"{hashlib.sha256(files[n]).hexdigest()}  {n}\n".encode() for n in names)


TAGMANIFEST = tag_manifest({"bagit.txt": BAGIT, "bag-info.txt": BAG_INFO,
                            "manifest-sha256.txt": MANIFEST})


@pytest.fixture(scope="module")
def bag(signer, pki, signed_pdf: bytes, pdfa: bytes) -> dict[str, bytes]:
    return {
        "bagit.txt": BAGIT,
        "bag-info.txt": BAG_INFO,
        "manifest-sha256.txt": MANIFEST,
        "tagmanifest-sha256.txt": TAGMANIFEST,
        "tagmanifest-sha256.txt.p7s": sign_detached(TAGMANIFEST, signer, NOW),
        "tagmanifest-sha256.txt-2.xades": make_detached_xades(
            TAGMANIFEST, "tagmanifest-sha256.txt", pki.director, NOW
        ),
        "data/dziennik-1a.pdf": signed_pdf,
        "data/frekwencja-1a.pdf": pdfa,
        "data/index.html": b"<html></html>",
    }


def test_every_signature_in_the_bag_is_checked_and_names_the_signer(bag, trust) -> None:
    verdicts = verify_bag_signatures(bag, trust)
    assert [(v.kind, v.target) for v in verdicts] == [
        ("XAdES", "tagmanifest-sha256.txt (tagmanifest-sha256.txt-2.xades)"),
        ("CAdES", "tagmanifest-sha256.txt (tagmanifest-sha256.txt.p7s)"),
        ("PAdES", "data/dziennik-1a.pdf (Podpis1)"),
    ]
    assert all(v.ok and v.signer == DIRECTOR for v in verdicts)


def test_a_changed_bag_info_breaks_the_seal_even_with_its_checksums_redone(bag, trust) -> None:
    info = bytearray(BAG_INFO)
    info[len("Archive-Category: B")] = ord("A")  # B5 -> A5: one byte, retention changed
    changed = dict(bag, **{"bag-info.txt": bytes(info)})
    changed["tagmanifest-sha256.txt"] = tag_manifest(changed)  # as a forger would
    verdicts = verify_bag_signatures(changed, trust)
    assert [v.ok for v in verdicts] == [False, False, True]
    assert "tagmanifest-sha256.txt (tagmanifest-sha256.txt.p7s)" in verdicts[1].describe()
    assert "bag-info.txt" in verdicts[1].describe()


def test_an_older_bag_signed_over_the_payload_manifest_is_still_checked(signer, trust) -> None:
    older = {"manifest-sha256.txt": MANIFEST, "bag-info.txt": BAG_INFO,
             "manifest-sha256.txt.p7s": sign_detached(MANIFEST, signer, NOW)}
    (verdict,) = verify_bag_signatures(older, trust)
    assert verdict.ok and verdict.target == "manifest-sha256.txt (manifest-sha256.txt.p7s)"
    assert "bag-info.txt is not covered" in verdict.describe()


def test_a_changed_tag_manifest_fails_every_seal(bag, trust) -> None:
    changed = dict(bag, **{"tagmanifest-sha256.txt": TAGMANIFEST.replace(b"0", b"1", 1)})
    verdicts = verify_bag_signatures(changed, trust)
    assert [v.ok for v in verdicts] == [False, False, True]


def test_a_changed_byte_in_a_signed_pdf_fails(bag, trust) -> None:
    pdf = bytearray(bag["data/dziennik-1a.pdf"])
    pdf[len(pdf) // 3] ^= 0x01
    verdicts = verify_bag_signatures(dict(bag, **{"data/dziennik-1a.pdf": bytes(pdf)}), trust)
    assert not verdicts[-1].ok


def test_a_signature_without_its_manifest_fails(bag, trust) -> None:
    without = {k: v for k, v in bag.items() if k != "tagmanifest-sha256.txt"}
    verdicts = verify_bag_signatures(without, trust)
    assert not verdicts[0].ok and "missing" in verdicts[0].describe()


def test_a_signature_file_of_something_else_fails_instead_of_passing_unseen(bag) -> None:
    stray = dict(bag, **{"bag-info.txt.p7s": bag["tagmanifest-sha256.txt.p7s"]})
    verdicts = verify_bag_signatures(stray)
    (failed,) = [v for v in verdicts if not v.ok]
    assert failed.target == "bag-info.txt.p7s"


def test_a_bag_without_signatures_gives_no_verdicts(bag) -> None:
    plain = {k: v for k, v in bag.items() if k in ("manifest-sha256.txt", "data/index.html")}
    assert verify_bag_signatures(plain) == []


def test_signature_names_never_replace_an_earlier_signature(bag) -> None:
    p7s, xml = bag["tagmanifest-sha256.txt.p7s"], bag["tagmanifest-sha256.txt-2.xades"]
    assert signature_tag_name(["manifest-sha256.txt"], p7s) == "tagmanifest-sha256.txt.p7s"
    assert signature_tag_name(["manifest-sha256.txt"], xml) == "tagmanifest-sha256.txt.xades"
    assert signature_tag_name(bag, p7s) == "tagmanifest-sha256.txt-3.p7s"
    assert signature_tag_name(["tagmanifest-sha256.txt-2.p7s"], xml) == \
        "tagmanifest-sha256.txt.xades"
    # an older bag's signature of the payload manifest keeps its number too
    assert signature_tag_name(["manifest-sha256.txt.p7s"], p7s) == "tagmanifest-sha256.txt-2.p7s"


def test_attaching_a_signature_of_another_manifest_is_refused(bag, signer) -> None:
    other = sign_detached(b"inny manifest\n", signer, NOW)
    with pytest.raises(RefusedError, match="does not match"):
        check_attachable(TAGMANIFEST, other)


def test_attaching_with_an_unrelated_trust_root_is_refused(bag, unrelated_trust) -> None:
    with pytest.raises(RefusedError, match="no chain"):
        check_attachable(TAGMANIFEST, bag["tagmanifest-sha256.txt.p7s"], unrelated_trust)


def test_a_matching_signature_is_attachable(bag, trust) -> None:
    signature = bag["tagmanifest-sha256.txt-2.xades"]
    assert check_attachable(TAGMANIFEST, signature, trust).signer == DIRECTOR
