"""Scanned PDFs: refused with a pointer to --ocr; read by tesseract when asked, and the record says so."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

from requalify.cli import cli
from requalify.errors import NoTextLayer
from requalify.parsers import parse_document

from .makedocs import make_pdf, make_scanned_pdf, tos_html


@pytest.fixture(scope="module")
def scanned(tmp_path_factory):
    d = tmp_path_factory.mktemp("scan")
    return make_scanned_pdf(d / "scan.pdf", make_pdf(d / "text.pdf", tos_html()))


def test_scan_without_ocr_points_to_the_option(scanned):
    with pytest.raises(NoTextLayer) as err:
        parse_document(scanned)
    assert "no text layer" in err.value.message and "--ocr" in err.value.message
    r = CliRunner().invoke(cli, ["parse", str(scanned)])
    assert r.exit_code == 3 and "--ocr" in r.stderr


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract not installed (make setup-ocr)")
def test_scan_with_ocr_is_read_and_marked(scanned):
    doc = parse_document(scanned, ocr=True)
    assert doc.source.extraction.startswith("ocr (tesseract")
    assert doc.to_dict()["source"]["extraction"] == doc.source.extraction
    words = " ".join(doc.text.split()).lower()
    assert "itinéraire" in words and "désactiver le compte" in words
    assert any(c.heading_path[-1] == "3.2" for c in doc.clauses)
    r = CliRunner().invoke(cli, ["parse", str(scanned), "--ocr"])
    assert r.exit_code == 0 and "text by ocr (tesseract" in r.stdout
