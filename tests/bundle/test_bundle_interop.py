"""A bundle opens with independent tools: 7-Zip, bagit-python, sha256sum, zipfile."""

from __future__ import annotations

import io
import struct
import subprocess
import zipfile
from datetime import datetime
from pathlib import Path

import bagit
import pytest
from bundle_fixtures import CREATED, PAYLOAD, SOURCE_NAME, write_bundle

from archiver.bundle import BundleResult, BundleWriter, verify_bundle
from archiver.passwords import Password

TOP = "SP25-2025-2026-okres-1"


def extract(seven_zip: str, bundle: Path, dest: Path, password: str) -> subprocess.CompletedProcess:
    return subprocess.run([seven_zip, "x", "-y", f"-p{password}", f"-o{dest}", str(bundle)],
                          capture_output=True, text=True, stdin=subprocess.DEVNULL)


def test_7zip_extracts_the_bundle_with_the_password(bundle: BundleResult, password: Password,
                                                    seven_zip: str, tmp_path: Path,
                                                    source_file: Path) -> None:
    result = extract(seven_zip, bundle.path, tmp_path / "x", password.reveal())
    assert result.returncode == 0, result.stdout + result.stderr
    data = tmp_path / "x" / TOP / "data"
    for name, content in PAYLOAD.items():
        assert (data / name).read_bytes() == content
    assert (data / SOURCE_NAME).read_bytes() == source_file.read_bytes()


@pytest.mark.parametrize("given", ["", "wrong-password-entirely"])
def test_7zip_refuses_without_the_right_password(bundle: BundleResult, seven_zip: str,
                                                 tmp_path: Path, given: str) -> None:
    result = extract(seven_zip, bundle.path, tmp_path / "x", given)
    assert result.returncode != 0
    extracted = [p for p in (tmp_path / "x").rglob("*") if p.is_file() and p.stat().st_size]
    assert not any(p.read_bytes() in PAYLOAD.values() for p in extracted)


def test_bagit_python_validates_the_extracted_bag(bundle: BundleResult, password: Password,
                                                  seven_zip: str, tmp_path: Path) -> None:
    assert extract(seven_zip, bundle.path, tmp_path / "x", password.reveal()).returncode == 0
    bag = bagit.Bag(str(tmp_path / "x" / TOP))
    bag.validate()  # raises BagValidationError with every problem otherwise
    assert bag.info["External-Identifier"] == "SP25/2025-2026/okres-1"
    assert bag.info["Internal-Sender-Description"] == ["Dzienniki lekcyjne",
                                                       "Zestawienia frekwencji"]
    assert bag.info["Payload-Oxum"] == bundle.payload_oxum
    assert " ".join(bag.info["Source-Organization"].split()).endswith("43-300 Bielsko-Biała")
    assert set(bag.algorithms) == {"sha256", "sha512"}


def test_sha256sum_accepts_the_sidecar(bundle: BundleResult) -> None:
    result = subprocess.run(["sha256sum", "-c", bundle.sidecar_path.name],
                            cwd=bundle.path.parent, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == f"{bundle.path.name}: OK"


def test_every_entry_is_aes_256_ae2_without_crc(bundle: BundleResult) -> None:
    data = bundle.path.read_bytes()
    with zipfile.ZipFile(bundle.path) as archive:
        infos = archive.infolist()
    assert len(infos) == len(bundle.entries)
    for info in infos:
        assert info.flag_bits & 1, info.filename
        assert info.compress_type == 99 and info.CRC == 0, info.filename
        n, m = struct.unpack_from("<2H", data, info.header_offset + 26)
        local_extra = data[info.header_offset + 30 + n : info.header_offset + 30 + n + m]
        for extra in (info.extra, local_extra):
            header_id, size, version, vendor, strength, method = struct.unpack_from(
                "<HHH2sBH", extra, extra.find(b"\x01\x99"))
            assert (header_id, size, version, vendor, strength) == (0x9901, 7, 2, b"AE", 3)
            assert method in (0, 8)


def test_the_bag_sits_in_one_folder_named_like_the_bundle(bundle: BundleResult) -> None:
    with zipfile.ZipFile(bundle.path) as archive:
        names = archive.namelist()
    assert all(name.startswith(f"{TOP}/") for name in names)
    assert names[0] == f"{TOP}/bagit.txt"
    assert names[-5:] == [f"{TOP}/{n}" for n in (
        "bag-info.txt", "manifest-sha256.txt", "manifest-sha512.txt",
        "tagmanifest-sha256.txt", "tagmanifest-sha512.txt")]
    assert [e.name for e in bundle.entries] == [n.removeprefix(f"{TOP}/") for n in names]


def test_timestamps_come_from_the_given_date(bundle: BundleResult) -> None:
    with zipfile.ZipFile(bundle.path) as archive:
        stamps = {info.date_time for info in archive.infolist()}
    assert stamps == {(2026, 6, 27, 15, 30, 4)}


def test_source_date_epoch_dates_the_bundle(tmp_path: Path, password: Password,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(CREATED.timestamp())))
    result = write_bundle(tmp_path / "b.zip", password, created=None)
    with zipfile.ZipFile(result.path) as archive:
        assert {i.date_time for i in archive.infolist()} == {(2026, 6, 27, 15, 30, 4)}
    assert result.created == CREATED


def _decrypted(path: Path, password: Password) -> dict[str, bytes]:
    import pyzipper

    with pyzipper.AESZipFile(path) as archive:
        archive.setpassword(password.encode())
        return {i.filename.split("/", 1)[1]: archive.read(i) for i in archive.infolist()}


def test_same_input_gives_the_same_bag_but_fresh_salts(tmp_path: Path, password: Password,
                                                      source_file: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = write_bundle(tmp_path / "a" / "b.zip", password, source_file)
    second = write_bundle(tmp_path / "b" / "b.zip", password, source_file)
    assert first.entries == second.entries
    assert _decrypted(first.path, password) == _decrypted(second.path, password)
    assert first.size == second.size
    assert first.sha256 != second.sha256  # random salts: nothing repeats between bundles


def test_manifests_list_every_payload_file_sorted(bundle: BundleResult,
                                                  password: Password) -> None:
    files = _decrypted(bundle.path, password)
    lines = files["manifest-sha256.txt"].decode().splitlines()
    paths = [line.split("  ", 1)[1] for line in lines]
    assert paths == sorted(f"data/{n}" for n in [*PAYLOAD, SOURCE_NAME])
    tag_lines = files["tagmanifest-sha256.txt"].decode().splitlines()
    assert sorted(line.split("  ", 1)[1] for line in tag_lines) == sorted(
        ["bagit.txt", "bag-info.txt", "manifest-sha256.txt", "manifest-sha512.txt",
         "protokol-przekazania.txt"])
    info = files["bag-info.txt"].decode()
    assert all(len(line) <= 79 for line in info.splitlines())
    # the day the bag was really made, not the fixed `created` time (issue 17: no backdating)
    today = datetime.now().astimezone().date().isoformat()
    assert f"Bagging-Date: {today}\n" in info and "Bag-Software-Agent: archiver " in info


def test_a_stream_of_unknown_size_is_stored_with_zip64(tmp_path: Path, password: Password,
                                                       seven_zip: str) -> None:
    data = b"line of text\n" * 100_000
    with BundleWriter(tmp_path / "s.zip", password, {}, created=CREATED) as bundle:
        record = bundle.add_stream("strumien.txt", io.BytesIO(data))
    assert record.size == len(data)
    assert verify_bundle(bundle.result.path, password).complete
    assert extract(seven_zip, bundle.result.path, tmp_path / "x", password.reveal()
                   ).returncode == 0
    assert (tmp_path / "x" / "s" / "data" / "strumien.txt").read_bytes() == data
