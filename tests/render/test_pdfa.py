"""PDF/A-3u structure (read back with pikepdf and qpdf) and byte-identical re-renders."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import tempfile

import pikepdf
import pytest
from render_helpers import CTX, spec_for

from archiver.config import Config
from archiver.render import RunContext, render_document
from archiver.render.pdfa import html_to_pdfa

PDFAID = "{http://www.aiim.org/pdfa/ns/id/}"


@pytest.fixture(scope="module")
def register_pdf(rendered) -> pikepdf.Pdf:
    return pikepdf.open(io.BytesIO(rendered("register", "C7A").pdf))


def test_xmp_identifies_pdfa_3u_with_title_and_language(register_pdf):
    meta = register_pdf.open_metadata(set_pikepdf_as_editor=False)
    assert meta[PDFAID + "part"] == "3"
    assert meta[PDFAID + "conformance"] == "U"
    assert meta["dc:title"] == "Dziennik lekcyjny oddziału 7a"
    assert meta["dc:language"] == {"pl"}
    assert str(register_pdf.Root.Lang) == "pl"


def test_srgb_output_intent(register_pdf):
    intent = register_pdf.Root.OutputIntents[0]
    assert intent.S == "/GTS_PDFA1"
    assert "sRGB" in str(intent.OutputConditionIdentifier)
    profile = intent.DestOutputProfile
    assert int(profile.N) == 3 and profile.read_bytes()[36:40] == b"acsp"


def _fonts(pdf: pikepdf.Pdf):
    for page in pdf.pages:
        for font in page.Resources.get("/Font", {}).values():
            descendants = font.get("/DescendantFonts")
            yield font, (descendants[0] if descendants else font).get("/FontDescriptor")


def test_every_font_is_embedded(register_pdf):
    fonts = list(_fonts(register_pdf))
    assert len({str(f.BaseFont) for f, _ in fonts}) >= 3  # sans, serif and mono at least
    for font, descriptor in fonts:
        assert descriptor is not None, font.BaseFont
        assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), \
            font.BaseFont
        assert "/ToUnicode" in font, font.BaseFont  # level U: text maps to Unicode


def test_source_data_is_embedded_as_associated_files(register_pdf, small):
    files = register_pdf.attachments
    assert {"lessons.csv", "attendance.csv", "students.csv", "scope.json"} <= set(files)
    relations = {str(f.obj.AFRelationship) for f in files.values()}
    assert relations == {"/Source", "/Data"}
    assert len(register_pdf.Root.AF) == len(files)
    lessons = list(csv.DictReader(io.StringIO(
        files["lessons.csv"].get_file().read_bytes().decode("utf-8"))))
    held_and_cancelled = small.lessons[small.lessons["class_id"] == "C7A"]
    assert {r["lesson_id"] for r in lessons} == set(held_and_cancelled["lesson_id"])
    scope = json.loads(files["scope.json"].get_file().read_bytes())
    assert (scope["document"], scope["class_id"], scope["date_from"]) == (
        "register", "C7A", "2025-09-22")
    students = files["students.csv"].get_file().read_bytes().decode("utf-8")
    assert "pesel" not in students.splitlines()[0]  # not printed, so not attached either


def test_student_scoped_attachments_hold_only_that_student(rendered):
    pdf = pikepdf.open(io.BytesIO(rendered("register", "C7A", "S1").pdf))
    for name, spec in pdf.attachments.items():
        if not name.endswith(".csv"):
            continue
        rows = list(csv.DictReader(io.StringIO(spec.get_file().read_bytes().decode())))
        assert {r["student_id"] for r in rows if "student_id" in r} <= {"S1"}, name


def test_qpdf_check_passes(rendered):
    for kind, class_id in (("register", "C7A"), ("attendance", "C7A"), ("messages", None)):
        with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
            handle.write(rendered(kind, class_id).pdf)
            handle.flush()
            result = subprocess.run(["qpdf", "--check", handle.name], capture_output=True)
        assert result.returncode == 0, result.stdout + result.stderr


def test_same_input_and_source_date_epoch_give_identical_bytes(small):
    spec = spec_for(small, "register", "C7A")
    first = RunContext.create("sekretariat", {"SOURCE_DATE_EPOCH": "1782561600"})
    second = RunContext.create("sekretariat", {"SOURCE_DATE_EPOCH": "1782561600"})
    one = render_document(spec, small, Config(), first).pdf
    two = render_document(spec, small, Config(), second).pdf
    assert one == two
    later = RunContext.create("sekretariat", {"SOURCE_DATE_EPOCH": "1782565200"})
    assert render_document(spec, small, Config(), later).pdf != one


def test_attachment_dates_are_the_run_time(register_pdf):
    for spec in register_pdf.attachments.values():
        params = spec.obj.EF.F.Params
        assert str(params.CreationDate) == str(params.ModDate) == "D:20260627120000Z"
    assert str(register_pdf.docinfo.CreationDate).startswith("D:20260627120000")


def test_html_to_pdfa_for_other_documents_counts_pages():
    html = ("<html lang='pl'><body>" + "<p style='break-after: page'>Protokół</p>" * 3
            + "</body></html>")
    pdf, pages = html_to_pdfa(html, title="Protokół przekazania", run_ctx=CTX)
    assert pages == 3
    assert pikepdf.open(io.BytesIO(pdf)).open_metadata()[PDFAID + "part"] == "3"


def test_tagged_for_screen_readers_without_claiming_pdf_ua(register_pdf):
    assert bool(register_pdf.Root.MarkInfo.Marked)
    kinds = set()

    def walk(element) -> None:
        kinds.add(str(element.get("/S")))
        children = element.get("/K")
        for child in children if isinstance(children, pikepdf.Array) else [children]:
            if isinstance(child, pikepdf.Dictionary) and "/S" in child:
                walk(child)

    walk(register_pdf.Root.StructTreeRoot)
    assert {"/H1", "/H2", "/Table", "/TH", "/TD", "/P"} <= kinds
    xmp = register_pdf.Root.Metadata.read_bytes()
    assert b"pdfuaid" not in xmp


def test_separate_processes_with_other_hash_seeds_give_identical_bytes(rendered, tmp_path):
    """Byte-identity across runs, not only within one process (set and dict order)."""
    import os
    import sys
    from pathlib import Path

    script = tmp_path / "render_one.py"
    script.write_text(
        "import sys\n"
        f"sys.path.insert(0, {str(Path(__file__).parent)!r})\n"
        "from render_helpers import CTX, FIXTURE, spec_for\n"
        "from archiver.config import Config\n"
        "from archiver.load import load_dataset\n"
        "from archiver.render import render_document\n"
        "ds, _ = load_dataset(FIXTURE)\n"
        "doc = render_document(spec_for(ds, 'messages', None, 'S1'), ds, Config(), CTX)\n"
        "sys.stdout.buffer.write(doc.pdf)\n", encoding="utf-8")
    outputs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        outputs.append(subprocess.run([sys.executable, str(script)], env=env, check=True,
                                      capture_output=True).stdout)
    assert outputs[0] == outputs[1] == rendered("messages", None, "S1").pdf


def test_each_distinct_stream_is_deflated_once_at_level_6(small, monkeypatch):
    """pydyf deflates every stream at level 9 and again to hash the file for its
    identifier; archiver's stand-in deflates each distinct stream once, at level 6."""
    import hashlib
    import zlib

    import pydyf

    from archiver.render import deflate

    seen: list[bytes] = []
    real = zlib.compress

    def counting(data: bytes, level: int = -1) -> bytes:
        seen.append(hashlib.sha256(data).digest())
        assert level == 6
        return real(data, level)

    monkeypatch.setattr(deflate, "_cache", type(deflate._cache)())
    monkeypatch.setattr(deflate, "_cached_bytes", 0)
    monkeypatch.setattr(deflate.zlib, "compress", counting)
    assert isinstance(pydyf.zlib, deflate.PydyfZlib)
    doc = render_document(spec_for(small, "register", "C7A"), small, Config(), CTX)
    assert seen and len(seen) == len(set(seen))
    with pikepdf.open(io.BytesIO(doc.pdf)) as pdf:  # every stream still reads back
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream):
                obj.read_bytes()


def test_grid_rules_are_rectangles_marked_as_artifacts_not_shadings(register_pdf):
    """The attendance grid's rules are drawn as filled rectangles outside the tagged
    content, not as CSS gradients (shading patterns drawn by WeasyPrint's Python)."""
    ruled = 0
    for page in register_pdf.pages:
        shading = page.obj.Resources.get("/Shading", {})
        patterns = page.obj.Resources.get("/Pattern", {})
        assert len(shading) == 0 and len(patterns) == 0
        artifact, rectangles = False, 0
        for operands, operator in pikepdf.parse_content_stream(page):
            if str(operator) == "BMC" and str(operands[0]) == "/Artifact":
                artifact = True
            elif str(operator) == "EMC":
                artifact = False
            elif str(operator) == "re" and artifact:
                rectangles += 1
        ruled += rectangles > 40  # a block: a rule under every line, one per column
    assert ruled >= 1
