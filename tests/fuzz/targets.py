"""Fuzz targets: each takes bytes and must return normally or raise InputError — anything else is a crash.

Used by ``run.py`` (coverage-guided, atheris) and by the regression test that
replays every input a fuzzer ever found.
"""

from __future__ import annotations

import importlib.util
import tempfile
from pathlib import Path

from requalify.errors import InputError


def _document(suffix: str):
    def target(data: bytes) -> None:
        from requalify.parsers import parse_document_bytes

        try:
            parse_document_bytes(data, f"fuzz-input{suffix}")
        except InputError:
            pass

    return target


def _activity(name: str):
    def target(data: bytes) -> None:
        from requalify.parsers.activity import parse_activity

        with tempfile.TemporaryDirectory() as d:
            f = Path(d) / name
            f.write_bytes(data)
            try:
                parse_activity([f])
            except InputError:
                pass

    return target


TARGETS = {
    "pdf": _document(".pdf"),
    "html": _document(".html"),
    "md": _document(".md"),
    "txt": _document(".txt"),
    "docx": _document(".docx"),
}
if importlib.util.find_spec("requalify.parsers.activity") is not None:
    TARGETS.update({
        "uber-online-offline": _activity("10 - Driver Online Offline.csv"),
        "uber-payments": _activity("19a - Driver Payments.csv"),
        "generic-csv": _activity("export.csv"),
        "json-export": _activity("iwgb-invoices.json"),
        "zip-download": _activity("download.zip"),
    })

REPO = Path(__file__).resolve().parents[2]


def seeds(target: str) -> list[bytes]:
    """Starting inputs: the project's own examples in the right format."""
    corpus = REPO / "corpus"
    by_suffix = {"html": "*.html", "md": "*.md", "txt": "*.txt"}
    if target in by_suffix:
        return [p.read_bytes() for p in sorted(corpus.rglob(by_suffix[target]))][:8]
    if target == "pdf":
        import sys

        sys.path.insert(0, str(REPO))
        from tests.makedocs import make_pdf, tos_html

        with tempfile.TemporaryDirectory() as d:
            return [make_pdf(Path(d) / "s.pdf", tos_html()).read_bytes()]
    if target == "docx":
        import sys

        sys.path.insert(0, str(REPO))
        from tests.makedocs import docx_bytes, tos_docx_paragraphs

        return [docx_bytes(tos_docx_paragraphs(), page_break_before={3})]
    fixtures = REPO / "tests" / "fixtures" / "activity"
    patterns = {"uber-online-offline": "*Online Offline*", "uber-payments": "*Payments*", "generic-csv": "*.csv",
                "json-export": "*.json", "zip-download": "*.zip"}
    found = sorted(fixtures.rglob(patterns.get(target, "*"))) + sorted((corpus / "demo").glob(patterns.get(target, "*")))
    return [p.read_bytes() for p in found if p.is_file() and p.stat().st_size < 2_000_000][:8]
