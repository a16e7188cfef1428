"""`archiver audit show` and `archiver audit disclosures` as an operator and the DPO use them."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from audit_helpers import FIXTURE, StepClock, fill, sample_fields

from archiver.audit import AuditLog
from archiver.errors import ExitCode
from archiver.views.disclosures import CSV_COLUMNS


@pytest.fixture
def daily_log(state_dir: Path) -> AuditLog:
    """Six sample entries, one a day from 1 June 2026 08:00 UTC."""
    log = AuditLog(state_dir, clock=StepClock(datetime(2026, 6, 1, 8, 0, tzinfo=UTC),
                                              timedelta(days=1)))  # fmt: skip
    fill(log, 6)
    return log


def _table_seqs(out: str) -> list[int]:
    return [int(line.split()[0]) for line in out.splitlines()[1:]]


def test_show_lists_every_entry_as_a_table(daily_log: AuditLog, cli) -> None:
    code, out, err = cli("audit", "show")
    assert code == ExitCode.OK and err == ""
    header = out.splitlines()[0].split()
    assert header[:2] == ["seq", "time"] and "operator" in header and "outputs" in header
    assert _table_seqs(out) == [1, 2, 3, 4, 5, 6]
    row = out.splitlines()[2]
    assert "2026-06-02 08:00:00Z" in row and "disclose" in row and "student S1" in row


def test_show_filters_by_since_and_command(daily_log: AuditLog, cli) -> None:
    assert _table_seqs(cli("audit", "show", "--since", "2026-06-04")[1]) == [4, 5, 6]
    assert _table_seqs(cli("audit", "show", "--since", "2026-06-04T09:00")[1]) == [5, 6]
    assert _table_seqs(cli("audit", "show", "--command", "term-end")[1]) == [1, 5]
    out = cli("audit", "show", "--command", "term-end", "--since", "2026-06-03")[1]
    assert _table_seqs(out) == [5]


def test_show_json_gives_the_stored_entries(daily_log: AuditLog, cli) -> None:
    code, out, _err = cli("audit", "show", "--json", "--command", "disclose")
    entries = json.loads(out)
    assert code == ExitCode.OK and [e["seq"] for e in entries] == [2]
    assert entries[0] == next(e for e in daily_log.entries() if e.seq == 2).to_dict()


def test_show_rejects_a_bad_date_and_warns_about_a_damaged_log(daily_log, cli) -> None:
    code, _out, err = cli("audit", "show", "--since", "1 czerwca")
    assert code == ExitCode.USAGE and "YYYY-MM-DD" in err
    daily_log.path.write_bytes(daily_log.path.read_bytes()[:-4])
    code, out, err = cli("audit", "show")
    assert code == ExitCode.OK and "does not verify" in err and "line 6" in err
    assert _table_seqs(out) == [1, 2, 3, 4, 5]


def _disclose(log: AuditLog, student: str, case_ref: str) -> None:
    fields = sample_fields(2)
    fields.update(scope={**fields["scope"], "student_id": student}, case_ref=case_ref)
    fields["outputs"] = [
        {"name": f"udostepnienie-{case_ref[-2:]}.zip", "sha256": "ab" * 32, "size": 9,
         "kind": "bundle"},
        {"name": "pismo-przewodnie.pdf", "sha256": "cd" * 32, "size": 5},
    ]  # fmt: skip
    log.append(fields)


@pytest.fixture
def disclosures_log(state_dir: Path) -> AuditLog:
    """Disclosures on 15 Aug 2026 (year 2025/2026) and 1 Sep 2026 (2026/2027), plus noise."""
    log = AuditLog(state_dir, clock=StepClock(datetime(2026, 8, 15, 10, 0, tzinfo=UTC),
                                              timedelta(days=17)))  # fmt: skip
    _disclose(log, "S1", "III Nsm 11/26")
    _disclose(log, "S2", "III Nsm 12/26")
    log.append({**sample_fields(2), "result": "refused", "reason": "not a director"})
    log.append(sample_fields(1))
    return log


def _read_csv(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))


def test_disclosures_csv_has_one_row_per_completed_disclosure(
    disclosures_log: AuditLog, tmp_path: Path, cli
) -> None:
    out = tmp_path / "rejestr.csv"
    code, stdout, _err = cli("audit", "disclosures", "--out", str(out))
    assert code == ExitCode.OK and "2 disclosures" in stdout
    rows = _read_csv(out)
    assert tuple(rows[0]) == CSV_COLUMNS
    assert [r["Sygnatura sprawy"] for r in rows] == ["III Nsm 11/26", "III Nsm 12/26"]
    first = rows[0]
    assert first["Data udostępnienia"] == "15.08.2026 12:00"  # Polish summer time
    assert first["Odbiorca"] == "Sąd Rejonowy, III Wydział Rodzinny i Nieletnich"
    assert first["Podstawa prawna"] == "art. 6 ust. 1 lit. c RODO"
    assert first["Identyfikator ucznia"] == "S1" and first["Uczeń"] == ""
    assert first["Zakres danych"] == "dziennik lekcyjny (wyciąg), korespondencja (wiadomości)"
    assert first["Okres"] == "01.09.2025–30.01.2026"
    assert first["Zatwierdził"] == "T1" and first["Sporządził"] == "sekretariat-2"
    assert first["Plik pakietu"] == "udostepnienie-26.zip" and first["SHA-256 pakietu"] == "ab" * 32


def test_disclosures_by_school_year_with_names_from_the_export(
    disclosures_log: AuditLog, tmp_path: Path, cli
) -> None:
    out = tmp_path / "rejestr-2025-2026.csv"
    code, _stdout, _err = cli("audit", "disclosures", "--year", "2025/2026", "--source",
                              str(FIXTURE), "--out", str(out))  # fmt: skip
    assert code == ExitCode.OK
    (row,) = _read_csv(out)
    assert row["Uczeń"] == "Anna Kowalska" and row["Zatwierdził"] == "Maria Dyrektorska (T1)"
    (recorded,) = [e for e in disclosures_log.entries() if e.command == "audit-disclosures"]
    assert recorded.outputs[0]["name"] == out.name and recorded.scope["school_year"] == "2025/2026"
    assert "Kowalska" not in disclosures_log.path.read_text(encoding="utf-8")


def test_disclosures_never_overwrites_and_refuses_a_broken_log(
    disclosures_log: AuditLog, tmp_path: Path, cli
) -> None:
    out = tmp_path / "rejestr.csv"
    out.write_text("earlier register")
    code, _out, err = cli("audit", "disclosures", "--out", str(out))
    assert code == ExitCode.REFUSED and "not overwritten" in err
    assert out.read_text() == "earlier register"
    lines = disclosures_log.path.read_bytes().splitlines(keepends=True)
    del lines[1]
    disclosures_log.path.write_bytes(b"".join(lines))
    code, _out, err = cli("audit", "disclosures", "--out", str(tmp_path / "new.csv"))
    assert code == ExitCode.VERIFY_FAILED and "line 2" in err
    assert not (tmp_path / "new.csv").exists()


@pytest.mark.parametrize(
    "extra,name,message",
    [
        (["--year", "2025-2026"], "rejestr.csv", "2025/2026"),
        (["--year", "2025/2027"], "rejestr.csv", "2025/2026"),
        ([], "rejestr.txt", ".csv or .pdf"),
    ],
)
def test_disclosures_rejects_a_bad_year_or_format(
    disclosures_log, tmp_path, cli, extra, name, message
) -> None:
    out = tmp_path / name
    code, _out, err = cli("audit", "disclosures", *extra, "--out", str(out))
    assert code == ExitCode.USAGE and message in err and not out.exists()


def test_a_formula_in_a_cell_is_not_run_by_a_spreadsheet(state_dir: Path, tmp_path, cli) -> None:
    log = AuditLog(state_dir)
    log.append({**sample_fields(2), "recipient": '=HYPERLINK("http://x","klik")'})
    out = tmp_path / "r.csv"
    assert cli("audit", "disclosures", "--out", str(out))[0] == ExitCode.OK
    assert _read_csv(out)[0]["Odbiorca"].startswith("'=")
