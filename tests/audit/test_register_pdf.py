"""The register of disclosures as a printed PDF/A document."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pikepdf
import pypdf
from audit_helpers import FIXTURE, StepClock, sample_fields

from archiver.audit import AuditLog, AuditRecord, record
from archiver.errors import ExitCode
from archiver.jobs.disclosures_register import disclosures_html
from archiver.render.context import RunContext
from archiver.views.disclosures import disclosure_rows


def _disclosures(state_dir: Path) -> AuditLog:
    log = AuditLog(state_dir, clock=StepClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC),
                                              timedelta(days=3)))  # fmt: skip
    for student, case_ref in (("S1", "III Nsm 41/26"), ("S2", "IV Nsm 7/26")):
        fields = sample_fields(2)
        with record(log, "disclose", operator="sekretariat",
                    scope={**fields["scope"], "student_id": student},
                    recipient='Sąd Rejonowy <b>Wydział</b> "Rodzinny"',
                    legal_basis=fields["legal_basis"], case_ref=case_ref,
                    approved_by="T1") as rec:  # fmt: skip
            assert isinstance(rec, AuditRecord)
            rec.add_output_bytes(f"udostepnienie-{student}.zip", b"PK", kind="bundle")
    return log


def _text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_pdf_register_lists_every_disclosure_with_names_and_page_numbers(
    state_dir: Path, tmp_path: Path, cli, monkeypatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1782900000")  # 1 July 2026, 10:00 UTC
    _disclosures(state_dir)
    out = tmp_path / "rejestr.pdf"
    code, _out, _err = cli("audit", "disclosures", "--year", "2025/2026", "--source",
                           str(FIXTURE), "--out", str(out), "--operator", "iod")  # fmt: skip
    assert code == ExitCode.OK
    pdf = out.read_bytes()
    text = " ".join(_text(pdf).split())
    assert "Rejestr udostępnień danych osobowych" in text
    assert "III Nsm 41/26" in text and "IV Nsm 7/26" in text
    assert "Anna Kowalska" in text and "Maria Dyrektorska" in text
    assert "rok szkolny 2025/2026" in text and "strona 1 z 1" in text
    assert "wydrukowano 01.07.2026 12:00 · osoba drukująca: iod" in text
    with pikepdf.open(io.BytesIO(pdf)) as document:  # PDF/A identification
        assert document.open_metadata().pdfa_status.startswith("3")


def test_the_html_register_prints_values_literally(state_dir: Path) -> None:
    log = _disclosures(state_dir)
    rows = disclosure_rows(log.entries())
    html = disclosures_html(rows, school_name="SP 7 <Testowo>", year=None,
                            run_ctx=RunContext.create("iod"))  # fmt: skip
    assert "SP 7 &lt;Testowo&gt;" in html and "<b>Wydział</b>" not in html
    assert "&lt;b&gt;Wydział&lt;/b&gt;" in html
