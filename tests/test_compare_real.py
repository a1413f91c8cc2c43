"""The issue's acceptance run: the whole real corpus (../shared/corpus-real/tos, read in place)."""

from __future__ import annotations

import csv

import pytest

from requalify.compare import compare_corpus

pytestmark = pytest.mark.slow

MULTI_VERSION = {"bolt", "uber", "lyft", "malt", "wecasa", "allovoisins", "greatcontent"}


def test_real_corpus_matrix_and_versions(corpus_real, tmp_path):
    run = compare_corpus(corpus_real / "tos", tmp_path, formats={"csv"}, progress=False)
    assert not run.failed, [(r.item.id, r.error) for r in run.failed]
    with (tmp_path / "matrix.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 29 == len({r["sha256"] for r in rows})
    assert {r["status"] for r in rows} == {"done"}
    with (tmp_path / "version_pairs.csv").open(encoding="utf-8") as fh:
        pairs = list(csv.DictReader(fh))
    assert {p["platform"] for p in pairs} == MULTI_VERSION
    assert len(pairs) == 10  # Bolt 2, Lyft 2, Uber 2, one each for the other four
    for p in pairs:
        assert p["from_date"] < p["to_date"]
        assert int(p["changed"]) + int(p["added"]) + int(p["removed"]) + int(p["moved"]) > 0, p
    with (tmp_path / "versions.csv").open(encoding="utf-8") as fh:
        changes = list(csv.DictReader(fh))
    assert {c["platform"] for c in changes} == MULTI_VERSION
    wecasa = [c for c in changes if c["platform"] == "wecasa" and c["change"] == "changed"]
    assert any("[-6-] {+24+}" in c["word_diff"] for c in wecasa)  # cancellation notice 6 h -> 24 h
