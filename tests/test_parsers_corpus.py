"""Issue 2's acceptance criterion on the real corpus, read in place, plus golden clause files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from requalify.cli import cli
from requalify.parsers import parse_document

from .conftest import CORPUS, CORPUS_REAL, compare_golden, golden_json

REAL_DOCS = sorted((CORPUS_REAL / "tos").glob("*/*.*")) if (CORPUS_REAL / "tos").is_dir() else []
OWN_DOCS = sorted((CORPUS / "tos").glob("*.*")) + sorted((CORPUS / "demo").glob("*.md"))
GOLDEN_REAL = [
    "uber/conditions-generales-utilisation-fr_2024-03-09.md",
    "bolt/general-terms-for-drivers_2023-10-05.md",
    "heetch/conditions-generales-utilisation_2022-08-18.md",
    "chabber/terms-and-conditions_2022-09-05.md",
    "wecasa/conditions-generales-utilisation_2022-08-10.md",
]


def _rel(path: Path) -> str:
    for base in (CORPUS_REAL, CORPUS.parent):
        try:
            return str(path.relative_to(base))
        except ValueError:
            continue
    return path.name


@pytest.mark.skipif(not REAL_DOCS, reason="../shared/corpus-real is not beside this checkout")
@pytest.mark.parametrize("path", REAL_DOCS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_real_document_parses_into_located_clauses(path):
    result = CliRunner().invoke(cli, ["parse", str(path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    clauses = data["clauses"]
    assert len(clauses) >= 5
    for c in clauses:
        assert c["line_start"] >= 1 and c["line_end"] >= c["line_start"]
        assert c["heading_path"] and all(h.strip() for h in c["heading_path"])
    assert data["language"] in ("fr", "en")
    assert data["source"]["sha256"] and len(data["source"]["sha256"]) == 64


def _golden_view(path: Path) -> str:
    doc = parse_document(path)
    view = {
        "file": _rel(path),
        "format": doc.source.format,
        "language": doc.language,
        "metadata": {k: v for k, v in doc.metadata.items() if k != "encoding"},
        "clauses": [
            {"heading": c.heading, "lines": [c.line_start, c.line_end], "page": c.page,
             "chars": [c.char_start, c.char_end], "text": " ".join(c.text.split())[:100]}
            for c in doc.clauses
        ],
    }
    return golden_json(view)


@pytest.mark.parametrize("path", OWN_DOCS, ids=lambda p: p.name)
def test_golden_segmentation_of_project_examples(path):
    compare_golden(Path(__file__).parent / "golden" / "parsers" / f"{path.name}.json", _golden_view(path))


@pytest.mark.skipif(not REAL_DOCS, reason="../shared/corpus-real is not beside this checkout")
@pytest.mark.parametrize("rel", GOLDEN_REAL)
def test_golden_segmentation_of_real_documents(rel):
    path = CORPUS_REAL / "tos" / rel
    name = rel.replace("/", "__")
    compare_golden(Path(__file__).parent / "golden" / "parsers" / "real" / f"{name}.json", _golden_view(path))


@pytest.mark.parametrize("path", OWN_DOCS + REAL_DOCS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_clause_locations_point_into_the_source(path):
    """Offsets slice the text back to the clause; the source line at line_start holds its first words."""
    doc = parse_document(path)
    source_lines = path.read_text(encoding="utf-8", errors="replace").split("\n")
    previous_end = -1
    for c in doc.clauses:
        assert doc.text[c.char_start:c.char_end] == c.text
        assert c.char_start >= previous_end, "clauses overlap or are out of order"
        previous_end = c.char_end
        assert doc.line_at(c.char_start) == c.line_start
        first_word = next(w for w in c.text.split() if any(ch.isalnum() for ch in w))
        core = "".join(ch for ch in first_word if ch.isalnum())[:6]
        line = "".join(ch for ch in source_lines[c.line_start - 1] if ch.isalnum())
        assert core in line, (c.line_start, first_word)
