"""The attendance summary's charts: vectors (no raster image), fonts embedded, grey only (they
print in black and white), labelled, and the PDF/A checks still hold on their pages."""

from __future__ import annotations

import io
import re
import subprocess
import tempfile

import pikepdf
import pytest
from render_helpers import CTX, pdf_pages, spec_for

from archiver.config import Config
from archiver.demo import write_demo
from archiver.load import load_dataset
from archiver.render import render_document
from archiver.render.attendance_charts import (
    DARK,
    LIGHT,
    Bar,
    horizontal_bars,
    pupils_charts,
    trend_chart,
)
from archiver.views import build_attendance, make_scope
from archiver.views.attendance import Share
from archiver.views.scope import Period

PDFAID = "{http://www.aiim.org/pdfa/ns/id/}"


@pytest.fixture(scope="module")
def demo_year(tmp_path_factory):
    folder = write_demo(tmp_path_factory.mktemp("charts14") / "eksport", "small", 2026, "folder")
    dataset, _ = load_dataset(folder)
    spec = spec_for(dataset, "attendance", "0701", None, Period())
    return dataset, render_document(spec, dataset, Config(), CTX)


def _walk(resources, seen=None):
    """Every resource dictionary reachable from a page's (form XObjects nest their own)."""
    seen = seen if seen is not None else set()
    if resources is None or resources.objgen in seen and resources.objgen != (0, 0):
        return
    seen.add(resources.objgen)
    yield resources
    for xobject in resources.get("/XObject", {}).values():
        if xobject.get("/Subtype") == "/Form":
            yield from _walk(xobject.get("/Resources"), seen)
    for pattern in resources.get("/Pattern", {}).values():
        yield from _walk(pattern.get("/Resources"), seen)


def test_charts_are_vectors_with_embedded_fonts_and_pass_the_pdfa_checks(demo_year):
    _dataset, doc = demo_year
    pdf = pikepdf.open(io.BytesIO(doc.pdf))
    images, fonts = [], []
    for page in pdf.pages:
        for resources in _walk(page.Resources):
            images += [x for x in resources.get("/XObject", {}).values()
                       if x.get("/Subtype") == "/Image"]
            fonts += list(resources.get("/Font", {}).values())
    assert images == []  # no raster anywhere: the charts are paths and text
    for font in fonts:
        descendants = font.get("/DescendantFonts")
        descriptor = (descendants[0] if descendants else font).get("/FontDescriptor")
        assert descriptor is not None and any(
            k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), font.BaseFont
        assert "/ToUnicode" in font
    meta = pdf.open_metadata(set_pikepdf_as_editor=False)
    assert (meta[PDFAID + "part"], meta[PDFAID + "conformance"]) == ("3", "U")
    assert "sRGB" in str(pdf.Root.OutputIntents[0].OutputConditionIdentifier)
    assert {"attendance.csv", "lessons.csv", "scope.json"} <= set(pdf.attachments)
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(doc.pdf)
        handle.flush()
        check = subprocess.run(["qpdf", "--check", handle.name], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


def test_chart_text_is_in_the_pdf_threshold_and_every_pupil_labelled(demo_year):
    dataset, doc = demo_year
    text = "\n".join(pdf_pages(doc.pdf, layout=False))
    assert text.count("próg 50%") >= 2  # the pupils' chart and the months' chart
    pupils = dataset.students[dataset.students["class_id"] == "0701"]
    for row in pupils.itertuples():
        assert f"{row.register_number} {row.last_name} {row.first_name}" in text


def _subjects_word(n: int) -> str:
    """1 przedmiot, 2-4 przedmioty (not 12-14), else przedmiotów: the rule, restated."""
    if n == 1:
        return "przedmiot"
    if n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14):
        return "przedmioty"
    return "przedmiotów"


def test_pupils_below_the_threshold_in_some_subjects_are_counted_in_polish(demo_year):
    dataset, doc = demo_year
    view = build_attendance(dataset, Config(), make_scope(dataset.meta, "0701", Period()))
    per_pupil: dict[str, int] = {}
    for entry in view.at_risk:
        per_pupil[entry.name] = per_pupil.get(entry.name, 0) + 1
    assert per_pupil and max(per_pupil.values()) >= 5  # "przedmiotów" is among them
    lines = [ln for page in pdf_pages(doc.pdf) for ln in page.splitlines()]
    for name, n in per_pupil.items():  # on the pupil's bar: "57,3% – poniżej progu: 1 przedmiot"
        found = [ln for ln in lines if re.search(
            re.escape(name) + r"\s[^%]*?\d+,\d% – poniżej progu: (\d+) (\w+)", ln)]
        assert found, name
        match = re.search(re.escape(name) + r"\s[^%]*?\d+,\d% – poniżej progu: (\d+) (\w+)",
                          found[0])
        assert (int(match[1]), match[2]) == (n, _subjects_word(n)), found[0]


def test_charts_use_only_greys_so_they_print_in_black_and_white(small):
    view = build_attendance(small, Config(), make_scope(small.meta, "C7A", Period(
        small.meta.terms[0].start, small.meta.terms[0].end)))
    svg = str(trend_chart(view)) + "".join(str(c) for c in pupils_charts(view))
    colours = set(re.findall(r'(?:fill|stroke)="(#[0-9a-fA-F]{3,6})"', svg))
    assert colours
    for colour in colours:
        digits = colour[1:]
        if len(digits) == 3:
            digits = "".join(c * 2 for c in digits)
        assert digits[0:2] == digits[2:4] == digits[4:6], colour
    assert "<image" not in svg


def test_bar_below_the_threshold_is_black_and_the_others_grey():
    svg = str(horizontal_bars([Bar("a", Share(1, 3)), Bar("b", Share(3, 1)), Bar("c", None)],
                              50.0, "t"))
    fills = re.findall(r'<rect [^>]*fill="(#[0-9a-f]+)"', svg)
    assert fills == [DARK, LIGHT]  # 25% black, 75% grey; no bar for "no lesson"
    assert "brak lekcji" in svg


@pytest.mark.slow
def test_year_summary_of_the_large_demos_largest_class_fits_six_a4_pages(tmp_path):
    """The director's one document for a 30-pupil class: at-risk list, months' chart,
    overview, per-subject tables of the year and both terms, pupils' chart: at most 6 A4
    pages (README gives the figure)."""
    folder = write_demo(tmp_path / "eksport", "large", 2026, "folder")
    dataset, _ = load_dataset(folder)
    sizes = dataset.students.groupby("class_id").size()
    largest = sizes[sizes == sizes.max()].index
    class_id = max(largest, key=lambda c: dataset.lessons[dataset.lessons["class_id"] == c]
                   ["subject_id"].nunique())
    assert sizes.max() >= 30
    doc = render_document(spec_for(dataset, "attendance", class_id, None, Period()), dataset,
                          Config(), CTX)
    assert doc.pages <= 6
    pdf = pikepdf.open(io.BytesIO(doc.pdf))
    for page in pdf.pages:
        width, height = sorted(float(v) for v in page.MediaBox[2:])
        assert (round(width), round(height)) == (595, 842)  # A4 (landscape)
    text = "\n".join(pdf_pages(doc.pdf))
    for heading in ("Uczniowie zagrożeni nieklasyfikowaniem", "Frekwencja w miesiącach",
                    "Cały okres – według przedmiotów", "Semestr 1 – według przedmiotów",
                    "Semestr 2 – według przedmiotów", "Frekwencja uczniów w całym okresie",
                    "Za zgodność z dziennikiem elektronicznym"):
        assert heading in text
