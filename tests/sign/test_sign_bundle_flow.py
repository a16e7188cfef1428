"""Signed bundles end to end: --sign-with at writing, and sign-request + an external
signature + sign-attach; every signature verifies and names the signer."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path

import bagit
import pytest
import pyzipper
from sign_pki import DIRECTOR, NOW
from sign_xades_maker import make_detached_xades

from archiver.bundle import BundleResult, BundleWriter, verify_bundle
from archiver.cli import main
from archiver.errors import ExitCode
from archiver.sign import Trust, sign_detached, sign_pdf
from archiver.sign.bundles import seal_bag, verify_bundle_signatures

PASSWORD = "Kp7v-Rz4m-Qx9t-Wd2h-Ln6c-Bj3s"
LATER = NOW + timedelta(days=1)


@pytest.fixture
def bundle(tmp_path: Path, pdfa: bytes, signer) -> BundleResult:
    """A bundle as term-end --sign-with writes it: PAdES PDFs and a .p7s of the manifest."""
    folder = tmp_path / "archiwum"
    folder.mkdir()
    with BundleWriter(folder / "SP1-2025-2026-rok.zip", PASSWORD,
                      {"Source-Organization": "Szkoła Podstawowa nr 1 w Testowie"},
                      created=NOW) as writer:
        writer.add_bytes("dokumenty/dziennik-1a.pdf", sign_pdf(pdfa, signer, signing_time=NOW))
        writer.add_bytes("index.html", b"<!doctype html><title>Spis</title>")
        seal_bag(writer, signer, NOW)
    assert writer.result is not None
    return writer.result


@pytest.fixture
def password_file(tmp_path: Path) -> Path:
    path = tmp_path / "haslo.txt"
    path.write_text(PASSWORD + "\n")
    return path


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(args)
    out, err = capsys.readouterr()
    return int(exited.value.code or 0), out, err


def read_bag(path: Path) -> dict[str, bytes]:
    with pyzipper.AESZipFile(path) as archive:
        archive.setpassword(PASSWORD.encode())
        top = path.stem + "/"
        return {i.filename[len(top):]: archive.read(i) for i in archive.infolist()}


def test_a_bundle_signed_at_writing_verifies_naming_the_signer(bundle: BundleResult,
                                                               trust) -> None:
    assert verify_bundle(bundle.path, PASSWORD).complete
    verdicts = verify_bundle_signatures(bundle.path, PASSWORD, trust)
    assert [(v.kind, v.ok, v.signer) for v in verdicts] == [
        ("CAdES", True, DIRECTOR),
        ("PAdES", True, DIRECTOR),
    ]
    bag = read_bag(bundle.path)
    # the seal signs the tag manifest (bag-info.txt and both manifests), so stands beside it
    assert "tagmanifest-sha256.txt.p7s" in bag
    listed = bag["tagmanifest-sha256.txt"].decode()
    assert "  bag-info.txt\n" in listed and "  manifest-sha256.txt\n" in listed
    assert ".p7s" not in listed


def test_external_p7s_flow_makes_a_new_verified_bundle_and_keeps_the_old(
    bundle: BundleResult, password_file: Path, tmp_path: Path, pki, signer,
    capsys: pytest.CaptureFixture[str],
) -> None:
    old_bytes = bundle.path.read_bytes()
    request = tmp_path / "do-podpisu.txt"
    code, out, err = run(["sign-request", str(bundle.path), "--out", str(request),
                          "--password-file", str(password_file)], capsys)
    assert code == ExitCode.OK, out + err
    assert request.read_bytes() == read_bag(bundle.path)["tagmanifest-sha256.txt"]
    assert hashlib.sha256(request.read_bytes()).hexdigest() in out

    # the director signs the request file elsewhere, the next day
    signature = tmp_path / "do-podpisu.txt.p7s"
    signature.write_bytes(sign_detached(request.read_bytes(), signer, LATER))
    code, out, err = run(["sign-attach", str(bundle.path), str(signature),
                          "--password-file", str(password_file),
                          "--trust", str(pki.root_pem)], capsys)
    assert code == ExitCode.OK, out + err
    new = bundle.path.with_name("SP1-2025-2026-rok-podpisany.zip")
    assert f"signed bundle: {new}" in out and DIRECTOR in out
    assert "SIGNATURES: OK" in out and PASSWORD not in out + err

    assert bundle.path.read_bytes() == old_bytes  # the original is untouched
    assert verify_bundle(bundle.path, PASSWORD).complete
    assert verify_bundle(new, PASSWORD).complete  # sidecar, manifests, tag manifest
    verdicts = verify_bundle_signatures(new, PASSWORD, [*_roots(pki)])
    assert {v.target: (v.ok, v.signer) for v in verdicts} == {
        "tagmanifest-sha256.txt (tagmanifest-sha256.txt-2.p7s)": (True, DIRECTOR),
        "tagmanifest-sha256.txt (tagmanifest-sha256.txt.p7s)": (True, DIRECTOR),
        "data/dokumenty/dziennik-1a.pdf (Podpis1)": (True, DIRECTOR),
    }


def test_external_xades_flow_and_the_bag_stays_valid_for_bagit(
    bundle: BundleResult, password_file: Path, tmp_path: Path, pki,
    capsys: pytest.CaptureFixture[str],
) -> None:
    request = tmp_path / "manifest.txt"
    run(["sign-request", str(bundle.path), "--out", str(request),
         "--password-file", str(password_file)], capsys)
    signature = tmp_path / "manifest.txt.xades"
    signature.write_bytes(make_detached_xades(request.read_bytes(), "manifest.txt",
                                              pki.director, NOW))
    code, out, err = run(["sign-attach", str(bundle.path), str(signature),
                          "--password-file", str(password_file),
                          "--out", str(tmp_path)], capsys)
    assert code == ExitCode.OK, out + err
    new = tmp_path / "SP1-2025-2026-rok-podpisany.zip"
    bag = read_bag(new)
    assert bag["tagmanifest-sha256.txt-2.xades"] == signature.read_bytes()
    verdicts = verify_bundle_signatures(new, PASSWORD, None)
    xades = [v for v in verdicts if v.kind == "XAdES"]
    assert len(xades) == 1 and xades[0].ok and xades[0].trust is Trust.NOT_CHECKED
    # bagit-python validates the signed bag (the seals stand beside the tag manifest)
    extracted = tmp_path / "rozpakowany"
    for name, data in bag.items():
        (extracted / name).parent.mkdir(parents=True, exist_ok=True)
        (extracted / name).write_bytes(data)
    bagit.Bag(str(extracted)).validate()


def test_a_signature_of_another_manifest_is_refused_and_nothing_is_written(
    bundle: BundleResult, password_file: Path, tmp_path: Path, signer,
    capsys: pytest.CaptureFixture[str],
) -> None:
    signature = tmp_path / "obcy.p7s"
    signature.write_bytes(sign_detached(b"inny manifest\n", signer, NOW))
    before = sorted(bundle.path.parent.iterdir())
    code, out, err = run(["sign-attach", str(bundle.path), str(signature),
                          "--password-file", str(password_file)], capsys)
    assert code == ExitCode.REFUSED
    assert "does not match this bundle's tagmanifest-sha256.txt" in err
    assert sorted(bundle.path.parent.iterdir()) == before


def test_an_unrelated_trust_root_refuses_the_attachment(
    bundle: BundleResult, password_file: Path, tmp_path: Path, pki, signer,
    capsys: pytest.CaptureFixture[str],
) -> None:
    manifest = read_bag(bundle.path)["tagmanifest-sha256.txt"]
    signature = tmp_path / "podpis.p7s"
    signature.write_bytes(sign_detached(manifest, signer, LATER))
    code, _out, err = run(["sign-attach", str(bundle.path), str(signature),
                           "--password-file", str(password_file),
                           "--trust", str(pki.unrelated_pem)], capsys)
    assert code == ExitCode.REFUSED and "no chain" in err


def test_attaching_the_same_signature_twice_is_refused(
    bundle: BundleResult, signer, tmp_path: Path,
) -> None:
    from archiver.errors import RefusedError
    from archiver.sign.bundles import sign_attach

    existing = tmp_path / "juz-jest.p7s"
    existing.write_bytes(read_bag(bundle.path)["tagmanifest-sha256.txt.p7s"])
    with pytest.raises(RefusedError, match="already in the bundle"):
        sign_attach(bundle.path, existing, PASSWORD)


def test_a_second_attachment_gets_a_new_name(bundle: BundleResult, signer, tmp_path: Path
                                             ) -> None:
    from archiver.sign.bundles import sign_attach

    manifest = read_bag(bundle.path)["tagmanifest-sha256.txt"]
    first, second = tmp_path / "1.p7s", tmp_path / "2.p7s"
    first.write_bytes(sign_detached(manifest, signer, NOW + timedelta(hours=1)))
    second.write_bytes(sign_detached(manifest, signer, NOW + timedelta(hours=2)))
    one = sign_attach(bundle.path, first, PASSWORD)
    two = sign_attach(one.path, second, PASSWORD)
    assert one.path.name == "SP1-2025-2026-rok-podpisany.zip"
    assert two.path.name == "SP1-2025-2026-rok-podpisany-2.zip"
    assert two.signature_name == "tagmanifest-sha256.txt-3.p7s"
    assert all(v.ok for v in two.verdicts) and len(two.verdicts) == 4


def test_sign_request_without_password_is_a_usage_error(
    bundle: BundleResult, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("ARCHIVER_PASSWORD", raising=False)
    code, _out, err = run(["sign-request", str(bundle.path), "--out",
                           str(tmp_path / "m.txt")], capsys)
    assert code == ExitCode.USAGE and "needs the bundle's password" in err
    assert not (tmp_path / "m.txt").exists()


def test_sign_request_never_overwrites(bundle: BundleResult, password_file: Path,
                                       tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                       ) -> None:
    existing = tmp_path / "m.txt"
    existing.write_text("moje notatki")
    code, _out, err = run(["sign-request", str(bundle.path), "--out", str(existing),
                           "--password-file", str(password_file)], capsys)
    assert code == ExitCode.REFUSED and existing.read_text() == "moje notatki"


def test_a_wrong_password_is_named_and_nothing_is_signed(
    bundle: BundleResult, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    wrong = tmp_path / "zle.txt"
    wrong.write_text("Zz9-zle-haslo-zupelnie-inne\n")
    code, _out, err = run(["sign-request", str(bundle.path), "--out",
                           str(tmp_path / "m.txt"), "--password-file", str(wrong)], capsys)
    assert code == ExitCode.VERIFY_FAILED and "wrong password" in err
    assert not (tmp_path / "m.txt").exists()


def _roots(pki) -> list:
    from archiver.sign import load_trust_roots

    return load_trust_roots([pki.root_pem])


def test_the_verify_check_fails_on_a_broken_signature_and_says_when_it_cannot_check(
    bundle: BundleResult, trust, unrelated_trust,
) -> None:
    from archiver.errors import VerificationError
    from archiver.sign.bundles import check_bundle_signatures

    report = verify_bundle(bundle.path, PASSWORD)
    good = check_bundle_signatures(bundle.path, PASSWORD, report, trust)
    summary = good.lines()[-1]
    assert good.ok and summary.startswith("SIGNATURES: OK") and DIRECTOR in summary
    good.raise_if_failed(bundle.path.name)  # no error

    untrusted = check_bundle_signatures(bundle.path, PASSWORD, report, unrelated_trust)
    assert not untrusted.ok
    with pytest.raises(VerificationError, match="2 signatures do not verify") as caught:
        untrusted.raise_if_failed(bundle.path.name)
    assert DIRECTOR not in str(caught.value)

    no_password = check_bundle_signatures(bundle.path, None, verify_bundle(bundle.path, None))
    assert no_password.lines() == ["signatures: NOT checked (no password given)"]


def test_one_changed_byte_of_bag_info_fails_verify_naming_the_seal(
    bundle: BundleResult, password_file: Path, tmp_path: Path, pki,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A forger with the password rewrites bag-info.txt and redoes every checksum: the
    bundle's own checks pass, the seal over the tag manifest does not."""
    from archiver.bundle.bagtext import parse_tag_file

    bag = read_bag(bundle.path)
    fields, _ = parse_tag_file(bag["bag-info.txt"])
    forged_info = {k: v.replace("nr 1", "nr 7") for k, v in fields
                   if k not in ("Payload-Oxum", "Bag-Size")}
    forged = tmp_path / "podrobiony" / bundle.path.name
    forged.parent.mkdir()
    with BundleWriter(forged, PASSWORD, forged_info, created=NOW) as writer:
        for name, data in bag.items():
            if name.startswith("data/"):
                writer.add_bytes(name.removeprefix("data/"), data)
        writer.seal_with(lambda _tags: [("tagmanifest-sha256.txt.p7s",
                                         bag["tagmanifest-sha256.txt.p7s"])])
    assert verify_bundle(forged, PASSWORD).complete  # checksums all redone
    code, out, err = run(["verify", str(forged), "--password-file", str(password_file),
                          "--trust", str(pki.root_pem), "--state-dir", str(tmp_path / "st")],
                         capsys)
    assert code == ExitCode.VERIFY_FAILED, out + err
    assert "FAILED: CAdES signature of tagmanifest-sha256.txt (tagmanifest-sha256.txt.p7s)" \
        in out
    assert "tagmanifest-sha256.txt" in err and "bag-info.txt" in out
