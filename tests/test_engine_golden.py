"""Findings on two corpus documents, compared with reviewed golden files.

Rewrite them after a reviewed rules or engine change with REQUALIFY_UPDATE_GOLDEN=1 and read the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from requalify.engine import detect_text
from requalify.parsers import parse_document
from requalify.rules import load_rules

REPO = Path(__file__).resolve().parent.parent
GOLDEN = REPO / "tests" / "golden" / "engine"
DOCS = ["corpus/tos/roulio-chauffeurs-fr.md", "corpus/tos/velocity-drivers-en.txt"]


def _snapshot(rel: str) -> str:
    findings = detect_text(parse_document(REPO / rel), load_rules())
    rows = []
    for f in findings:
        d = f.to_dict()
        d["source"]["path"] = rel
        rows.append(d)
    return json.dumps({"document": rel, "findings": rows}, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


@pytest.mark.parametrize("rel", DOCS, ids=[Path(d).stem for d in DOCS])
def test_golden_findings(rel):
    golden = GOLDEN / (Path(rel).stem + ".json")
    got = _snapshot(rel)
    if os.environ.get("REQUALIFY_UPDATE_GOLDEN") == "1" or not golden.exists():
        golden.write_text(got, encoding="utf-8")
    assert got == golden.read_text(encoding="utf-8")
