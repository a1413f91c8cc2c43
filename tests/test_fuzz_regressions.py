"""Every input a fuzzer ever found (tests/fuzz/regressions/<target>/) must now parse or give an InputError."""

from __future__ import annotations

from pathlib import Path

import pytest

from .fuzz.targets import TARGETS

REGRESSIONS = Path(__file__).parent / "fuzz" / "regressions"
CASES = sorted(p for p in REGRESSIONS.glob("*/*") if p.is_file() and p.parent.name in TARGETS)


@pytest.mark.skipif(not CASES, reason="no fuzz findings recorded yet")
@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.name}/{p.name[:20]}")
def test_fuzz_finding_no_longer_crashes(case):
    TARGETS[case.parent.name](case.read_bytes())


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_targets_accept_their_seeds_and_garbage(name):
    TARGETS[name](b"")
    TARGETS[name](b"\x00\xff" * 64)
