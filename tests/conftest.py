"""Shared fixtures: where the repository, its corpus and the shared real corpus are."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"
SHARED = REPO.parent / "shared"
CORPUS_REAL = SHARED / "corpus-real"
UPDATE_GOLDEN = os.environ.get("REQUALIFY_UPDATE_GOLDEN") == "1"


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def corpus_real() -> Path:
    """The real documents of ../shared/corpus-real, read in place (never copied into the project)."""
    if not (CORPUS_REAL / "tos").is_dir():
        pytest.skip("../shared/corpus-real is not beside this checkout")
    return CORPUS_REAL


def compare_golden(path: Path, actual: str) -> None:
    """Compare text with a reviewed golden file; REQUALIFY_UPDATE_GOLDEN=1 rewrites it."""
    if UPDATE_GOLDEN or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        if not UPDATE_GOLDEN:
            pytest.fail(f"golden file {path} did not exist; written now, review it and rerun")
        return
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, f"output differs from golden {path} (REQUALIFY_UPDATE_GOLDEN=1 rewrites it)"


def golden_json(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
