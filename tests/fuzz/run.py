"""`make fuzz`: coverage-guided fuzzing of every parser and adapter for a bounded time.

Each target runs in its own process under atheris. Every input that crashes,
hangs or exhausts memory is copied to ``tests/fuzz/regressions/<target>/``, where
``tests/test_fuzz_regressions.py`` replays it in every ``make test`` from then on.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from tests.fuzz.targets import TARGETS, seeds  # noqa: E402


def fuzz_one(name: str, seconds: int, jobs_dir: Path) -> dict:
    seed_dir = jobs_dir / f"{name}-seeds"
    seed_dir.mkdir(parents=True, exist_ok=True)
    for i, data in enumerate(seeds(name)):
        (seed_dir / f"seed-{i}").write_bytes(data)
    artifacts = jobs_dir / f"{name}-artifacts"
    artifacts.mkdir(exist_ok=True)
    cmd = [sys.executable, str(HERE / "_atheris_main.py"), name, f"-max_total_time={seconds}", "-timeout=20",
           "-rss_limit_mb=3072", "-max_len=262144", f"-artifact_prefix={artifacts}/", "-print_final_stats=1",
           str(seed_dir)]
    t0 = time.time()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    elapsed = time.time() - t0
    log = proc.stdout + proc.stderr
    runs = re.findall(r"stat::number_of_executed_units:\s*(\d+)", log)
    cov = re.findall(r"cov: (\d+)", log)
    found = sorted(p for p in artifacts.iterdir() if p.is_file())
    dest = HERE / "regressions" / name
    new = []
    for p in found:
        dest.mkdir(parents=True, exist_ok=True)
        target = dest / p.name
        if not target.exists():
            shutil.copyfile(p, target)
            new.append(target)
    if proc.returncode not in (0,) and not found:
        (jobs_dir / f"{name}.log").write_text(log)
    return {"target": name, "seconds": round(elapsed), "executions": int(runs[-1]) if runs else None,
            "coverage": int(cov[-1]) if cov else None, "new findings": len(new), "exit": proc.returncode,
            "files": [str(p.relative_to(HERE.parents[1])) for p in new]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--minutes", type=float, default=10, help="time per target")
    ap.add_argument("--targets", nargs="*", default=sorted(TARGETS), help=f"among {sorted(TARGETS)}")
    args = ap.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as d:
        for name in args.targets:
            print(f"fuzzing {name} for {args.minutes:g} min...", flush=True)
            r = fuzz_one(name, int(args.minutes * 60), Path(d))
            results.append(r)
            print(f"  {r['executions']} executions, coverage {r['coverage']}, new findings {r['new findings']}", flush=True)
            for f in r["files"]:
                print(f"  -> {f}")
    print("\n| target | seconds | executions | coverage | new findings |")
    print("|---|---|---|---|---|")
    for r in results:
        print(f"| {r['target']} | {r['seconds']} | {r['executions']} | {r['coverage']} | {r['new findings']} |")
    sys.exit(1 if any(r["new findings"] for r in results) else 0)


if __name__ == "__main__":
    main()
