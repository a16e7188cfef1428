"""Passwords: generated strong and unambiguous, weak ones refused with the reason, and
never shown by accident."""

from __future__ import annotations

import math
import os
import pickle
import stat
import traceback
from datetime import datetime
from pathlib import Path

import pytest

from archiver.bundle import BundleWriter
from archiver.errors import InputError, RefusedError, StorageError
from archiver.passwords import (
    ALPHABET,
    ENV_VAR,
    Password,
    PasswordSlip,
    check_strength,
    estimate_bits,
    generate_password,
    read_password,
    write_slip,
)

LOOK_ALIKES = set("0O1lIio")


def test_generated_passwords_are_strong_and_free_of_look_alikes() -> None:
    samples = [generate_password().reveal() for _ in range(300)]
    assert len(set(samples)) == 300
    for text in samples:
        groups = text.split("-")
        assert [len(g) for g in groups] == [5] * 6
        assert set("".join(groups)) <= set(ALPHABET)
        assert not set(text) & LOOK_ALIKES
    assert 6 * 5 * math.log2(len(ALPHABET)) >= 128
    assert len(set(ALPHABET)) == len(ALPHABET) == 31
    assert all(check_strength(text, 80) >= 80 for text in samples[:20])


@pytest.mark.parametrize("weak", ["Password1", "haslo123", "zaq12wsx", "Bielsko-Biala-2026!",
                                  "szkolapodstawowa2026", "Tr0ub4dor&3", "a" * 40,
                                  "abcdefghijklmnopqrstuvwxyz", "Dziennik2025/2026"])
def test_weak_passwords_are_refused_with_the_reason(weak: str) -> None:
    with pytest.raises(RefusedError) as caught:
        check_strength(weak, 80)
    message = str(caught.value)
    assert "too weak" in message and "PBKDF2-SHA1" in message and "1,000" in message
    assert "random characters" in message
    assert weak not in message


def test_the_schools_own_words_weaken_a_password() -> None:
    text = "Twardowskiego25Bielsko!"
    assert estimate_bits(text, ["Twardowskiego"]) < estimate_bits(text)


def test_long_random_passwords_pass() -> None:
    assert check_strength("k9#Vq2!mZx7$Lp4@Rt8&Wn3*Hs6^Bd", 80) >= 80


def test_non_ascii_passwords_are_refused_as_unportable() -> None:
    with pytest.raises(RefusedError, match="printable ASCII"):
        check_strength("zażółć-gęślą-jaźń-" * 3, 80)


def test_the_password_hides_from_repr_str_format_and_pickle() -> None:
    secret = Password("very-secret-value-123")
    for shown in (repr(secret), str(secret), f"{secret}", f"{secret!r}", format(secret, "")):
        assert "very-secret" not in shown
    with pytest.raises(TypeError):
        pickle.dumps(secret)
    slip = PasswordSlip("b.zip", "ab" * 32, secret, datetime(2026, 6, 27), "sekretariat")
    assert "very-secret" not in repr(slip)
    assert "very-secret-value-123" in slip.text()


def test_a_failing_bundle_never_shows_its_password(tmp_path: Path) -> None:
    secret = generate_password()
    with pytest.raises(StorageError) as caught:
        with BundleWriter(tmp_path / "missing" / "b.zip", secret, {}):
            pass
    rendered = "".join(traceback.format_exception(caught.value))
    assert secret.reveal() not in rendered


def test_the_password_file_gives_its_first_line(tmp_path: Path) -> None:
    path = tmp_path / "haslo.txt"
    path.write_bytes(b"first-line-pass\r\nsecond line\n")
    assert read_password(path, environ={}).reveal() == "first-line-pass"


def test_the_file_wins_over_the_environment(tmp_path: Path) -> None:
    path = tmp_path / "haslo.txt"
    path.write_text("from-file\n")
    environ = {ENV_VAR: "from-env"}
    assert read_password(path, environ=environ).reveal() == "from-file"
    assert environ == {}  # removed all the same: no child process inherits it


def test_the_environment_variable_is_read_once_and_removed(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_VAR, "from-the-environment")
    assert read_password(None).reveal() == "from-the-environment"
    assert ENV_VAR not in os.environ  # child processes do not inherit it


def test_no_password_given_means_none() -> None:
    assert read_password(None, environ={}) is None


@pytest.mark.parametrize("content,error", [(None, "does not exist"), (b"\n", "empty"),
                                           (b"\xff\xfe", "not UTF-8")])
def test_unusable_password_files_are_named(tmp_path: Path, content: bytes | None,
                                           error: str) -> None:
    path = tmp_path / "haslo.txt"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(InputError, match=error) as caught:
        read_password(path, environ={})
    assert "haslo.txt" in str(caught.value)


def test_a_password_file_longer_than_a_few_kilobytes_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "film.mkv"  # a wrong file given by mistake: one long first line
    path.write_bytes(b"x" * (1 << 20))
    with pytest.raises(InputError, match="longer than 4 KB") as caught:
        read_password(path, environ={})
    assert "film.mkv" in str(caught.value)
    path.write_bytes(b"pass-on-the-first-line\n" + b"x" * 4000)  # short enough: accepted
    assert read_password(path, environ={}).reveal() == "pass-on-the-first-line"


def test_a_password_file_without_end_is_read_only_a_few_kilobytes() -> None:
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero here")
    with pytest.raises(InputError, match="longer than 4 KB"):  # not 2.8 GB, then MemoryError
        read_password(Path("/dev/zero"), environ={})


def test_the_slip_is_private_never_overwritten_and_never_beside_the_bundle(
        tmp_path: Path) -> None:
    slip = PasswordSlip("b.zip", "ab" * 32, Password("pw-on-paper"), datetime(2026, 6, 27),
                        "sekretariat")
    (tmp_path / "out").mkdir()
    with pytest.raises(RefusedError, match="bundle's folder"):
        write_slip(slip, tmp_path / "out" / "haslo.txt", bundle_dir=tmp_path / "out")
    written = write_slip(slip, tmp_path / "haslo.txt", bundle_dir=tmp_path / "out")
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    assert "pw-on-paper" in written.read_text() and "27.06.2026" in written.read_text()
    with pytest.raises(RefusedError, match="never overwritten"):
        write_slip(slip, tmp_path / "haslo.txt", bundle_dir=tmp_path / "out")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["haslo.txt", "out"]
