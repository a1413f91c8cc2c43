"""Shared helpers for benchmarks: timing whole processes, medians, tables."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WORK = REPO / "benchmarks" / "_work"
PYTHON = sys.executable


def work_dir() -> Path:
    WORK.mkdir(parents=True, exist_ok=True)
    return WORK


def time_process(argv: list[str], runs: int = 5, warmup: int = 1, env: dict | None = None) -> list[float]:
    """Wall seconds of whole processes (start-up included), after warm-up runs."""
    full_env = {**os.environ, **(env or {})}
    times = []
    for i in range(warmup + runs):
        t0 = time.perf_counter()
        proc = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=full_env)
        elapsed = time.perf_counter() - t0
        if proc.returncode != 0:
            raise SystemExit(f"benchmark command failed ({proc.returncode}): {' '.join(argv)}\n{proc.stderr.decode()[-2000:]}")
        if i >= warmup:
            times.append(elapsed)
    return times


def median(xs):
    return statistics.median(xs)


def table(rows: list[dict], columns: list[str]) -> str:
    widths = {c: max(len(c), *(len(str(r.get(c, ""))) for r in rows)) for c in columns}
    lines = ["| " + " | ".join(c.ljust(widths[c]) for c in columns) + " |",
             "|" + "|".join("-" * (widths[c] + 2) for c in columns) + "|"]
    for r in rows:
        lines.append("| " + " | ".join(str(r.get(c, "")).ljust(widths[c]) for c in columns) + " |")
    return "\n".join(lines)
