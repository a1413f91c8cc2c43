"""Issue 7: `requalify compare` over the whole real corpus, documents per minute, cold and warm.

Cold: an empty output folder, so every document is parsed, analysed and scored (the process
pool loads spaCy once per worker). Warm: the same command again, every document from the
SQLite cache (same file hashes, same rules version), so only alignment and outputs run.
Whole processes, start-up included. The corpus is read in place from ../shared/corpus-real.

    python benchmarks/bench_compare.py [--workers N] [--runs N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys

from _common import PYTHON, REPO, median, table, time_process, work_dir

CORPUS = REPO.parent / "shared" / "corpus-real" / "tos"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--runs", type=int, default=1, help="timed runs per row (cold runs are minutes each)")
    args = ap.parse_args()
    if not CORPUS.is_dir():
        print(f"skipped: {CORPUS} not found")
        return
    documents = sum(1 for p in CORPUS.rglob("*") if p.is_file() and not p.is_symlink())
    out = work_dir() / "compare"
    base = [PYTHON, "-m", "requalify.cli", "compare", str(CORPUS), "--out", str(out), "--quiet",
            "--workers", str(args.workers)]
    rows = []

    def measure(label: str, argv: list[str], cold: bool) -> None:
        times = []
        for _ in range(args.runs):
            if cold:
                shutil.rmtree(out, ignore_errors=True)
            times += time_process(argv, runs=1, warmup=0)
        s = median(times)
        rows.append({"run": label, "workers": args.workers, "documents": documents, "seconds": f"{s:.1f}",
                     "docs/min": f"{60 * documents / s:.1f}"})

    measure("cold, csv", base + ["--format", "csv"], cold=True)
    measure("warm, csv", base + ["--format", "csv"], cold=False)
    measure("warm, csv+parquet+json+html+pdf", base + ["--format", "csv,parquet,json,html,pdf"], cold=False)
    print(f"requalify compare on {CORPUS} ({documents} documents, {os.cpu_count()} cores on this machine)")
    print(table(rows, ["run", "workers", "documents", "seconds", "docs/min"]))


if __name__ == "__main__":
    sys.exit(main())
