"""disclose: only the student's own data reaches the institution, and it is recorded."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest
import pyzipper
from click.testing import CliRunner

from archiver.cli import main_group
from archiver.load import load_dataset

PASSWORD = "sikorka-Dab-47-latarnia-Odra-pierog-mak"
RECIPIENT = "Sąd Rejonowy w Lipowie, III Wydział Rodzinny i Nieletnich"
BASIS = "art. 15 ust. 1 pkt 2 ustawy o ochronie danych osobowych"
CASE = "III Nsm 123/26"


def pick_student(ds) -> str:
    """A pupil with guardians who took part in messages, in a class with class messages."""
    recipients = ds.message_recipients
    guardians = ds.guardians
    active = set(recipients.loc[recipients["recipient_kind"] == "guardian", "recipient_id"])
    for sid in ds.students["student_id"]:
        if set(guardians.loc[guardians["student_id"] == sid, "guardian_id"]) & active:
            return str(sid)
    raise AssertionError("demo has no such pupil")


def disclose_args(export: Path, out: Path, state: Path, pw: Path, student: str,
                  approved_by: str, **over: str) -> list[str]:
    opts = {"--student": student, "--recipient": RECIPIENT, "--legal-basis": BASIS,
            "--case-ref": CASE, "--approved-by": approved_by, "--out": str(out),
            "--password-file": str(pw), "--state-dir": str(state), "--jobs": "1", **over}
    return ["disclose", str(export), "--create-out", *[x for kv in opts.items() for x in kv]]


@pytest.fixture(scope="module")
def setup(tmp_path_factory, demo_export):
    ds, _ = load_dataset(demo_export)
    root = tmp_path_factory.mktemp("disclose")
    pw = root / "pw.txt"
    pw.write_text(PASSWORD + "\n")
    director = str(ds.staff.loc[ds.staff["roles"].str.contains("director"), "staff_id"].iloc[0])
    return ds, root, pw, director, pick_student(ds)


def director_by_name(ds, director: str) -> str:
    """The director as a secretary types her: surname first, no diacritics, any case."""
    import unicodedata

    row = ds.staff[ds.staff["staff_id"] == director].iloc[0]
    name = f"{row['last_name']} {row['first_name']}".upper()
    return "".join(c for c in unicodedata.normalize("NFKD", name)
                   if not unicodedata.combining(c)).replace("Ł", "L")


@pytest.fixture(scope="module")
def disclosed(setup, demo_export):
    ds, root, pw, director, student = setup
    result = CliRunner().invoke(main_group, disclose_args(
        demo_export, root / "out", root / "state", pw, student, director_by_name(ds, director)))
    assert result.exit_code == 0, result.output
    bundle = next((root / "out").glob("*.zip"))
    texts: dict[str, str] = {}
    attachments: dict[str, bytes] = {}
    with pyzipper.AESZipFile(bundle) as zf:
        zf.setpassword(PASSWORD.encode())
        for name in zf.namelist():
            data = zf.read(name)
            if name.endswith(".pdf"):
                texts[name] = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data,
                                             capture_output=True, check=True).stdout.decode()
                with pikepdf.open(io.BytesIO(data)) as pdf:
                    for key, spec in pdf.attachments.items():
                        attachments[f"{name}:{key}"] = spec.get_file().read_bytes()
            else:
                texts[name] = data.decode("utf-8", "replace")
    return ds, student, bundle, texts, attachments, root


def other_pupils_names(ds, student: str) -> set[str]:
    """Names of other pupils that are not also names of staff, the pupil or their family
    (a teacher may share a first name with a pupil and is rightly printed)."""
    own = ds.students[ds.students["student_id"] == student]
    family = ds.guardians[ds.guardians["student_id"] == student]
    allowed = set()
    for frame in (ds.staff, own, family):
        allowed |= set(frame["first_name"]) | set(frame["last_name"])
    others = ds.students[ds.students["student_id"] != student]
    return (set(others["first_name"]) | set(others["last_name"])) - allowed


def test_disclosure_holds_the_pupils_data_and_no_other_pupils_name(disclosed) -> None:
    ds, student, _bundle, texts, attachments, _root = disclosed
    me = ds.students[ds.students["student_id"] == student].iloc[0]
    docs = "\n".join(t for n, t in texts.items() if "/dokumenty/" in n)
    assert str(me["last_name"]) in docs
    assert "frekwencj" in docs.lower()
    forbidden = other_pupils_names(ds, student)
    assert forbidden, "the demo must have other pupils to leave out"
    for name, text in [*texts.items(), *((k, v.decode("utf-8", "replace"))
                                         for k, v in attachments.items())]:
        words = set(re.findall(r"\w+", text))
        leaked = words & forbidden
        assert not leaked, f"{name} holds other pupils' names ({len(leaked)})"


def test_no_whole_export_in_a_disclosure(disclosed) -> None:
    _ds, _student, _bundle, texts, _att, _root = disclosed
    assert not [n for n in texts if "/zrodlo/" in n]


def test_threads_without_the_pupil_or_guardians_are_absent(disclosed) -> None:
    ds, student, _bundle, texts, _att, _root = disclosed
    people = {student} | set(ds.guardians.loc[ds.guardians["student_id"] == student,
                                              "guardian_id"])
    msgs, rec = ds.messages, ds.message_recipients
    involved_msgs = set(msgs.loc[msgs["sender_id"].isin(people), "message_id"]) | set(
        rec.loc[rec["recipient_id"].isin(people), "message_id"])
    involved = set(msgs.loc[msgs["message_id"].isin(involved_msgs), "thread_id"])
    inside = set(msgs.loc[msgs["thread_id"].isin(involved), "subject"])
    outside = set(msgs.loc[~msgs["thread_id"].isin(involved), "subject"]) - inside
    transcript = " ".join(" ".join(t.split()) for n, t in texts.items() if "wiadomosci" in n)
    assert involved and outside
    for subject in inside:
        assert " ".join(str(subject).split())[:40] in transcript
    for subject in outside:
        assert " ".join(str(subject).split()) not in transcript


def test_cover_letter_names_recipient_basis_reference_and_director(disclosed) -> None:
    ds, _student, bundle, texts, _att, _root = disclosed
    letter = next(t for n, t in texts.items() if n.endswith("pismo-przewodnie.pdf"))
    flat = " ".join(letter.split())
    for phrase in (RECIPIENT, BASIS, CASE):
        assert phrase in flat
    director = ds.staff[ds.staff["roles"].str.contains("director")].iloc[0]
    assert f"{director['first_name']} {director['last_name']}" in flat
    outside = bundle.with_name(bundle.name.removesuffix(".zip") + "-pismo.pdf")
    copy = subprocess.run(["pdftotext", str(outside), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert CASE in " ".join(copy.split())
    me = ds.students[ds.students["student_id"] == disclosed[1]].iloc[0]
    # the recipient's copy, outside the bundle, names the one pupil (issue 15) and no other
    flat_copy = " ".join(copy.split())
    assert f"{me['first_name']} {me['last_name']}" in flat_copy
    assert "Egzemplarz dla odbiorcy" in flat_copy
    others = ds.students[ds.students["student_id"] != disclosed[1]]
    assert [n for n in (others["first_name"] + " " + others["last_name"]) if n in flat_copy] == []


def test_approved_by_a_name_records_the_directors_id_only(setup, disclosed) -> None:
    import json

    ds, _root, _pw, director, _student = setup
    root = disclosed[5]
    entries = [json.loads(line) for line in (root / "state" / "audit.jsonl").read_text()
               .splitlines() if '"disclose"' in line]
    assert [e["approved_by"] for e in entries] == [director]
    row = ds.staff[ds.staff["staff_id"] == director].iloc[0]
    log = (root / "state" / "audit.jsonl").read_text(encoding="utf-8")
    assert row["last_name"] not in log and director_by_name(ds, director) not in log


def test_beside_the_disclosed_bundle_a_note_says_how_to_open_it(disclosed) -> None:
    ds, _student, bundle, _texts, _att, root = disclosed
    note = (bundle.parent / "JAK-OTWORZYC.txt").read_text(encoding="utf-8")
    assert bundle.name in note and "7-Zip" in note and "sha256sum -c" in note
    assert "-pismo.pdf" in note and "archiver verify" in note
    assert not set(re.findall(r"\w+", note)) & ds.personal_name_tokens()
    audit = (root / "state" / "audit.jsonl").read_text(encoding="utf-8")
    assert "JAK-OTWORZYC.txt" in audit


def test_disclosure_is_in_the_register_of_disclosures(disclosed) -> None:
    _ds, student, bundle, _texts, _att, root = disclosed
    out = root / "rejestr.csv"
    result = CliRunner().invoke(main_group, ["audit", "disclosures", "--out", str(out),
                                             "--state-dir", str(root / "state")])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8-sig")
    assert CASE in text and student in text and RECIPIENT in text


@pytest.mark.parametrize(("change", "named"), [
    ({"--approved-by": "NOBODY"}, "--approved-by"),
    ({"--student": "no-such-pupil"}, "student id"),
    ({"--legal-basis": "  "}, "--legal-basis"),
    ({"--case-ref": ""}, "--case-ref"),
    ("teacher", "director"),
])
def test_refusal_names_the_problem_and_writes_nothing(setup, demo_export, tmp_path, change,
                                                      named) -> None:
    ds, _root, pw, director, student = setup
    if change == "teacher":
        teacher = ds.staff.loc[~ds.staff["roles"].str.contains("director"), "staff_id"].iloc[0]
        change = {"--approved-by": str(teacher)}
    out, state = tmp_path / "out", tmp_path / "state"
    args = disclose_args(demo_export, out, state, pw, student, director, **change)
    result = CliRunner().invoke(main_group, args)
    assert result.exit_code == 4, result.output
    assert named in result.output
    assert not out.exists() or not any(out.iterdir())
    assert not (state / "audit.jsonl").exists() or (state / "audit.jsonl").read_text() == ""


def test_two_disclosures_at_once_are_both_recorded(setup, demo_export, tmp_path) -> None:
    ds, _root, pw, director, student = setup
    state = tmp_path / "state"
    procs = [subprocess.Popen([sys.executable, "-m", "archiver", *disclose_args(
        demo_export, tmp_path / f"out{i}", state, pw, student, director,
        **{"--document": "attendance"})], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for i in range(2)]
    for proc in procs:
        _out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err.decode()
    log = (state / "audit.jsonl").read_text().splitlines()
    assert len([line for line in log if '"disclose"' in line]) == 2
    verify = CliRunner().invoke(main_group, ["audit", "verify", "--state-dir", str(state)])
    assert verify.exit_code == 0, verify.output
